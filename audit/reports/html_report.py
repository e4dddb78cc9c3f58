"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network).

Per menu: the headline, the phone tree drawn in layers (``ivr.drawing.layered_rows``)
with the route to the nearest person highlighted, a bar chart of
time-to-human per human endpoint (first-time and expert callers), the
findings, and the documentation of every rule that found something.
"""

from __future__ import annotations

import math
from html import escape

import networkx as nx

from audit.metrics import compute_metrics
from audit.reports.common import counts, fmt_seconds, headline, totals
from audit.rules import registry
from audit.run import MenuAudit
from ivr.drawing import edge_label, layered_rows
from ivr.model import Menu

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 138, 42, 18, 64, 16
MAX_DRAWN_NODES = 400
BAR_WIDTH, BAR_H, LABEL_W = 420, 14, 150
FILL = {
    "menu": "#dbeafe",
    "input": "#e0e7ff",
    "say": "#f1f5f9",
    "branch": "#fef9c3",
    "hangup": "#e5e7eb",
    "record": "#fce7f3",
    "queue": "#dcfce7",
    "transfer": "#dcfce7",
}
TEMPERATURE_COLOUR = {"hot": "#dc2626", "warm": "#ea580c", "cold": "#2563eb", "frozen": "#0e7490"}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#0f172a;
background:#fff}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2.2rem;border-top:1px solid #cbd5e1;
padding-top:1rem}h3{font-size:1.05rem}
.temp{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #cbd5e1;padding:4px 8px;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#f1f5f9}
.figure{overflow-x:auto;border:1px solid #e2e8f0;border-radius:6px;padding:6px;margin:.5rem 0}
.sev-error{color:#b91c1c;font-weight:600}.sev-warning{color:#b45309}.sev-info{color:#475569}
details{margin:.3rem 0}summary{cursor:pointer}pre{white-space:pre-wrap;background:#f8fafc;
padding:6px;border-radius:4px}
svg text{font-family:system-ui,sans-serif}
.legend span{display:inline-block;margin-right:14px;font-size:.85rem}
"""


def render(audits: list[MenuAudit], fail_on: frozenset[str] = frozenset({"error"})) -> str:
    """The whole run as one HTML page."""
    body = [f"<h1>IVR audit</h1><p>{escape(totals(audits))}</p>", _overview(audits)]
    body += [_menu(i, audit) for i, audit in enumerate(audits)]
    body.append(_rule_docs(audits))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>IVR audit</title><link rel="icon" href="data:,">'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _temp(temperature: str) -> str:
    return (
        f'<span class="temp" style="background:{TEMPERATURE_COLOUR[temperature]}">'
        f"{escape(temperature)}</span>"
    )


def _overview(audits: list[MenuAudit]) -> str:
    rows = "".join(
        f'<tr><td><a href="#menu-{i}">{escape(a.menu.path)}</a></td>'
        f"<td>{escape(a.menu.hotline.name)}</td><td>{_temp(a.temperature)}</td>"
        f"<td>{escape(headline(a)['first_time'])}</td><td>{escape(counts(a))}</td></tr>"
        for i, a in enumerate(audits)
    )
    return (
        "<table><tr><th>menu</th><th>hotline</th><th>temperature</th>"
        f"<th>first-time caller to a person</th><th>findings</th></tr>{rows}</table>"
    )


def _menu(index: int, audit: MenuAudit) -> str:
    h = headline(audit)
    facts = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in (
            ("depth to human", h["depth"]),
            ("nearest human", h["nearest"]),
            ("first-time caller", h["first_time"]),
            ("expert caller", h["expert"]),
            ("promise", h["promise"]),
        )
    )
    parts = [
        f'<h2 id="menu-{index}">{escape(audit.menu.hotline.name)} {_temp(audit.temperature)}'
        f"</h2><p><code>{escape(audit.menu.path)}</code></p><table>{facts}</table>",
        "<h3>Phone tree</h3>",
        _tree(index, audit),
        "<h3>Time to a person</h3>",
        _chart(audit),
    ]
    if audit.metrics.by_hours:
        rows = "".join(
            f"<tr><td>{escape(w)}</td><td>{escape(f.nearest.node if f.nearest else 'nobody')}</td>"
            f"<td>{fmt_seconds(f.nearest.first_time_s) if f.nearest else '-'}</td>"
            f"<td>{fmt_seconds(f.expert_s) if f.nearest else '-'}</td></tr>"
            for w, f in audit.metrics.by_hours
        )
        parts.append(
            "<h3>By hour of the week</h3><table><tr><th>when</th><th>nearest person"
            f"</th><th>first-time</th><th>expert</th></tr>{rows}</table>"
        )
    parts.append(f"<h3>Findings ({escape(counts(audit))})</h3>" + _findings(audit))
    return "\n".join(parts)


def _tree(index: int, audit: MenuAudit) -> str:
    return tree_svg(audit.graph, audit.metrics.nearest.path if audit.metrics.nearest else [], index)


def tree_page(menu: Menu) -> str:
    """A page with just the phone tree of ``menu`` and its route to the nearest person."""
    metrics = compute_metrics(menu)
    nearest = metrics.nearest
    caption = (
        f"Route to the nearest person: {' → '.join(nearest.path)} "
        f"(keys {' '.join(nearest.keys) or 'none'}, first-time caller "
        f"{fmt_seconds(nearest.first_time_s)})"
        if nearest
        else "No person can be reached from the start."
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(menu.hotline.name or menu.name)}</title>"
        f'<link rel="icon" href="data:,"><style>{STYLE}</style></head><body>'
        f"<h1>{escape(menu.hotline.name or menu.name)}</h1><p><code>{escape(menu.path)}"
        f"</code></p><p>{escape(caption)}</p>"
        f"{tree_svg(metrics.graph, nearest.path if nearest else [], 0)}</body></html>\n"
    )


def tree_svg(graph: nx.DiGraph, route_path: list[str], index: int) -> str:
    """The tree as inline SVG in layers, with ``route_path`` highlighted."""
    if len(graph) > MAX_DRAWN_NODES:
        return (
            f"<p>The tree has {len(graph)} nodes, too many to draw here "
            f"(limit {MAX_DRAWN_NODES}).</p>"
        )
    positions = {
        node: (column, row)
        for row, nodes in enumerate(layered_rows(graph))
        for column, node in enumerate(nodes)
    }
    rows: dict[int, int] = {}
    for column, row in positions.values():
        rows[row] = max(rows.get(row, 0), column + 1)
    widest = max(rows.values())
    width = 2 * MARGIN + widest * (NODE_W + GAP_X)
    height = 2 * MARGIN + (max(rows) + 1) * (NODE_H + GAP_Y)

    def corner(node: str) -> tuple[float, float]:
        column, row = positions[node]
        shift = (widest - rows[row]) * (NODE_W + GAP_X) / 2
        return MARGIN + shift + column * (NODE_W + GAP_X), MARGIN + row * (NODE_H + GAP_Y)

    route = set(zip(route_path, route_path[1:], strict=False))
    on_route = set(route_path)
    marker, hot_marker = f"arrow{index}", f"arrowhot{index}"
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="phone tree of {escape(graph.graph.get("menu", ""))}">',
        "<defs>"
        + "".join(
            f'<marker id="{m}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{w}" '
            f'markerHeight="{w}" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0L10,5L0,10z" fill="{c}"/></marker>'
            for m, c, w in ((marker, "#64748b", 8), (hot_marker, "#ea580c", 12))
        )
        + "</defs>",
    ]
    for src, dst, ways in sorted(graph.edges(data="ways"), key=lambda e: (e[0], e[1]) in route):
        if src == dst:
            continue
        (x1, y1), (x2, y2) = corner(src), corner(dst)
        hot = (src, dst) in route
        colour, stroke = ("#ea580c", 3.5) if hot else ("#94a3b8", 1.2)
        sx, sy, tx = x1 + NODE_W / 2, y1 + NODE_H, x2 + NODE_W / 2
        if y2 > y1:
            path, ty = f"M{sx:.1f},{sy:.1f} L{tx:.1f},{y2:.1f}", y2
            lx, ly = (sx + tx) / 2, (sy + y2) / 2
        else:  # back or sideways edge: curve around
            ty = y2 + NODE_H
            bend = max(sy, ty) + GAP_Y * 0.45
            path = f"M{sx:.1f},{sy:.1f} C{sx:.1f},{bend:.1f} {tx:.1f},{bend:.1f} {tx:.1f},{ty:.1f}"
            lx, ly = (sx + tx) / 2, bend - 4
        dash = "" if hot or y2 > y1 else ' stroke-dasharray="4 3"'
        svg.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}"'
            f'{dash} marker-end="url(#{hot_marker if hot else marker})"/>'
        )
        label = short_label(ways)
        if label:
            short = label if len(label) <= 16 else label[:15] + "…"
            svg.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{colour}" paint-order="stroke" stroke="#fff" stroke-width="3">'
                f"{escape(short)}</text>"
            )
    for node, data in graph.nodes(data=True):
        x, y = corner(node)
        border, width_ = ("#ea580c", 3) if node in on_route else ("#475569", 1)
        name = node if len(node) <= 18 else node[:17] + "…"
        kind = data["kind"] + (" · person" if data["human"] else "")
        svg.append(
            f"<g><title>{escape(node)} ({escape(kind)}, line {data['line']})</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
            f'fill="{FILL.get(data["kind"], "#fff")}" stroke="{border}" '
            f'stroke-width="{width_}"/>'
            f'<text x="{x + NODE_W / 2:.1f}" y="{y + 18:.1f}" font-size="12" '
            f'font-weight="600" text-anchor="middle">{escape(name)}</text>'
            f'<text x="{x + NODE_W / 2:.1f}" y="{y + 33:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#475569">{escape(kind)}</text></g>'
        )
    svg.append("</svg>")
    legend = (
        '<p class="legend"><span style="color:#ea580c">━ route to the nearest person'
        "</span><span>green: a person answers</span><span>dashed: back to an earlier "
        "step</span></p>"
    )
    return f'<div class="figure">{"".join(svg)}</div>{legend}'


def short_label(ways: list[dict]) -> str:
    """An edge's label for the drawing: its keys, else what kind of step it is.

    >>> short_label([{"kind": "key", "key": "1"}, {"kind": "speech", "key": "1"}])
    '1'
    >>> short_label([{"kind": "branch", "when": "hours=office"}])
    'hours=office'
    """
    keys = [w["key"] for w in ways if w["kind"] == "key"]
    if keys:
        return ", ".join(dict.fromkeys(keys))
    return edge_label([w for w in ways if w["kind"] != "speech"] or ways)


def _chart(audit: MenuAudit) -> str:
    humans = audit.metrics.humans
    if not humans:
        return "<p>No person can be reached from the start.</p>"
    finite = [t for h in humans for t in (h.first_time_s, h.expert_s) if not math.isinf(t)]
    top = max(finite, default=1.0) or 1.0
    row_h = 2 * BAR_H + 12
    height = 30 + len(humans) * row_h
    width = LABEL_W + BAR_WIDTH + 90
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="time to a person">',
        f'<rect x="{LABEL_W}" y="4" width="12" height="10" fill="#1d4ed8"/>'
        f'<text x="{LABEL_W + 16}" y="13" font-size="11">first-time caller</text>'
        f'<rect x="{LABEL_W + 130}" y="4" width="12" height="10" fill="#93c5fd"/>'
        f'<text x="{LABEL_W + 146}" y="13" font-size="11">expert caller</text>',
    ]
    for i, human in enumerate(humans):
        y = 24 + i * row_h
        name = human.node if len(human.node) <= 22 else human.node[:21] + "…"
        svg.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H + 4}" font-size="12" '
            f'text-anchor="end">{escape(name)}</text>'
        )
        for j, (value, colour) in enumerate(
            ((human.first_time_s, "#1d4ed8"), (human.expert_s, "#93c5fd"))
        ):
            by = y + j * (BAR_H + 2)
            never = math.isinf(value)
            length = BAR_WIDTH if never else max(1.0, BAR_WIDTH * value / top)
            fill = "#b91c1c" if never else colour
            svg.append(
                f'<rect x="{LABEL_W}" y="{by}" width="{length:.1f}" height="{BAR_H}" '
                f'fill="{fill}"><title>{escape(human.node)}: {fmt_seconds(value)}'
                "</title></rect>"
                f'<text x="{LABEL_W + length + 4:.1f}" y="{by + BAR_H - 3}" '
                f'font-size="11">{fmt_seconds(value)}</text>'
            )
    svg.append("</svg>")
    return f'<div class="figure">{"".join(svg)}</div>'


def _findings(audit: MenuAudit) -> str:
    if not audit.findings:
        return "<p>No findings.</p>"
    rows = "".join(
        f'<tr><td class="sev-{f.severity}">{f.severity}</td>'
        f'<td><a href="#rule-{f.code}">{f.code}</a></td><td>{escape(f.rule)}</td>'
        f"<td>{escape(f.node)} <small>(line {f.line})</small></td><td>{escape(f.message)}</td>"
        "</tr>"
        for f in audit.findings
    )
    return (
        "<table><tr><th>severity</th><th>code</th><th>rule</th><th>where</th>"
        f"<th>message</th></tr>{rows}</table>"
    )


def _rule_docs(audits: list[MenuAudit]) -> str:
    codes = sorted({f.code for a in audits for f in a.findings})
    if not codes:
        return ""
    parts = ["<h2>Rules that found something</h2>"]
    for code in codes:
        rule = registry()[code]
        sections = "".join(
            f"<p><b>{escape(title)}.</b></p><pre>{escape(text)}</pre>"
            if title == "Failing example"
            else f"<p><b>{escape(title)}.</b> {escape(text)}</p>"
            for title, text in rule.sections().items()
        )
        parts.append(
            f'<details id="rule-{code}" open><summary><b>{code} {escape(rule.name)}'
            f"</b>: {escape(rule.summary())}</summary>{sections}</details>"
        )
    return "\n".join(parts)
