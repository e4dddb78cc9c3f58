"""The phone tree as a networkx graph, its structural checks and its pictures."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from ivr.drawing import to_dot, to_mermaid
from ivr.graph import (
    build_graph,
    dead_ends,
    humans,
    reachable,
    structural_problems,
    traps,
    unreachable_nodes,
)
from ivr.loader import load_menu
from ivr.model import Gathering, Hotline, Location, Menu, SayNode
from ivr.retries import failure_edges

LINE = """\
hotline:
  name: Graph test line
  languages: [en]
  hours:
    office: {mon-fri: "09:00-17:00"}
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1. For an agent, press 0."
      options:
        "1": {goto: billing, say: [billing, bill]}
        "0": agent
      on_fail: agent
      on_timeout: main
  billing:
    queue: {hours: office, after_hours: voicemail}
  voicemail:
    record: {prompt: "Leave a message.", next: bye}
  agent:
    branch:
      - {when: {hours: office}, goto: person}
      - {goto: voicemail}
  person:
    transfer: {to: "+1 555 0100", ring: 5}
  bye:
    hangup: {}
"""


def menu_from(tmp_path: Path, text: str) -> Menu:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return load_menu(path)


@pytest.fixture
def line(tmp_path: Path) -> Menu:
    return menu_from(tmp_path, LINE)


def test_nodes_carry_kind_human_and_location(line: Menu) -> None:
    graph = build_graph(line)
    assert set(graph) == set(line.nodes)
    assert graph.graph["start"] == "main"
    assert graph.nodes["billing"]["kind"] == "queue" and graph.nodes["billing"]["human"]
    assert graph.nodes["main"]["line"] == 8
    assert graph.nodes["main"]["node"] is line.nodes["main"]
    assert sorted(humans(graph)) == ["billing", "person"]


def test_edges_carry_kind_key_and_phrases(line: Menu) -> None:
    graph = build_graph(line)
    assert graph.edges["main", "billing"]["ways"] == [
        {"kind": "key", "key": "1"},
        {"kind": "speech", "key": "1", "phrases": ["billing", "bill"]},
    ]
    assert graph.edges["main", "agent"]["ways"][1:] == [{"kind": "fail", "after": "timeout"}]
    assert graph.edges["main", "main"]["ways"] == [
        {"kind": "timeout", "reprompt": True},
        {"kind": "invalid", "reprompt": True},
    ]
    assert graph.edges["billing", "voicemail"]["kind"] == "after_hours"
    assert graph.edges["voicemail", "bye"]["kind"] == "next"
    assert graph.edges["agent", "person"]["ways"] == [
        {"kind": "branch", "when": "hours=office", "rule": 0}
    ]
    assert graph.edges["agent", "voicemail"]["when"] == "otherwise"


def test_a_sound_menu_has_no_structural_problems(line: Menu) -> None:
    graph = build_graph(line)
    assert reachable(graph) == set(line.nodes)
    assert unreachable_nodes(graph) == [] and dead_ends(graph) == [] and traps(graph) == []
    assert structural_problems(line, graph) == []


def test_unreachable_dead_end_and_trap_are_reported(tmp_path: Path) -> None:
    text = (
        LINE.replace('"0": agent', '"0": agent\n        "2": promo\n        "3": loop_a')
        + """\
  orphan:
    say: "Nobody hears this."
    next: bye
  promo:
    say: "Our new offers."
  loop_a:
    menu:
      prompt: "Press 1."
      options: {"1": loop_b}
  loop_b:
    say: "Round we go."
    next: loop_a
"""
    )
    menu = menu_from(tmp_path, text)
    graph = build_graph(menu)
    assert unreachable_nodes(graph) == ["orphan"]
    assert dead_ends(graph) == ["promo"]
    assert traps(graph) == [["loop_a", "loop_b"]]
    assert [str(p) for p in structural_problems(menu)] == [
        f'{menu.path}:30:3: warning: node "orphan" cannot be reached from the start node "main"',
        f'{menu.path}:33:3: node "promo" is a dead end: it has no way out and does not end the '
        "call",
        f"{menu.path}:35:3: callers are trapped in a loop with no way to a person or an end: "
        "loop_a -> loop_b",
    ]


def test_a_menu_with_no_exit_at_all_is_one_trap(tmp_path: Path) -> None:
    menu = menu_from(
        tmp_path,
        """\
hotline: {name: Maze}
start: a
nodes:
  a:
    menu: {prompt: "Press 1.", options: {"1": b}}
  b:
    menu: {prompt: "Press 1.", options: {"1": a}}
""",
    )
    assert traps(build_graph(menu)) == [["a", "b"]]


@pytest.mark.parametrize("path", sorted(Path("menus").glob("*.yaml")), ids=str)
def test_bundled_menus_have_no_structural_errors(path: Path) -> None:
    menu = load_menu(path)
    graph = build_graph(menu)
    assert [p for p in structural_problems(menu, graph) if p.severity == "error"] == []
    assert unreachable_nodes(graph) == []
    assert humans(graph)


def test_mermaid_picture(line: Menu) -> None:
    text = to_mermaid(build_graph(line))
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  n0{{"main<br/>menu"}}' in lines
    assert '  n1[["billing<br/>queue (human)"]]' in lines
    assert "  n0 -->|1, say billing/bill| n1" in lines
    assert "  n0 -->|timeout, invalid| n0" in lines
    assert "  n3 -->|hours=office| n4" in lines


def test_dot_picture(line: Menu) -> None:
    text = to_dot(build_graph(line))
    assert text.startswith("digraph ivr {\n  rankdir=TB;\n")
    assert '  "billing" [label="billing\\nqueue", shape=doubleoctagon];' in text
    assert '  "main" -> "billing" [label="1, say billing/bill"];' in text
    assert '  "agent" -> "voicemail" [label="otherwise"];' in text
    assert text.endswith("}\n")


def graph_by_networkx_calls(menu: Menu) -> nx.DiGraph:
    """The graph ``build_graph`` makes, built with ``add_nodes_from``/``add_edges_from``."""
    graph = nx.DiGraph(start=menu.start, menu=menu.path, hotline=menu.hotline.name)
    graph.add_nodes_from(
        (
            n.id,
            {
                "kind": n.kind,
                "human": n.is_human,
                "node": n,
                "line": n.location.line,
                "file": n.location.file,
            },
        )
        for n in menu.nodes.values()
    )
    edges: dict[tuple[str, str], dict] = {}
    for n in menu.nodes.values():
        ways = [*n.targets(), *(failure_edges(n) if isinstance(n, Gathering) else [])]
        for kind, target, attrs in ways:
            way = {"kind": kind, **{k: v for k, v in attrs.items() if v is not None}}
            if (n.id, target) in edges:
                edges[n.id, target]["ways"].append(way)
            else:
                edges[n.id, target] = {**way, "ways": [way]}
    graph.add_edges_from((source, target, data) for (source, target), data in edges.items())
    return graph


@pytest.mark.parametrize(
    "path", [*sorted(Path("menus").glob("*.yaml")), "dangling", "line"], ids=str
)
def test_the_graph_equals_one_built_by_networkx_calls(path: Path | str, line: Menu) -> None:
    if path == "line":
        menu = line
    elif path == "dangling":  # a target that is no node of the menu becomes a bare node
        say = SayNode("hello", Location("m.yaml", 3, 3), next="elsewhere")
        again = SayNode("again", Location("m.yaml", 5, 3), next="again")
        menu = Menu("m.yaml", Hotline(), "hello", {"hello": say, "again": again})
    else:
        menu = load_menu(path)
    built, expected = build_graph(menu), graph_by_networkx_calls(menu)
    assert built.graph == expected.graph
    assert list(built.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(built.edges(data=True)) == list(expected.edges(data=True))
    for node in expected:  # the same predecessors, in the same order, sharing the edge's data
        assert list(built.pred[node]) == list(expected.pred[node])
        assert all(built.pred[node][p] is built.succ[p][node] for p in built.pred[node])
