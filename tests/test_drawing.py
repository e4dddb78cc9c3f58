"""The tree picture (``ivr.drawing``): every node and edge drawn, rows by distance, no
overlaps; one picture for the browser phone, the HTML report and ``ivr graph --format html``."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from audit.reports import FORMATS
from audit.run import audit_menu
from ivr.cli import main
from ivr.drawing import BOX_HEIGHT, BOX_WIDTH, layout, tree_svg
from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.web import create_app


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


def _node_boxes(page: str, svg_id: str) -> dict[str, tuple[str, str]]:
    """The (x, y) of every node box of the SVG ``svg_id`` in an HTML page."""
    svg = re.search(rf'<svg[^>]* id="{svg_id}".*?</svg>', page, re.S)
    assert svg, f"no tree {svg_id}"
    return {
        node: (x, y)
        for node, x, y in re.findall(
            r'data-node="([^"]+)">\s*<title>.*?</title>\s*<rect x="([\d.]+)" y="([\d.]+)"',
            svg.group(0),
            re.S,
        )
    }


def test_the_phone_the_report_and_graph_html_draw_the_same_tree():
    """One layout and one template: every node sits at the same place in all three."""
    menu = load_menu("menus/nusantara-bank.yaml")
    app = create_app({"MENU_DIR": "menus", "DATABASE_URL": "sqlite://", "STATE_SECRET": "t"})
    phone = app.test_client().get("/phone/nusantara-bank").get_data(as_text=True)
    report = FORMATS["html"]([audit_menu(menu)], frozenset({"error"}))
    page = CliRunner().invoke(main, ["graph", "menus/nusantara-bank.yaml", "--format", "html"])
    drawn = [
        _node_boxes(phone, "tree"),
        _node_boxes(report, "tree-0"),
        _node_boxes(page.stdout, "tree"),
    ]
    assert set(drawn[0]) == set(build_graph(menu))
    assert drawn[0] == drawn[1] == drawn[2]


def test_the_route_is_highlighted_in_the_picture():
    graph = build_graph(load_menu("menus/acme-hot.yaml"))
    tree = layout(graph, ["welcome", "main", "care"])
    assert {box.id for box in tree.boxes if box.visited} == {"welcome", "main", "care"}
    assert {(a.src, a.dst) for a in tree.arrows if a.taken} == {
        ("welcome", "main"),
        ("main", "care"),
    }
    svg = tree_svg(graph, route=["welcome", "main", "care"], element_id="t1")
    assert svg.count('marker-end="url(#t1-arrow-taken)"') == 2
    assert 'id="t1-arrow-taken"' in svg


def test_menu_text_in_the_picture_is_escaped(tmp_path):
    menu = tmp_path / "m.yaml"
    menu.write_text(
        'hotline: {name: "<script>alert(1)</script>", languages: [en]}\nstart: a\nnodes:\n'
        "  a: {say: Hi, next: b}\n  b: {hangup: {}}\n"
    )
    loaded = load_menu(menu)
    svg = tree_svg(build_graph(loaded), label=loaded.hotline.name)
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    ET.fromstring(svg)  # well-formed XML: an SVG file of its own
