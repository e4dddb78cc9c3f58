"""Retries: one meaning for the engine, the graph and the audit (``ivr.retries``).

``retries`` counts the attempts after the first, for no-input and no-match alike.
While retries are left, silence goes to ``on_timeout`` and a wrong answer to
``on_invalid`` (or the menu is asked again). The failure that uses them up goes to
``on_fail``; without ``on_fail``, to the route the designer named for that failure
(``on_timeout``/``on_invalid``, unless it only asks again); else the line apologises
and hangs up. So ``retries: 0`` with ``on_timeout: agent`` sends the first silence to
the agent, and the graph shows that route as the ``fail`` edge it is.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import networkx as nx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.engine import Call
from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.model import Menu

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("UTC"))

ZERO_RETRIES = """\
hotline: {name: Zero retries, languages: [en]}
defaults: {retries: 0}
start: main
nodes:
  main:
    menu:
      prompt: "For sales, press 1."
      options: {"1": sales}
      on_timeout: agent
      on_invalid: help
  help:
    say: "Sales is key 1."
    next: main
  sales:
    transfer: {to: "+1 555 0101", human: true}
  agent:
    transfer: {to: "+1 555 0100", human: true}
"""


def load_text(text: str) -> Menu:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "menu.yaml"
        path.write_text(text, encoding="utf-8")
        return load_menu(path)


def test_zero_retries_with_on_timeout_sends_the_first_silence_there() -> None:
    call = Call(load_text(ZERO_RETRIES), at=MONDAY_10)
    call.start()
    call.silence()
    assert call.outcome is not None
    assert (call.outcome.kind, call.outcome.node) == ("human", "agent")


def test_zero_retries_with_on_invalid_sends_the_first_wrong_key_there() -> None:
    call = Call(load_text(ZERO_RETRIES), at=MONDAY_10)
    call.start()
    call.press("7")
    assert call.path == ["main", "help", "main"]
    assert call.waiting_node is not None


def test_on_fail_wins_once_the_retries_are_used_up() -> None:
    call = Call(load_text(ZERO_RETRIES.replace("on_invalid: help", "on_fail: sales")), at=MONDAY_10)
    call.start()
    call.silence()
    assert call.outcome is not None
    assert call.outcome.node == "sales"


def test_the_graph_shows_only_routes_the_engine_takes() -> None:
    graph = build_graph(load_text(ZERO_RETRIES.replace("on_invalid: help", "on_fail: sales")))
    kinds = {
        (target, way["kind"])
        for _, target, ways in graph.out_edges("main", data="ways")
        for way in ways
    }
    # retries: 0 with on_fail: silence never reaches on_timeout, so no edge claims it does
    assert ("agent", "timeout") not in kinds
    assert ("sales", "fail") in kinds
    assert not graph.has_edge("main", "main")


def test_the_graph_labels_the_used_up_route_fail() -> None:
    graph = build_graph(load_text(ZERO_RETRIES))
    assert [w["kind"] for w in graph.edges["main", "agent"]["ways"]] == ["fail"]
    assert [w["kind"] for w in graph.edges["main", "help"]["ways"]] == ["fail"]


# -- differential: engine and graph agree on random small menus -----------------------------

TERMINALS = ("agent", "bye")
FAILURE_EVENTS = {"silence": "timeout", "press": "invalid"}
EDGE_OF_STEP = {"timeout": "timeout", "no-match": "invalid", "retries-used-up": "fail"}


@st.composite
def small_menus(draw: st.DrawFn) -> dict:
    count = draw(st.integers(1, 3))
    names = [f"m{i}" for i in range(count)]
    targets = st.sampled_from([*names, *TERMINALS])
    optional = st.none() | targets
    nodes: dict = {
        "agent": {"transfer": {"to": "+1 555 0100", "human": True}},
        "bye": {"hangup": {}},
    }
    for name in names:
        menu: dict = {
            "prompt": "For help, press 1.",
            "options": {"1": draw(targets)},
            "retries": draw(st.integers(0, 3)),
        }
        for route in ("on_timeout", "on_invalid", "on_fail"):
            chosen = draw(optional)
            if chosen is not None:
                menu[route] = chosen
        nodes[name] = {"menu": menu}
    return {"hotline": {"name": "Random", "languages": ["en"]}, "start": "m0", "nodes": nodes}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=small_menus(), event=st.sampled_from(sorted(FAILURE_EVENTS)), count=st.integers(1, 5))
def test_every_failure_step_of_the_engine_is_an_edge_of_the_graph(
    spec: dict, event: str, count: int
) -> None:
    menu = load_text(yaml.safe_dump(spec))
    graph = build_graph(menu)
    call = Call(menu, at=MONDAY_10)
    call.start()
    for _ in range(count):
        waiting = call.waiting_node
        if waiting is None:
            break
        before = len(call.path)
        step = call.silence() if event == "silence" else call.press("9")
        assert step.kind in EDGE_OF_STEP
        if len(call.path) == before:  # used up with nowhere to go: the line hangs up
            assert step.kind == "retries-used-up" and call.ended
            ways = [w for _, _, ws in graph.out_edges(waiting.id, data="ways") for w in ws]
            assert not any(w == {"kind": "fail", "after": FAILURE_EVENTS[event]} for w in ways)
            break
        first = call.path[before]
        kinds = {way["kind"] for way in graph.edges[waiting.id, first]["ways"]}
        assert EDGE_OF_STEP[step.kind] in kinds, (waiting.id, first, step)
        assert step.node_reached in nx.descendants(graph, waiting.id) | {waiting.id}


# -- the audit times the same routes -----------------------------------------------------------


def audited_seconds(menu: Menu, node: str) -> float:
    from audit.run import audit_menu

    return next(r for r in audit_menu(menu).metrics.humans if r.node == node).first_time_s


def test_the_audit_times_silence_with_zero_retries_as_the_engine_does() -> None:
    menu = load_text(ZERO_RETRIES)
    call = Call(menu, at=MONDAY_10)
    call.start()
    call.silence()
    assert audited_seconds(menu, "agent") == pytest.approx(call.elapsed, abs=0.01)


def findings_of(menu: Menu, code: str) -> list[str]:
    from audit.run import audit_menu

    return [f.message for f in audit_menu(menu).findings if f.code == code]


def test_the_audit_says_hang_up_only_where_the_engine_hangs_up() -> None:
    both_to_agent = load_text(ZERO_RETRIES.replace("on_invalid: help", "on_invalid: agent"))
    assert findings_of(both_to_agent, "IVR108") == []
    silence_only = load_text(ZERO_RETRIES.replace("      on_invalid: help\n", ""))
    call = Call(silence_only, at=MONDAY_10)
    call.start()
    call.press("7")
    assert call.outcome is not None and call.outcome.kind == "hangup"
    assert findings_of(silence_only, "IVR108") == [
        '"main" hangs up once its 0 retries are used up (no on_fail)'
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=small_menus())
def test_every_failure_edge_of_the_graph_is_a_step_the_engine_takes(spec: dict) -> None:
    """No phantom routes: the graph's failure ways are exactly those the engine takes, and
    a ``fail`` way's ``after`` failure, repeated from a fresh start, takes it (unless ``loop``)."""
    menu = load_text(yaml.safe_dump(spec))
    graph = build_graph(menu)
    for node_id in (n for n in spec["nodes"] if n not in TERMINALS):
        ways = [
            (target, way)
            for _, target, edge_ways in graph.out_edges(node_id, data="ways")
            for way in edge_ways
            if way["kind"] in ("timeout", "invalid", "fail")
        ]
        taken = set()
        node = menu.nodes[node_id]
        for event in FAILURE_EVENTS:
            for attempt in range(1, node.retries + 2):
                call = Call.resume(menu, node_id, failures={node_id: attempt - 1}, at=MONDAY_10)
                step = call.silence() if event == "silence" else call.press("9")
                if len(call.path) > 1:
                    taken.add((EDGE_OF_STEP[step.kind], call.path[1]))
        assert {(way["kind"], target) for target, way in ways} == taken
        for target, way in ways:
            if way["kind"] == "fail" and not way.get("loop"):
                assert repeated_failure_reaches(menu, node_id, way["after"]) == target


def repeated_failure_reaches(menu: Menu, node_id: str, failure: str) -> str | None:
    """Where a caller who repeats ``failure`` at ``node_id`` goes once the retries are up."""
    call = Call.resume(menu, node_id, at=MONDAY_10)
    for _ in range(menu.nodes[node_id].retries + 1):
        start = len(call.path)
        step = call.silence() if failure == "timeout" else call.press("9")
        if step.kind == "retries-used-up":
            return call.path[start] if len(call.path) > start else None
    return None
