"""The simulation's result, as JSON (the contract of docs/simulate.md), a text table or a page.

JSON::

    {"menu", "replications", "seed", "engine", "window": {"start", "end", "interval_minutes"},
     "day": FIGURES,
     "intervals": [{"start", "end", ...FIGURES, "erlang_a": {QUEUE: {...}},
                    "erlang_c": {QUEUE: {...}}, "flagged": [QUEUE...]}]}

where FIGURES holds ``offered``, ``answered``, ``abandoned_in_menu``,
``abandoned_in_queue``, ``short_abandons``, ``callbacks``, ``voicemail``,
``hung_up``, ``system``, ``service_level``, ``mean_wait_s``, ``occupancy``,
``queue_wait``, ``menu`` and ``time_to_human`` (each ``{p50_s, p90_s, p99_s}``);
every figure is ``{"value", "low", "high"}`` (its 95 % interval over the
replications; ``null`` where unknown or with one replication).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from audit.simulation.figures import Estimate, erlang_beside, figures_of, occupancy
from audit.simulation.inputs import LineInputs
from audit.simulation.run import QUANTILES, Options, Replication

SPREADS = ("queue_wait", "menu", "time_to_human")


@dataclass
class Interval:
    """One interval's figures, with Erlang A and C per queue beside them."""

    start: str
    end: str
    figures: dict[str, Estimate]
    erlang_a: dict[str, dict[str, Any]] = field(default_factory=dict)
    erlang_c: dict[str, dict[str, Any]] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)


@dataclass
class Simulation:
    """Everything ``ivr simulate`` reports."""

    options: Options
    seed: int
    replications: int
    requested: int
    day: dict[str, Estimate]
    intervals: list[Interval]
    window: tuple[str, str, int]

    def as_dict(self) -> dict[str, Any]:
        """The JSON document (see the module docstring)."""
        return {
            "menu": self.options.menu,
            "replications": self.replications,
            "seed": self.seed,
            "engine": "simpy" if self.options.engine == "simpy" else "fast",
            "window": dict(zip(("start", "end", "interval_minutes"), self.window, strict=True)),
            "day": _plain(self.day),
            "intervals": [
                {
                    "start": i.start,
                    "end": i.end,
                    **_plain(i.figures),
                    "erlang_a": i.erlang_a,
                    "erlang_c": i.erlang_c,
                    "flagged": i.flagged,
                }
                for i in self.intervals
            ],
        }


def _plain(figures: dict[str, Estimate]) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for name, estimate in figures.items():
        spread = next((s for s in SPREADS if name.startswith(f"{s}_p")), None)
        if spread:
            plain.setdefault(spread, {})[name.removeprefix(f"{spread}_")] = estimate.as_dict(2)
        else:
            plain[name] = estimate.as_dict(4 if name in ("service_level", "occupancy") else 2)
    return plain


def summarize(
    options: Options, inputs: LineInputs, reps: list[Replication], seed: int, requested: int
) -> Simulation:
    """The figures of the replications run (``requested`` may be more, after a Ctrl-C)."""
    where = inputs.window
    day = figures_of(reps, [np.arange(rep.end.size) for rep in reps])
    day["occupancy"] = occupancy(reps, None)
    intervals = []
    for k in range(where.intervals):
        figures = figures_of(reps, [np.flatnonzero(rep.interval_of == k) for rep in reps])
        figures["occupancy"] = occupancy(reps, k)
        erlang_a, erlang_c = erlang_beside(reps, inputs, k)
        level = figures["service_level"]
        flagged = [
            name
            for name, formula in erlang_a.items()
            if level.low is not None
            and level.high is not None
            and formula["service_level"] is not None
            and not level.low <= formula["service_level"] <= level.high
        ]
        intervals.append(
            Interval(
                where.interval_start(k).isoformat(timespec="minutes"),
                where.interval_start(k + 1).isoformat(timespec="minutes"),
                figures,
                erlang_a,
                erlang_c,
                flagged,
            )
        )
    span = (
        where.start.isoformat(timespec="minutes"),
        where.interval_start(where.intervals).isoformat(timespec="minutes"),
        where.interval,
    )
    return Simulation(options, seed, len(reps), requested, day, intervals, span)


# -- text ----------------------------------------------------------------------------------------


def _value(estimate: Estimate, kind: str) -> str:
    value = estimate.value
    if value is None or not math.isfinite(value):
        return "-"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "seconds":
        return f"{value:.0f} s"
    return f"{value:.0f}"


COLUMNS = (
    ("offered", "offered", "count"),
    ("answered", "answered", "count"),
    ("gave up in menu", "abandoned_in_menu", "count"),
    ("gave up on hold", "abandoned_in_queue", "count"),
    ("within 20 s", "service_level", "share"),
    ("mean wait", "mean_wait_s", "seconds"),
    ("p90 wait", "queue_wait_p90_s", "seconds"),
    ("p90 to person", "time_to_human_p90_s", "seconds"),
    ("occupancy", "occupancy", "share"),
)


def text(result: Simulation) -> str:
    """A table per interval (intervals without calls left out), the whole window last."""
    day = result.day
    lines = [
        f"{result.options.menu}: {result.window[0]} to {result.window[1]}, "
        f"{result.replications} replication(s), seed {result.seed}",
        _headline(day),
        "",
    ]
    header = ["interval", *(title for title, _, _ in COLUMNS), "Erlang A within 20 s"]
    rows = [header]
    for interval in result.intervals:
        if not interval.figures["offered"].value:
            continue
        formula = ", ".join(
            f"{name} {figures['service_level']:.0%}"
            for name, figures in interval.erlang_a.items()
            if figures["service_level"] is not None
        )
        flag = " (differs)" if interval.flagged else ""
        rows.append(
            [
                interval.start[11:16],
                *(_value(interval.figures[key], kind) for _, key, kind in COLUMNS),
                (formula or "-") + flag,
            ]
        )
    rows.append(["whole", *(_value(day[key], kind) for _, key, kind in COLUMNS), ""])
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    if result.replications < result.requested:
        lines.append(f"\ninterrupted: {result.replications} of {result.requested} replications ran")
    return "\n".join(lines)


def _headline(day: dict[str, Estimate]) -> str:
    offered = day["offered"].value or 0
    if not offered:
        return "no calls"

    def share(name: str) -> str:
        return f"{(day[name].value or 0) / offered:.0%}"

    p90 = day["time_to_human_p90_s"].value
    waited = day["queue_wait_p90_s"].value
    return (
        f"{offered:.0f} callers: {share('answered')} reach a person, "
        f"{share('abandoned_in_queue')} give up on hold, {share('abandoned_in_menu')} in the menu, "
        f"{share('hung_up')} are hung up on; 9 in 10 of those answered waited at most "
        f"{_value(Estimate(waited), 'seconds')} on hold "
        f"({_value(Estimate(p90), 'seconds')} from the call's start)"
    )


# -- HTML ---------------------------------------------------------------------------------------


CHART_W, CHART_H = 720, 160


def html(result: Simulation) -> str:
    """One self-contained page: the headline, charts of the day, the table."""
    shown = [i for i in result.intervals if i.figures["offered"].value]
    top = max((i.figures["offered"].value or 0.0 for i in shown), default=1.0) or 1.0
    waits = [i.figures["queue_wait_p90_s"].value for i in shown]
    top_wait = max((w or 0.0 for w in waits), default=1.0) or 1.0
    step = CHART_W / max(1, len(shown))
    bars = []
    for index, (interval, wait) in enumerate(zip(shown, waits, strict=True)):
        figures = interval.figures
        offered = figures["offered"].value or 0.0
        answered = figures["answered"].value or 0.0
        gave_up = (figures["abandoned_in_queue"].value or 0.0) + (
            figures["abandoned_in_menu"].value or 0.0
        )
        bars.append(
            {
                "label": interval.start[11:16],
                "offered": offered,
                "answered": answered,
                "abandoned": gave_up,
                "p90": wait,
                "x": round(index * step, 1),
                "w": round(step * 0.8, 1),
                "h_offered": round(CHART_H * offered / top, 1),
                "h_answered": round(CHART_H * answered / top, 1),
                "h_abandoned": round(CHART_H * gave_up / top, 1),
                "y_wait": None if wait is None else round(CHART_H * (1 - wait / top_wait), 1),
            }
        )
    from audit.reports.html_report import template_environment  # only for this format

    table = text(result).splitlines()
    return (
        template_environment()
        .get_template("simulation.html")
        .render(
            title=f"Simulation of {result.options.menu}",
            headline=_headline(result.day),
            bars=bars,
            width=CHART_W,
            height=CHART_H,
            top=round(top),
            top_wait=round(top_wait),
            table=table[3:],
            summary=table[0],
            quantiles=QUANTILES,
        )
    )
