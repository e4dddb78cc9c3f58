"""``reprompt:``: what a menu says on the attempts after the first."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.run import audit_menu
from ivr.engine import Call
from ivr.loader import load_menu

MENU = """\
hotline: {name: Reprompts}
start: main
nodes:
  main:
    menu:
      prompt: "Welcome to Acme, the best company in the world. For billing, press 1. For an
        agent, press 0."
      REPROMPT
      options: {"1": billing, "0": billing}
      retries: 2
      on_fail: desk
  billing:
    hangup: "Your balance is zero. Goodbye."
  desk:
    transfer: {to: "+1 555 0100"}
"""


def menu_at(tmp_path: Path, reprompt: str) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(MENU.replace("REPROMPT", reprompt))
    return path


def ivr_lines(call: Call) -> list[str]:
    return [line.text for line in call.transcript if line.who == "ivr"]


def test_later_attempts_say_the_reprompt(tmp_path: Path) -> None:
    menu = load_menu(menu_at(tmp_path, 'reprompt: "Press 1 for billing, 0 for an agent."'))
    call = Call(menu)
    call.start()
    call.silence()
    call.press("7")
    lines = ivr_lines(call)
    assert lines[0].startswith("Welcome to Acme")
    assert lines.count("Press 1 for billing, 0 for an agent.") == 2
    assert sum(line.startswith("Welcome") for line in lines) == 1


def test_without_a_reprompt_the_prompt_is_said_again(tmp_path: Path) -> None:
    call = Call(load_menu(menu_at(tmp_path, "")))
    call.start()
    call.silence()
    assert sum(line.startswith("Welcome") for line in ivr_lines(call)) == 2


def test_the_audit_times_the_failure_route_with_the_shorter_reprompt(tmp_path: Path) -> None:
    def desk_seconds(reprompt: str) -> float:
        folder = tmp_path / str(len(reprompt))
        folder.mkdir()
        report = audit_menu(load_menu(menu_at(folder, reprompt)))
        (route,) = [r for r in report.metrics.every_human if r.node == "desk"]
        return route.first_time_s

    long, short = desk_seconds(""), desk_seconds('reprompt: "1 or 0?"')
    assert short < long - 5  # two retries say a short question instead of the long welcome


@pytest.mark.parametrize("kind", ["menu", "input"])
def test_a_bad_reprompt_is_a_located_error(tmp_path: Path, kind: str) -> None:
    from ivr.errors import MenuLoadError

    path = tmp_path / "bad.yaml"
    path.write_text(
        "hotline: {name: x}\nstart: a\nnodes:\n  a:\n"
        + (
            "    menu: {prompt: hi, reprompt: [1, 2], options: {'1': a}}\n"
            if kind == "menu"
            else "    input: {prompt: hi, reprompt: [1, 2], var: x, next: a}\n"
        )
    )
    with pytest.raises(MenuLoadError) as caught:
        load_menu(path)
    assert any(":5:" in str(e) and "reprompt must be text" in str(e) for e in caught.value.errors)
