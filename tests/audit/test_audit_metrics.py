"""Depth, keys, routes and time-to-human by hour of the week, on small menus."""

from __future__ import annotations

import pytest
from audit_support import MENUS, audit_data, good, variant

from audit.metrics import compute_metrics, describe_minutes
from ivr.loader import load_menu


def _office_queue(d):
    d["hotline"]["hours"] = {"office": {"mon-fri": "09:00-17:00"}}
    d["nodes"]["agent"]["queue"].update(hours="office", after_hours="night")
    d["nodes"]["night"] = {"transfer": {"to": "+1 555 0199", "ring": 30}}


def test_route_keys_path_and_depth_of_each_person(tmp_path):
    def deeper(d):
        d["nodes"]["main"]["menu"]["options"]["1"] = "sub"
        d["nodes"]["sub"] = {
            "menu": {
                "prompt": "For bills, press 1. For an agent, press 0.",
                "options": {"1": "billing", "0": "agent"},
            }
        }

    metrics = audit_data(tmp_path, variant(deeper)).metrics
    routes = {h.node: h for h in metrics.humans}
    assert routes["agent"].keys == ["0"] and routes["agent"].path == ["welcome", "main", "agent"]
    assert routes["billing"].keys == ["1", "1"]
    assert routes["billing"].path == ["welcome", "main", "sub", "billing"]
    assert (routes["agent"].depth, routes["billing"].depth) == (1, 2)
    assert metrics.nearest.node == "agent"
    assert (metrics.depth_to_human, metrics.worst_case_depth) == (1, 2)


def test_a_closed_queue_is_unreachable_at_that_hour(tmp_path):
    metrics = audit_data(tmp_path, variant(_office_queue)).metrics
    hours = dict(metrics.by_hours)
    assert set(hours) == {
        "mon-fri 09:00-17:00",
        "mon-fri 00:00-09:00, 17:00-24:00; sat-sun all day",
    }
    day = hours["mon-fri 09:00-17:00"]
    night = hours["mon-fri 00:00-09:00, 17:00-24:00; sat-sun all day"]
    assert "agent" in {h.node for h in day.humans}
    assert "agent" not in {h.node for h in night.humans}
    night_transfer = next(h for h in night.humans if h.node == "night")
    assert night_transfer.path == ["welcome", "main", "agent", "night"]
    assert night_transfer.queue_s == 30.0  # the ring time


def test_a_branch_on_hours_is_resolved_per_hour(tmp_path):
    def branch(d):
        d["hotline"]["hours"] = {"office": {"mon-fri": "09:00-17:00"}}
        d["nodes"]["main"]["menu"]["options"]["0"] = "route"
        d["defaults"]["on_fail"] = "route"
        d["nodes"]["route"] = {
            "branch": [{"when": {"hours": "office"}, "goto": "agent"}, {"goto": "closed"}]
        }
        d["nodes"]["closed"] = {"hangup": {"say": "We are closed."}}
        d["nodes"]["main"]["menu"]["options"].pop("1")
        d["nodes"].pop("billing")
        d["nodes"]["main"]["menu"]["prompt"] = "For an agent, press 0."

    result = audit_data(tmp_path, variant(branch))
    hours = dict(result.metrics.by_hours)
    assert hours["mon-fri 09:00-17:00"].nearest.node == "agent"
    assert hours["mon-fri 00:00-09:00, 17:00-24:00; sat-sun all day"].nearest is None

    def silence_reaches_the_queue(d):
        branch(d)
        d["defaults"]["on_fail"] = "agent"

    silent = dict(audit_data(tmp_path, variant(silence_reaches_the_queue)).metrics.by_hours)
    night = silent["mon-fri 00:00-09:00, 17:00-24:00; sat-sun all day"].nearest
    assert night.node == "agent" and night.keys == ["(silence)"]
    assert result.metrics.nearest.node == "agent"  # the headline is the best hour
    assert "IVR206" in {f.code for f in result.findings}


def test_language_switch_times_the_prompts_in_the_chosen_language(tmp_path):
    def bilingual(d):
        d["hotline"]["languages"] = ["en", "id"]
        d["nodes"]["main"]["menu"]["prompt"] = {
            "en": "For billing, press 1. For an agent, press 0. Untuk Bahasa Indonesia, tekan 9.",
            "id": "Untuk tagihan, tekan 1. Untuk agen, tekan 0.",
        }
        d["nodes"]["main"]["menu"]["options"]["9"] = {"goto": "main_id", "lang": "id"}
        d["nodes"]["main_id"] = {"say": "Bahasa Indonesia.", "next": "main"}

    metrics = audit_data(tmp_path, variant(bilingual)).metrics
    assert metrics.nearest.lang == "en" and metrics.nearest.keys == ["0"]


def test_no_person_reachable_gives_no_figures(tmp_path):
    def nobody(d):
        d["defaults"]["on_fail"] = "bye"
        d["nodes"]["main"]["menu"]["options"] = {"1": "bye"}
        d["nodes"]["main"]["menu"]["prompt"] = "To hang up, press 1."
        d["nodes"]["bye"] = {"hangup": {"say": "Goodbye."}}
        for name in ("agent", "billing"):
            d["nodes"].pop(name)

    result = audit_data(tmp_path, variant(nobody))
    assert result.metrics.nearest is None and result.temperature == "frozen"
    assert result.as_dict()["depth_to_human"] is None


def test_describe_minutes_groups_days():
    minutes = [d * 1440 + m for d in (5, 6) for m in range(480, 720)]
    assert describe_minutes(minutes) == "sat-sun 08:00-12:00"
    assert describe_minutes([]) == "no hours"


@pytest.mark.parametrize(
    ("name", "path", "depth", "worst"),
    [
        # the hot line: an agent in the first menu; its deepest person is three menus down
        ("acme-hot.yaml", ["welcome", "main", "care"], 1, 3),
        # the cold line: a language menu and three more before its only queue
        (
            "acme-cold.yaml",
            ["welcome", "language", "main", "service", "complaints", "agents"],
            4,
            4,
        ),
    ],
)
def test_bundled_menus_have_a_person_at_the_end_of_a_route(name, path, depth, worst):
    metrics = compute_metrics(load_menu(MENUS / name))
    assert metrics.nearest is not None and metrics.nearest.path == path
    assert metrics.graph.nodes[metrics.nearest.node]["human"]
    assert (metrics.depth_to_human, metrics.worst_case_depth) == (depth, worst)


def test_the_good_menu_is_hot(tmp_path):
    assert audit_data(tmp_path, good()).temperature == "hot"
