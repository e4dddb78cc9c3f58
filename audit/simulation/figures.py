"""Figures planners recognise, per interval and for the whole window, with 95 % intervals.

Each replication gives one value of each figure; the figure is their mean and its
interval the Student t interval over the replications (none with one replication).
Per interval and queue, the Erlang A and Erlang C figures for the same staffing and
the simulated arrival rate stand beside; an interval is ``flagged`` where Erlang A's
service level lies outside the simulation's interval.

Definitions (all of one replication, then averaged):

- ``offered``: callers who called in the interval; ``answered``: reached a person;
  ``abandoned_in_menu``: gave up in the menu; ``abandoned_in_queue``: hung up on hold
  (``short_abandons``: within 5 s); ``callbacks``, ``voicemail``, ``hung_up`` (by the
  line), ``system`` (passed to another machine);
- ``service_level``: share of the callers who reached a queue (or a transfer) that a
  person answered within 20 s; ``mean_wait_s``: mean wait of the answered;
- ``occupancy``: agent-seconds busy over agent-seconds staffed;
- ``queue_wait``, ``menu``, ``time_to_human``: p50/p90/p99 seconds of the answered
  (on hold; in the menu; both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from audit.simulation.inputs import LineInputs
from audit.simulation.run import (
    ABANDONED_MENU,
    ABANDONED_QUEUE,
    ANSWERED,
    CALLBACK,
    HUNG_UP,
    QUANTILES,
    SHORT_ABANDON_S,
    SYSTEM,
    TARGET_S,
    VOICEMAIL,
    Replication,
)
from ivr.queueing import ErlangA

COUNTS = {
    "offered": None,
    "answered": ANSWERED,
    "abandoned_in_menu": ABANDONED_MENU,
    "abandoned_in_queue": ABANDONED_QUEUE,
    "callbacks": CALLBACK,
    "voicemail": VOICEMAIL,
    "hung_up": HUNG_UP,
    "system": SYSTEM,
}
# t quantiles (two-sided 95 %) by degrees of freedom; 1.96 beyond
T_95 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    12: 2.179,
    15: 2.131,
    20: 2.086,
    30: 2.042,
    60: 2.000,
}


def t_95(dof: int) -> float:
    """The two-sided 95 % Student t quantile for ``dof`` degrees of freedom (table, rounded
    down to the nearest tabulated ``dof``: a slightly wider interval)."""
    known = [d for d in T_95 if d <= dof]
    return T_95[max(known)] if dof <= 60 else 1.96


@dataclass(frozen=True)
class Estimate:
    """A figure over replications: the mean and its 95 % interval (None where unknown)."""

    value: float | None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, values: Sequence[float], upper: float = math.inf) -> Estimate:
        """The mean of the known ``values`` and its interval, kept within [0, ``upper``]
        (every figure here is a count, seconds or a share)."""
        known = [v for v in values if v is not None and math.isfinite(v)]
        if not known:
            return cls(None)
        mean = float(np.mean(known))
        if len(known) < 2:
            return cls(mean)
        half = t_95(len(known) - 1) * float(np.std(known, ddof=1)) / math.sqrt(len(known))
        return cls(mean, max(0.0, mean - half), min(upper, mean + half))

    def as_dict(self, digits: int = 4) -> dict[str, float | None]:
        """``{"value", "low", "high"}`` rounded (the JSON contract)."""
        return {k: None if v is None else round(v, digits) for k, v in vars(self).items()}


def figures_of(reps: Sequence[Replication], members: Sequence[np.ndarray]) -> dict[str, Any]:
    """The figures of the callers ``members[i]`` of each replication ``reps[i]``."""
    values: dict[str, list[float]] = {}

    def add(name: str, value: float | None) -> None:
        values.setdefault(name, []).append(math.nan if value is None else value)

    for rep, chosen in zip(reps, members, strict=True):
        end = rep.end[chosen]
        queue_s = rep.queue_s[chosen]
        menu_s = rep.menu_s[chosen]
        for name, code in COUNTS.items():
            add(name, float(chosen.size if code is None else np.count_nonzero(end == code)))
        add(
            "short_abandons",
            float(np.count_nonzero((end == ABANDONED_QUEUE) & (queue_s < SHORT_ABANDON_S))),
        )
        held = ~np.isnan(queue_s)
        answered = end == ANSWERED
        add(
            "service_level",
            _share(int(np.count_nonzero(answered & (queue_s <= TARGET_S))), int(held.sum())),
        )
        add("mean_wait_s", float(queue_s[answered].mean()) if answered.any() else None)
        for label, data in (
            ("queue_wait", queue_s[answered]),
            ("menu", menu_s[answered]),
            ("time_to_human", menu_s[answered] + queue_s[answered]),
        ):
            for q in QUANTILES:
                add(f"{label}_p{q}_s", float(np.percentile(data, q)) if data.size else None)
    shares = ("service_level",)
    return {
        name: Estimate.of(series, 1.0 if name in shares else math.inf)
        for name, series in values.items()
    }


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def occupancy(reps: Sequence[Replication], interval: int | None) -> Estimate:
    """Busy over staffed agent-seconds, in one interval or (None) the whole window."""
    shares = []
    for rep in reps:
        busy = rep.busy_s.sum() if interval is None else rep.busy_s[interval]
        staffed = rep.staffed_s.sum() if interval is None else rep.staffed_s[interval]
        shares.append(busy / staffed if staffed else math.nan)
    return Estimate.of(shares, 1.0)


def erlang_beside(
    reps: Sequence[Replication], inputs: LineInputs, interval: int
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Erlang A and Erlang C per queue for the interval's staffing and simulated arrivals."""
    minutes = inputs.window.interval
    first_minute = interval * minutes
    erlang_a: dict[str, dict[str, Any]] = {}
    erlang_c: dict[str, dict[str, Any]] = {}
    for q, (name, queue) in enumerate(inputs.queues.items()):
        if queue.handle_time is None or first_minute >= len(queue.agents):
            continue
        arrivals = [
            np.count_nonzero((rep.queue_of == q) & (rep.interval_of == interval)) for rep in reps
        ]
        if not any(arrivals) and not queue.agents[first_minute]:
            continue  # the queue is closed and nobody reaches it
        calls_per_hour = float(np.mean(arrivals)) * 60 / minutes
        agents = queue.agents[first_minute]
        common = {"agents": agents, "calls_per_hour": round(calls_per_hour, 2)}
        erlang_a[name] = {
            **common,
            **_erlang(agents, calls_per_hour, queue.handle_time, queue.patience),
        }
        erlang_c[name] = {**common, **_erlang(agents, calls_per_hour, queue.handle_time, math.inf)}
    return erlang_a, erlang_c


def _erlang(
    agents: int, calls_per_hour: float, handle_time: float, patience: float
) -> dict[str, Any]:
    model = ErlangA(
        agents, calls_per_hour=calls_per_hour, handle_time=handle_time, patience=patience
    )

    def finite(value: float) -> float | None:
        return round(value, 4) if math.isfinite(value) else None

    return {
        "p_wait": finite(model.p_wait),
        "p_abandon": finite(model.p_abandon),
        "mean_wait_s": finite(model.mean_wait),
        "service_level": finite(model.service_level(TARGET_S)),
    }
