"""A layered layout of the phone tree for drawing: rows by BFS depth from the start.

>>> import networkx as nx
>>> g = nx.DiGraph(start="a"); g.add_edges_from([("a", "b"), ("a", "c"), ("b", "a")])
>>> g.add_node("z")
>>> layered(g)
{'a': (0, 0), 'b': (0, 1), 'c': (1, 1), 'z': (0, 2)}
"""

from __future__ import annotations

import networkx as nx


def layered(graph: nx.DiGraph) -> dict[str, tuple[int, int]]:
    """``node -> (column, row)``: row = steps from the start; unreachable nodes last.

    Within a row, nodes follow their parents' order, so subtrees stay together.
    """
    start = graph.graph["start"]
    positions: dict[str, tuple[int, int]] = {}
    row = 0
    for row, layer in enumerate(nx.bfs_layers(graph, [start])):
        ordered = sorted(layer, key=lambda n: (_parent_column(graph, n, positions), str(n)))
        for column, node in enumerate(ordered):
            positions[node] = (column, row)
    rest = [n for n in graph if n not in positions]
    for column, node in enumerate(rest):
        positions[node] = (column, row + 1)
    return positions


def _parent_column(graph: nx.DiGraph, node: str, placed: dict[str, tuple[int, int]]) -> float:
    columns = [placed[p][0] for p in graph.predecessors(node) if p in placed]
    return min(columns) if columns else 0
