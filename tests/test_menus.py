"""The bundled menus tell their stories: cold, hot, a big bank tree, a Korean clinic."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import networkx as nx
import pytest

from ivr.engine import Call
from ivr.graph import build_graph
from ivr.loader import load_menu
from ivr.model import (
    BranchNode,
    InputNode,
    MenuNode,
    QueueNode,
    RecordNode,
    TransferNode,
)
from ivr.queueing import expected_wait
from ivr.schedule import Schedule

MENUS = sorted(Path("menus").glob("*.yaml"))


def at(menu, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(menu.hotline.timezone))


@pytest.mark.parametrize("path", MENUS, ids=str)
def test_every_menu_is_commented(path: Path) -> None:
    comments = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("#")
    ]
    assert len(comments) >= 8, "explain the design choices in YAML comments"


# -- the cold line -----------------------------------------------------------------------


def test_cold_line_keeps_its_story() -> None:
    menu = load_menu("menus/acme-cold.yaml")
    graph = build_graph(menu)
    first_menu = next(
        n for n in nx.dfs_preorder_nodes(graph, menu.start) if isinstance(menu.nodes[n], MenuNode)
    )
    assert {opt.lang for opt in menu.nodes[first_menu].options} == {"id", "en"}  # forced
    assert menu.hotline.default_language == "id"
    menus = [n for n in menu.nodes.values() if isinstance(n, MenuNode)]
    assert all(n.option("0") is None for n in menus)  # no escape to a person
    (queue,) = menu.humans()
    route = nx.shortest_path(graph, menu.start, queue.id)
    assert sum(isinstance(menu.nodes[n], MenuNode) for n in route) == 4  # four menus deep
    assert queue.agents <= queue.calls_per_hour / 3600 * queue.handle_time  # overloaded
    assert expected_wait(queue) > 120  # answered callers wait over 2 min (Erlang A)
    assert menu.hotline.promise.hours == "24/7"
    assert not menu.hotline.hours[queue.hours].covers(Schedule.always())  # broken promise
    assert menu.nodes[queue.after_hours].kind == "hangup"  # after hours: hung up


def test_cold_line_hangs_up_after_hours() -> None:
    menu = load_menu("menus/acme-cold.yaml")
    call = Call(menu, at=at(menu, 2026, 11, 23, 21, 0))
    call.start()
    call.press("2421")
    assert call.outcome.kind == "hangup" and call.outcome.node == "closed"


# -- the hot line ------------------------------------------------------------------------------


def test_hot_line_reaches_a_person_within_30_seconds() -> None:
    menu = load_menu("menus/acme-hot.yaml")
    call = Call(menu, at=at(menu, 2026, 11, 23, 10, 0))
    call.start()
    call.press("0")
    assert call.outcome.kind == "human"
    assert call.outcome.seconds + call.outcome.wait <= 30


def test_hot_line_language_keys_go_both_ways() -> None:
    menu = load_menu("menus/acme-hot.yaml")
    call = Call(menu, at=at(menu, 2026, 11, 23, 10, 0))
    call.start()
    call.press("9")
    assert call.lang == "en"
    call.press("8")
    assert call.lang == "id"


# -- the bank -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank():
    return load_menu("menus/nusantara-bank.yaml")


def test_bank_is_a_big_realistic_tree(bank) -> None:
    nodes = list(bank.nodes.values())
    assert len(nodes) >= 30
    inputs = {n.var: n for n in nodes if isinstance(n, InputNode)}
    assert inputs["account"].min_digits == inputs["account"].max_digits == 10
    assert inputs["pin"].max_digits == 6
    assert any(
        isinstance(n, BranchNode) and any(r.when and r.when.hours for r in n.rules) for n in nodes
    )
    queues = [n for n in nodes if isinstance(n, QueueNode)]
    assert len(queues) >= 4 and sum(1 for q in queues if q.hours) >= 3
    assert sum(1 for n in nodes if isinstance(n, TransferNode)) >= 2
    assert any(isinstance(n, RecordNode) for n in nodes)
    menus = [n for n in nodes if isinstance(n, MenuNode) and n.id != "after_hours"]
    assert len(menus) >= 5
    assert all(n.option("0") and n.option("0").goto == "agent_route" for n in menus)


def test_bank_balance_after_account_and_pin(bank) -> None:
    call = Call(bank, at=at(bank, 2026, 11, 23, 10, 0))
    call.start()
    call.press("9")
    call.press("1")
    call.press("1")
    call.press("1234567890#")
    call.press("123456#")
    assert call.variables == {"account": "1234567890", "pin": "123456"}
    assert "Thank you. Your balance has been sent by text message to your registered number." in [
        line.text for line in call.transcript
    ]
    call.press("0")
    assert call.outcome.kind == "human" and call.outcome.node == "care_en"


@pytest.mark.parametrize(
    "when, node",
    [
        ((2026, 11, 23, 10, 0), "care_id"),  # Monday morning
        ((2026, 11, 23, 19, 0), "night_care"),  # Monday evening
        ((2026, 11, 24, 23, 30), "after_hours"),  # Tuesday night: the after-hours menu
    ],
)
def test_bank_agent_route_follows_the_clock(bank, when, node) -> None:
    call = Call(bank, at=at(bank, *when))
    call.start()
    call.press("0")
    assert call.path[-1] == node


def test_bank_lost_card_reaches_the_fraud_desk_at_night(bank) -> None:
    call = Call(bank, at=at(bank, 2026, 11, 22, 3, 0))
    call.start()
    call.speak("kartu hilang")
    call.speak("hilang")
    assert call.outcome.kind == "human" and call.outcome.node == "fraud_desk"


# -- the Korean clinic ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def clinic():
    return load_menu("menus/ko-clinic.yaml")


def test_clinic_is_korean_only_with_short_spoken_words(clinic) -> None:
    assert clinic.hotline.languages == ("ko",)
    assert clinic.humans()
    hangul = range(0xAC00, 0xD7A4)
    for node in clinic.nodes.values():
        text = node.prompt.text("ko") if hasattr(node, "prompt") else ""
        if text:
            assert any(ord(ch) in hangul for ch in text), node.id
        for option in getattr(node, "choices", ()):  # keyed and spoken options
            assert option.phrases, f"{node.id} option {option} has no words to say"
            for words in option.phrases:
                assert all(ord(ch) in hangul or ch == " " for ch in words)
                assert len(words.replace(" ", "")) <= 5


def test_clinic_by_voice(clinic) -> None:
    call = Call(clinic, at=at(clinic, 2026, 11, 23, 10, 0))
    call.start()
    call.speak("예약")
    call.speak("취소")
    call.speak("일 이 삼 사 오 육")
    assert call.variables == {"booking": "123456"}
    call.speak("상담")
    assert call.outcome.kind == "human" and call.outcome.node == "nurse"


def test_clinic_after_cancelling_a_caller_says_booking_to_book_again(clinic) -> None:
    call = Call(clinic, at=at(clinic, 2026, 11, 23, 10, 0))
    call.start()
    call.speak("예약")
    call.speak("취소")
    call.speak("일 이 삼 사 오 육")
    assert call.node == "anything_else"
    step = call.speak("예약")  # a spoken option: no key of this menu books
    assert (step.matched, step.node_reached) == ("book", "booking")
    call.speak("새 예약")
    assert call.outcome.kind == "human" and call.outcome.node == "reception"


def test_clinic_after_hours_takes_a_message(clinic) -> None:
    call = Call(clinic, at=at(clinic, 2026, 11, 22, 10, 0))  # Sunday
    call.start()
    call.speak("상담")
    assert call.outcome.kind == "voicemail"
