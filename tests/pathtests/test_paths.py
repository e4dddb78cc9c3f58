"""Path tests: made by driving the engine, passed by the engine and by the webhook over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ivr.cli import main
from ivr.loader import load_menu
from ivr.pathtests.explore import Exploration, explore, scenarios
from ivr.pathtests.run import junit, run_on_engine, run_via
from ivr.pathtests.scenario import Expect, Scenario, load_scenarios
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
MENUS = ROOT / "menus"
SCHEMA = ROOT / "ivr" / "schema" / "scenarios.schema.json"
FAST = ["acme-hot", "acme-cold", "ko-clinic"]
ALL = [*FAST, pytest.param("nusantara-bank", marks=pytest.mark.slow)]


@cache
def explored(name: str) -> tuple[Exploration, tuple[Scenario, ...]]:
    found = explore(load_menu(MENUS / f"{name}.yaml"))
    return found, tuple(scenarios(found))


@pytest.mark.parametrize("name", ALL)
def test_every_scenario_passes_on_the_engine_and_every_edge_is_walked_or_explained(name):
    found, made = explored(name)
    menu = load_menu(MENUS / f"{name}.yaml")
    failures = [r.failure for r in (run_on_engine(s, menu) for s in made) if not r.passed]
    assert failures == []
    assert found.covered | set(found.uncovered) == found.edges
    assert all(found.uncovered.values())
    assert "human" in {s.expect.end for s in made}
    kinds = {step.action.kind for s in made for step in s.steps}
    assert "silence" in kinds  # the no-input paths are tested too


def test_the_bundled_small_menus_are_fully_covered():
    for name in FAST:
        found, _ = explored(name)
        assert found.coverage == 1.0, (name, found.uncovered)


def test_no_input_and_wrong_key_paths_are_among_the_scenarios():
    _, made = explored("acme-cold")
    actions = [[step.action.kind for step in s.steps] for s in made]
    assert any(kinds[-1] == "silence" for kinds in actions)
    wrong_keys = [
        s for s in made if s.expect.node == "goodbye" and s.steps[-1].action.kind == "press"
    ]
    assert wrong_keys, "a wrong key repeated until the line hangs up"


@pytest.mark.slow
def test_the_edges_no_scenario_walks_are_explained_where_to_look():
    found, _ = explored("nusantara-bank")
    assert found.uncovered == {
        (
            "identified",
            "agent_route",
        ): "a branch on variables the caller's answers never set this way",
        (
            "mortgage_desk",
            "loans_queue",
        ): "no answer at the transfer: the callee's doing, not the caller's",
        (
            "night_care",
            "after_hours",
        ): "the queue is open whenever a caller reaches it: never taken",
    }


def test_scenarios_do_not_depend_on_option_order(tmp_path):
    source = (MENUS / "acme-hot.yaml").read_text()
    data = yaml.safe_load(source)
    for node in data["nodes"].values():
        if isinstance(node, dict) and "menu" in node:
            options = node["menu"]["options"]
            node["menu"]["options"] = dict(reversed(list(options.items())))
    shuffled = tmp_path / "acme-hot.yaml"
    shuffled.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    again = scenarios(explore(load_menu(shuffled)))
    _, made = explored("acme-hot")
    assert [(s.name, s.steps, s.expect) for s in again] == [
        (s.name, s.steps, s.expect) for s in made
    ]


def test_ivr_paths_writes_a_file_that_validates_against_the_schema_and_ivr_test_passes(tmp_path):
    out = tmp_path / "hot.yaml"
    made = CliRunner().invoke(
        main, ["paths", str(MENUS / "acme-hot.yaml"), "-o", str(out), "--coverage"]
    )
    assert made.exit_code == 0, made.output
    assert "14 of 14 edges (100%)" in made.output
    jsonschema.validate(yaml.safe_load(out.read_text()), json.loads(SCHEMA.read_text()))
    ran = CliRunner().invoke(main, ["test", str(out)])
    assert ran.exit_code == 0, ran.output
    assert ran.output.strip().endswith("scenarios passed, 0 failed")
    report = CliRunner().invoke(main, ["test", str(out), "--format", "junit"])
    suite = ET.fromstring(
        report.output.split("\n", 1)[1] if report.output.startswith("<?xml") else report.output
    )
    assert suite.get("failures") == "0" and int(suite.get("tests")) == len(
        load_scenarios(out).scenarios
    )


def test_a_failed_step_says_what_was_expected_what_was_heard_and_where(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"menu: {MENUS / 'acme-hot.yaml'}\n"
        "scenarios:\n"
        "  - name: agent\n"
        "    at: 2026-11-23T10:00\n"
        "    steps:\n"
        "      - {hear: 'For billing, press 3', press: '0'}\n"
        "    expect: {end: human, node: care}\n"
        "  - name: wrong end\n"
        "    at: 2026-11-23T10:00\n"
        "    steps:\n"
        "      - {press: '0'}\n"
        "    expect: {end: voicemail, within: 5}\n"
    )
    result = CliRunner().invoke(main, ["test", str(bad)])
    assert result.exit_code == 1
    assert (
        'step 1 (press 0): expected the line to say something that contains "For billing, press 3"'
        in result.output
    )
    assert 'heard "Halo, ini ACME.' in result.output and 'at "main"' in result.output
    assert (
        "expected the call to end at voicemail; it ended: human (path welcome > main > care)"
        in result.output
    )


def test_a_bad_scenario_file_is_reported_with_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scenarios:\n  - name: x\n    steps:\n      - {press: '1', say: hi}\n"
        "    expect: {end: person}\n"
    )
    result = CliRunner().invoke(main, ["test", str(bad), "--menu", str(MENUS / "acme-hot.yaml")])
    assert result.exit_code == 2
    assert f"{bad}:4:9: a step needs exactly one of press, say, silence, hangup" in result.output
    assert f"{bad}:5:13: `expect` needs `end`" in result.output


def test_junit_reports_a_failure_with_its_message():
    scenario = Scenario("s", (), Expect("human"))
    failed = run_on_engine(scenario, load_menu(MENUS / "acme-cold.yaml"))
    suite = ET.fromstring(junit([failed], "cold").split("?>", 1)[1])
    assert suite.get("failures") == "1"
    assert "expected the call to end at human" in suite.find("testcase/failure").get("message")


def serve(at: str, database: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "IVR_NOW": at, "IVR_DATABASE_URL": f"sqlite:///{database}"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "ivr"), "serve", str(MENUS), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/voice/acme-hot", data=b"CallSid=CAx", timeout=1)
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("ivr serve did not start") from None
            time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["acme-hot", "acme-cold", "ko-clinic", "nusantara-bank"])
def test_every_scenario_passes_over_http_against_ivr_serve(name, tmp_path):
    _, made = explored(name)
    for at in sorted({s.at for s in made}):
        process, base = serve(at, tmp_path / "calls.db")
        try:
            chosen = [s for s in made if s.at == at]
            failures = [r.failure for r in (run_via(s, f"{base}/voice/{name}") for s in chosen)]
            assert [f for f in failures if f] == [], at
        finally:
            process.terminate()
            process.wait(10)
