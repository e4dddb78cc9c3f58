"""One queue, first come first served, with staffing that changes over the day.

Both engines take the callers reaching the queue (sorted arrival times, service
times, patience) and the staffing as ``(time, agents)`` changes, and give each
caller's wait, whether it was answered, and when its service started. Agents who
leave when staffing drops finish the call they are on (as in the SSJ call-centre
example); after the last change the staffing stays until the queue is empty.

- ``fast_queue``: the offered-wait method. A heap holds when each staffed agent is
  next free; a caller's offered wait is the wait until the first of them (after
  the staffing changes due by then), and the caller gives up when its patience is
  shorter. Exact for first come first served, and about a microsecond a caller.
- ``simpy_queue``: the same queue as SimPy processes (arrivals, patience timers,
  agents coming and going), the general discrete-event engine the fast path is
  checked against.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

ProcessGenerator = Generator[simpy.Event, Any, None]


@dataclass
class QueueResult:
    """Per caller of the queue, in arrival order: wait (seconds until answered, or until
    it gave up), answered or not, and the service start and end (NaN if not answered)."""

    wait: np.ndarray
    answered: np.ndarray
    start: np.ndarray
    end: np.ndarray
    full: np.ndarray | None = None  # per caller: found the queue at its capacity (never held)

    def __post_init__(self) -> None:
        if self.full is None:
            self.full = np.zeros(len(self.wait), dtype=bool)


def fast_queue(
    arrivals: Sequence[float],
    service: Sequence[float],
    patience: Sequence[float],
    staffing: Sequence[tuple[float, int]],
    capacity: int | None = None,
) -> QueueResult:
    """The offered-wait method (see the module docstring). With a ``capacity``, a caller
    who finds that many callers on hold does not join the queue (``full``)."""
    count = len(arrivals)
    wait = [0.0] * count
    answered = [False] * count
    start = [math.nan] * count
    end = [math.nan] * count
    full = [False] * count
    holding: list[float] = []  # when each caller on hold leaves the hold (answered or gone)
    agents = _Staffing(staffing)
    free = agents.free
    next_change = agents.next_change()
    inf, isfinite = math.inf, math.isfinite
    heappush, heappop, heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace
    for i in range(count):
        now = arrivals[i]
        if capacity is not None:
            while holding and holding[0] <= now:
                heappop(holding)
            if len(holding) >= capacity and (not free or free[0] > now):
                full[i] = True
                continue
        due = free[0] if free else inf
        if due < now:
            due = now
        if next_change <= due and next_change < inf:
            due = agents.apply(now, due)
            next_change = agents.next_change()
        if isfinite(due) and due - now <= patience[i]:
            wait[i] = due - now
            answered[i] = True
            start[i] = due
            end[i] = finish = due + service[i]
            heapreplace(free, finish)
            if capacity is not None and due > now:
                heappush(holding, due)
        else:  # gave up (or, with no agent ever and endless patience, waits without end)
            wait[i] = patience[i]
            if capacity is not None:
                heappush(holding, now + patience[i])
    return QueueResult(
        np.array(wait), np.array(answered), np.array(start), np.array(end), np.array(full)
    )


class _Staffing:
    """The agents of a queue as a heap of the times each is next free, and the staffing
    changes still to come (applied when a caller's offered wait reaches them)."""

    def __init__(self, changes: Sequence[tuple[float, int]]):
        self.free: list[float] = []
        self.changes = list(changes)
        self.position = 0
        self.staffed = 0

    def next_change(self) -> float:
        """When the next staffing change is due (inf: none left)."""
        return self.changes[self.position][0] if self.position < len(self.changes) else math.inf

    def apply(self, now: float, due: float) -> float:
        """Apply the changes due by the offered time; the offered time after them."""
        free = self.free
        while self.position < len(self.changes) and self.changes[self.position][0] <= due:
            at, agents = self.changes[self.position]
            self.position += 1
            for _ in range(agents - self.staffed):
                heapq.heappush(free, at)
            for _ in range(self.staffed - agents):
                heapq.heappop(free)
            self.staffed = agents
            due = max(now, free[0] if free else math.inf)
        return due


class _Agents:
    """A pool of agents whose number changes; waiting callers are served in arrival order."""

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.staffed = 0
        self.busy = 0
        self.waiting: deque[simpy.Event] = deque()

    def request(self) -> simpy.Event:
        event = self.env.event()
        self.waiting.append(event)
        self._dispatch()
        return event

    def on_hold(self) -> int:
        """Callers waiting for an agent now (those who gave up are dropped from the line)."""
        while self.waiting and self.waiting[0].triggered:
            self.waiting.popleft()
        return sum(1 for event in self.waiting if not event.triggered)

    def release(self) -> None:
        self.busy -= 1
        self._dispatch()

    def set_staffed(self, agents: int) -> None:
        self.staffed = agents
        self._dispatch()

    def _dispatch(self) -> None:
        while self.waiting and self.busy < self.staffed:
            event = self.waiting.popleft()
            if not event.triggered:  # a caller who gave up leaves its request behind
                self.busy += 1
                event.succeed()


def simpy_queue(
    arrivals: Sequence[float],
    service: Sequence[float],
    patience: Sequence[float],
    staffing: Sequence[tuple[float, int]],
    capacity: int | None = None,
) -> QueueResult:
    """The queue as SimPy processes (see the module docstring)."""
    count = len(arrivals)
    result = QueueResult(
        np.zeros(count), np.zeros(count, dtype=bool), np.full(count, np.nan), np.full(count, np.nan)
    )
    env = simpy.Environment()
    agents = _Agents(env)

    def staff() -> ProcessGenerator:
        for at, number in staffing:
            yield env.timeout(max(0.0, at - env.now))
            agents.set_staffed(number)

    def caller(i: int) -> ProcessGenerator:
        yield env.timeout(arrivals[i] - env.now)
        if capacity is not None and agents.on_hold() >= capacity and agents.busy >= agents.staffed:
            assert result.full is not None
            result.full[i] = True
            return
        request = agents.request()
        limit = env.timeout(patience[i]) if math.isfinite(patience[i]) else env.event()
        outcome = yield request | limit
        if request in outcome:
            result.wait[i] = env.now - arrivals[i]
            result.answered[i] = True
            result.start[i] = env.now
            yield env.timeout(service[i])
            result.end[i] = env.now
            agents.release()
        else:
            request.fail(RuntimeError("gave up"))
            request.defused = True
            result.wait[i] = patience[i]

    env.process(staff())
    for i in range(count):
        env.process(_delayed(env, arrivals[i], caller, i))
    env.run()
    for i in range(count):
        if not result.answered[i] and result.wait[i] == 0 and not math.isfinite(patience[i]):
            result.wait[i] = math.inf  # never answered and never gave up
    return result


def _delayed(
    env: simpy.Environment, at: float, process: Callable[[int], ProcessGenerator], i: int
) -> ProcessGenerator:
    """Start ``process(i)`` at ``at`` without holding one SimPy process per caller all day."""
    yield env.timeout(max(0.0, at - env.now))
    yield env.process(process(i))
