"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network).

Per menu: the headline, the phone tree (``ivr.drawing.tree_svg``, the same
picture as the browser phone's) with the route to the nearest person
highlighted, a bar chart of time-to-human per human endpoint (first-time and
expert callers), the findings, and the documentation of every rule that found
something. The page is the Jinja template ``audit/templates/report.html``,
rendered with autoescaping: menu text never becomes markup.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

from audit.reports.common import counts, fmt_seconds, headline, ranked_counts, totals, where
from audit.rules import registry
from audit.run import MenuAudit

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BAR_WIDTH, BAR_H, LABEL_W = 420, 14, 150
NAME_CHARS = 22


@cache
def template_environment() -> Any:
    """The autoescaping Jinja environment of ``audit/templates``, for every page the audit
    writes (the report, the simulation's page)."""
    import jinja2  # only when an HTML report is written: a slow import for the command line

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """The whole run as one HTML page."""
    from ivr.drawing import MAX_DRAWN_NODES  # the tree picture: only for this format

    environment = template_environment()
    codes = sorted({f.code for a in audits for f in a.findings})
    rules = [registry()[code] for code in codes]
    return environment.get_template("report.html").render(
        style=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        totals=totals(audits),
        menus=[_menu(index, audit) for index, audit in enumerate(audits)],
        max_drawn=MAX_DRAWN_NODES,
        rules=[
            {
                "code": rule.code,
                "name": rule.name,
                "summary": rule.summary(),
                "sections": list(rule.sections().items()),
            }
            for rule in rules
        ],
    )


def _menu(index: int, audit: MenuAudit) -> dict[str, Any]:
    """What the template shows of one menu."""
    from markupsafe import Markup

    from ivr.drawing import drawable, tree_svg

    nearest = audit.metrics.nearest
    tree = (
        Markup(  # tree_svg renders an autoescaping template: its output is markup
            tree_svg(
                audit.graph,
                route=nearest.path if nearest else (),
                element_id=f"tree-{index}",
                label=audit.menu.hotline.name or audit.menu.name,
            )
        )
        if drawable(audit.graph)
        else None
    )
    return {
        "path": audit.menu.path,
        "hotline": audit.menu.hotline.name,
        "temperature": audit.temperature,
        "headline": headline(audit),
        "counts": counts(audit),
        "ranked_counts": ranked_counts(audit),
        "nodes": len(audit.graph),
        "tree": tree,
        "chart": _chart(audit),
        "by_hours": [
            {
                "when": when,
                "node": figures.nearest.node if figures.nearest else "nobody",
                "first_time": fmt_seconds(figures.nearest.first_time_s) if figures.nearest else "-",
                "expert": fmt_seconds(figures.expert_s) if figures.nearest else "-",
            }
            for when, figures in audit.metrics.by_hours
        ],
        "findings": [
            {
                "harm": c.harm.label,
                "severity": c.severity,
                "code": c.code,
                "rule": c.rule,
                "where": where(c),
                "message": c.message,
            }
            for c in audit.causes
        ],
    }


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chart(audit: MenuAudit) -> dict[str, Any] | None:
    """The geometry of the bar chart of time to each person (None: nobody is reachable)."""
    humans = audit.metrics.humans
    if not humans:
        return None
    finite = [t for h in humans for t in (h.first_time_s, h.expert_s) if not math.isinf(t)]
    top = max(finite, default=1.0) or 1.0
    row_h = 2 * BAR_H + 12
    rows = []
    for i, human in enumerate(humans):
        y = 24 + i * row_h
        bars = []
        for j, (value, colour) in enumerate(
            ((human.first_time_s, "#1d4ed8"), (human.expert_s, "#93c5fd"))
        ):
            never = math.isinf(value)
            bars.append(
                {
                    "y": y + j * (BAR_H + 2),
                    "length": BAR_WIDTH if never else max(1.0, BAR_WIDTH * value / top),
                    "fill": "#b91c1c" if never else colour,
                    "text": fmt_seconds(value),
                }
            )
        rows.append({"y": y, "node": human.node, "name": _short(human.node), "bars": bars})
    return {
        "width": LABEL_W + BAR_WIDTH + 90,
        "height": 30 + len(humans) * row_h,
        "label_w": LABEL_W,
        "bar_h": BAR_H,
        "rows": rows,
    }
