"""Queue ``capacity`` with a ``when_full`` route."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivr.engine import Call
from ivr.errors import MenuLoadError
from ivr.graph import build_graph
from ivr.loader import load_menu

MENU = """\
hotline: {name: Capacity}
start: billing
nodes:
  billing:
    queue: {agents: 2, handle_time: 300, calls_per_hour: 10, CAPACITY}
  voicemail:
    record: {prompt: "Leave a message.", next: bye}
  bye:
    hangup: "Goodbye."
"""


def menu_with(tmp_path: Path, capacity: str) -> Path:
    path = tmp_path / "line.yaml"
    path.write_text(MENU.replace("CAPACITY", capacity))
    return path


def test_a_full_queue_sends_callers_to_when_full(tmp_path: Path) -> None:
    menu = load_menu(menu_with(tmp_path, "capacity: 20, when_full: voicemail"))
    queue = menu.nodes["billing"]
    assert (queue.capacity, queue.when_full) == (20, "voicemail")  # type: ignore[attr-defined]
    waiting = Call(menu)
    waiting.start()
    assert waiting.outcome is not None and waiting.outcome.kind == "human"
    full = Call(menu, variables={"billing": "full"})
    full.start()
    assert full.outcome is not None and full.outcome.node == "voicemail"
    ways = build_graph(menu).adj["billing"]["voicemail"]["ways"]
    assert ways == [{"kind": "when_full", "capacity": 20}]


def test_a_queue_that_takes_nobody_is_always_full(tmp_path: Path) -> None:
    call = Call(load_menu(menu_with(tmp_path, "capacity: 0, when_full: voicemail")))
    call.start()
    assert call.outcome is not None and call.outcome.kind == "voicemail"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("capacity: 20", "a queue with capacity needs when_full too"),
        ("when_full: voicemail", "a queue with when_full needs capacity too"),
        ("capacity: -1, when_full: voicemail", "capacity"),
        ("capacity: 2.5, when_full: voicemail", "whole number"),
    ],
)
def test_capacity_and_when_full_come_together(tmp_path: Path, written: str, message: str) -> None:
    with pytest.raises(MenuLoadError) as caught:
        load_menu(menu_with(tmp_path, written))
    assert any(":5:" in str(e) and message in str(e) for e in caught.value.errors)
