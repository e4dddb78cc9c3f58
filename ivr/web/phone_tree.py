"""Lay out a menu graph for the browser phone's inline SVG tree.

Nodes sit in rows by their distance (in steps) from the start node, ordered
within a row by where their parents sit, so the tree reads top to bottom the
way a call goes. Nodes no call reaches go in a last row. Edges that go down
are gentle curves; edges that go back up or sideways bow out to the right;
a reprompt (a node's way back to itself) is a small loop labelled "retry". The result is plain
numbers for the template to draw; the page highlights nodes and edges by
their ``data-node`` / ``data-from`` / ``data-to`` attributes.

>>> from ivr.loader import load_menu
>>> from ivr.graph import build_graph
>>> tree = layout(build_graph(load_menu("menus/acme-cold.yaml")))
>>> [box.id for box in tree.boxes if box.row == 0]
['welcome']
>>> tree.width > 0 and tree.height > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ivr.drawing import edge_label, layered_rows

BOX_WIDTH = 132
BOX_HEIGHT = 44
GAP_X = 28
GAP_Y = 64
MARGIN = 24
LABEL_CHARS = 16


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
    reachable: bool = True

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return self.x + BOX_WIDTH / 2


@dataclass(frozen=True)
class Arrow:
    """One edge of the picture: ends, SVG path, label and where the label goes."""

    src: str
    dst: str
    kind: str
    path: str
    label: str
    label_x: float
    label_y: float
    title: str = ""


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
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(graph: nx.DiGraph) -> Tree:
    """The positions of every node and the path of every edge of ``graph``."""
    rows = layered_rows(graph)
    widest = max((len(row) for row in rows), default=1)
    width = 2 * MARGIN + widest * BOX_WIDTH + (widest - 1) * GAP_X + 40
    reach = (
        nx.descendants(graph, graph.graph["start"]) | {graph.graph["start"]}
        if graph.graph.get("start") in graph
        else set()
    )
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
                node in reach,
            )
    height = 2 * MARGIN + len(rows) * BOX_HEIGHT + max(len(rows) - 1, 0) * GAP_Y
    arrows = [_arrow(boxes[src], boxes[dst], data) for src, dst, data in graph.edges(data=True)]
    return Tree(list(boxes.values()), arrows, width, height)


def _arrow(src: Box, dst: Box, data: dict) -> Arrow:
    title = f"{src.id} → {dst.id}: {edge_label(data.get('ways', [data]))}"
    label = _short(edge_label(data.get("ways", [data])), 14)
    if src.id == dst.id:
        x, y = src.x + BOX_WIDTH, src.y + BOX_HEIGHT / 2
        path = f"M{x:.1f},{y - 8:.1f} c22,-16 22,32 0,16"
        return Arrow(src.id, dst.id, "retry", path, "retry", x + 24, y + 4, title)
    if dst.row > src.row:
        x1, y1 = src.cx, src.y + BOX_HEIGHT
        x2, y2 = dst.cx, dst.y
        mid = (y1 + y2) / 2
        path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
        t = 0.5 if abs(x2 - x1) > 4 else 0.4
        return Arrow(
            src.id, dst.id, data["kind"], path, label, x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, title
        )
    x1, y1 = src.x + BOX_WIDTH, src.y + BOX_HEIGHT * 0.35
    x2, y2 = dst.x + BOX_WIDTH, dst.y + BOX_HEIGHT * 0.65
    bow = 28 + 10 * abs(src.row - dst.row)
    path = f"M{x1:.1f},{y1:.1f} C{x1 + bow:.1f},{y1:.1f} {x2 + bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    return Arrow(
        src.id, dst.id, data["kind"], path, label, max(x1, x2) + bow * 0.75, (y1 + y2) / 2, title
    )
