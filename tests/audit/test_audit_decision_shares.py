"""Decisions with shares: the audit's caller figures weigh each outcome by its share.

A ``decide`` node whose outcomes all have a ``share`` splits its callers by those
shares in the audit (``audit.callers.journeys``) as in ``ivr simulate``; the two
agree within sampling error on a few lines (a fixed seed, thousands of callers).
An outcome without a share takes what the shares given leave; where several outcomes
have none and end differently, where those callers end is unknown (never the best
outcome for all of them).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from audit.reports.common import verdict
from audit.run import audit_menu
from audit.simulation.executors import run_replications
from audit.simulation.run import ABANDONED_QUEUE, ANSWERED, HUNG_UP, VOICEMAIL, Options
from ivr.loader import load_menu

HEAD = "hotline: {name: Decided line, languages: [en], timezone: UTC}\n"

# a lookup before any menu: 70 % are known customers (a queue), 30 % leave a message
LOOKUP = (
    HEAD
    + """\
start: lookup
nodes:
  lookup:
    decide:
      about: Function lookup-customer
      outcomes:
        known: {goto: care, share: 0.7}
        error: {goto: messages, share: 0.3}
  care:
    queue: {agents: 3, handle_time: 180, calls_per_hour: 70, patience: 120}
  messages:
    record: {prompt: "Leave a message.", max_length: 60, next: bye}
  bye:
    hangup: {say: "Goodbye."}
"""
)

# after "press 1": half to billing, 30 % to sales, 20 % hung up by the line
AFTER_A_KEY = (
    HEAD
    + """\
start: main
nodes:
  main:
    menu:
      prompt: "For your account, press 1."
      options: {"1": route}
      on_fail: bye
  route:
    decide:
      outcomes:
        billing: {goto: billing, share: 0.5}
        sales: {goto: sales, share: 0.3}
        down: {goto: bye, share: 0.2}
  billing:
    queue: {agents: 4, handle_time: 240, calls_per_hour: 50, patience: 180}
  sales:
    queue: {agents: 2, handle_time: 300, calls_per_hour: 30, patience: 60}
  bye:
    hangup: {say: "Goodbye."}
"""
)

# one decision after another: 40 % straight to the queue, 60 % decided again (half of
# them to the queue, half to voicemail)
NESTED = (
    HEAD
    + """\
start: first
nodes:
  first:
    decide:
      outcomes:
        again: {goto: second, share: 0.6}
        queue: {goto: care, share: 0.4}
  second:
    decide:
      outcomes:
        queue: {goto: care, share: 0.5}
        message: {goto: messages, share: 0.5}
  care:
    queue: {agents: 5, handle_time: 300, calls_per_hour: 70, patience: 90}
  messages:
    record: {prompt: "Leave a message.", max_length: 60, next: bye}
  bye:
    hangup: {say: "Goodbye."}
"""
)

LINES = {"lookup": (LOOKUP, 100), "after-a-key": (AFTER_A_KEY, 100), "nested": (NESTED, 100)}
REPLICATIONS = 6


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(LINES))
def test_the_audit_weighs_decisions_as_the_simulation_does(tmp_path: Path, name: str) -> None:
    text, calls_per_hour = LINES[name]
    path = write(tmp_path, text)
    callers = audit_menu(load_menu(path)).as_dict()["callers"]
    # the queues' calls_per_hour are what reaches them after the decisions: the simulation
    # offers the whole line's calls, which the decisions split the same way
    options = Options(str(path), calls=calls_per_hour * 24, miskey=0.0)
    reps = run_replications(options, REPLICATIONS, seed=11)
    for field, code in (
        ("reached", ANSWERED),
        ("abandoned", ABANDONED_QUEUE),
        ("voicemail", VOICEMAIL),
        ("hung_up", HUNG_UP),
    ):
        shares = [float(np.mean(rep.end == code)) for rep in reps]
        error = np.std(shares, ddof=1) / math.sqrt(REPLICATIONS)
        # four standard errors, and 0.01 for the queue starting empty at midnight
        assert callers[field] == pytest.approx(np.mean(shares), abs=4 * error + 0.01), field
    waits = np.concatenate([(rep.menu_s + rep.queue_s)[rep.end == ANSWERED] for rep in reps])
    assert callers["first_time_p50_s"] == pytest.approx(np.median(waits), abs=3.0, rel=0.1)
    assert callers["first_time_p90_s"] == pytest.approx(np.quantile(waits, 0.9), rel=0.1)


def test_the_shares_of_a_decision_weigh_its_outcomes(tmp_path: Path) -> None:
    callers = audit_menu(load_menu(write(tmp_path, LOOKUP))).as_dict()["callers"]
    assert callers["voicemail"] == pytest.approx(0.3, abs=1e-4)
    assert callers["reached"] + callers["abandoned"] == pytest.approx(0.7, abs=1e-4)
    nested = audit_menu(load_menu(write(tmp_path, NESTED))).as_dict()["callers"]
    assert nested["voicemail"] == pytest.approx(0.3, abs=1e-4)  # 60 % x 50 %
    after_key = audit_menu(load_menu(write(tmp_path, AFTER_A_KEY))).as_dict()["callers"]
    assert after_key["hung_up"] == pytest.approx(0.2, abs=1e-4)


def test_an_outcome_without_a_share_takes_what_the_shares_leave(tmp_path: Path) -> None:
    text = LOOKUP.replace("{goto: messages, share: 0.3}", "messages")
    callers = audit_menu(load_menu(write(tmp_path, text))).as_dict()["callers"]
    assert callers["voicemail"] == pytest.approx(0.3, abs=1e-4)  # 1 - 0.7, as ivr simulate
    assert callers["reached"] + callers["abandoned"] == pytest.approx(0.7, abs=1e-4)


def test_outcomes_without_shares_that_part_ways_leave_where_callers_end_unknown(
    tmp_path: Path,
) -> None:
    """Known customers to a queue, the others to a message, and no share given: the audit
    does not pick the best outcome for every caller (it did: 100 % in the queue)."""
    text = LOOKUP.replace(", share: 0.7}", "}").replace(", share: 0.3}", "}")
    audit = audit_menu(load_menu(write(tmp_path, text)))
    report = audit.as_dict()
    callers = report["callers"]
    assert callers["reached"] is None and callers["abandoned"] is None
    assert callers["unknown"] == pytest.approx(1.0) and callers["voicemail"] == 0.0
    assert callers["reached_at_least"] == 0.0
    assert callers["reached_at_most"] == pytest.approx(1.0)
    assert callers["first_time_p90_s"] is None
    assert report["temperature"] != "hot"  # never hot on an unknown
    first = verdict(audit)[0]
    assert '("lookup")' in first and "whether they reach a person cannot be said" in first
    # how many give up on hold after the decision is unknown too, not "no caller affected"
    no_callback = next(f for f in report["findings"] if f["code"] == "IVR205")
    assert no_callback["harm"]["share"] is None


def test_outcomes_without_shares_that_end_alike_keep_the_end_but_not_the_time(
    tmp_path: Path,
) -> None:
    """Known customers straight to the queue, new ones after a welcome: every caller ends
    in the queue, by routes of different lengths in unknown proportions."""
    text = LOOKUP.replace("{goto: care, share: 0.7}", "care").replace(
        "{goto: messages, share: 0.3}", "welcome"
    ) + (
        "  welcome:\n"
        '    say: "Welcome! A new customer adviser will take your call."\n'
        "    next: care\n"
    )
    callers = audit_menu(load_menu(write(tmp_path, text))).as_dict()["callers"]
    shared = LOOKUP.replace("{goto: messages, share: 0.3}", "{goto: care, share: 0.3}")
    everyone = audit_menu(load_menu(write(tmp_path, shared))).as_dict()["callers"]
    assert callers["unknown"] == 0.0
    assert callers["reached"] == pytest.approx(everyone["reached"], abs=1e-4)
    assert callers["first_time_p50_s"] is None and callers["first_time_p90_s"] is None
