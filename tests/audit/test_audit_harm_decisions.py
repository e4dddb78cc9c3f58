"""Harm weighs decisions by their shares: a finding on a branch that a share of the callers
takes (a ``decide`` node whose outcomes all have a ``share``) harms that share of them,
as the caller figures count them (``audit.callers.journeys``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.harm import Cause
from audit.run import audit_menu
from ivr.loader import load_menu

WORDY = (
    "Thank you for calling. Your call is very important to us. Please listen carefully, "
    "as our menu options have recently changed. For an agent, press 0."
)


def line(long_share: float, short_share: float) -> str:
    """After "press 1", a decision sends ``long_share`` of the callers to a menu with a long
    prompt of filler (IVR309) and ``short_share`` to one with a short one (the quickest
    route); both lead to one queue."""
    return f"""\
hotline: {{name: Decided line, languages: [en], timezone: UTC}}
start: main
nodes:
  main:
    menu:
      prompt: "For your account, press 1."
      options: {{"1": route}}
      on_fail: care
  route:
    decide:
      outcomes:
        long: {{goto: wordy, share: {long_share}}}
        short: {{goto: brief, share: {short_share}}}
  wordy:
    menu:
      prompt: "{WORDY}"
      options: {{"0": care}}
      on_fail: care
  brief:
    menu:
      prompt: "Your call is important to us. For an agent, press 0."
      options: {{"0": care}}
      on_fail: care
  care:
    queue:
      agents: 4
      handle_time: 180
      calls_per_hour: 40
      announce_wait: true
      callback: true
      hold: music
"""


def filler(tmp_path: Path, long_share: float, short_share: float, menu: str = "wordy") -> Cause:
    """The filler finding of ``menu`` on the line of ``line``."""
    path = tmp_path / f"line-{long_share}.yaml"
    path.write_text(line(long_share, short_share), encoding="utf-8")
    audit = audit_menu(load_menu(path))
    (cause,) = [c for c in audit.causes if c.code == "IVR309" and c.places == [menu]]
    return cause


def test_a_finding_on_a_branch_a_fifth_of_callers_take_weighs_a_quarter_of_four_fifths(
    tmp_path: Path,
) -> None:
    rare = filler(tmp_path, 0.2, 0.8).harm
    common = filler(tmp_path, 0.8, 0.2).harm
    assert rare.share == pytest.approx(0.2) and common.share == pytest.approx(0.8)
    assert rare.seconds == pytest.approx(common.seconds)  # the same prompt, heard whole
    assert rare.value is not None and common.value is not None
    assert rare.value / common.value == pytest.approx(0.25)
    assert rare.label.startswith("20 % of callers lose")


def test_a_finding_on_the_quickest_branch_weighs_only_its_share(tmp_path: Path) -> None:
    # the short menu is on the quickest route, but only 80 % of callers are sent there
    assert filler(tmp_path, 0.2, 0.8, menu="brief").harm.share == pytest.approx(0.8)


def test_shares_of_a_decision_are_scaled_to_one_as_the_caller_figures_scale_them(
    tmp_path: Path,
) -> None:
    # 0.1 : 0.3 is 25 % : 75 % (the rest of the shares is not a third way callers go)
    assert filler(tmp_path, 0.1, 0.3).harm.share == pytest.approx(0.25)
