"""The text report: a table per menu and its findings, readable in a terminal."""

from __future__ import annotations

from audit.reports.common import fmt_seconds, headline, ranked_counts, totals, verdict
from audit.run import MenuAudit


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """The whole run as text."""
    return "\n".join(menu_text(a) for a in audits) + "\n" + totals(audits) + "\n"


def _table(rows: list[list[str]], indent: str = "    ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in rows
    ]


def menu_text(audit: MenuAudit) -> str:
    """One menu: headline, humans table, hours table, findings."""
    h = headline(audit)
    lines = [
        f"{audit.menu.path}: {audit.menu.hotline.name}",
        *(f"  {line}" for line in verdict(audit)),
        f"  temperature     {h['temperature'].upper()}",
        f"  depth to human  {h['depth']}",
        f"  nearest human   {h['nearest']}",
        f"  first-time      {h['first_time']}",
        f"  expert          {h['expert']}",
        f"  promise         {h['promise']}",
    ]
    if audit.metrics.humans:
        lines.append("  people:")
        rows = [["node", "depth", "keys", "first-time", "expert", "path"]]
        rows += [
            [
                r.node,
                str(r.depth),
                " ".join(r.keys) or "-",
                fmt_seconds(r.first_time_s),
                fmt_seconds(r.expert_s),
                " > ".join(r.path),
            ]
            for r in audit.metrics.humans
        ]
        lines += _table(rows)
    if audit.metrics.by_hours:
        lines.append("  by hour of the week:")
        rows = [["when", "nearest", "first-time", "expert"]]
        rows += [
            [
                when,
                f.nearest.node if f.nearest else "nobody",
                fmt_seconds(f.nearest.first_time_s) if f.nearest else "-",
                fmt_seconds(f.expert_s) if f.nearest else "-",
            ]
            for when, f in audit.metrics.by_hours
        ]
        lines += _table(rows)
    lines.append(f"  findings: {ranked_counts(audit)}")
    for cause in audit.causes:
        f = cause.first
        lines.append(
            f"    {f.file}:{f.line}:{f.col}: {f.severity} {f.code} {f.rule}: {cause.message}"
            f" [{cause.harm.label}]"
        )
    return "\n".join(lines) + "\n"
