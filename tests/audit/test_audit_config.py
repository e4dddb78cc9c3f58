"""Presets, config files, selection by code prefix, and clear errors for bad configs."""

from __future__ import annotations

import re

import pytest
from audit_support import audit_data, variant

from audit.config import ConfigError, load_config
from audit.rules import registry


def _key_first(d):
    d["nodes"]["main"]["menu"]["prompt"] = "Press 1 for billing. Press 0 for an agent."


def test_default_preset_runs_every_rule_with_its_own_severity():
    rules = load_config("default").rules()
    assert [r.code for r in rules] == list(registry())
    assert {r.code: r.level for r in rules}["IVR302"] == "info"


def test_strict_preset_tightens_thresholds_and_severities(tmp_path):
    strict = {r.code: r for r in load_config("strict").rules()}
    assert strict["IVR103"].settings["max_depth"] == 2
    assert strict["IVR302"].level == "warning"
    result = audit_data(tmp_path, variant(_key_first), config="strict")
    assert {f.severity for f in result.findings if f.code == "IVR302"} == {"warning"}


def test_select_and_ignore_by_prefix():
    config = load_config("default")
    assert [r.code for r in config.rules(select=["IVR1"], ignore=["IVR10"])] == ["IVR110"]
    assert "IVR302" not in [r.code for r in config.rules(ignore=["ivr302"])]


def test_config_file_sets_options_severities_and_switches_rules_off(tmp_path):
    path = tmp_path / "audit.yaml"
    path.write_text(
        "extends: strict\nignore: [IVR2]\nrules:\n"
        "  IVR103: {max_depth: 1, severity: error}\n  IVR309: off\n"
        "  IVR302: error\n",
        encoding="utf-8",
    )
    rules = {r.code: r for r in load_config(path).rules()}
    assert rules["IVR103"].settings["max_depth"] == 1 and rules["IVR103"].level == "error"
    assert "IVR309" not in rules and not any(c.startswith("IVR2") for c in rules)
    assert rules["IVR302"].level == "error"
    assert rules["IVR104"].settings["max_options"] == 4  # from the strict preset
    result = audit_data(tmp_path, variant(_key_first), config=str(path))
    assert {f.severity for f in result.findings if f.code == "IVR302"} == {"error"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rules:\n  IVR103: {max_dpth: 2}\n", "IVR103 has no option max_dpth"),
        ("rules:\n  IVR999: off\n", 'unknown rule "IVR999"'),
        ("rules:\n  IVR103: {severity: fatal}\n", "severity must be one of error, warning, info"),
        ("extends: lenient\n", 'extends "lenient", which is not a preset'),
        ("selct: [IVR1]\n", 'unknown key "selct" (did you mean "select"?)'),
        ("select: [XYZ]\n", 'no rule code starts with "XYZ"'),
        ("rules: [1, 2\n", "not valid YAML"),
    ],
)
def test_bad_config_files_say_what_is_wrong(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_config(path)


def test_unknown_preset_or_missing_file():
    with pytest.raises(ConfigError, match="neither a preset"):
        load_config("nonexistent-preset")
