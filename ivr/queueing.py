"""Erlang C queueing: probability of waiting, average speed of answer, service level.

Computed with the Erlang B recursion, so it stays finite for thousands of
agents (no factorials). Times are in the unit of the handle time (seconds here).

>>> round(probability_of_waiting(13, 10.0), 3)
0.285
>>> round(average_speed_of_answer(13, calls_per_hour=200, handle_time=180), 1)
17.1
>>> round(service_level(13, calls_per_hour=200, handle_time=180, target=20), 3)
0.796
"""

from __future__ import annotations

import math
from dataclasses import dataclass

UNBOUNDED = math.inf


def offered_load(calls_per_hour: float, handle_time: float) -> float:
    """Offered traffic in erlangs: arrivals per second times seconds per call."""
    return calls_per_hour / 3600.0 * handle_time


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of Erlang B, by the stable recursion B(n) = A·B/(n + A·B)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def probability_of_waiting(agents: int, load: float) -> float:
    """Erlang C: the chance a caller waits at all (1.0 when agents <= load)."""
    if agents <= load:
        return 1.0
    if load <= 0:
        return 0.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1 - blocking))


def average_speed_of_answer(agents: int, *, calls_per_hour: float, handle_time: float) -> float:
    """Mean seconds a caller waits for an agent (``inf`` when the queue never drains)."""
    load = offered_load(calls_per_hour, handle_time)
    if agents <= load:
        return UNBOUNDED
    return probability_of_waiting(agents, load) * handle_time / (agents - load)


def service_level(
    agents: int, *, calls_per_hour: float, handle_time: float, target: float = 20.0
) -> float:
    """Share of callers answered within ``target`` seconds (0.0 when overloaded)."""
    load = offered_load(calls_per_hour, handle_time)
    if agents <= load:
        return 0.0
    waiting = probability_of_waiting(agents, load)
    return 1.0 - waiting * math.exp(-(agents - load) * target / handle_time)


def agents_needed(
    *, calls_per_hour: float, handle_time: float, target: float = 20.0, level: float = 0.8
) -> int:
    """Fewest agents answering ``level`` of calls within ``target`` seconds.

    >>> agents_needed(calls_per_hour=200, handle_time=180)
    14
    """
    load = offered_load(calls_per_hour, handle_time)
    agents = max(1, math.floor(load) + 1)
    while (
        service_level(agents, calls_per_hour=calls_per_hour, handle_time=handle_time, target=target)
        < level
    ):
        agents += 1
    return agents


def expected_wait(queue: object) -> float | None:
    """Average seconds to an agent for a queue node, from its staffing or fixed ``wait``.

    Returns ``inf`` for an overloaded queue and None when nothing is known.
    """
    agents = getattr(queue, "agents", None)
    handle_time = getattr(queue, "handle_time", None)
    calls_per_hour = getattr(queue, "calls_per_hour", None)
    if agents is not None and handle_time and calls_per_hour is not None:
        return average_speed_of_answer(
            agents, calls_per_hour=calls_per_hour, handle_time=handle_time
        )
    return getattr(queue, "wait", None)


@dataclass(frozen=True)
class QueueFigures:
    """What Erlang C says about one queue node (``None`` fields: staffing unknown)."""

    load: float | None
    agents: int | None
    average_wait: float | None
    service_level: float | None
    agents_needed: int | None

    @property
    def overloaded(self) -> bool:
        """True when the queue never drains (agents <= offered load)."""
        return self.load is not None and self.agents is not None and self.agents <= self.load


def queue_figures(queue: object, *, target: float = 20.0, level: float = 0.8) -> QueueFigures:
    """Offered load, average speed of answer, service level in ``target`` s, agents needed.

    >>> from types import SimpleNamespace as Q
    >>> f = queue_figures(Q(agents=3, handle_time=600, calls_per_hour=60, wait=None))
    >>> f.overloaded, f.load, f.average_wait, f.agents_needed
    (True, 10.0, inf, 14)
    >>> queue_figures(Q(agents=None, handle_time=None, calls_per_hour=None, wait=45.0))
    QueueFigures(load=None, agents=None, average_wait=45.0, service_level=None, agents_needed=None)
    """
    agents = getattr(queue, "agents", None)
    handle_time = getattr(queue, "handle_time", None)
    calls_per_hour = getattr(queue, "calls_per_hour", None)
    if agents is None or not handle_time or calls_per_hour is None:
        return QueueFigures(None, None, getattr(queue, "wait", None), None, None)
    staffing = {"calls_per_hour": calls_per_hour, "handle_time": handle_time}
    return QueueFigures(
        load=offered_load(calls_per_hour, handle_time),
        agents=agents,
        average_wait=average_speed_of_answer(agents, **staffing),
        service_level=service_level(agents, **staffing, target=target),
        agents_needed=agents_needed(**staffing, target=target, level=level),
    )
