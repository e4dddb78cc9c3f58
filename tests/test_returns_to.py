"""A transfer to another system that hands the call back (``returns_to``, ``away``).

One meaning for the loader, the engine, the graph and the audit: a transfer with
``human: false`` ends the menu's part of the call unless the designer states where
the other system hands it back; then the call continues there, after ``away``
seconds (unknown when not given, and unknown stays unknown).
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml

from audit.reports import FORMATS
from audit.run import audit_menu
from audit.simulation.executors import run_replications
from audit.simulation.inputs import SimulationError
from audit.simulation.run import Options
from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph, structural_problems, traps
from ivr.loader import load_menu
from ivr.model import Menu

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("UTC"))

# "press 0" goes to a payment system that hands the call back to a queue of people
PAYMENT_LINE = """\
hotline: {name: Payment line}
defaults: {on_fail: bye}
start: main
nodes:
  main:
    menu:
      prompt: "For your balance, press 1. To pay or to speak to someone, press 0."
      options: {"1": balance, "0": pay}
  balance:
    say: "Your balance is 10 dollars."
    next: bye
  pay:
    transfer: {to: "+1 555 0199", human: false, ring: 4, returns_to: care, away: 90}
  care:
    queue: {agents: 4, handle_time: 300, calls_per_hour: 20, announce_wait: true,
            callback: true}
  bye:
    hangup: {say: "Goodbye."}
"""


def load_text(tmp_path: Path, text: str) -> Menu:
    path = tmp_path / "line.yaml"
    path.write_text(text, encoding="utf-8")
    return load_menu(path)


def load_errors(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(MenuLoadError) as failure:
        load_text(tmp_path, text)
    return [str(error) for error in failure.value.errors]


def codes(menu: Menu) -> set[str]:
    return {finding["code"] for finding in audit_menu(menu).as_dict()["findings"]}


# -- the loader ------------------------------------------------------------------------------


def test_returns_to_an_unknown_node_is_a_located_error_with_a_hint(tmp_path):
    errors = load_errors(tmp_path, PAYMENT_LINE.replace("returns_to: care", "returns_to: kare"))
    assert any(
        e.startswith(f"{tmp_path / 'line.yaml'}:13:70: ")
        and e.endswith('returns_to goes to unknown node "kare" (did you mean "care"?)')
        for e in errors
    ), errors


def test_returns_to_on_a_transfer_to_a_person_is_an_error(tmp_path):
    errors = load_errors(tmp_path, PAYMENT_LINE.replace("human: false", "human: true"))
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'line.yaml'}:13:57: ")
    assert "returns_to is for a transfer to another system (human: false)" in errors[0]


def test_away_without_returns_to_and_out_of_range_are_errors(tmp_path):
    alone = load_errors(tmp_path, PAYMENT_LINE.replace("returns_to: care, ", ""))
    assert any("away is the time in the other system" in e for e in alone), alone
    huge = load_errors(tmp_path, PAYMENT_LINE.replace("away: 90", "away: 90000"))
    assert any("away must be at most 86,400 seconds, got 90000" in e for e in huge), huge


# -- the engine ------------------------------------------------------------------------------


def test_the_call_continues_where_the_other_system_hands_it_back(tmp_path):
    call = Call(load_text(tmp_path, PAYMENT_LINE), at=MONDAY_10)
    call.start()
    before = call.elapsed
    call.press("0")
    assert call.outcome is not None
    assert (call.outcome.kind, call.outcome.node) == ("human", "care")
    assert call.path[-2:] == ["pay", "care"]
    assert not call.time_unknown and "unknown" not in call.outcome.describe()
    handed = [line for line in call.transcript if "hands the call back" in line.text]
    assert handed and handed[0].text.endswith("after 90 s: -> care")
    # the prompt is heard, 1.5 s reaction, 4 s ringing and 90 s in the payment system
    assert call.elapsed - before >= 1.5 + 4 + 90


def test_an_unstated_time_in_the_other_system_stays_unknown(tmp_path):
    call = Call(load_text(tmp_path, PAYMENT_LINE.replace(", away: 90", "")), at=MONDAY_10)
    call.start()
    call.press("0")
    assert call.outcome is not None and call.outcome.node == "care"
    assert call.time_unknown and call.outcome.time_unknown
    assert "and an unknown time in another system" in call.outcome.describe()


def test_without_returns_to_the_call_ends_in_the_other_system(tmp_path):
    text = PAYMENT_LINE.replace(", returns_to: care, away: 90", "")
    call = Call(load_text(tmp_path, text), at=MONDAY_10)
    call.start()
    call.press("0")
    assert call.outcome is not None
    assert (call.outcome.kind, call.outcome.node) == ("system", "pay")


# -- the graph -------------------------------------------------------------------------------


def test_the_graph_has_a_returns_edge_and_the_transfer_is_no_exit(tmp_path):
    menu = load_text(tmp_path, PAYMENT_LINE)
    graph = build_graph(menu)
    assert graph.edges["pay", "care"]["kind"] == "returns"
    assert graph.edges["pay", "care"]["away"] == 90
    # a system that always hands the call back to the same menu, and nothing else: a trap
    looping = PAYMENT_LINE.replace("returns_to: care", "returns_to: main").replace(
        '"1": balance, "0": pay', '"0": pay'
    )
    looping = looping.replace("defaults: {on_fail: bye}", "defaults: {on_fail: pay}")
    trapped = load_text(tmp_path, looping)
    assert traps(build_graph(trapped))
    assert any("trapped in a loop" in p.message for p in structural_problems(trapped))


# -- the audit -------------------------------------------------------------------------------


def test_a_person_after_the_other_system_is_a_human_escape(tmp_path):
    menu = load_text(tmp_path, PAYMENT_LINE)
    found = codes(menu)
    assert "IVR101" not in found and "IVR102" not in found
    report = audit_menu(menu).as_dict()
    assert [h["node"] for h in report["humans"]] == ["care"]
    assert report["humans"][0]["keys"] == ["0"]
    engine = Call(menu, at=MONDAY_10)
    engine.start()
    engine.press("0")
    assert report["time_to_human"]["ivr_s"] == pytest.approx(engine.elapsed, abs=0.011)


def test_without_returns_to_the_same_line_has_no_human_escape(tmp_path):
    menu = load_text(tmp_path, PAYMENT_LINE.replace(", returns_to: care, away: 90", ""))
    found = codes(menu)
    assert {"IVR101", "IVR102"} <= found


def test_the_audit_keeps_an_unknown_time_in_the_other_system_unknown(tmp_path):
    menu = load_text(tmp_path, PAYMENT_LINE.replace(", away: 90", ""))
    audit = audit_menu(menu)
    report = audit.as_dict()
    text = FORMATS["text"]([audit], frozenset({"error"}))
    assert "in menus + an unknown time in another system + " in text
    assert "IVR101" not in codes(menu)
    times = report["time_to_human"]
    assert times["first_time_s"] is None and times["expert_s"] is None and times["ivr_s"] is None
    callers = report["callers"]
    assert callers["reached"] is not None and callers["reached"] > 0.9  # who is answered: known
    assert callers["first_time_p50_s"] is None and callers["first_time_p90_s"] is None
    assert report["temperature"] != "hot"


# -- the simulation --------------------------------------------------------------------------


def test_the_simulation_counts_the_time_away_and_refuses_an_unstated_one(tmp_path):
    path = tmp_path / "line.yaml"
    path.write_text(PAYMENT_LINE, encoding="utf-8")
    [rep] = run_replications(Options(str(path), calls=200, miskey=0.0, expert=0.0), 1, seed=3)
    to_care = rep.menu_s[rep.queue_of >= 0]
    assert to_care.size and float(to_care.min()) >= 1.5 + 4 + 90  # press 0, ring, away
    path.write_text(PAYMENT_LINE.replace(", away: 90", ""), encoding="utf-8")
    with pytest.raises(SimulationError, match=r'transfer "pay" .* give it away: SECONDS'):
        run_replications(Options(str(path), calls=200), 1, seed=3)


# -- the JSON Schema -------------------------------------------------------------------------


def test_the_schema_accepts_returns_to_and_refuses_what_the_loader_refuses():
    text = resources.files("ivr").joinpath("schema/menu.schema.json").read_text("utf-8")
    validator = jsonschema.Draft7Validator(json.loads(text))
    good = yaml.safe_load(PAYMENT_LINE)
    assert not list(validator.iter_errors(good))
    transfer = good["nodes"]["pay"]["transfer"]
    for broken in (
        {k: v for k, v in transfer.items() if k != "returns_to"},  # away without returns_to
        {**transfer, "away": -1},
        {k: v for k, v in transfer.items() if k != "human"},  # human defaults to true
    ):
        data = {**good, "nodes": {**good["nodes"], "pay": {"transfer": broken}}}
        assert list(validator.iter_errors(data)), broken
