"""``decide:`` nodes: decisions made outside the menu keep every outcome."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from audit.run import audit_menu
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.model import DecideNode
from ivr.yamlsource import parse_yaml

MENU = """\
hotline: {name: Decisions}
start: lookup
nodes:
  lookup:
    decide:
      about: "Function lookup-customer"
      var: status
      outcomes:
        known: {goto: main, share: 0.7}
        error: desk
  main:
    menu:
      prompt: "For opening hours, press 1."
      options: {"1": hours}
      on_fail: bye
  hours:
    hangup: "We are open from nine to five. Goodbye."
  bye:
    hangup: "Goodbye."
  desk:
    transfer: {to: "+1 555 0100", ring: 10}
"""


@pytest.fixture
def menu_path(tmp_path: Path) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(MENU, encoding="utf-8")
    return path


def test_outcomes_are_read_with_goto_share_and_location(menu_path: Path) -> None:
    node = load_menu(menu_path).nodes["lookup"]
    assert isinstance(node, DecideNode)
    assert node.about == "Function lookup-customer"
    assert [(o.name, o.goto, o.share) for o in node.outcomes] == [
        ("known", "main", 0.7),
        ("error", "desk", None),
    ]
    assert node.outcomes[1].location is not None and node.outcomes[1].location.line == 10


def test_every_outcome_is_a_decision_edge(menu_path: Path) -> None:
    graph = build_graph(load_menu(menu_path))
    ways = {target: data["ways"] for target, data in graph.adj["lookup"].items()}
    assert ways["main"][0]["kind"] == "decision" and ways["main"][0]["outcome"] == "known"
    assert ways["desk"][0]["outcome"] == "error"


def test_a_call_takes_the_first_outcome_unless_its_variable_names_another(
    menu_path: Path,
) -> None:
    menu = load_menu(menu_path)
    first = Call(menu)
    first.start()
    assert first.node == "main"
    assert any(
        "decision (Function lookup-customer): known -> main" in line.text
        for line in first.transcript
    )
    named = Call(menu, variables={"status": "error"})
    named.start()
    assert named.outcome is not None and named.outcome.kind == "human"
    assert named.outcome.node == "desk"


def test_the_audit_reaches_a_person_through_a_later_outcome(menu_path: Path) -> None:
    report = audit_menu(load_menu(menu_path))
    assert [route.node for route in report.metrics.humans] == ["desk"]
    assert "IVR102" not in {finding.code for finding in report.findings}


def test_bad_outcomes_are_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MENU.replace("error: desk", "error: {goto: dsk, share: 2}"), encoding="utf-8")
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    messages = [str(error) for error in caught.value.errors]
    assert any(":10:" in m and 'unknown node "dsk" (did you mean "desk"?)' in m for m in messages)
    assert any(":10:" in m and "share" in m for m in messages)


def test_the_schema_accepts_a_decision_and_refuses_one_without_outcomes() -> None:
    text = resources.files("ivr").joinpath("schema/menu.schema.json").read_text("utf-8")
    validator = jsonschema.Draft7Validator(json.loads(text))
    data, _ = parse_yaml(MENU)
    assert list(validator.iter_errors(data)) == []
    data["nodes"]["lookup"]["decide"].pop("outcomes")
    assert list(validator.iter_errors(data))
