"""The time model: prompt estimates, the expert's early press, measured durations, and
changes to one prompt or one queue moving the reported seconds by the predicted amount."""

from __future__ import annotations

import math

import pytest
from audit_support import audit_data, good, variant
from click.testing import CliRunner

from audit.metrics import compute_metrics
from ivr.cli import main
from ivr.duration import COMMA_PAUSE, SENTENCE_PAUSE, WORDS_PER_MINUTE
from ivr.loader import load_menu
from ivr.phrases import phrase
from ivr.queueing import average_speed_of_answer
from ivr.timing import (
    BUILT_IN_SOURCES,
    REACTION,
    EstimatedTimer,
    MeasuredTimer,
    timer_for,
    timing_sources,
)

SECONDS_PER_WORD = 60 / WORDS_PER_MINUTE


def seconds_of(words: int, sentences: int = 0, commas: int = 0) -> float:
    return words * SECONDS_PER_WORD + sentences * SENTENCE_PAUSE + commas * COMMA_PAUSE


def test_documented_constants():
    assert (WORDS_PER_MINUTE, SENTENCE_PAUSE, COMMA_PAUSE, REACTION) == (150, 0.4, 0.17, 1.5)
    timer = EstimatedTimer()
    assert timer.seconds("For billing, press 1.", "en") == pytest.approx(seconds_of(4, 1, 1))


def test_expert_hears_only_up_to_the_wanted_option():
    timer = EstimatedTimer()
    text = "For billing, press 1. For sales, press 2. For an agent, press 0."
    assert timer.option_offset(text, "en", "1") == pytest.approx(seconds_of(4, 1, 1))
    assert timer.option_offset(text, "en", "2") == pytest.approx(seconds_of(8, 2, 2))
    assert timer.option_offset(text, "en", "0") == pytest.approx(timer.seconds(text, "en"))
    assert timer.option_offset(text, "en", "7") is None
    assert timer.option_offset(
        "Untuk agen, tekan 0. Untuk tagihan, tekan 1.", "id", "0"
    ) == pytest.approx(seconds_of(4, 1, 1))


def test_measured_durations_replace_estimates_and_scale_offsets():
    text = "For billing, press 1. For sales, press 2."
    estimated = EstimatedTimer()
    measured = MeasuredTimer(lambda t, _lang: 8.68 if t == text else None)
    assert measured.seconds(text, "en") == 8.68
    assert measured.seconds("Other.", "en") == estimated.seconds("Other.", "en")
    assert measured.option_offset(text, "en", "1") == pytest.approx(
        estimated.option_offset(text, "en", "1") * 2
    )
    exact = MeasuredTimer({(text, "en"): 8.68}, offsets={(text, "en", "1"): 3.0})
    assert exact.option_offset(text, "en", "1") == 3.0


def test_a_registered_timing_source_is_used_by_the_audit(tmp_path, monkeypatch):
    baseline = audit_data(tmp_path, good())
    monkeypatch.setitem(
        BUILT_IN_SOURCES, "slow", lambda _menu: MeasuredTimer(lambda _text, _lang: 10.0)
    )
    menu = load_menu(tmp_path / "menu.yaml")
    slow = compute_metrics(menu, timer_for("slow", menu))
    # every prompt now takes 10 s: the greeting, the menu and the two queue announcements
    assert slow.nearest.ivr_s == pytest.approx(10 + 10 + REACTION + 10 + 10)
    assert slow.nearest.ivr_s > baseline.metrics.nearest.ivr_s


def test_first_time_route_to_the_agent_adds_up_by_hand(tmp_path):
    result = audit_data(tmp_path, good())
    agent = next(h for h in result.metrics.humans if h.node == "agent")
    greeting = seconds_of(1, 1)  # "Hello."
    menu = seconds_of(9, 2, 2)  # "For billing, press 1. For an agent, press 0."
    announcements = EstimatedTimer().seconds(
        phrase("wait_short", "en"), "en"
    ) + EstimatedTimer().seconds(phrase("callback", "en"), "en")
    wait = average_speed_of_answer(5, calls_per_hour=30, handle_time=120)
    assert agent.ivr_s == pytest.approx(greeting + menu + REACTION + announcements, abs=0.01)
    assert agent.queue_s == pytest.approx(wait)
    assert agent.first_time_s == pytest.approx(agent.ivr_s + wait, abs=0.01)
    assert agent.expert_s == pytest.approx(agent.first_time_s, abs=0.01)  # 0 is named last
    billing = next(h for h in result.metrics.humans if h.node == "billing")
    # the expert presses 1 before "For an agent, press 0." is read out
    assert billing.first_time_s - billing.expert_s == pytest.approx(seconds_of(5, 1, 1), abs=0.01)


def test_changing_one_prompt_moves_the_seconds_by_its_duration(tmp_path):
    before = audit_data(tmp_path, good()).metrics.nearest

    def longer(d):
        d["nodes"]["welcome"]["say"] = "Hello and welcome to the good line."

    after = audit_data(tmp_path, variant(longer)).metrics.nearest
    added = seconds_of(7, 1) - seconds_of(1, 1)  # 7 words instead of 1, same full stop
    assert after.first_time_s - before.first_time_s == pytest.approx(added, abs=0.01)
    assert after.expert_s - before.expert_s == pytest.approx(added, abs=0.01)

    def tail(d):  # a sentence after the billing option: first-timers hear it, experts do not
        d["nodes"]["main"]["menu"]["prompt"] = (
            "For billing, press 1. For an agent, press 0. Thank you."
        )

    before_billing = next(
        h for h in audit_data(tmp_path, good()).metrics.humans if h.node == "billing"
    )
    after_billing = next(
        h for h in audit_data(tmp_path, variant(tail)).metrics.humans if h.node == "billing"
    )
    assert after_billing.first_time_s - before_billing.first_time_s == pytest.approx(
        seconds_of(2, 1), abs=0.01
    )
    assert after_billing.expert_s == pytest.approx(before_billing.expert_s, abs=0.01)


def test_changing_queue_staffing_moves_the_wait_by_erlang_c(tmp_path):
    before = next(h for h in audit_data(tmp_path, good()).metrics.humans if h.node == "agent")

    def fewer(d):
        d["nodes"]["agent"]["queue"]["agents"] = 2

    after = next(
        h for h in audit_data(tmp_path, variant(fewer)).metrics.humans if h.node == "agent"
    )
    # by hand: 1 erlang on 2 agents: P(wait) = (1/2 * 2/1) / (1 + 1 + 1) = 1/3,
    # ASA = 1/3 * 120 s / (2 - 1) = 40 s; on 5 agents P(wait) = (1/120 * 5/4) / (1 + 1 + 1/2 +
    # 1/6 + 1/24 + 1/96) = 0.0037..., ASA = P * 120 / 4
    p5 = (1 / 120 * 5 / 4) / (1 + 1 + 1 / 2 + 1 / 6 + 1 / 24 + 1 / 120 * 5 / 4)
    assert after.queue_s == pytest.approx(40.0, abs=0.01)
    assert after.first_time_s - before.first_time_s == pytest.approx(40.0 - p5 * 120 / 4, abs=0.01)
    assert after.ivr_s == pytest.approx(before.ivr_s, abs=0.01)


def test_not_interruptible_menu_makes_the_expert_wait(tmp_path):
    def fixed(d):
        d["nodes"]["main"]["menu"]["interruptible"] = False

    billing = next(
        h for h in audit_data(tmp_path, variant(fixed)).metrics.humans if h.node == "billing"
    )
    assert billing.expert_s == pytest.approx(billing.first_time_s, abs=0.01)


def test_an_overloaded_queue_never_answers(tmp_path):
    def overloaded(d):
        d["nodes"]["agent"]["queue"].update(agents=1, calls_per_hour=60)
        d["nodes"]["billing"]["queue"].update(agents=1, calls_per_hour=60)

    result = audit_data(tmp_path, variant(overloaded))
    assert math.isinf(result.metrics.nearest.first_time_s)
    assert result.temperature == "frozen"
    assert result.as_dict()["time_to_human"]["first_time_s"] is None


def test_a_one_minute_wait_is_timed_as_the_engine_says_it(tmp_path) -> None:
    """The auditor times the same queue announcements the caller hears from the engine."""
    from datetime import datetime

    from audit.run import audit_menu
    from ivr.engine import Call
    from ivr.loader import load_menu

    path = tmp_path / "one-minute.yaml"
    path.write_text(
        "hotline: {name: One minute line, languages: [en]}\n"
        "start: main\n"
        "nodes:\n"
        "  main:\n"
        "    menu:\n"
        '      prompt: "For an agent, press 0."\n'
        "      options: {'0': care}\n"
        "  care:\n"
        "    queue: {wait: 70, announce_wait: true, callback: true, patience: unlimited}\n"
    )
    menu = load_menu(path)
    call = Call(menu, at=datetime(2026, 11, 23, 10, 0))
    call.start()
    call.press("0")
    assert "Your estimated wait is about one minute." in [
        line.text for line in call.transcript if line.who == "ivr"
    ]
    route = next(r for r in audit_menu(menu).metrics.humans if r.node == "care")
    assert route.first_time_s == pytest.approx(call.elapsed + 70, abs=0.01)


def test_timing_sources_are_the_estimate_and_the_installed_plugins():
    """The auditor names no speech module: ``tts`` comes from the speech package's entry point."""
    assert timing_sources() == ["estimate", "tts"]
    result = CliRunner().invoke(main, ["audit", "menus/acme-hot.yaml", "--timing", "tss"])
    assert result.exit_code == 2
    assert "'tss' is not one of 'estimate', 'tts'." in result.output
