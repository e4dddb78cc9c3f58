"""How hot a hotline is, and whether it keeps its promise (docs/audit.md, Temperature).

Judged on what callers live over the whole week (``audit.callers``), not on
the best hour. ``limit`` is the promised time to a person, or 120 s:

- ``frozen``: most callers (over half) never reach a person;
- ``cold``: fewer than 80 % reach one, or half of those who do wait longer
  than ``limit``, or an error-level finding lies on the route most callers take;
- ``hot``: at least 90 % reach a person and 90 % of them within ``limit``,
  with every figure known;
- ``warm``: the rest, including lines whose figures depend on an unknown wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from audit.callers import Callers, caller_figures
from audit.metrics import Metrics, describe_minutes, open_minutes_of_week
from audit.rules.base import Finding
from ivr.model import Menu

WARM_SECONDS = 120.0  # the time to a person without a promise
FROZEN_REACHED = 0.5  # under this share reaching a person: frozen
COLD_REACHED = 0.8  # under this: cold
HOT_REACHED = 0.9  # at least this, and p90 within the limit: hot


def temperature(
    metrics: Metrics,
    findings: Iterable[Finding],
    promised_seconds: float | None = None,
    callers: Callers | None = None,
) -> str:
    """``hot``, ``warm``, ``cold`` or ``frozen`` for the caller figures and findings of a menu."""
    callers = callers or caller_figures(metrics)
    if metrics.nearest is None or callers.reached_at_most < FROZEN_REACHED:
        return "frozen"
    limit = promised_seconds if promised_seconds is not None else WARM_SECONDS
    route = set(metrics.nearest.path)
    on_route = any(f.severity == "error" and f.node in route for f in findings)
    median = callers.first_time_p50_s
    if (
        callers.reached_at_most < COLD_REACHED
        or on_route
        or (median is not None and median > limit)
    ):
        return "cold"
    if callers.reached is None or callers.first_time_p90_s is None:
        return "warm"  # never hot on an unknown
    if callers.reached >= HOT_REACHED and callers.first_time_p90_s <= limit:
        return "hot"
    return "warm"


@dataclass(frozen=True)
class PromiseCheck:
    """The hotline's promise held against what callers live."""

    hours: str | None
    time_to_human: float | None
    hours_kept: bool | None
    time_kept: bool | None
    uncovered: str

    def as_dict(self) -> dict:
        """As in the JSON report."""
        return {
            "hours": self.hours,
            "time_to_human": self.time_to_human,
            "hours_kept": self.hours_kept,
            "time_kept": self.time_kept,
            "uncovered": self.uncovered,
        }


def check_promise(menu: Menu, metrics: Metrics, callers: Callers | None = None) -> PromiseCheck:
    """Promised hours: most callers reach a person at every promised hour (None: unknown).

    Promised time: 90 % of the callers who reach a person do so within it
    (None when the waits are unknown).
    """
    callers = callers or caller_figures(metrics)
    promise = menu.hotline.promise
    hours_kept, uncovered = None, ""
    if promise.hours and promise.hours in menu.hotline.hours:
        promised = open_minutes_of_week(menu, promise.hours)
        gaps = promised & callers.unanswered_minutes
        uncovered = describe_minutes(gaps) if gaps else ""
        hours_kept = False if gaps else (None if promised & callers.unknown_minutes else True)
    time_kept = None
    if promise.time_to_human is not None:
        slowest = callers.first_time_p90_s
        if metrics.nearest is None or (callers.reached is not None and slowest is None):
            time_kept = False
        elif slowest is not None:
            time_kept = slowest <= promise.time_to_human
    return PromiseCheck(promise.hours, promise.time_to_human, hours_kept, time_kept, uncovered)
