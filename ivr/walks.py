"""Walking a menu with the call engine: caller actions, traces of calls, the week's regimes.

Shared by everything that drives ``ivr.engine.Call`` on a caller's behalf: the path
tests (``ivr.pathtests``) and the simulation of a day of calls (``audit.simulation``).
A ``Trace`` is a call so far; ``then`` carries a copy of it on by one action, so a
search can branch without replaying calls from the start. ``regimes`` splits the
week into the distinct sets of open schedules: the engine behaves alike at every
time of one regime.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ivr.engine import Call, Line
from ivr.model import InputNode, Menu, MenuNode, Node

WEEK_START = datetime(2026, 11, 23)  # a Monday
SAMPLE_MINUTES = 15
KEYPAD = "1234567890*#"
MAX_ROUTE_STATES = 20_000

State = tuple[str, str, tuple[str, ...], int]


@dataclass(frozen=True)
class CallerAction:
    """What a caller does when asked: ``press`` keys, ``say`` words, ``silence``, ``hangup``."""

    kind: str
    value: str = ""

    def describe(self) -> str:
        """``press 1``, ``say "billing"``, ``stay silent``, ``hang up``."""
        return {
            "press": f"press {self.value}",
            "say": f'say "{self.value}"',
            "silence": "stay silent",
            "hangup": "hang up",
        }[self.kind]


def play(call: Call, action: CallerAction) -> None:
    """Give ``action`` to ``call``."""
    if action.kind == "press":
        call.press(action.value)
    elif action.kind == "say":
        call.speak(action.value)
    elif action.kind == "silence":
        call.silence()
    else:
        call.hangup()


def said_since_last_event(transcript: list[Line]) -> str:
    """What the line said since the caller's last event (the prompt a step hears)."""
    said: list[str] = []
    for line in reversed(transcript):
        if line.who == "caller":
            break
        if line.who == "ivr":
            said.append(line.text)
    return " ".join(reversed(said))


def right_answers(node: Node) -> list[CallerAction]:
    """The answers that choose something at ``node``: each option's key (on a speech-only
    menu its first phrase), then each spoken option's first phrase, or a valid entry at an
    input; in an order that ignores the order options are written in."""
    if isinstance(node, MenuNode):
        options = sorted(node.options, key=lambda option: option.key)
        spoken = [
            CallerAction("say", option.phrases[0])
            for option in sorted(node.spoken, key=lambda option: option.name)
        ]
        if "dtmf" in node.input_modes:
            return [CallerAction("press", option.entry) for option in options] + spoken
        return [CallerAction("say", o.phrases[0]) for o in options if o.phrases] + spoken
    if isinstance(node, InputNode):
        # A full-length entry ends by itself (a Gather with numDigits): no finish key after it.
        finish = "" if node.min_digits == node.max_digits else node.finish_on[:1]
        return [CallerAction("press", "1" * node.min_digits + finish)]
    return []


def wrong_answers(node: Node) -> list[CallerAction]:
    """A wrong answer at ``node`` (a key no option starts with, words no option has, an
    entry cut short), then silence."""
    actions: list[CallerAction] = []
    if isinstance(node, MenuNode):
        if "dtmf" in node.input_modes:
            keys = [option.key for option in node.options]
            wrong = next((k for k in KEYPAD if not any(key.startswith(k) for key in keys)), None)
            if wrong:
                actions.append(CallerAction("press", wrong))
        else:
            actions.append(CallerAction("say", "something else entirely"))
    elif isinstance(node, InputNode) and node.min_digits > 1 and node.finish_on:
        actions.append(CallerAction("press", "1" * (node.min_digits - 1) + node.finish_on[:1]))
    actions.append(CallerAction("silence"))
    return actions


@dataclass(frozen=True)
class Trace:
    """A call so far: the engine's call, the actions given, what was heard before each,
    and the wrong answers (node, action kind) among them."""

    call: Call
    actions: tuple[CallerAction, ...] = ()
    heard: tuple[str, ...] = ()
    wrong: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def answered(cls, menu: Menu, at: datetime, variables: dict[str, str] | None = None) -> Trace:
        """A call answered at ``at`` (with these call ``variables``), run to its first
        question or its end."""
        call = Call(menu, at=at, variables=variables)
        call.start()
        return cls(call)

    @property
    def waiting(self) -> bool:
        """True while the call waits for the caller."""
        return not self.call.ended and self.call.waiting_node is not None

    def then(self, action: CallerAction) -> Trace:
        """This call carried on with ``action`` (a copy: this trace is left as it was)."""
        menu = self.call.menu
        shared: dict[int, object] = {id(line): line for line in self.call.transcript}
        shared[id(menu)] = menu  # the menu and the (frozen) transcript lines are shared
        call = copy.deepcopy(self.call, shared)
        node = call.node or ""
        wrong = self.wrong
        if node in menu.nodes and action not in right_answers(menu.nodes[node]):
            wrong = wrong | {(node, action.kind)}
        heard = said_since_last_event(call.transcript)
        play(call, action)
        return Trace(call, (*self.actions, action), (*self.heard, heard), wrong)

    def state(self) -> State:
        """What decides where a caller can go from here: node, language, the variables set,
        and the failures counted at this node (those at other menus are left out: they
        multiply states without opening new ways)."""
        node = self.call.node or ""
        call = self.call
        return (node, call.lang, tuple(sorted(call.variables)), call.failures.get(node, 0))


def regime(menu: Menu, when: datetime) -> tuple[bool, ...]:
    """Which of the hotline's schedules are open at ``when`` (in the order of their names)."""
    return tuple(menu.hotline.is_open(name, when) for name in sorted(menu.hotline.hours))


def call_times(menu: Menu) -> list[datetime]:
    """One call time for each distinct set of open schedules over a week (first one first).

    The week is sampled every ``SAMPLE_MINUTES`` minutes from Monday 00:00 in the
    hotline's timezone; Monday 10:00 comes first when it is one of them, so the usual
    office-hours path is the one most scenarios take.
    """
    zone = ZoneInfo(menu.hotline.timezone)
    start = WEEK_START.replace(tzinfo=zone)
    samples = [start + timedelta(hours=10)] + [
        start + timedelta(minutes=m) for m in range(0, 7 * 24 * 60, SAMPLE_MINUTES)
    ]
    seen: dict[tuple[bool, ...], datetime] = {}
    for when in samples:
        seen.setdefault(regime(menu, when), when)
    return list(seen.values())


def shortest_routes(menu: Menu, at: datetime) -> dict[str, Trace]:
    """For each node a call answered at ``at`` can end at, the call that gets there with the
    fewest right answers (then the fewest seconds): breadth-first over the engine's states."""
    first = Trace.answered(menu, at)
    routes: dict[str, Trace] = {}
    if not first.waiting:
        return {_end_node(first): first}
    seen = {first.state()}
    todo = deque([first])
    while todo and len(seen) < MAX_ROUTE_STATES:
        trace = todo.popleft()
        node = trace.call.waiting_node
        assert node is not None
        for action in right_answers(node):
            after = trace.then(action)
            if not after.waiting:
                end = _end_node(after)
                best = routes.get(end)
                if best is None or _cost(after) < _cost(best):
                    routes[end] = after
            elif after.state() not in seen:
                seen.add(after.state())
                todo.append(after)
    return routes


def _end_node(trace: Trace) -> str:
    outcome = trace.call.outcome
    assert outcome is not None
    return outcome.node


def _cost(trace: Trace) -> tuple[int, float]:
    outcome = trace.call.outcome
    return len(trace.actions), outcome.seconds if outcome else 0.0
