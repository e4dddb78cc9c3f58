"""``hotline: {apologies: false}``: the line says only its own words, in engine and audit."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from audit.run import audit_menu
from ivr.engine import Call
from ivr.loader import load_menu
from ivr.model import Menu

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("UTC"))

LINE = """\
hotline: {{name: Crawled line, languages: [en], apologies: {apologies}}}
defaults: {{retries: 1}}
start: main
nodes:
  main:
    menu:
      prompt: "For sales, press 1."
      options: {{"1": sales}}
      on_fail: agent
  sales:
    transfer: {{to: "+1 555 0101", human: true}}
  agent:
    transfer: {{to: "+1 555 0100", human: true}}
"""


def load_line(apologies: str) -> Menu:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "line.yaml"
        path.write_text(LINE.format(apologies=apologies), encoding="utf-8")
        return load_menu(path)


@pytest.mark.parametrize(("apologies", "sorry"), [("true", 1), ("false", 0)])
def test_the_engine_apologises_only_when_the_line_does(apologies: str, sorry: int) -> None:
    call = Call(load_line(apologies), at=MONDAY_10)
    call.start()
    call.silence()
    call.press("9")
    said = [line.text for line in call.transcript if line.who == "ivr"]
    assert sum(text.startswith("Sorry") for text in said) == sorry
    assert said.count("For sales, press 1.") == 2
    assert call.outcome is not None and call.outcome.node == "agent"


@pytest.mark.parametrize("apologies", ["true", "false"])
def test_the_audit_times_a_failure_route_as_the_engine_plays_it(apologies: str) -> None:
    menu = load_line(apologies)
    call = Call(menu, at=MONDAY_10)
    call.start()
    call.silence()
    call.silence()
    route = next(r for r in audit_menu(menu).metrics.humans if r.node == "agent")
    assert route.first_time_s == pytest.approx(call.elapsed, abs=0.01)


def test_apologies_must_be_true_or_false(tmp_path: Path) -> None:
    from ivr.errors import MenuLoadError

    path = tmp_path / "line.yaml"
    path.write_text(LINE.format(apologies="sometimes"), encoding="utf-8")
    with pytest.raises(MenuLoadError) as error:
        load_menu(path)
    assert f"{path}:1:" in str(error.value.errors[0]) and "apologies" in str(error.value.errors[0])
