"""``ivr simulate MENU``: a day (or week) of calls, call by call, beside Erlang A and C."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ivr.commands.common import echo

if TYPE_CHECKING:
    from audit.simulation.report import Simulation

LONG_RUN = 200_000  # callers: above this a run says how many first and shows its progress


def _agents(text: str | None) -> list[int] | None:
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)(?:\.\.(\d+))?", text.strip())
    if not match:
        raise click.BadParameter(f'"{text}" is not a number of agents or a range like 10..20')
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if high < low or high > 10_000:
        raise click.BadParameter(f'"{text}": give a rising range of at most 10,000 agents')
    return list(range(low, high + 1))


@click.command()
@click.argument("menu", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--day", type=click.DateTime(["%Y-%m-%d"]), help="The day to simulate (default 2026-11-23)."
)
@click.option("--week", is_flag=True, help="Simulate the week from that day's Monday instead.")
@click.option(
    "--calls",
    type=click.FloatRange(0, 20_000_000),
    help="Calls in the window (default: the queues' calls_per_hour).",
)
@click.option("--replications", type=click.IntRange(1, 100_000), default=5, show_default=True)
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True)
@click.option(
    "--interval",
    type=click.Choice(["15", "30", "60"]),
    default="60",
    show_default=True,
    help="Minutes per interval.",
)
@click.option(
    "--agents",
    metavar="N|LOW..HIGH",
    help="Staff every queue with N agents while it is open; a range sweeps.",
)
@click.option(
    "--busyness",
    type=click.FloatRange(0.1, 1e6, min_open=False),
    metavar="SHAPE",
    help="A busier or quieter day: Gamma(SHAPE) factor of mean 1 on the day's calls.",
)
@click.option(
    "--expert",
    type=click.FloatRange(0, 1),
    default=0.3,
    show_default=True,
    help="Share of callers who type ahead.",
)
@click.option(
    "--miskey",
    type=click.FloatRange(0, 0.5),
    default=0.02,
    show_default=True,
    help="Chance of a wrong key before each answer.",
)
@click.option(
    "--handle",
    type=click.Choice(["exponential", "fixed"]),
    default="exponential",
    show_default=True,
    help="Handle times.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "simpy"]),
    default="auto",
    show_default=True,
    help="Queue engine: auto is the exact fast path.",
)
@click.option(
    "--executor",
    metavar="local|dask://HOST:PORT",
    help="Where replications run (default: $IVR_EXECUTOR or local processes).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file."
)
def simulate(
    menu: str,
    day: Any,
    week: bool,
    calls: float | None,
    replications: int,
    seed: int,
    interval: str,
    agents: str | None,
    busyness: float | None,
    expert: float,
    miskey: float,
    handle: str,
    engine: str,
    executor: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Simulate the calls of MENU's day (or week), callers walking the real menu.

    Callers arrive over the day as the line's traffic says, walk the menu
    through the call engine (some as experts, some pressing a wrong key), wait
    in the queue they reach, and are answered by the agents of that hour or
    give up. Prints per interval: offered, answered, given up, service level,
    waits and occupancy, beside Erlang A; with replications, 95 % intervals.
    """
    from audit.simulation.executors import ExecutorError, executor_for, run_replications
    from audit.simulation.inputs import SimulationError
    from audit.simulation.report import html, summarize, text
    from audit.simulation.run import Options, prepared

    sweep = _agents(agents)
    options = Options(
        menu=str(Path(menu)),
        day=date.fromisoformat(day.strftime("%Y-%m-%d")) if day else None,
        week=week,
        interval=int(interval),
        calls=calls,
        busyness=busyness,
        expert=expert,
        miskey=miskey,
        handle=handle,
        engine=engine,
    )
    try:
        _menu, inputs, _walker = prepared(options)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    expected = inputs.expected_calls * replications * len(sweep or [0])
    if expected > LONG_RUN:
        echo(
            f"simulating about {expected:,.0f} callers ({replications} replication(s)); "
            "Ctrl-C stops and prints what ran",
            err=True,
        )
    results: list[tuple[int | None, Simulation]] = []
    counts: list[int | None] = list(sweep) if sweep else [None]
    try:
        with executor_for(executor, replications) as pool:
            for count in counts:
                chosen = replace(options, agents=count)
                try:
                    inputs = prepared(chosen)[1]
                except SimulationError as exc:
                    raise click.ClickException(str(exc)) from None
                bar = _Progress(replications, shown=expected > LONG_RUN)
                reps = run_replications(chosen, replications, seed, pool, done=bar.update)
                bar.finish()
                results.append((count, summarize(chosen, inputs, reps, seed, replications)))
                if len(reps) < replications:
                    break
    except ExecutorError as exc:
        raise click.ClickException(str(exc)) from None
    if sweep:
        report = _sweep_report(results, fmt)
    elif fmt == "json":
        report = json.dumps(results[0][1].as_dict(), indent=2, ensure_ascii=False)
    elif fmt == "html":
        report = html(results[0][1])
    else:
        report = text(results[0][1])
    if output:
        Path(output).write_text(report + "\n", encoding="utf-8")
        echo(f"wrote {output}", err=True)
    else:
        echo(report)


class _Progress:
    """Replications done, on standard error (only for long runs)."""

    def __init__(self, total: int, *, shown: bool):
        self.total, self.shown = total, shown

    def update(self, done: int) -> None:
        if self.shown:
            click.echo(f"\rreplications: {done}/{self.total}", err=True, nl=False)

    def finish(self) -> None:
        if self.shown:
            click.echo("", err=True)


def _sweep_report(results: Sequence[tuple[int | None, Simulation]], fmt: str) -> str:
    """Per agent count: the day's service level and abandonment, and the worst interval."""
    rows = []
    for count, result in results:
        levels = [
            i.figures["service_level"].value
            for i in result.intervals
            if i.figures["service_level"].value is not None
            and (i.figures["offered"].value or 0) > 0
        ]
        day = result.day
        offered = day["offered"].value or 0
        rows.append(
            {
                "agents": count,
                "service_level": day["service_level"].value,
                "worst_interval_service_level": min(levels) if levels else None,
                "abandoned": (day["abandoned_in_queue"].value or 0) / offered if offered else None,
            }
        )
    meets = next(
        (r["agents"] for r in rows if (r["worst_interval_service_level"] or 0) >= 0.8), None
    )
    if fmt == "json":
        return json.dumps({"sweep": rows, "meets_80_20_every_interval": meets}, indent=2)
    lines = ["agents  within 20 s  worst interval  gave up on hold"]
    lines += [
        f"{r['agents']:>6}  {_pct(r['service_level']):>11}  "
        f"{_pct(r['worst_interval_service_level']):>14}  {_pct(r['abandoned']):>15}"
        for r in rows
    ]
    lines.append(
        f"{meets} agents answer 80 % of callers within 20 s in every interval"
        if meets is not None
        else "no count in the range answers 80 % within 20 s in every interval"
    )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
