"""Small helpers shared by the report formats."""

from __future__ import annotations

import math

from audit.run import MenuAudit

SEVERITY_ORDER = ("error", "warning", "info")


def fmt_seconds(value: float | None) -> str:
    """Seconds for people: ``41.2 s``, ``never`` for an endless wait, ``-`` for unknown.

    >>> fmt_seconds(41.23), fmt_seconds(math.inf), fmt_seconds(None)
    ('41.2 s', 'never', '-')
    """
    if value is None:
        return "-"
    if math.isinf(value):
        return "never"
    return f"{value:.1f} s"


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
            f"{fmt_seconds(nearest.queue_s)} waiting)"
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
        kept = "kept" if p.hours_kept else f"broken: nobody {p.uncovered}"
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
