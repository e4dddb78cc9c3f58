"""``ivr graph``: the phone tree as Mermaid or Graphviz dot text, or an HTML page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from click.testing import CliRunner

from ivr.cli import main

HOT = "menus/acme-hot.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def test_mermaid_is_the_default() -> None:
    result = CliRunner().invoke(main, ["graph", HOT])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "flowchart TD",
        '  n0(["welcome<br/>say"])',
        '  n1{{"main<br/>menu"}}',
        '  n2(["main_en<br/>say"])',
        '  n3(["main_id<br/>say"])',
        '  n4{{"orders<br/>menu"}}',
        '  n5[/"order_status<br/>input"/]',
        '  n6[["order_care<br/>queue (human)"]]',
        '  n7[["care<br/>queue (human)"]]',
        "  n0 -->|next| n1",
        "  n1 -->|0, say agen/agent, fail| n7",
        "  n1 -->|1, say pesanan/order| n4",
        "  n1 -->|8, say indonesia/bahasa| n3",
        "  n1 -->|9, say english/inggris| n2",
        "  n1 -->|timeout, invalid| n1",
        "  n2 -->|next| n1",
        "  n3 -->|next| n1",
        "  n4 -->|0, say agen/agent, fail| n7",
        "  n4 -->|1, say status| n5",
        "  n4 -->|timeout, invalid| n4",
        "  n5 -->|next| n6",
        "  n5 -->|fail| n7",
        "  n5 -->|timeout, invalid| n5",
    ]


def test_dot() -> None:
    result = CliRunner().invoke(main, ["graph", "--format", "dot", HOT])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:4] == [
        "digraph ivr {",
        "  rankdir=TB;",
        '  "welcome" [label="welcome\\nsay", shape=ellipse];',
        '  "main" [label="main\\nmenu", shape=box];',
    ]
    assert '  "care" [label="care\\nqueue", shape=doubleoctagon];' in lines
    assert '  "main" -> "care" [label="0, say agen/agent, fail"];' in lines
    assert lines[-1] == "}"
    assert len([line for line in lines if " -> " in line]) == 14


def test_korean_labels_and_queue_shapes() -> None:
    result = CliRunner().invoke(main, ["graph", "menus/ko-clinic.yaml"])
    assert result.exit_code == 0
    assert "  n1 -->|1, say 예약| n2" in result.output.splitlines()


def test_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["graph", "--format", "png", HOT])
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'png' is not one of 'mermaid', 'dot'" in (
        result.output.replace(", 'html'", "")
    )  # html may be added by the browser views


SPOKEN = """\
hotline: {name: Spoken care, languages: [en]}
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1. To hear your balance, say check balance. Or say agent."
      options:
        "1": {goto: billing, say: [billing]}
      spoken:
        check_balance: {say: [check balance, balance], goto: balance}
        agent: {say: [agent, operator], goto: billing}
  billing: {transfer: {to: "+1 555 0100", human: true}}
  balance: {hangup: "Your balance is ten dollars."}
"""


def spoken_graph(tmp_path, fmt: str) -> str:
    path = tmp_path / "spoken.yaml"
    path.write_text(SPOKEN, encoding="utf-8")
    result = CliRunner().invoke(main, ["graph", "--format", fmt, str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_voice_only_edges_are_dashed_and_quote_their_first_phrase(tmp_path) -> None:
    mermaid = spoken_graph(tmp_path, "mermaid").splitlines()
    assert "  n0 -.->|#quot;check balance#quot;| n2" in mermaid
    # key 1 also goes to billing: a caller can press it, so the edge stays solid
    assert "  n0 -->|1, say billing, #quot;agent#quot;| n1" in mermaid
    dot = spoken_graph(tmp_path, "dot").splitlines()
    assert '  "main" -> "balance" [label="\\"check balance\\"", style=dashed];' in dot
    assert '  "main" -> "billing" [label="1, say billing, \\"agent\\""];' in dot


def test_the_html_tree_marks_voice_only_edges(tmp_path) -> None:
    page = spoken_graph(tmp_path, "html")
    svg = ET.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    edges = {
        (g.get("data-from"), g.get("data-to")): g
        for g in svg.iter(f"{SVG}g")
        if "edge" in g.get("class", "").split()
    }
    spoken = edges["main", "balance"]
    assert "voice-only" in spoken.get("class").split()
    assert spoken.find(f"{SVG}text").text == '"check balan…"'  # cut, still quoted
    assert spoken.find(f"{SVG}title").text == 'main → balance: "check balance" (by voice only)'

    assert "voice-only" not in edges["main", "billing"].get("class").split()
    assert ".edge.voice-only path" in page  # drawn its own way
