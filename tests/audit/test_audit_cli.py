"""``ivr audit`` through click's CliRunner: formats, exit codes, selection, config, baseline."""

from __future__ import annotations

import json

import pytest
import yaml
from audit_support import MENUS, good, variant, write_menu
from click.testing import CliRunner

from ivr.cli import main

COLD, HOT = str(MENUS / "acme-cold.yaml"), str(MENUS / "acme-hot.yaml")


def run(*args: str):
    return CliRunner().invoke(main, ["audit", *args], catch_exceptions=False)


def test_cold_line_is_cold_with_the_story_findings_and_exits_1():
    result = run(COLD, "--format", "json")
    assert result.exit_code == 1
    [report] = json.loads(result.output)
    assert report["temperature"] in ("cold", "frozen")
    found = {f["code"] for f in report["findings"]}
    assert {"IVR101", "IVR110", "IVR206"} <= found
    assert found & {"IVR202", "IVR203"}


def test_hot_line_is_hot_without_errors_and_exits_0():
    result = run(HOT, "--format", "json")
    [report] = json.loads(result.output)
    assert report["temperature"] == "hot"
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    assert result.exit_code == 0


def test_strict_fails_on_warnings(tmp_path):
    path = write_menu(
        tmp_path, variant(lambda d: d["nodes"]["agent"]["queue"].update(hold="silence"))
    )
    assert run(str(path)).exit_code == 0
    assert run(str(path), "--strict").exit_code == 1


def test_select_and_ignore():
    result = run(COLD, "--format", "json", "--select", "IVR1", "--ignore", "IVR101,IVR108")
    codes = {f["code"] for f in json.loads(result.output)[0]["findings"]}
    assert codes and all(c.startswith("IVR1") for c in codes)
    assert not codes & {"IVR101", "IVR108"}
    bad = CliRunner().invoke(main, ["audit", COLD, "--select", "IVR9"])
    assert bad.exit_code == 2 and 'no rule code starts with "IVR9"' in bad.output


def test_config_file_and_preset(tmp_path):
    config = tmp_path / "audit.yaml"
    config.write_text("rules:\n  IVR203: off\n", encoding="utf-8")
    assert run(HOT, "--config", str(config), "--strict").exit_code == 0
    # the orders queue answers 84 % within 20 s (Erlang A): fine by default, not at 90 %
    config.write_text("extends: strict\nrules:\n  IVR203: {level: 0.9}\n", encoding="utf-8")
    assert run(HOT, "--config", str(config), "--strict").exit_code == 1
    assert run(HOT, "--config", "strict").exit_code == 0
    bad = CliRunner().invoke(main, ["audit", HOT, "--config", "nope"])
    assert bad.exit_code == 2 and "neither a preset" in bad.output


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("text", MENUS.name),
        ("json", "["),
        ("markdown", "# IVR audit"),
        ("html", "<!DOCTYPE"),
        ("junit", "<?xml"),
        ("sarif", "{"),
    ],
)
def test_every_format_writes_to_an_output_file(tmp_path, fmt, start):
    out = tmp_path / "out" / f"report.{fmt}"
    result = run(HOT, "--format", fmt, "--output", str(out))
    assert result.exit_code == 0
    assert f"{fmt} report written to {out}" in result.output
    assert start in out.read_text(encoding="utf-8")[:200]


def test_a_folder_audits_every_menu_and_a_broken_menu_is_reported(tmp_path):
    write_menu(tmp_path, good(), "good.yaml")
    write_menu(
        tmp_path, "hotline: {name: x}\nstart: nowhere\nnodes: {a: {say: hi}}\n", "broken.yaml"
    )
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    assert "broken.yaml:2:" in result.output and 'unknown node "nowhere"' in result.output
    assert '"hotline": "Good line"' in result.output


def test_baseline_from_an_old_menu_and_from_an_old_json_report(tmp_path):
    def understaffed(d):
        for queue in ("agent", "billing"):
            d["nodes"][queue]["queue"]["agents"] = 2  # 40 s instead of 0.1 s of waiting

    old = write_menu(tmp_path, variant(understaffed), "old.yaml")
    new = write_menu(tmp_path, good(), "new.yaml")
    result = run(str(new), "--baseline", str(old))
    assert "Changes since the baseline:" in result.output
    assert "first-time" in result.output and "-39.9 s" in result.output
    assert "reach a person" in result.output and "give up on hold" in result.output
    report = tmp_path / "old.json"
    run(str(old), "--format", "json", "--output", str(report))
    from_json = run(str(new), "--baseline", str(report))
    assert (
        from_json.output.split("Changes since the baseline:")[1]
        == result.output.split("Changes since the baseline:")[1]
    )


def test_baseline_goes_to_stderr_when_stdout_is_json(tmp_path):
    old = write_menu(tmp_path, good(), "old.yaml")
    result = CliRunner().invoke(
        main, ["audit", str(old), "--format", "json", "--baseline", str(old)]
    )
    json.loads(result.stdout)
    assert "Changes since the baseline" in result.stderr


def test_help_lists_the_options():
    result = CliRunner().invoke(main, ["audit", "--help"])
    for option in (
        "--format",
        "--output",
        "--baseline",
        "--strict",
        "--select",
        "--ignore",
        "--config",
        "--timing",
    ):
        assert option in result.output


def test_menu_yaml_is_valid_for_the_fixture(tmp_path):
    assert yaml.safe_load(write_menu(tmp_path, good()).read_text())["start"] == "welcome"
