"""How hot a hotline is, and whether it keeps its promise (DESIGN.md, Audit report).

- ``hot``: a first-time caller reaches a person in at most ``HOT_SECONDS`` (30 s);
- ``warm``: within the promised time to human, or ``WARM_SECONDS`` (120 s) without one;
- ``cold``: slower than that, or an error-level finding on the route to the nearest person;
- ``frozen``: no person reachable, or the nearest person's queue never drains.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from audit.metrics import Metrics, describe_minutes, open_minutes_of_week
from audit.rules.base import Finding
from ivr.model import Menu

HOT_SECONDS = 30.0
WARM_SECONDS = 120.0


def temperature(
    metrics: Metrics, findings: Iterable[Finding], promised_seconds: float | None = None
) -> str:
    """``hot``, ``warm``, ``cold`` or ``frozen`` for the figures and findings of a menu."""
    nearest = metrics.nearest
    if nearest is None or math.isinf(nearest.first_time_s):
        return "frozen"
    route = set(nearest.path)
    if any(f.severity == "error" and f.node in route for f in findings):
        return "cold"
    if nearest.first_time_s <= HOT_SECONDS:
        return "hot"
    limit = promised_seconds if promised_seconds is not None else WARM_SECONDS
    return "warm" if nearest.first_time_s <= limit else "cold"


@dataclass(frozen=True)
class PromiseCheck:
    """The hotline's promise held against the figures."""

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


def check_promise(menu: Menu, metrics: Metrics) -> PromiseCheck:
    """Whether promised hours have a reachable person and the promised time is met."""
    promise = menu.hotline.promise
    hours_kept, uncovered = None, ""
    if promise.hours and promise.hours in menu.hotline.hours:
        gaps = open_minutes_of_week(menu, promise.hours) & metrics.closed_minutes
        hours_kept = not gaps
        uncovered = describe_minutes(gaps) if gaps else ""
    time_kept = None
    if promise.time_to_human is not None:
        nearest = metrics.nearest
        time_kept = nearest is not None and nearest.first_time_s <= promise.time_to_human
    return PromiseCheck(promise.hours, promise.time_to_human, hours_kept, time_kept, uncovered)
