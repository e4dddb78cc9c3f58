"""Finding every path through a menu by driving the call engine itself.

The explorer answers each waiting menu or input with every event a caller can
give (each option's keys, or its first phrase on a speech-only menu; a wrong
key; silence; valid and too-short digits at an input), at one call time for
each distinct set of open schedules over a week. The engine's states (node,
language, variables, retry counts) form a finite graph; every transition of
that graph becomes one scenario: the shortest way to its state, the event,
then the shortest way on to an end. So the scenarios walk every way the engine
can go, and a graph edge that no scenario walks is reported with the reason.
"""

from __future__ import annotations

import copy
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import networkx as nx

from ivr.engine import Call, Line
from ivr.graph import build_graph
from ivr.model import InputNode, Menu, MenuNode, Node, QueueNode, TransferNode
from ivr.pathtests.scenario import Action, Expect, Hear, Scenario, ScenarioStep
from ivr.prompt_text import sentences

WEEK_START = datetime(2026, 11, 23)  # a Monday
SAMPLE_MINUTES = 15
MAX_EVENTS = 40
MAX_STATES = 5000
KEYPAD = "1234567890*#"
BUDGET_FACTOR = 1.2
BUDGET_MARGIN = 10.0

Event = Action
State = tuple[str, str, tuple[str, ...], int]


@dataclass(frozen=True)
class Walk:
    """One scenario's events and what the engine did with them."""

    events: tuple[Event, ...]
    at: datetime
    heard: tuple[str, ...]
    path: tuple[str, ...]
    end: str
    node: str
    seconds: float
    wrong: frozenset[tuple[str, str]] = frozenset()

    def features(self) -> set[object]:
        """What this walk shows: edges taken, where it ends, the wrong answers given."""
        shown: set[object] = set(zip(self.path, self.path[1:], strict=False))
        shown.add((self.end, self.node))
        return shown | set(self.wrong)


@dataclass
class Exploration:
    """The walks found, and the graph edges they cover or leave uncovered (with reasons)."""

    walks: list[Walk] = field(default_factory=list)
    edges: set[tuple[str, str]] = field(default_factory=set)
    covered: set[tuple[str, str]] = field(default_factory=set)
    uncovered: dict[tuple[str, str], str] = field(default_factory=dict)
    truncated: bool = False
    times: list[datetime] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """The share of the graph's edges that the walks take (1.0 for a menu with none)."""
        return len(self.covered) / len(self.edges) if self.edges else 1.0


def call_times(menu: Menu) -> list[datetime]:
    """One call time for each distinct set of open schedules over a week (first one first).

    The week is sampled every ``SAMPLE_MINUTES`` minutes from Monday 00:00 in the
    hotline's timezone; Monday 10:00 comes first when it is one of them, so the usual
    office-hours path is the one most scenarios take.
    """
    zone = ZoneInfo(menu.hotline.timezone)
    names = sorted(menu.hotline.hours)
    start = WEEK_START.replace(tzinfo=zone)
    samples = [start + timedelta(hours=10)] + [
        start + timedelta(minutes=m) for m in range(0, 7 * 24 * 60, SAMPLE_MINUTES)
    ]
    seen: dict[tuple[bool, ...], datetime] = {}
    for when in samples:
        regime = tuple(menu.hotline.is_open(name, when) for name in names)
        seen.setdefault(regime, when)
    return list(seen.values())


def _failing_elsewhere(call: Call) -> bool:
    return any(count for node, count in call.failures.items() if node != call.node)


def caller_events(node: Node, *, failing_elsewhere: bool = False) -> list[Event]:
    """What a caller can do at a waiting ``node``, in a fixed order that ignores option order.

    Wrong answers and silence are left out while the caller has failures counted at
    another menu: mixing failures across menus adds states, not ways through the menu.
    """
    events = _right_answers(node)
    if not failing_elsewhere:
        events += _wrong_answers(node)
    return events


def _right_answers(node: Node) -> list[Event]:
    if isinstance(node, MenuNode):
        options = sorted(node.options, key=lambda option: option.key)
        if "dtmf" in node.input_modes:
            return [Action("press", option.key) for option in options]
        return [Action("say", o.phrases[0]) for o in options if o.phrases]
    if isinstance(node, InputNode):
        # A full-length entry ends by itself (a Gather with numDigits): no finish key after it.
        finish = "" if node.min_digits == node.max_digits else node.finish_on[:1]
        return [Action("press", "1" * node.min_digits + finish)]
    return []


def _wrong_answers(node: Node) -> list[Event]:
    events: list[Event] = []
    if isinstance(node, MenuNode):
        if "dtmf" in node.input_modes:
            keys = [option.key for option in node.options]
            wrong = next((k for k in KEYPAD if not any(key.startswith(k) for key in keys)), None)
            if wrong:
                events.append(Action("press", wrong))
        else:
            events.append(Action("say", "something else entirely"))
    elif isinstance(node, InputNode) and node.min_digits > 1 and node.finish_on:
        events.append(Action("press", "1" * (node.min_digits - 1) + node.finish_on[:1]))
    events.append(Action("silence"))
    return events


def play(call: Call, event: Event) -> None:
    """Give ``event`` to ``call``."""
    if event.kind == "press":
        call.press(event.value)
    elif event.kind == "say":
        call.speak(event.value)
    elif event.kind == "silence":
        call.silence()
    else:
        call.hangup()


def replay(menu: Menu, at: datetime, events: Iterable[Event]) -> tuple[Call, list[str]]:
    """A new call at ``at`` given ``events``; also what the line said before each of them."""
    trace = _Trace.answered(menu, at)
    for event in events:
        trace = trace.then(event)
    return trace.call, list(trace.heard)


def said_since_last_event(transcript: list[Line]) -> str:
    """What the line said since the caller's last event (the prompt a step hears)."""
    said: list[str] = []
    for line in reversed(transcript):
        if line.who == "caller":
            break
        if line.who == "ivr":
            said.append(line.text)
    return " ".join(reversed(said))


@dataclass(frozen=True)
class _Trace:
    """A call so far: the engine's call, the events given, what was heard before each,
    and the wrong answers (node, event kind) among them."""

    call: Call
    events: tuple[Event, ...] = ()
    heard: tuple[str, ...] = ()
    wrong: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def answered(cls, menu: Menu, at: datetime) -> _Trace:
        call = Call(menu, at=at)
        call.start()
        return cls(call)

    def then(self, event: Event) -> _Trace:
        """This call carried on with ``event`` (a copy: this trace is left as it was)."""
        menu = self.call.menu
        shared: dict[int, object] = {id(line): line for line in self.call.transcript}
        shared[id(menu)] = menu  # the menu and the (frozen) transcript lines are shared
        call = copy.deepcopy(self.call, shared)
        node = call.node or ""
        wrong = self.wrong
        if node in menu.nodes and event not in _right_answers(menu.nodes[node]):
            wrong = wrong | {(node, event.kind)}
        heard = said_since_last_event(call.transcript)
        play(call, event)
        return _Trace(call, (*self.events, event), (*self.heard, heard), wrong)

    def walk(self, at: datetime) -> Walk:
        outcome = self.call.outcome
        assert outcome is not None
        return Walk(
            self.events,
            at,
            self.heard,
            tuple(self.call.path),
            outcome.kind,
            outcome.node,
            outcome.seconds,
            self.wrong,
        )


def _state(call: Call) -> State:
    """What decides where a caller can go from here: node, language, the variables set,
    and the failures counted at this node (those at other menus are left out: they
    multiply states without opening new ways)."""
    node = call.node or ""
    return (node, call.lang, tuple(sorted(call.variables)), call.failures.get(node, 0))


def explore(menu: Menu) -> Exploration:
    """Every way through ``menu`` at every distinct call time of the week (see the module)."""
    found = Exploration()
    graph = build_graph(menu)
    found.edges = set(graph.edges)
    unique: dict[tuple[tuple[Event, ...], tuple[str, ...]], Walk] = {}
    found.times = call_times(menu)
    for at in found.times:
        for walk in _walks_at(menu, at, found):
            unique.setdefault((walk.events, walk.path), walk)
    ordered = sorted(
        unique.values(),
        key=lambda w: (len(w.events), w.path, [(e.kind, e.value) for e in w.events]),
    )
    shown: set[object] = set()
    for walk in ordered:
        new = walk.features() - shown
        if new:
            found.walks.append(walk)
            shown |= new
    for walk in found.walks:
        found.covered.update(zip(walk.path, walk.path[1:], strict=False))
    found.covered &= found.edges
    found.uncovered = _reasons(menu, graph, found.edges - found.covered)
    return found


def _walks_at(menu: Menu, at: datetime, found: Exploration) -> list[Walk]:
    """The state graph at one call time, and one walk per transition."""
    first = _Trace.answered(menu, at)
    if first.call.ended:
        return [first.walk(at)]
    traces = {_state(first.call): first}
    todo = deque(traces)
    transitions: list[tuple[State, Event, State | None, _Trace]] = []
    while todo:
        state = todo.popleft()
        if len(traces) > MAX_STATES:
            found.truncated = True
            break
        trace = traces[state]
        node = trace.call.waiting_node
        if node is None or len(trace.events) >= MAX_EVENTS:
            continue
        retrying = state[3] > 0
        events = caller_events(node, failing_elsewhere=_failing_elsewhere(trace.call))
        for event in _wrong_answers(node) if retrying else events:
            after = trace.then(event)
            ended = after.call.ended or after.call.waiting_node is None
            target = None if ended else _state(after.call)
            transitions.append((state, event, target, after))
            if target is not None and target not in traces:
                traces[target] = after
                todo.append(target)
    suffix = _shortest_suffixes(transitions)
    walks = []
    for _source, _event, target, after in transitions:
        if target is not None and target not in suffix:
            continue
        trace = after
        for event in suffix.get(target, ()) if target is not None else ():
            trace = trace.then(event)
        walks.append(trace.walk(at))
    return [walk for walk in walks if walk.end != "waiting"]


def _shortest_suffixes(
    transitions: list[tuple[State, Event, State | None, _Trace]],
) -> dict[State, tuple[Event, ...]]:
    """For each state, the fewest events that end the call from it (backwards search)."""
    into: dict[State, list[tuple[State, Event]]] = {}
    suffix: dict[State, tuple[Event, ...]] = {}
    todo: deque[State] = deque()
    for state, event, target, _events in transitions:
        if target is None:
            if state not in suffix:
                suffix[state] = (event,)
                todo.append(state)
        else:
            into.setdefault(target, []).append((state, event))
    while todo:
        state = todo.popleft()
        for source, event in into.get(state, ()):
            if source not in suffix:
                suffix[source] = (event, *suffix[state])
                todo.append(source)
    return suffix


def _reasons(
    menu: Menu, graph: nx.DiGraph, edges: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Why each edge was not walked: in words a designer can act on."""
    reachable = nx.descendants(graph, menu.start) | {menu.start}
    reasons = {}
    for edge in sorted(edges):
        source, kind = menu.nodes[edge[0]], graph.edges[edge].get("kind", "way")
        if edge[0] not in reachable:
            reasons[edge] = f'"{edge[0]}" cannot be reached from the start'
        elif isinstance(source, TransferNode):
            reasons[edge] = "no answer at the transfer: the callee's doing, not the caller's"
        elif isinstance(source, QueueNode):
            reasons[edge] = "the queue is open whenever a caller reaches it: never taken"
        elif kind == "branch":
            reasons[edge] = "a branch on variables the caller's answers never set this way"
        else:
            reasons[edge] = f"the engine never takes this {kind} way at any hour of the week"
    return reasons


def scenarios(found: Exploration) -> list[Scenario]:
    """The walks as scenarios: what to hear, what to do, where to end and within how long."""
    first_time = found.times[0] if found.times else None
    result = []
    for walk in found.walks:
        steps = tuple(
            ScenarioStep(event, _hear(heard, event))
            for event, heard in zip(walk.events, walk.heard, strict=True)
        )
        budget = math.ceil(walk.seconds * BUDGET_FACTOR + BUDGET_MARGIN)
        at = walk.at.strftime("%Y-%m-%dT%H:%M")
        actions = ", ".join(event.describe() for event in walk.events) or "listen"
        when = "" if walk.at == first_time else f" (call at {walk.at.strftime('%a %H:%M')})"
        name = f"{actions} -> {walk.end} at {walk.node}{when}"
        result.append(Scenario(name, steps, Expect(walk.end, walk.node, float(budget)), at))
    return result


def _hear(heard: str, event: Event) -> Hear | None:
    """The sentence of what was heard that names the key pressed, else its first sentence."""
    spans = [heard[start:end].strip() for start, end in sentences(heard)]
    if not spans:
        return None
    if event.kind == "press":
        for sentence in spans:
            words = (word.strip(".,;:!?()") for word in sentence.split())
            if event.value.rstrip("#") in words:
                return Hear(sentence)
    return Hear(spans[0])
