"""Stated waits read right: one parser of spoken durations, and IVR208 on every queue after it."""

from __future__ import annotations

import pytest

from audit.run import audit_menu
from ivr.loader import load_menu
from ivr.prompt_text import promised_wait_seconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Please hold, it will only be ten minutes.", [600]),
        ("The wait is 1.5 minutes.", [90]),  # not 1 + 5 minutes
        ("Tunggu 1,5 menit.", [90]),
        ("About two and a half minutes.", [150]),  # not "a half" = 1.5 minutes
        ("Mohon tunggu satu setengah menit.", [90]),
        ("Hanya lima belas menit.", [900]),
        ("Dua puluh lima menit.", [1500]),
        ("Half a minute.", [30]),
        ("Setengah jam lagi.", [1800]),
        ("An hour and a half.", [5400]),
        ("One hour and thirty minutes.", [5400]),
        ("5 to 10 minutes.", [600]),  # a range is judged by its upper bound
        ("5-10 minutes.", [600]),
        ("Between 5 and 10 minutes.", [600]),
        ("Lima sampai sepuluh menit.", [600]),
        ("Under a minute.", [60]),
        ("Kurang dari satu menit.", [60]),
        ("약 5분 정도 기다려 주세요.", [300]),
        ("5~10분 기다려 주세요.", [600]),
        ("It takes 10 minutes, then 5 minutes more.", [600, 300]),
        ("For billing, press 1.", []),
    ],
)
def test_spoken_durations_are_read_as_a_caller_hears_them(text, seconds):
    assert promised_wait_seconds(text) == [float(s) for s in seconds]


LINE = """
hotline: {{name: Stated wait}}
defaults: {{on_fail: care, patience: unlimited}}
start: main
nodes:
  main:
    menu:
      prompt: "{prompt} For billing, press 1. For an agent, press 0."
      options: {{"1": billing, "0": care}}
  billing:
    branch:
      - {{when: {{hours: office}}, goto: care}}
      - {{goto: night}}
  care:
    queue: {{agents: 10, handle_time: 180, calls_per_hour: 30, announce_wait: true, callback: true}}
  night:
    queue: {{agents: 2, handle_time: 300, calls_per_hour: 12, announce_wait: true, callback: true}}
"""


def audit_prompt(tmp_path, prompt):
    path = tmp_path / "line.yaml"
    text = LINE.format(prompt=prompt).replace(
        "hotline: {name: Stated wait}",
        'hotline: {name: Stated wait, hours: {office: {mon-fri: "09:00-17:00"}}}',
    )
    path.write_text(text, encoding="utf-8")
    return audit_menu(load_menu(path))


def test_a_stated_wait_is_checked_against_every_queue_after_it_at_every_hour(tmp_path):
    # the night queue (2 agents, 1 erlang, patient callers): 100 s on average (Erlang C);
    # the day queue at once: a promise of one minute holds by day only
    result = audit_prompt(tmp_path, "Your wait is about one minute.")
    messages = [f.message for f in result.findings if f.code == "IVR208"]
    assert len(messages) == 1 and 'queue "night"' in messages[0]


@pytest.mark.parametrize(
    "prompt", ["Your wait is under five minutes.", "Your wait is 2.5 to 5 minutes."]
)
def test_an_honest_upper_bound_is_no_finding(tmp_path, prompt):
    assert "IVR208" not in {f.code for f in audit_prompt(tmp_path, prompt).findings}


def test_a_decimal_is_not_read_as_two_numbers(tmp_path):
    # "0.5 minutes" is 30 s: under the night wait; read as "0 5" it used to be 5 minutes
    result = audit_prompt(tmp_path, "Your wait is 0.5 minutes.")
    assert "IVR208" in {f.code for f in result.findings}
