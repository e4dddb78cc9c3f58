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


# -- the week, weighted by traffic ----------------------------------------------------------


def audit_week(tmp_path, data):
    from audit.run import audit_menu

    return audit_menu(load_menu(write(tmp_path, data))).as_dict()


def test_json_has_callers_and_queues_as_design_md_shows(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(WEEK_LINE))
    data["start"] = "main"
    data["nodes"]["main"] = {
        "menu": {
            "prompt": "For an agent, press 0. For sales, press 1. For claims, press 2.",
            "options": {"0": "care", "1": "sales", "2": "claims"},
        }
    }
    report = audit_week(tmp_path, data)
    assert list(report["callers"])[:7] == [
        "reached",
        "abandoned",
        "hung_up",
        "voicemail",
        "unknown",
        "first_time_p50_s",
        "first_time_p90_s",
    ]
    care = next(q for q in report["queues"] if q["node"] == "care")
    assert care["patience_s"] == 240
    by_agents = {h["agents"]: h for h in care["hours"]}
    assert set(by_agents) == {1, 5}  # 1 agent around the clock, 4 more in office hours
    assert by_agents[5]["when"] == "mon-fri 08:00-17:00" and by_agents[5]["calls_per_hour"] == 45
    assert by_agents[1]["calls_per_hour"] == 5
    for hours in care["hours"]:
        assert set(hours) == {
            "when",
            "agents",
            "calls_per_hour",
            "p_wait",
            "p_abandon",
            "mean_wait_s",
            "service_level",
        }
        assert 0 <= hours["p_abandon"] <= hours["p_wait"] <= 1
    claims = next(q for q in report["queues"] if q["node"] == "claims")
    assert claims["patience_s"] is None  # unlimited


def test_shares_of_the_week_follow_the_traffic(tmp_path):
    office_only = {
        "hotline": {"name": "Office", "hours": {"office": {"mon-fri": "08:00-17:00"}}},
        "defaults": {"on_fail": "care"},
        "start": "main",
        "nodes": {
            "main": {"menu": {"prompt": "For an agent, press 0.", "options": {"0": "care"}}},
            "care": {
                "queue": {
                    "agents": 10,
                    "handle_time": 180,
                    "calls_per_hour": 20,
                    "hours": "office",
                    "after_hours": "bye",
                }
            },
            "bye": {"hangup": {"say": "We are closed."}},
        },
    }
    even = audit_week(tmp_path, office_only)["callers"]
    # 45 of the week's 168 hours are office hours: callers spread evenly mostly meet "closed"
    assert even["hung_up"] == pytest.approx(123 / 168, abs=0.001)
    assert even["reached"] == pytest.approx(45 / 168, abs=0.002)
    busy = {**office_only, "hotline": {**office_only["hotline"], "traffic": {"office": 0.9}}}
    weighted = audit_week(tmp_path, busy)["callers"]
    assert weighted["hung_up"] == pytest.approx(0.1, abs=0.001)
    assert weighted["reached"] == pytest.approx(0.9, abs=0.002)
    hourly = [3 if 8 <= h % 24 < 17 and h < 120 else 1 for h in range(168)]
    by_hour = {**office_only, "hotline": {**office_only["hotline"], "traffic": hourly}}
    assert audit_week(tmp_path, by_hour)["callers"]["reached"] == pytest.approx(
        135 / (135 + 123), abs=0.002
    )


def test_an_unknown_wait_is_null_and_never_hot(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(WEEK_LINE))
    data["start"] = "main"
    data["defaults"]["on_fail"] = "care"
    data["nodes"]["main"] = {"menu": {"prompt": "For an agent, press 0.", "options": {"0": "x"}}}
    data["nodes"]["x"] = {"queue": {"name": "x"}}
    report = audit_week(tmp_path, data)
    assert report["callers"]["reached"] is None and report["callers"]["unknown"] > 0.99
    assert report["time_to_human"]["queue_s"] is None
    assert report["temperature"] != "hot"
    queue = next(q for q in report["queues"] if q["node"] == "x")
    assert queue["hours"][0]["mean_wait_s"] is None and queue["hours"][0]["p_wait"] is None
    data["hotline"]["promise"] = {"hours": "24/7", "time_to_human": 60}
    promise = audit_week(tmp_path, data)["promise"]
    assert promise["hours_kept"] is None and promise["time_kept"] is None  # not "kept"


def test_an_unknown_wait_at_night_keeps_what_the_day_callers_live(tmp_path):
    """A night queue with no staffing makes the night unknown, not the week: the callers
    answered by day still reach a person (the floor), and the line is not rated frozen."""
    from audit.reports.common import verdict
    from audit.run import audit_menu

    data = {
        "hotline": {"name": "Night line", "hours": {"day": {"mon-sun": "00:00-20:00"}}},
        "start": "main",
        "nodes": {
            "main": {
                "menu": {
                    "prompt": "For sales, press 1. For an agent, press 0.",
                    "options": {"1": "sales", "0": "sales"},
                    "on_fail": "sales",
                }
            },
            "sales": {
                "queue": {
                    "agents": 6,
                    "handle_time": 180,
                    "calls_per_hour": 30,
                    "hours": "day",
                    "after_hours": "night",
                    "callback": True,
                }
            },
            "night": {"queue": {"callback": True}},  # no staffing, no wait: unknown
        },
    }
    audit = audit_menu(load_menu(write(tmp_path, data)))
    callers = audit.as_dict()["callers"]
    assert callers["reached"] is None  # the week's share cannot be said...
    assert callers["unknown"] == pytest.approx(4 / 24, abs=1e-3)
    # ...but the day's callers (20 hours of 24) are answered: between 83 % and 100 %
    assert callers["reached_at_least"] == pytest.approx(20 / 24, abs=0.01)
    assert callers["reached_at_most"] == pytest.approx(1.0, abs=0.01)
    assert audit.temperature == "warm"  # not frozen ("most callers never reach a person")
    assert verdict(audit)[0].startswith("between 83 % and 100 % of callers reach a person")
