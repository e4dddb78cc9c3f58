"""``ivr graph``: the phone tree as Mermaid or Graphviz dot text."""

from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main

HOT = "menus/acme-hot.yaml"


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
