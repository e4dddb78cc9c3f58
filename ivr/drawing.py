"""Pictures of a menu graph: Mermaid flowcharts, Graphviz dot, and the SVG tree.

The SVG tree is one picture for every place that draws it (the browser phone,
the HTML audit report, ``ivr graph --format html``): ``layout`` places the
nodes in rows (``layered_rows``) and routes the edges; ``tree_svg`` draws them
with the template ``ivr/templates/tree.svg`` (Jinja, autoescaped).

Mermaid shapes by node kind: menu ``{{hexagon}}``, input ``[/parallelogram/]``,
branch ``{rhombus}``, hangup ``((circle))``, queue and transfer
``[[subroutine]]``, every other kind (say, record) ``([stadium])``.

An edge only a spoken option takes (``spoken:``, chosen by voice only: no key goes
there) is drawn dashed in every format (Mermaid ``-.->``, dot ``style=dashed``, the
SVG tree's ``voice-only`` class) and labelled with the option's first phrase in
quotes (``"check balance"``).

>>> import networkx as nx
>>> g = nx.DiGraph(start="a")
>>> g.add_node("a", kind="say", human=False); g.add_node("b", kind="queue", human=True)
>>> g.add_edge("a", "b", kind="next", ways=[{"kind": "next"}])
>>> print(to_mermaid(g), end="")
flowchart TD
  n0(["a<br/>say"])
  n1[["b<br/>queue (human)"]]
  n0 -->|next| n1
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

SHAPES = {
    "menu": ("{{", "}}"),
    "input": ("[/", "/]"),
    "branch": ("{", "}"),
    "hangup": ("((", "))"),
    "queue": ("[[", "]]"),
    "transfer": ("[[", "]]"),
}


MERMAID_SHAPE_CHARS = set("[](){}")  # open or close a node shape in unquoted Mermaid text


def voice_only(ways: list[dict]) -> bool:
    """Whether only spoken options (chosen by voice only) take this edge.

    >>> voice_only([{"kind": "speech", "spoken": "agent", "voice_only": True}])
    True
    >>> voice_only([{"kind": "speech", "voice_only": True}, {"kind": "invalid"}])
    False
    """
    return all(way.get("voice_only") for way in ways)


def edge_label(ways: list[dict]) -> str:
    """A short label for the ways along one edge: keys, phrases (a spoken option's first
    phrase in quotes), or the edge kind."""
    labels = []
    for way in ways:
        if way["kind"] == "key":
            labels.append(way["key"])
        elif way.get("voice_only"):
            labels.append(f'"{way["phrases"][0]}"')
        elif way["kind"] == "speech":
            labels.append("say " + "/".join(way.get("phrases", [])[:2]))
        elif way["kind"] == "branch":
            labels.append(way.get("when", "branch"))
        elif way["kind"] == "decision":
            labels.append(way.get("outcome", "decision"))
        else:
            labels.append(way["kind"])
    return ", ".join(dict.fromkeys(labels))


def _title(graph: nx.DiGraph, node: str) -> str:
    kind = graph.nodes[node]["kind"]
    return f"{node}<br/>{kind}" + (" (human)" if graph.nodes[node]["human"] else "")


def to_mermaid(graph: nx.DiGraph) -> str:
    """A Mermaid ``flowchart`` of the graph (node ids are numbered, labels quoted)."""
    ids = {node: f"n{i}" for i, node in enumerate(graph)}
    lines = ["flowchart TD"]
    for node in graph:
        left, right = SHAPES.get(graph.nodes[node]["kind"], ("([", "])"))
        label = _title(graph, node).replace('"', "#quot;")
        lines.append(f'  {ids[node]}{left}"{label}"{right}')
    ways: list[dict[str, Any]]
    for src, dst, ways in graph.edges(data="ways"):
        label = edge_label(ways).replace('"', "#quot;").replace("|", "/")
        if MERMAID_SHAPE_CHARS & set(label):  # a pattern key like 10[01]X: quoted, not a shape
            label = f'"{label}"'
        arrow = "-.->" if voice_only(ways) else "-->"
        lines.append(f"  {ids[src]} {arrow}|{label}| {ids[dst]}")
    return "\n".join(lines) + "\n"


def to_dot(graph: nx.DiGraph) -> str:
    """A Graphviz ``digraph`` of the graph; humans are drawn as double octagons, edges
    only spoken options take are dashed."""

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = ["digraph ivr {", "  rankdir=TB;"]
    for node, data in graph.nodes(data=True):
        shape = (
            "doubleoctagon"
            if data["human"]
            else {"menu": "box", "hangup": "doublecircle", "branch": "diamond"}.get(
                data["kind"], "ellipse"
            )
        )
        lines.append(
            f"  {quote(node)} [label={quote(node + chr(10) + data['kind'])}, shape={shape}];"
        )
    ways: list[dict[str, Any]]
    for src, dst, ways in graph.edges(data="ways"):
        style = ", style=dashed" if voice_only(ways) else ""
        lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(edge_label(ways))}{style}];")
    return "\n".join(lines) + "\n}\n"


def layered_rows(graph: nx.DiGraph) -> list[list[str]]:
    """Nodes in rows for drawing: row = steps from the start, unreachable nodes last.

    Within a row, nodes sit in the order of their parents (so subtrees stay
    together), then in file order.

    >>> g = nx.DiGraph(start="a"); g.add_edges_from([("a", "b"), ("a", "c"), ("b", "a")])
    >>> g.add_node("z")
    >>> layered_rows(g)
    [['a'], ['b', 'c'], ['z']]
    """
    start = graph.graph["start"]
    depth = nx.single_source_shortest_path_length(graph, start) if start in graph else {}
    lines = {node: graph.nodes[node].get("line", 0) for node in graph}
    last = max(depth.values(), default=-1) + 1
    rows: list[list[str]] = [[] for _ in range(last + 1)]
    for node in sorted(graph, key=lambda n: lines[n]):
        rows[depth.get(node, last)].append(node)
    rows = [row for row in rows if row]
    order: dict[str, float] = {}
    for row in rows:

        def centre(node: str) -> float:
            parents = [order[p] for p in graph.predecessors(node) if p in order and p != node]
            return sum(parents) / len(parents) if parents else float(len(order))

        row.sort(key=lambda n: (centre(n), lines[n]))
        order.update({node: index for index, node in enumerate(row)})
    return rows


BOX_WIDTH = 132
BOX_HEIGHT = 44
GAP_X = 28
GAP_Y = 64
MARGIN = 24
LABEL_CHARS = 16
MAX_DRAWN_NODES = 400  # more is unreadable as one picture (and slow to render)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Box:
    """One node of the picture: its id, kind, label, row and top-left corner."""

    id: str
    kind: str
    human: bool
    label: str
    row: int
    x: float
    y: float
    line: int
    reachable: bool = True
    visited: bool = False

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return self.x + BOX_WIDTH / 2


@dataclass(frozen=True)
class Arrow:
    """One edge of the picture: ends, SVG path, label and where the label goes.

    ``back``: the edge goes up or sideways (drawn dashed); ``taken``: it is on
    the route that the picture highlights; ``voice_only``: only spoken options take it
    (drawn dotted).
    """

    src: str
    dst: str
    kind: str
    path: str
    label: str
    label_x: float
    label_y: float
    title: str = ""
    back: bool = False
    taken: bool = False
    voice_only: bool = False


@dataclass(frozen=True)
class Tree:
    """The laid-out picture: boxes, arrows and the canvas size."""

    boxes: list[Box]
    arrows: list[Arrow]
    width: float
    height: float
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters; a quoted phrase keeps its closing quote.

    >>> _short('"check balance"', 14), _short("hours=office", 8)
    ('"check balan…"', 'hours=o…')
    """
    if len(text) <= limit:
        return text
    if text.startswith('"') and text.endswith('"'):
        return text[: limit - 2] + '…"'
    return text[: limit - 1] + "…"


def short_label(ways: list[dict]) -> str:
    """An edge's label for the drawing: its keys, else what kind of step it is (a spoken
    option's first phrase in quotes).

    >>> short_label([{"kind": "key", "key": "1"}, {"kind": "speech", "key": "1"}])
    '1'
    >>> short_label([{"kind": "branch", "when": "hours=office"}])
    'hours=office'
    >>> short_label([{"kind": "speech", "phrases": ["agent"], "voice_only": True}])
    '"agent"'
    """
    keys = [w["key"] for w in ways if w["kind"] == "key"]
    if keys:
        return ", ".join(dict.fromkeys(keys))
    return edge_label([w for w in ways if w["kind"] != "speech" or w.get("voice_only")] or ways)


def layout(graph: nx.DiGraph, route: Iterable[str] = ()) -> Tree:
    """The positions of every node and the path of every edge of ``graph``.

    Rows are ``layered_rows``; edges that go down are gentle curves, edges that
    go back up or sideways bow out to the right, a reprompt (a node's way back
    to itself) is a small loop labelled "retry". ``route`` (node ids, in call
    order) is marked: its nodes ``visited``, its steps ``taken``.

    >>> from ivr.loader import load_menu
    >>> from ivr.graph import build_graph
    >>> tree = layout(build_graph(load_menu("menus/acme-cold.yaml")))
    >>> [box.id for box in tree.boxes if box.row == 0]
    ['welcome']
    """
    route = list(route)
    rows = layered_rows(graph)
    widest = max((len(row) for row in rows), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X + 40
    start = graph.graph.get("start")
    reach = nx.descendants(graph, start) | {start} if start in graph else set()
    boxes: dict[str, Box] = {}
    for row_index, row in enumerate(rows):
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = (width - 40 - row_width) / 2
        for index, node in enumerate(row):
            data = graph.nodes[node]
            boxes[node] = Box(
                node,
                data["kind"],
                bool(data["human"]),
                _short(node),
                row_index,
                left + index * (BOX_WIDTH + GAP_X),
                MARGIN + row_index * (BOX_HEIGHT + GAP_Y),
                data.get("line", 0),
                node in reach,
                node in route,
            )
    height = 2 * MARGIN + len(rows) * BOX_HEIGHT + max(len(rows) - 1, 0) * GAP_Y
    steps = set(pairwise(route))
    arrows = [
        _arrow(boxes[src], boxes[dst], data, (src, dst) in steps)
        for src, dst, data in graph.edges(data=True)
    ]
    arrows.sort(key=lambda arrow: arrow.taken)  # the route is drawn over the other edges
    return Tree(list(boxes.values()), arrows, width, height)


def _arrow(src: Box, dst: Box, data: dict, taken: bool) -> Arrow:
    ways = data.get("ways", [data])
    spoken = voice_only(ways)
    title = f"{src.id} → {dst.id}: {edge_label(ways)}" + (" (by voice only)" if spoken else "")
    label = _short(short_label(ways), 14)
    if src.id == dst.id:
        x, y = src.x + BOX_WIDTH, src.y + BOX_HEIGHT / 2
        path = f"M{x:.1f},{y - 8:.1f} c22,-16 22,32 0,16"
        return Arrow(
            src.id, dst.id, "retry", path, "retry", x + 24, y + 4, title, True, taken, spoken
        )
    if dst.row > src.row:
        x1, y1 = src.cx, src.y + BOX_HEIGHT
        x2, y2 = dst.cx, dst.y
        mid = (y1 + y2) / 2
        path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
        t = 0.5 if abs(x2 - x1) > 4 else 0.4
        label_x, label_y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        return Arrow(
            src.id, dst.id, data["kind"], path, label, label_x, label_y, title, False, taken, spoken
        )
    x1, y1 = src.x + BOX_WIDTH, src.y + BOX_HEIGHT * 0.35
    x2, y2 = dst.x + BOX_WIDTH, dst.y + BOX_HEIGHT * 0.65
    bow = 28 + 10 * abs(src.row - dst.row)
    path = f"M{x1:.1f},{y1:.1f} C{x1 + bow:.1f},{y1:.1f} {x2 + bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    label_x, label_y = max(x1, x2) + bow * 0.75, (y1 + y2) / 2
    return Arrow(
        src.id, dst.id, data["kind"], path, label, label_x, label_y, title, True, taken, spoken
    )


def drawable(graph: nx.DiGraph) -> bool:
    """Whether ``graph`` is small enough to draw (``MAX_DRAWN_NODES``)."""
    return len(graph) <= MAX_DRAWN_NODES


@cache
def _template(name: str) -> Any:
    import jinja2  # only when a tree is drawn: a slow import for the command line

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template(name)


def tree_svg(
    graph: nx.DiGraph, *, route: Iterable[str] = (), element_id: str = "tree", label: str = ""
) -> str:
    """The tree of ``graph`` as inline SVG markup, ``route`` highlighted.

    ``element_id`` is the id of the ``<svg>`` element (its markers' ids start
    with it: give each picture of a page its own); ``label`` names the menu for
    screen readers.

    >>> from ivr.loader import load_menu
    >>> from ivr.graph import build_graph
    >>> svg = tree_svg(build_graph(load_menu("menus/acme-hot.yaml")), route=["welcome", "main"])
    >>> svg.startswith("<svg") and svg.count('class="node ') == 8 and "taken" in svg
    True
    """
    return _template("tree.svg").render(
        tree=layout(graph, route), element_id=element_id, label=label
    )


def tree_page(
    graph: nx.DiGraph, *, title: str, source: str, caption: str, route: Iterable[str] = ()
) -> str:
    """A self-contained HTML page with the tree of ``graph`` (``route`` highlighted).

    ``title`` heads the page, ``source`` names the menu file, ``caption`` says
    what the highlighted route is.
    """
    return _template("tree_page.html").render(
        tree=layout(graph, route),
        element_id="tree",
        label=title,
        title=title,
        source=source,
        caption=caption,
    )
