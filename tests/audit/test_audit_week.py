"""The week model's format: patience, staffing per schedule and the week's traffic."""

from __future__ import annotations

import math

import pytest
import yaml

from ivr.errors import MenuLoadError
from ivr.loader import load_menu
from ivr.queueing import DEFAULT_PATIENCE

WEEK_LINE = {
    "hotline": {
        "name": "Week line",
        "hours": {"office": {"mon-fri": "08:00-17:00"}},
        "traffic": {"office": 0.8},
    },
    "defaults": {"patience": 240},
    "start": "care",
    "nodes": {
        "care": {
            "queue": {
                "agents": {"24/7": 1, "office": 4},
                "handle_time": 300,
                "calls_per_hour": {"office": 40, "24/7": 5},
            }
        },
        "sales": {"queue": {"agents": 2, "handle_time": 300, "calls_per_hour": 10, "patience": 60}},
        "claims": {
            "queue": {
                "agents": 2,
                "handle_time": 300,
                "calls_per_hour": 10,
                "patience": "unlimited",
            }
        },
    },
}


def write(tmp_path, data, name="line.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_patience_staffing_and_traffic_are_read(tmp_path):
    menu = load_menu(write(tmp_path, WEEK_LINE))
    care, sales, claims = (menu.nodes[n] for n in ("care", "sales", "claims"))
    assert care.patience == 240  # the hotline-wide default under defaults:
    assert sales.patience == 60 and claims.patience == math.inf
    assert dict(care.agents_by_hours) == {"24/7": 1, "office": 4}
    assert dict(care.calls_by_hours) == {"office": 40.0, "24/7": 5.0}
    assert care.agents is None and sales.agents == 2
    assert menu.hotline.traffic == (("office", 0.8),)


def test_patience_has_a_documented_default(tmp_path):
    data = {**WEEK_LINE, "defaults": {}}
    menu = load_menu(write(tmp_path, data))
    assert menu.nodes["care"].patience == DEFAULT_PATIENCE == 180


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"defaults": {"patience": "forever"}}, "patience (seconds, or unlimited) must be"),
        ({"defaults": {"patience": 0}}, "patience must be over 0"),
        ({"defaults": {"patience": 10**6}}, "patience must be over 0 and at most 86400"),
        (
            {"hotline": {**WEEK_LINE["hotline"], "traffic": {"office": 0.7, "24/7": 0.5}}},
            "traffic shares add up to more than 1",
        ),
        (
            {"hotline": {**WEEK_LINE["hotline"], "traffic": {"ofice": 0.7}}},
            'unknown schedule "ofice" (did you mean "office"?)',
        ),
        ({"hotline": {**WEEK_LINE["hotline"], "traffic": [1, 2]}}, "traffic by hour needs 168"),
    ],
)
def test_bad_week_figures_are_located_errors(tmp_path, change, message):
    path = write(tmp_path, {**WEEK_LINE, **change})
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    text = str(caught.value)
    assert message in text
    assert f"{path}:" in text  # file:line:col


def test_a_staffing_mapping_names_known_schedules(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(WEEK_LINE))
    data["nodes"]["care"]["queue"]["agents"] = {"ofice": 4}
    with pytest.raises(MenuLoadError, match='unknown schedule "ofice"'):
        load_menu(write(tmp_path, data))
