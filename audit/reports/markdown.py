"""The Markdown report: headline table, people, hours and findings per menu."""

from __future__ import annotations

from audit.reports.common import fmt_seconds, headline, ranked_counts, totals, verdict, where
from audit.run import MenuAudit


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """The whole run as Markdown."""
    lines = ["# IVR audit", "", totals(audits), ""]
    lines += _table(
        ["menu", "hotline", "temperature", "depth", "first-time", "expert"],
        [
            [
                f"`{a.menu.path}`",
                a.menu.hotline.name,
                f"**{a.temperature}**",
                str(a.metrics.depth_to_human if a.metrics.nearest else "-"),
                fmt_seconds(a.metrics.nearest.first_time_s) if a.metrics.nearest else "-",
                fmt_seconds(a.metrics.figures.expert_s) if a.metrics.nearest else "-",
            ]
            for a in audits
        ],
    )
    for audit in audits:
        h = headline(audit)
        lines += [
            f"## {audit.menu.hotline.name} (`{audit.menu.path}`)",
            "",
            *(f"> {line}  " for line in verdict(audit)),
            "",
            f"- temperature: **{h['temperature']}**",
            f"- depth to human: {h['depth']}",
            f"- nearest human: {h['nearest']}",
            f"- first-time caller: {h['first_time']}",
            f"- expert caller: {h['expert']}",
            f"- promise: {h['promise']}",
            "",
        ]
        if audit.metrics.humans:
            lines += _table(
                ["person", "depth", "keys", "first-time", "expert", "path"],
                [
                    [
                        r.node,
                        str(r.depth),
                        " ".join(r.keys) or "-",
                        fmt_seconds(r.first_time_s),
                        fmt_seconds(r.expert_s),
                        " → ".join(r.path),
                    ]
                    for r in audit.metrics.humans
                ],
            )
        if audit.metrics.by_hours:
            lines += _table(
                ["when", "nearest", "first-time", "expert"],
                [
                    [
                        w,
                        f.nearest.node if f.nearest else "nobody",
                        fmt_seconds(f.nearest.first_time_s) if f.nearest else "-",
                        fmt_seconds(f.expert_s) if f.nearest else "-",
                    ]
                    for w, f in audit.metrics.by_hours
                ],
            )
        lines += [f"### Findings ({ranked_counts(audit)})", ""]
        if audit.causes:
            lines += _table(
                ["harm", "severity", "code", "rule", "where", "message"],
                [
                    [c.harm.label, c.severity, c.code, c.rule, where(c), c.message]
                    for c in audit.causes
                ],
            )
    return "\n".join(lines)
