"""The call engine: a pure state machine that runs one call through a menu.

No I/O, no Flask: feed it caller events (``press``, ``speak``, ``silence``,
``hangup``) and each returns a ``Step``: what the event did as data (matched
option, no-match, timeout, retries used up, the node reached) and the
platform-neutral actions to play (``ivr.actions``). The call keeps the
transcript, language, variables, retry counts and the simulated seconds. Time
comes from an injectable clock, so schedules and timing are testable. Where
failures lead is ``ivr.retries``, shared with the graph and the audit.

>>> from ivr.loader import load_menu
>>> call = Call(load_menu("menus/acme-hot.yaml"), at=datetime(2026, 11, 23, 10, 0))
>>> call.start().node_reached
'main'
>>> step = call.press("0")
>>> step.kind, step.matched, step.node_reached, call.outcome.kind
('matched', '0', 'care', 'human')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from ivr.actions import Action, Dial, Enqueue, Gather, Hangup, Record, Say
from ivr.duration import estimate_seconds
from ivr.model import (
    BranchNode,
    Condition,
    DecideNode,
    Gathering,
    HangupNode,
    InputNode,
    Menu,
    MenuNode,
    Node,
    Option,
    Prompt,
    QueueNode,
    RecordNode,
    SayNode,
    SpokenOption,
    TransferNode,
)
from ivr.phrases import line_phrase, queue_announcements
from ivr.queueing import expected_wait
from ivr.retries import Failure, failure_route
from ivr.speech import digits_in, normalize, phrase_in, spoken_keys

REACTION_SECONDS = 1.5
MAX_AUTOMATIC_STEPS = 1000


class Clock(Protocol):
    """What the engine needs of a clock: the time now, and moving it on."""

    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> None: ...


@dataclass
class SimulatedClock:
    """A clock that only moves when the call does: starts at ``start``."""

    start: datetime
    elapsed: float = 0.0

    def now(self) -> datetime:
        """The simulated wall-clock time."""
        return self.start + timedelta(seconds=self.elapsed)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of the call pass."""
        self.elapsed += seconds


@dataclass(frozen=True)
class Line:
    """One line of the transcript: when, who (``ivr``, ``caller``, ``system``), what."""

    seconds: float
    who: str
    text: str
    node: str


@dataclass(frozen=True)
class Outcome:
    """Where a call ended: ``human``, ``system``, ``voicemail``, ``hangup``,
    ``caller-hangup`` or ``waiting`` (the caller gave no more input)."""

    kind: str
    node: str
    seconds: float
    detail: str = ""
    wait: float | None = None
    time_unknown: bool = False  # ``seconds`` leave out an unstated time in another system

    def describe(self) -> str:
        """One line for people, e.g. ``ended at human "billing" (queue) after 41.3 s``."""
        text = f'ended at {self.kind} "{self.node}"'
        text += f" ({self.detail})" if self.detail else ""
        text += f" after {self.seconds:.1f} s"
        if self.time_unknown:
            text += " and an unknown time in another system"
        if self.wait is not None:
            wait = "never (queue overloaded)" if math.isinf(self.wait) else f"{self.wait:.1f} s"
            text += f"; estimated wait for an agent: {wait}"
        return text


class CallOver(RuntimeError):
    """Raised when an event is given to a call that has ended."""


StepKind = Literal["started", "matched", "no-match", "timeout", "retries-used-up", "hangup"]


@dataclass(frozen=True)
class Step:
    """What one caller event did, as data (the transcript says it in prose).

    ``kind``: ``started`` (the call ran from a node: ``start``/``enter``),
    ``matched`` (an option was chosen, or an input's digits accepted),
    ``no-match`` / ``timeout`` (a failure with retries left), ``retries-used-up``
    (the failure that used them up), ``hangup`` (the caller hung up).
    ``node`` is where the caller was asked (None for ``started``); ``matched`` the
    option key (the digits entered, or a spoken option's name); ``retries_used`` the
    failures counted at ``node`` so far, this one included; ``node_reached`` where the call
    is now, waiting or ended, after any keys typed ahead.
    """

    kind: StepKind
    actions: tuple[Action, ...]
    node: str | None
    node_reached: str
    matched: str | None = None
    retries_used: int = 0
    ended: bool = False


class Call:
    """One call through ``menu``. Use ``start()`` first, then the event methods.

    ``at`` is when the call is answered (default now, in the hotline's timezone),
    unless a ``clock`` is given; ``lang`` defaults to the hotline's first language.
    """

    def __init__(
        self,
        menu: Menu,
        at: datetime | None = None,
        lang: str | None = None,
        clock: Clock | None = None,
        reaction: float = REACTION_SECONDS,
        variables: dict[str, str] | None = None,
        failures: dict[str, int] | None = None,
    ) -> None:
        self.menu = menu
        self.lang: str = lang or menu.hotline.default_language
        self.clock: Clock = clock or SimulatedClock(
            at or datetime.now(ZoneInfo(menu.hotline.timezone))
        )
        self.reaction = reaction
        self.variables: dict[str, str] = dict(variables or {})
        self.failures: dict[str, int] = dict(failures or {})
        self.transcript: list[Line] = []
        self.path: list[str] = []
        self.node: str | None = None
        # True once the call spent a time no one stated in another system (a transfer with
        # returns_to and no away): ``elapsed`` then counts only the known seconds
        self.time_unknown = False
        self._outcome: Outcome | None = None
        self._answered_at = self.clock.now()
        self._typeahead = ""
        self._pending_prompt = 0.0
        self._verdict: tuple[StepKind, str | None, int] | None = None

    # -- state -----------------------------------------------------------------
    @property
    def outcome(self) -> Outcome | None:
        """Where the call is or ended (None while it runs between nodes)."""
        return self._outcome

    @outcome.setter
    def outcome(self, value: Outcome | None) -> None:
        if value is not None and self.time_unknown and not value.time_unknown:
            value = replace(value, time_unknown=True)
        self._outcome = value

    @property
    def elapsed(self) -> float:
        """Simulated seconds since the call was answered."""
        return round((self.clock.now() - self._answered_at).total_seconds(), 2)

    @property
    def ended(self) -> bool:
        """True once the call reached an end (human, hang-up, voicemail)."""
        return self.outcome is not None and self.outcome.kind != "waiting"

    @property
    def waiting_node(self) -> Gathering | None:
        """The menu or input node waiting for the caller, if any."""
        node = self.menu.nodes.get(self.node or "")
        return node if isinstance(node, Gathering) and not self.ended else None

    # -- events ------------------------------------------------------------------
    def start(self) -> Step:
        """Answer the call: run from the start node to the first wait or end."""
        return self.enter(self.menu.start)

    def enter(self, node_id: str) -> Step:
        """Go to ``node_id`` and run until the caller is asked something or the call ends."""
        return self._step("started", None, self._enter(node_id))

    def press(self, keys: str) -> Step:
        """The caller presses one or more keys (extra keys are typed ahead)."""
        node = self._expect_waiting()
        self._listen(node, answered=True)
        self._log("caller", f"pressed {keys}", node.id)
        return self._step(None, node, self._keys(node, keys))

    def speak(self, text: str) -> Step:
        """The caller says ``text`` (matched against option phrases and spoken keys)."""
        node = self._expect_waiting()
        self._listen(node, answered=True)
        self._log("caller", f'said "{text}"', node.id)
        if isinstance(node, InputNode):
            actions = self._keys(node, digits_in(text, self.lang) or "?")
        elif not isinstance(node, MenuNode) or "speech" not in node.input_modes:
            actions = self._failure(node, "invalid")
        else:
            chosen = self._match_speech(node, text)
            actions = (
                self._failure(node, "invalid") if chosen is None else self._choose(node, *chosen)
            )
        return self._step(None, node, actions)

    def silence(self) -> Step:
        """The caller says and presses nothing until the timeout."""
        node = self._expect_waiting()
        self._listen(node, answered=False)
        self._log("caller", f"(silence, {node.timeout:g} s)", node.id)
        return self._step(None, node, self._failure(node, "timeout"))

    def hangup(self) -> Step:
        """The caller hangs up."""
        node = self.node or self.menu.start
        self._log("caller", "(hung up)", node)
        self.outcome = Outcome("caller-hangup", node, self.elapsed)
        return self._step("hangup", None, [Hangup(node)])

    # -- internals ---------------------------------------------------------------
    def _enter(self, node_id: str) -> list[Action]:
        actions: list[Action] = []
        self._run(node_id, actions)
        return actions

    def _step(self, kind: StepKind | None, node: Gathering | None, actions: list[Action]) -> Step:
        """The result of one event; ``kind`` None: the verdict given at ``node``."""
        verdict, self._verdict = self._verdict, None
        matched, retries_used = None, 0
        if kind is None:
            assert verdict is not None, "an event at a waiting node always gives a verdict"
            kind, matched, retries_used = verdict
        return Step(
            kind,
            tuple(actions),
            node.id if node else None,
            self.node or self.menu.start,
            matched,
            retries_used,
            self.ended,
        )

    def _verdict_once(self, kind: StepKind, matched: str | None = None, count: int = 0) -> None:
        """Keep the first verdict of an event (keys typed ahead give later ones)."""
        if self._verdict is None:
            self._verdict = (kind, matched, count)

    def _expect_waiting(self) -> Gathering:
        node = self.waiting_node
        if node is None:
            raise CallOver(
                "the call is not waiting for the caller"
                + (f": it {self.outcome.describe()}" if self.outcome else "")
            )
        return node

    def _listen(self, node: Gathering, *, answered: bool) -> None:
        """Let the prompt play out, then the reaction time or the timeout."""
        self.clock.advance(self._pending_prompt)
        self._pending_prompt = 0.0
        self.clock.advance(self.reaction if answered else node.timeout)

    def _log(self, who: str, text: str, node: str) -> None:
        self.transcript.append(Line(self.elapsed, who, text, node))

    def _say(self, prompt: Prompt, node: str, actions: list[Action], *, wait: bool = True) -> Say:
        text = prompt.text(self.lang, self.menu.hotline.default_language)
        say = Say(text, self.lang, node, prompt.audio)
        if text:
            self._log("ivr", text, node)
            actions.append(say)
            if wait:
                self.clock.advance(estimate_seconds(text))
        return say

    def _system(self, name: str, node: str, actions: list[Action], **values: object) -> None:
        apologies = self.menu.hotline.apologies
        text = line_phrase(name, self.lang, apologies=apologies, **values)
        self._say(Prompt({self.lang: text}), node, actions)

    def _run(self, node_id: str, actions: list[Action]) -> None:
        for _ in range(MAX_AUTOMATIC_STEPS):
            node = self.menu.nodes[node_id]
            self.node = node_id
            self.path.append(node_id)
            next_id = self._visit(node, actions)
            if next_id is None:
                return
            node_id = next_id
        self.outcome = Outcome("hangup", node_id, self.elapsed, "endless loop of automatic steps")
        actions.append(Hangup(node_id))

    def _visit(self, node: Node, actions: list[Action]) -> str | None:
        """Play ``node``; return the next node to run now, or None to stop."""
        if isinstance(node, SayNode):
            self._say(node.prompt, node.id, actions)
            if node.next is None:
                self._end("hangup", node, actions, "no next node")
            return node.next
        if isinstance(node, Gathering):
            return self._gather(node, actions)
        if isinstance(node, BranchNode):
            return self._branch(node)
        if isinstance(node, DecideNode):
            return self._decide(node)
        if isinstance(node, QueueNode):
            return self._queue(node, actions)
        if isinstance(node, TransferNode):
            self._say(node.prompt, node.id, actions)
            actions.append(Dial(node.id, node.to, node.ring, node.human))
            self.clock.advance(node.ring)
            self._log(
                "system",
                f"dialling {node.to}" + (", a person answers" if node.human else ""),
                node.id,
            )
            if node.returns_to and not node.human:
                return self._handed_back(node)
            kind = "human" if node.human else "system"
            self.outcome = Outcome(kind, node.id, self.elapsed, f"transfer to {node.to}")
            return None
        if isinstance(node, RecordNode):
            self._say(node.prompt, node.id, actions)
            actions.append(Record(node.id, node.max_length))
            self._log("system", f"recording a message (up to {node.max_length:g} s)", node.id)
            self.outcome = Outcome("voicemail", node.id, self.elapsed, "message recorded")
            if node.next:
                return node.next
            actions.append(Hangup(node.id))
            return None
        if isinstance(node, HangupNode):
            self._say(node.prompt, node.id, actions)
            self._end("hangup", node, actions)
            return None
        raise TypeError(f"unknown node kind {node!r}")

    def _handed_back(self, node: TransferNode) -> str | None:
        """Another system had the call for ``away`` seconds (unknown when not given) and hands
        it back: the call carries on at ``returns_to``."""
        if node.away is None:
            self.time_unknown = True
            spent = "an unknown time"
        else:
            self.clock.advance(node.away)
            spent = f"{node.away:g} s"
        self._log(
            "system", f"{node.to} hands the call back after {spent}: -> {node.returns_to}", node.id
        )
        return node.returns_to

    def _end(self, kind: str, node: Node, actions: list[Action], detail: str = "") -> None:
        actions.append(Hangup(node.id))
        self._log("system", "call ended", node.id)
        if self.outcome is None or self.outcome.kind not in ("voicemail",):
            self.outcome = Outcome(kind, node.id, self.elapsed, detail)

    def _gather(self, node: Gathering, actions: list[Action]) -> str | None:
        again = bool(node.reprompt) and self.failures.get(node.id, 0) > 0
        say = self._say(node.reprompt if again else node.prompt, node.id, actions, wait=False)
        self._pending_prompt = estimate_seconds(say.text)
        if isinstance(node, MenuNode):
            options = sorted(node.options, key=lambda opt: opt.key)  # file order never matters
            spoken = sorted(node.spoken, key=lambda opt: opt.name)
            hints = tuple(p for opt in options for p in opt.phrases)
            hints += tuple(p for opt in spoken for p in opt.phrases)
            digits = max((opt.length for opt in node.options), default=1)
            gather = Gather(
                node.id,
                (say,) if say.text else (),
                node.timeout,
                node.input_modes,
                hints,
                digits,
                None,
                node.interruptible,
                self.lang,
                self.failures.get(node.id, 0),
            )
        else:
            assert isinstance(node, InputNode)
            gather = Gather(
                node.id,
                (say,) if say.text else (),
                node.timeout,
                ("dtmf", "speech"),
                (),
                node.max_digits,
                node.finish_on,
                node.interruptible,
                self.lang,
                self.failures.get(node.id, 0),
            )
        if actions and isinstance(actions[-1], Say) and actions[-1] == say:
            actions.pop()
        actions.append(gather)
        self.outcome = Outcome("waiting", node.id, self.elapsed, "no more input from the caller")
        if self._typeahead:
            keys, self._typeahead = self._typeahead, ""
            if node.interruptible:
                self._pending_prompt = 0.0
            self._listen(node, answered=True)
            self._log("caller", f"typed ahead {keys}", node.id)
            actions.extend(self._keys(node, keys))
        return None

    def _keys(self, node: Gathering, keys: str) -> list[Action]:
        if isinstance(node, InputNode):
            return self._input_keys(node, keys)
        assert isinstance(node, MenuNode)
        if "dtmf" not in node.input_modes:
            return self._failure(node, "invalid")
        # the longest entry first (1234 reaches pattern 1XXX, not option 1); at one length
        # a plain key wins over a pattern
        for length in sorted({opt.length for opt in node.options}, reverse=True):
            option = node.chosen_by(keys[:length]) if len(keys) >= length else None
            if option:
                self._typeahead = keys[length:]
                return self._choose(node, option, keys[:length])
        return self._failure(node, "invalid")

    def _input_keys(self, node: InputNode, keys: str) -> list[Action]:
        entered, _, rest = keys.partition(node.finish_on) if node.finish_on else (keys, "", "")
        if not node.finish_on or node.finish_on not in keys:
            entered, rest = keys[: node.max_digits], keys[node.max_digits :]
        if not entered.isdigit() or not node.min_digits <= len(entered) <= node.max_digits:
            return self._failure(node, "invalid")
        self._verdict_once("matched", entered)
        self._typeahead = rest
        self.variables[node.var] = entered
        self.failures.pop(node.id, None)
        self.outcome = None
        return self._enter(node.next) if node.next else self._hang_up_here(node)

    def _hang_up_here(self, node: Node) -> list[Action]:
        actions: list[Action] = []
        self._end("hangup", node, actions, "no next node")
        return actions

    def _match_speech(self, node: MenuNode, text: str) -> tuple[Option | SpokenOption, str] | None:
        """The option ``text`` chooses and its entry (a key, or a spoken option's name): the
        longest phrase said, of keyed and spoken options alike (ties: the lowest key, then
        the spoken option's name, so option order never matters), else keys said ("tekan
        nol")."""
        said: list[tuple[tuple[int, int, int, str], Option | SpokenOption]] = [
            ((-len(normalize(words).split()), -len(words), 0, option.key), option)
            for option in node.options
            for words in option.phrases
            if phrase_in(words, text)
        ]
        said += [
            ((-len(normalize(words).split()), -len(words), 1, option.name), option)
            for option in node.spoken
            for words in option.phrases
            if phrase_in(words, text)
        ]
        if said:
            rank, option = min(said, key=lambda item: item[0])
            return option, rank[3]
        keys = spoken_keys(text, self.lang)
        chosen = node.chosen_by(keys) if keys else None
        return (chosen, keys) if keys and chosen else None

    def _choose(self, node: MenuNode, option: Option | SpokenOption, key: str) -> list[Action]:
        """Take ``option``, chosen by the entry ``key`` (a spoken option's: its name)."""
        self._verdict_once("matched", key)
        self.failures.pop(node.id, None)
        self.outcome = None
        if option.lang:
            self.lang = option.lang
        return self._enter(option.goto)

    def _failure(self, node: Gathering, failure: Failure) -> list[Action]:
        actions: list[Action] = []
        self._typeahead = ""
        count = self.failures.get(node.id, 0) + 1
        self.failures[node.id] = count
        self.outcome = None
        route = failure_route(node, failure, count)
        if route.used_up:
            self._verdict_once("retries-used-up", None, count)
            self.failures.pop(node.id, None)
            if route.target is None:
                self._system("fail_goodbye", node.id, actions)
                self._end("hangup", node, actions, "retries used up and no on_fail")
                return actions
            self._log("system", f"retries used up, going to {route.target}", node.id)
            self._run(route.target, actions)
            return actions
        self._verdict_once("timeout" if failure == "timeout" else "no-match", None, count)
        self._system("no_input" if failure == "timeout" else "invalid", node.id, actions)
        self._run(route.target or node.id, actions)
        return actions

    def _branch(self, node: BranchNode) -> str | None:
        for rule in node.rules:
            if rule.when is None or self._holds(rule.when):
                self._log(
                    "system",
                    f"branch: {rule.when.describe() if rule.when else 'otherwise'} -> {rule.goto}",
                    node.id,
                )
                return rule.goto
        self._log("system", "branch: no rule holds", node.id)
        self._end("hangup", node, [], "no branch rule holds")
        return None

    def _decide(self, node: DecideNode) -> str | None:
        """The outcome named by the call's variable ``node.var``, else the first outcome."""
        outcome = node.choose(self.variables)
        if outcome is None:
            self._end("hangup", node, [], "decision with no outcome")
            return None
        about = f" ({node.about})" if node.about else ""
        self._log("system", f"decision{about}: {outcome.name} -> {outcome.goto}", node.id)
        return outcome.goto

    def _holds(self, condition: Condition) -> bool:
        if condition.hours and not self.menu.hotline.is_open(condition.hours, self.clock.now()):
            return False
        if condition.lang and condition.lang != self.lang:
            return False
        if condition.var and not self.variables.get(condition.var):
            return False
        return all(self.variables.get(k) == v for k, v in condition.equals.items())

    def _queue(self, node: QueueNode, actions: list[Action]) -> str | None:
        if not self.menu.hotline.is_open(node.hours, self.clock.now()):
            self._log("system", f'queue "{node.name}" is closed now', node.id)
            if node.after_hours:
                return node.after_hours
            self._system("closed_goodbye", node.id, actions)
            self._end("hangup", node, actions, f'queue "{node.name}" closed')
            return None
        if node.when_full and (node.capacity == 0 or self.variables.get(node.id) == "full"):
            self._log("system", f'queue "{node.name}" is full ({node.capacity} waiting)', node.id)
            return node.when_full
        self._say(node.prompt, node.id, actions)
        wait = expected_wait(node)
        for text in queue_announcements(node, self.lang):
            self._say(Prompt({self.lang: text}), node.id, actions)
        message = node.message.text(self.lang, self.menu.hotline.default_language)
        actions.append(
            Enqueue(node.id, node.name, wait, node.callback, node.hold, message, self.lang)
        )
        self._log("system", f'waiting in queue "{node.name}"', node.id)
        self.outcome = Outcome("human", node.id, self.elapsed, f'queue "{node.name}"', wait)
        return None

    def snapshot(self) -> dict:
        """The state a stateless server needs to carry on the call (see ``resume``)."""
        return {
            "node": self.node,
            "lang": self.lang,
            "variables": dict(self.variables),
            "failures": dict(self.failures),
            "elapsed": self.elapsed,
        }

    @classmethod
    def resume(
        cls,
        menu: Menu,
        node: str,
        *,
        lang: str | None = None,
        variables: dict[str, str] | None = None,
        failures: dict[str, int] | None = None,
        at: datetime | None = None,
    ) -> Call:
        """A call already waiting at ``node`` (a menu or input), as a webhook sees it."""
        call = cls(
            menu, at=at, lang=lang, variables=dict(variables or {}), failures=dict(failures or {})
        )
        waiting = menu.nodes.get(node)
        if not isinstance(waiting, Gathering):
            raise KeyError(node)
        call.node = node
        call.path.append(node)
        prompt = waiting.prompt.text(call.lang, menu.hotline.default_language)
        call._pending_prompt = estimate_seconds(prompt)
        call.outcome = Outcome("waiting", node, 0.0)
        return call
