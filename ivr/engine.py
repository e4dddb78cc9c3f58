"""The call engine: a pure state machine that runs one call through a menu.

No I/O, no Flask: feed it caller events (``press``, ``speak``, ``silence``,
``hangup``) and it returns platform-neutral actions (``ivr.actions``), keeps
the transcript, language, variables, retry counts and the simulated seconds.
Time comes from an injectable clock, so schedules and timing are testable.

>>> from ivr.loader import load_menu
>>> call = Call(load_menu("menus/acme-hot.yaml"), at=datetime(2026, 11, 23, 10, 0))
>>> _ = call.start()
>>> _ = call.press("0")
>>> call.outcome.kind
'human'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ivr.actions import Action, Dial, Enqueue, Gather, Hangup, Record, Say
from ivr.duration import estimate_seconds
from ivr.model import (
    BranchNode,
    Condition,
    Gathering,
    HangupNode,
    InputNode,
    Menu,
    MenuNode,
    Node,
    Prompt,
    QueueNode,
    RecordNode,
    SayNode,
    TransferNode,
)
from ivr.phrases import phrase
from ivr.queueing import expected_wait
from ivr.speech import digits_in, normalize, phrase_in

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

    def describe(self) -> str:
        """One line for people, e.g. ``ended at human "billing" (queue) after 41.3 s``."""
        text = f'ended at {self.kind} "{self.node}"'
        text += f" ({self.detail})" if self.detail else ""
        text += f" after {self.seconds:.1f} s"
        if self.wait is not None:
            wait = "never (queue overloaded)" if math.isinf(self.wait) else f"{self.wait:.1f} s"
            text += f"; estimated wait for an agent: {wait}"
        return text


def queue_announcements(node: QueueNode, lang: str) -> list[str]:
    """What a queue tells a caller on entry: the estimated wait, the call-back offer.

    A webhook also plays them from the queue's hold loop (Twilio's ``waitUrl``).
    """
    texts = []
    if node.announce_wait:
        wait = expected_wait(node)
        if wait is None or math.isinf(wait):
            texts.append(phrase("busy", lang))
        elif wait < 60:
            texts.append(phrase("wait_short", lang))
        elif round(wait / 60) == 1:
            texts.append(phrase("wait_one", lang))
        else:
            texts.append(phrase("wait", lang, minutes=round(wait / 60)))
    if node.callback:
        texts.append(phrase("callback", lang))
    return texts


class CallOver(RuntimeError):
    """Raised when an event is given to a call that has ended."""


@dataclass
class Call:
    """One call through ``menu``. Use ``start()`` first, then the event methods."""

    menu: Menu
    at: datetime | None = None
    lang: str | None = None
    clock: Clock | None = None
    reaction: float = REACTION_SECONDS
    variables: dict[str, str] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    transcript: list[Line] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    node: str | None = None
    outcome: Outcome | None = None
    _typeahead: str = ""
    _pending_prompt: float = 0.0

    def __post_init__(self) -> None:
        if self.clock is None:
            zone = ZoneInfo(self.menu.hotline.timezone)
            self.clock = SimulatedClock(self.at or datetime.now(zone))
        self._answered_at = self.clock.now()
        self.lang = self.lang or self.menu.hotline.default_language

    # -- state -----------------------------------------------------------------
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
    def start(self) -> list[Action]:
        """Answer the call: run from the start node to the first wait or end."""
        return self.enter(self.menu.start)

    def enter(self, node_id: str) -> list[Action]:
        """Go to ``node_id`` and run until the caller is asked something or the call ends."""
        actions: list[Action] = []
        self._run(node_id, actions)
        return actions

    def press(self, keys: str) -> list[Action]:
        """The caller presses one or more keys (extra keys are typed ahead)."""
        node = self._expect_waiting()
        self._listen(node, answered=True)
        self._log("caller", f"pressed {keys}", node.id)
        return self._keys(node, keys)

    def speak(self, text: str) -> list[Action]:
        """The caller says ``text`` (matched against option phrases and digit words)."""
        node = self._expect_waiting()
        self._listen(node, answered=True)
        self._log("caller", f'said "{text}"', node.id)
        if "speech" not in getattr(node, "input_modes", ("speech",)) and not isinstance(
            node, InputNode
        ):
            return self._failure(node, "invalid")
        if isinstance(node, InputNode):
            return self._keys(node, digits_in(text, self.lang) or "?")
        option = self._match_speech(node, text)
        if option is None:
            return self._failure(node, "invalid")
        return self._choose(node, option.key)

    def silence(self) -> list[Action]:
        """The caller says and presses nothing until the timeout."""
        node = self._expect_waiting()
        self._listen(node, answered=False)
        self._log("caller", f"(silence, {node.timeout:g} s)", node.id)
        return self._failure(node, "timeout")

    def hangup(self) -> list[Action]:
        """The caller hangs up."""
        node = self.node or self.menu.start
        self._log("caller", "(hung up)", node)
        self.outcome = Outcome("caller-hangup", node, self.elapsed)
        return [Hangup(node)]

    # -- internals ---------------------------------------------------------------
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
        self._say(Prompt({self.lang: phrase(name, self.lang, **values)}), node, actions)

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
            return node.next or self._end("hangup", node, actions, "no next node")
        if isinstance(node, Gathering):
            return self._gather(node, actions)
        if isinstance(node, BranchNode):
            return self._branch(node)
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
            return self._end("hangup", node, actions)
        raise TypeError(f"unknown node kind {node!r}")

    def _end(self, kind: str, node: Node, actions: list[Action], detail: str = "") -> None:
        actions.append(Hangup(node.id))
        self._log("system", "call ended", node.id)
        if self.outcome is None or self.outcome.kind not in ("voicemail",):
            self.outcome = Outcome(kind, node.id, self.elapsed, detail)
        return None

    def _gather(self, node: Gathering, actions: list[Action]) -> str | None:
        say = self._say(node.prompt, node.id, actions, wait=False)
        self._pending_prompt = estimate_seconds(say.text)
        if isinstance(node, MenuNode):
            hints = tuple(p for opt in node.options for p in opt.phrases)
            digits = max((len(opt.key) for opt in node.options), default=1)
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
        for length in sorted({len(opt.key) for opt in node.options}, reverse=True):
            if node.option(keys[:length]):
                self._typeahead = keys[length:]
                return self._choose(node, keys[:length])
        return self._failure(node, "invalid")

    def _input_keys(self, node: InputNode, keys: str) -> list[Action]:
        entered, _, rest = keys.partition(node.finish_on) if node.finish_on else (keys, "", "")
        if not node.finish_on or node.finish_on not in keys:
            entered, rest = keys[: node.max_digits], keys[node.max_digits :]
        if not entered.isdigit() or not node.min_digits <= len(entered) <= node.max_digits:
            return self._failure(node, "invalid")
        self._typeahead = rest
        self.variables[node.var] = entered
        self.failures.pop(node.id, None)
        self.outcome = None
        return self.enter(node.next) if node.next else self._hang_up_here(node)

    def _hang_up_here(self, node: Node) -> list[Action]:
        actions: list[Action] = []
        self._end("hangup", node, actions, "no next node")
        return actions

    def _match_speech(self, node: MenuNode, text: str):
        best = None
        for option in node.options:
            for words in option.phrases:
                if phrase_in(words, text) and (best is None or len(words) > best[0]):
                    best = (len(words), option)
        if best:
            return best[1]
        spoken = digits_in(text, self.lang)
        said = normalize(text).split()
        if (spoken and len(spoken) == len(said)) or (spoken and "press" in said):
            return node.option(spoken)
        return None

    def _choose(self, node: MenuNode, key: str) -> list[Action]:
        option = node.option(key)
        assert option is not None
        self.failures.pop(node.id, None)
        self.outcome = None
        if option.lang:
            self.lang = option.lang
        return self.enter(option.goto)

    def _failure(self, node: Gathering, reason: str) -> list[Action]:
        actions: list[Action] = []
        self._typeahead = ""
        count = self.failures.get(node.id, 0) + 1
        self.failures[node.id] = count
        self.outcome = None
        if count > node.retries:
            self.failures.pop(node.id, None)
            if node.on_fail:
                self._log("system", f"retries used up, going to {node.on_fail}", node.id)
                self._run(node.on_fail, actions)
                return actions
            self._system("fail_goodbye", node.id, actions)
            self._end("hangup", node, actions, "retries used up and no on_fail")
            return actions
        route = node.on_timeout if reason == "timeout" else node.on_invalid
        self._system("no_input" if reason == "timeout" else "invalid", node.id, actions)
        self._run(route if route else node.id, actions)
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
        return self._end("hangup", node, [], "no branch rule holds")

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
            return self._end("hangup", node, actions, f'queue "{node.name}" closed')
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
        if not isinstance(menu.nodes.get(node), Gathering):
            raise KeyError(node)
        call.node = node
        call.path.append(node)
        prompt = menu.nodes[node].prompt.text(call.lang, menu.hotline.default_language)
        call._pending_prompt = estimate_seconds(prompt)
        call.outcome = Outcome("waiting", node, 0.0)
        return call
