"""Text pictures of a menu graph: Mermaid flowcharts and Graphviz dot.

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

import networkx as nx

SHAPES = {
    "menu": ("{{", "}}"),
    "input": ("[/", "/]"),
    "branch": ("{", "}"),
    "hangup": ("((", "))"),
    "queue": ("[[", "]]"),
    "transfer": ("[[", "]]"),
}


def edge_label(ways: list[dict]) -> str:
    """A short label for the ways along one edge: keys, phrases, or the edge kind."""
    labels = []
    for way in ways:
        if way["kind"] == "key":
            labels.append(way["key"])
        elif way["kind"] == "speech":
            labels.append("say " + "/".join(way.get("phrases", [])[:2]))
        elif way["kind"] == "branch":
            labels.append(way.get("when", "branch"))
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
    for src, dst, ways in graph.edges(data="ways"):
        label = edge_label(ways).replace('"', "#quot;").replace("|", "/")
        lines.append(f"  {ids[src]} -->|{label}| {ids[dst]}")
    return "\n".join(lines) + "\n"


def to_dot(graph: nx.DiGraph) -> str:
    """A Graphviz ``digraph`` of the graph; humans are drawn as double octagons."""

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
    for src, dst, ways in graph.edges(data="ways"):
        lines.append(f"  {quote(src)} -> {quote(dst)} [label={quote(edge_label(ways))}];")
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
        for index, node in enumerate(row):
            order[node] = index
    return rows
