"""Simulated callers walk the menu through the real call engine, one script at a time.

A caller wants a destination (an intent), listens as a first-time caller (each
answer after the prompt) or as an expert (every key typed at once, so later
prompts that can be interrupted are skipped), and may press a wrong key before
any of its answers. Its script is the shortest way to the destination that the
engine takes (``ivr.walks.shortest_routes``) at the first time of the week the
destination can be reached; where the destination is closed at the time of the
call, the same keys lead where the engine sends them. Each distinct (schedules
open, destination, listener, wrong keys) is played through ``ivr.engine.Call``
once and remembered, so thousands of callers cost a handful of engine calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from audit.simulation.inputs import NEAREST
from ivr.engine import CallOver
from ivr.model import DecideNode, DecisionOutcome, Menu, QueueNode, TransferNode
from ivr.walks import CallerAction, Trace, call_times, shortest_routes, wrong_answers

MAX_SCRIPT = 12  # answers a script may hold (wrong keys are drawn for these)


@dataclass(frozen=True)
class WalkEnd:
    """Where a walk through the menu ends.

    ``kind``: ``queue`` (waiting in ``node``), ``person`` (a transfer answered by a
    person after ``ring`` seconds), ``voicemail``, ``system`` (another machine),
    ``hangup`` (the line hung up), ``menu`` (the caller gave up in the menu: its
    answers were used up and the line still waited). ``seconds``: in the menu.
    """

    kind: str
    node: str
    seconds: float
    ring: float = 0.0


class MenuWalker:
    """Plays callers' scripts through the engine and remembers what each did."""

    def __init__(self, menu: Menu, regime_times: tuple[datetime, ...]):
        self.menu = menu
        self.regime_times = regime_times
        self._routes = [shortest_routes(menu, at) for at in regime_times]
        self._scripts = self._destination_scripts()
        self._ends: dict[tuple[int, str, bool, int, frozenset[str], tuple[int, ...]], WalkEnd] = {}
        self.decisions = [
            (node.var or node.id, [o.name for o in node.outcomes], _shares(node.outcomes))
            for node in menu.nodes.values()
            if isinstance(node, DecideNode) and node.outcomes
        ]

    def _destination_scripts(self) -> dict[str, tuple[CallerAction, ...]]:
        """For each node a caller can end at, its script at the first time it is reachable."""
        scripts: dict[str, tuple[CallerAction, ...]] = {}
        for at in (*self.regime_times, *call_times(self.menu)):
            for node, trace in shortest_routes(self.menu, at).items():
                scripts.setdefault(node, trace.actions)
        return scripts

    def script(self, regime_index: int, target: str) -> tuple[CallerAction, ...]:
        """The answers of a caller who wants ``target`` (``NEAREST``: the nearest person)."""
        if target == NEAREST:
            return self._nearest(regime_index)
        if target in self._scripts:
            return self._scripts[target]
        return self._nearest(regime_index)

    def _nearest(self, regime_index: int) -> tuple[CallerAction, ...]:
        routes = self._routes[regime_index]
        people = [t for node, t in routes.items() if self.menu.nodes[node].is_human]
        chosen = people or list(routes.values())
        if not chosen:
            return ()
        best = min(chosen, key=lambda t: t.call.outcome.seconds if t.call.outcome else 0.0)
        return best.actions

    def end(
        self,
        regime_index: int,
        target: str,
        expert: bool,
        wrong: int,
        full: frozenset[str] = frozenset(),
        decided: tuple[int, ...] = (),
    ) -> WalkEnd:
        """Where a caller ends (bit ``i`` of ``wrong``: answer ``i`` follows a wrong key)."""
        script = self.script(regime_index, target)
        wrong &= (1 << min(len(script), MAX_SCRIPT)) - 1
        key = (regime_index, target, expert, wrong, full, decided)
        if key not in self._ends:
            at = self.regime_times[regime_index]
            variables = {queue: "full" for queue in full}
            for (name, outcomes, _), pick in zip(self.decisions, decided, strict=False):
                variables[name] = outcomes[pick]
            self._ends[key] = self._play(at, script, expert, wrong, variables)
        return self._ends[key]

    def _play(
        self,
        at: datetime,
        script: tuple[CallerAction, ...],
        expert: bool,
        wrong: int,
        variables: dict[str, str],
    ) -> WalkEnd:
        # a queue found full sends the caller where its ``when_full`` says (the engine reads a
        # call variable named after the queue: "full"); decisions read theirs
        trace = Trace.answered(self.menu, at, variables)
        try:
            for index, action in enumerate(_typed(script) if expert else script):
                if not trace.waiting:
                    break
                node = trace.call.waiting_node
                if wrong >> index & 1 and node is not None:
                    trace = trace.then(wrong_answers(node)[0])
                    if not trace.waiting:
                        break
                trace = trace.then(action)
        except CallOver:
            pass
        return self._ended(trace)

    def _ended(self, trace: Trace) -> WalkEnd:
        outcome = trace.call.outcome
        if outcome is None or outcome.kind == "waiting" or trace.waiting:
            return WalkEnd("menu", trace.call.node or "", trace.call.elapsed)
        node = self.menu.nodes.get(outcome.node)
        if outcome.kind == "human" and isinstance(node, QueueNode):
            return WalkEnd("queue", node.id, outcome.seconds)
        if outcome.kind == "human" and isinstance(node, TransferNode):
            return WalkEnd("person", node.id, outcome.seconds - node.ring, node.ring)
        kinds = {"voicemail": "voicemail", "system": "system"}
        return WalkEnd(kinds.get(outcome.kind, "hangup"), outcome.node, outcome.seconds)


def _shares(outcomes: tuple[DecisionOutcome, ...]) -> list[float]:
    """Each outcome's share of callers: as given, the rest split evenly among the others.

    >>> from ivr.model import DecisionOutcome as O
    >>> _shares((O("known", "a", 0.7), O("new", "b"), O("error", "c")))
    [0.7, 0.15, 0.15]
    """
    given = sum(o.share for o in outcomes if o.share is not None)
    unnamed = sum(1 for o in outcomes if o.share is None)
    rest = max(0.0, 1.0 - given) / unnamed if unnamed else 0.0
    shares = [o.share if o.share is not None else rest for o in outcomes]
    total = sum(shares) or 1.0
    return [round(share / total, 12) for share in shares]


def _typed(script: tuple[CallerAction, ...]) -> tuple[CallerAction, ...]:
    """An expert's script: consecutive key presses typed at once (later prompts skipped)."""
    typed: list[CallerAction] = []
    for action in script:
        if typed and action.kind == "press" and typed[-1].kind == "press":
            typed[-1] = CallerAction("press", typed[-1].value + action.value)
        else:
            typed.append(action)
    return tuple(typed)
