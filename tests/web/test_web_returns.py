"""The webhook over real HTTP: another system that hands the call back (``returns_to``).

A ``<Dial>`` to a system with ``returns_to`` carries an action URL; when the dialled
system completes, Twilio requests it and the call continues at ``returns_to``;
no-answer, busy and failed still go to ``on_no_answer``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_support import make_app

from ivr.twiml_caller import TwimlCaller, press
from tests.serving import served

PAYMENT_LINE = """\
hotline: {name: Payment line}
defaults: {on_fail: bye}
start: main
nodes:
  main:
    menu:
      prompt: "For your balance, press 1. To pay or to speak to someone, press 0."
      options: {"1": bye, "0": pay}
  pay:
    transfer: {to: "+1 555 0199", human: false, returns_to: care, away: 90,
               on_no_answer: sorry}
  care:
    queue: {agents: 4, handle_time: 300, calls_per_hour: 20}
  sorry:
    say: "Payments are not available right now."
    next: bye
  bye:
    hangup: {say: "Goodbye."}
"""


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    """The webhook serving the payment line on a free port of 127.0.0.1."""
    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "payment.yaml").write_text(PAYMENT_LINE, encoding="utf-8")
    with served(make_app(tmp_path, menus)) as url:
        yield f"{url}/voice/payment"


def test_a_completed_dial_to_the_system_returns_the_call_to_returns_to(base):
    result = TwimlCaller(base, dial_status="completed").call([press("0")])
    assert result.path == ["main", "pay", "care"], result.transcript
    assert result.reached == "queue:care"


@pytest.mark.parametrize("status", ["no-answer", "busy", "failed"])
def test_a_dial_the_system_does_not_answer_goes_to_on_no_answer(base, status):
    result = TwimlCaller(base, dial_status=status).call([press("0")])
    assert result.path[:3] == ["main", "pay", "sorry"], result.transcript
    assert result.reached is None
    assert any("Payments are not available" in line for line in result.transcript)
