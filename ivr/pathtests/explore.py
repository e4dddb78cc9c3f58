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

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

from ivr.engine import Call
from ivr.graph import build_graph
from ivr.model import Menu, Node, QueueNode, TransferNode
from ivr.pathtests.scenario import Expect, Hear, Scenario, ScenarioStep
from ivr.prompt_text import sentences
from ivr.walks import CallerAction, State, Trace, call_times, right_answers, wrong_answers

MAX_EVENTS = 40
MAX_STATES = 5000
BUDGET_FACTOR = 1.2
BUDGET_MARGIN = 10.0

Event = CallerAction


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


def _failing_elsewhere(call: Call) -> bool:
    return any(count for node, count in call.failures.items() if node != call.node)


def caller_events(node: Node, *, failing_elsewhere: bool = False) -> list[Event]:
    """What a caller can do at a waiting ``node``, in a fixed order that ignores option order.

    Wrong answers and silence are left out while the caller has failures counted at
    another menu: mixing failures across menus adds states, not ways through the menu.
    """
    events = right_answers(node)
    if not failing_elsewhere:
        events += wrong_answers(node)
    return events


def _walk(trace: Trace, at: datetime) -> Walk:
    outcome = trace.call.outcome
    assert outcome is not None
    return Walk(
        trace.actions,
        at,
        trace.heard,
        tuple(trace.call.path),
        outcome.kind,
        outcome.node,
        outcome.seconds,
        trace.wrong,
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
    first = Trace.answered(menu, at)
    if first.call.ended:
        return [_walk(first, at)]
    traces = {first.state(): first}
    todo = deque(traces)
    transitions: list[tuple[State, Event, State | None, Trace]] = []
    while todo:
        state = todo.popleft()
        if len(traces) > MAX_STATES:
            found.truncated = True
            break
        trace = traces[state]
        node = trace.call.waiting_node
        if node is None or len(trace.actions) >= MAX_EVENTS:
            continue
        retrying = state[3] > 0
        events = caller_events(node, failing_elsewhere=_failing_elsewhere(trace.call))
        for event in wrong_answers(node) if retrying else events:
            after = trace.then(event)
            target = after.state() if after.waiting else None
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
        walks.append(_walk(trace, at))
    return [walk for walk in walks if walk.end != "waiting"]


def _shortest_suffixes(
    transitions: list[tuple[State, Event, State | None, Trace]],
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
