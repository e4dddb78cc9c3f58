"""The phone's tree picture: every node and edge drawn, rows by distance, no overlaps."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.web.phone_tree import BOX_HEIGHT, BOX_WIDTH, layout


@pytest.mark.parametrize("menu", ["acme-cold", "acme-hot", "ko-clinic", "nusantara-bank"])
def test_every_node_and_edge_is_drawn_without_overlaps(menu):
    graph = build_graph(load_menu(f"menus/{menu}.yaml"))
    tree = layout(graph)
    boxes = {box.id: box for box in tree.boxes}
    assert set(boxes) == set(graph)
    assert {(arrow.src, arrow.dst) for arrow in tree.arrows} == set(graph.edges)
    depth = nx.single_source_shortest_path_length(graph, graph.graph["start"])
    for node, box in boxes.items():
        assert box.x >= 0 and box.x + BOX_WIDTH <= tree.width
        assert box.y >= 0 and box.y + BOX_HEIGHT <= tree.height
        if node in depth:
            assert box.row == sorted(set(depth.values())).index(depth[node])
    for a, b in itertools.combinations(boxes.values(), 2):
        apart = abs(a.x - b.x) >= BOX_WIDTH or abs(a.y - b.y) >= BOX_HEIGHT
        assert apart, f"{a.id} and {b.id} overlap"


def test_unreachable_nodes_go_last_and_are_marked(tmp_path):
    menu = tmp_path / "m.yaml"
    menu.write_text(
        "hotline: {name: T, languages: [en]}\nstart: a\nnodes:\n"
        "  a: {say: Hi, next: b}\n  b: {hangup: {}}\n  lost: {hangup: {}}\n"
    )
    tree = layout(build_graph(load_menu(menu)))
    rows = {box.id: (box.row, box.reachable) for box in tree.boxes}
    assert rows == {"a": (0, True), "b": (1, True), "lost": (2, False)}
