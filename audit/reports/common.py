"""Small helpers shared by the report formats."""

from __future__ import annotations

import math

from audit.callers import Callers, percent, plain_seconds
from audit.harm import Cause
from audit.metrics import describe_minutes
from audit.run import MenuAudit
from ivr.queueing import agents_needed_impatient

SEVERITY_ORDER = ("error", "warning", "info")


def fmt_seconds(value: float | None) -> str:
    """Seconds for people: ``41.2 s``, ``without end``, ``unknown``, ``-`` for nothing.

    >>> fmt_seconds(41.23), fmt_seconds(math.inf), fmt_seconds(math.nan), fmt_seconds(None)
    ('41.2 s', 'without end', 'unknown', '-')
    """
    if value is None:
        return "-"
    if math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "without end"
    return f"{value:.1f} s"


def verdict(audit: MenuAudit) -> list[str]:
    """What callers live over the week, in plain words: the report's first lines."""
    callers = audit.callers
    if callers is None:
        return []
    lines = _reach(callers)
    if callers.hung_up:
        when = describe_minutes(callers.closed_minutes)
        lines.append(
            f"{percent(callers.hung_up)} are hung up on by the line "
            f"(no person {'all week' if when == 'all week' else when})"
        )
    if callers.voicemail:
        lines.append(f"{percent(callers.voicemail)} can only leave a voicemail")
    for node, hours in audit.queues.items():
        name = getattr(audit.menu.nodes[node], "name", "") or node
        for h in hours:
            erlang = h.hold.erlang
            if erlang is None or erlang.calls_per_hour == 0:
                continue
            level = erlang.service_level(20)
            fix = ""
            if level < 0.8:
                needed = agents_needed_impatient(
                    calls_per_hour=erlang.calls_per_hour,
                    handle_time=erlang.handle_time,
                    patience=erlang.patience,
                )
                fix = f"; {needed} agents would answer 80 % within 20 s"
            lines.append(
                f'queue "{name}" {h.when}: {erlang.agents} agents '
                f"({erlang.agents * h.hours_a_week:g} agent-hours a week) for "
                f"{erlang.load:.1f} erlangs; {percent(erlang.p_abandon)} give up, "
                f"{percent(level)} answered within 20 s{fix}"
            )
    return lines


def _reach(callers: Callers) -> list[str]:
    """Who reaches a person and who gives up on hold; with an unknown wait, the known
    floor and ceiling (or that it cannot be said)."""
    if callers.reached is not None:
        reached = f"{percent(callers.reached)} of callers reach a person"
        if callers.reached > 0 and callers.first_time_p50_s is not None:
            reached += (
                f", half of them within {plain_seconds(callers.first_time_p50_s)}"
                f" and 9 in 10 within {plain_seconds(callers.first_time_p90_s)}"
            )
        gave_up = callers.abandoned
        lines = [reached]
        if gave_up:
            lines.append(f"{percent(gave_up)} give up on hold in a queue")
        return lines
    unknown = "; ".join(_unknown_reasons(callers))
    if not callers.reached_known:
        return [f"{unknown}: whether they reach a person cannot be said"]
    lines = [  # the callers of known holds: a floor, not nothing
        f"between {percent(callers.reached_known)} and "
        f"{percent(callers.reached_at_most)} of callers reach a person: {unknown}"
    ]
    if callers.abandoned_known:
        lines.append(
            f"{percent(callers.abandoned_known)} give up on hold in a queue whose wait is known"
        )
    return lines


def _unknown_reasons(callers: Callers) -> list[str]:
    """Why the ends of ``callers.unknown`` of the callers cannot be said."""
    reasons = []
    waiting = callers.unknown - callers.undecided
    if waiting > 1e-9:
        reasons.append(
            f"{percent(waiting)} of callers wait in a queue whose wait is unknown "
            "(no staffing, no wait given)"
        )
    if callers.undecided:
        names = ", ".join(f'"{node}"' for node in callers.undecided_at)
        reasons.append(
            f"{percent(callers.undecided)} of callers pass a decision made outside the menu "
            f"({names}) whose outcomes lead to different ends and have no share"
        )
    return reasons


def headline(audit: MenuAudit) -> dict[str, str]:
    """The headline figures of a menu as short strings."""
    metrics = audit.metrics
    nearest = metrics.nearest
    return {
        "temperature": audit.temperature,
        "depth": "-"
        if nearest is None
        else f"{nearest.depth} menu{'s' * (nearest.depth != 1)} "
        f"(worst case {metrics.worst_case_depth})",
        "first_time": "no person reachable"
        if nearest is None
        else (
            f"{fmt_seconds(nearest.first_time_s)} ({fmt_seconds(nearest.ivr_s)} in menus + "
            + ("an unknown time in another system + " if nearest.away_unknown else "")
            + f"{fmt_seconds(nearest.queue_s)} waiting)"
        ),
        "expert": "-" if nearest is None else fmt_seconds(metrics.figures.expert_s),
        "nearest": "-"
        if nearest is None
        else (f"{nearest.node} (keys {' '.join(nearest.keys) or 'none'})"),
        "promise": promise_text(audit),
    }


def promise_text(audit: MenuAudit) -> str:
    """The promise and whether it is kept, in one line."""
    p = audit.promise
    if p.hours is None and p.time_to_human is None:
        return "none declared"
    parts = []
    if p.hours is not None:
        kept = (
            "unknown (a queue's wait is unknown)"
            if p.hours_kept is None
            else "kept"
            if p.hours_kept
            else f"broken: most callers reach nobody {p.uncovered}"
        )
        parts.append(f'hours "{p.hours}" {kept}')
    if p.time_to_human is not None:
        parts.append(f"a person in {p.time_to_human:g} s " + ("kept" if p.time_kept else "broken"))
    return "; ".join(parts)


def counts(audit: MenuAudit) -> str:
    """``2 errors, 1 warning, 0 info``."""
    e, w, i = (audit.count(s) for s in SEVERITY_ORDER)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}, {i} info"


def totals(audits: list[MenuAudit]) -> str:
    """One summary line for a whole run."""
    temps: dict[str, int] = {}
    for a in audits:
        temps[a.temperature] = temps.get(a.temperature, 0) + 1
    e, w, i = (sum(a.count(s) for a in audits) for s in SEVERITY_ORDER)
    listed = ", ".join(f"{n} {t}" for t, n in temps.items())
    return (
        f"{len(audits)} menu{'s' * (len(audits) != 1)} ({listed}): {e} error{'s' * (e != 1)}, "
        f"{w} warning{'s' * (w != 1)}, {i} info"
    )


def ranked_counts(audit: MenuAudit) -> str:
    """``counts`` and, when there are findings, the order they are listed in."""
    return counts(audit) + ("; most harm to callers first" if audit.causes else "")


def where(cause: Cause) -> str:
    """The places of a cause: ``main (line 12), service (line 30)``."""
    return ", ".join(f"{f.node} (line {f.line})" for f in cause.findings)
