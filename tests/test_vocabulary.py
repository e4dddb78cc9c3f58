"""One caller vocabulary (``ivr.vocabulary``) for the engine's ears and the prompt reader."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ivr.engine import Call
from ivr.loader import load_menu
from ivr.model import Menu
from ivr.prompt_text import key_before_action, mention_end, named_keys

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))

LINE = """\
hotline: {name: Vocabulary line, languages: [id, en, ko]}
start: main
nodes:
  main:
    menu:
      prompt:
        id: "Untuk tagihan, tekan 1. Untuk agen, tekan 0. Untuk mengulang, tekan bintang."
        en: "For billing, press 1. For an agent, press 0. To repeat, press the star key."
        ko: "요금은 일번을 누르세요. 상담원은 0번을 누르세요."
      options:
        "1": billing
        "0": agent
        "*": main
  billing:
    transfer: {to: "+62 21 555 0101", human: true}
  agent:
    transfer: {to: "+62 21 555 0100", human: true}
"""


@pytest.fixture(scope="module")
def line() -> Menu:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "line.yaml"
        path.write_text(LINE, encoding="utf-8")
        return load_menu(path)


@pytest.mark.parametrize(
    ("lang", "said", "reached"),
    [
        ("id", "tekan nol", "agent"),
        ("id", "tekan satu saja", "billing"),
        ("id", "pencet tombol nol", "agent"),
        ("en", "press zero", "agent"),
        ("en", "press one please", "billing"),
        ("ko", "일번을 누르세요", "billing"),
        ("ko", "1번", "billing"),
        ("ko", "영번이요", "agent"),
    ],
)
def test_a_spoken_press_in_the_call_language_picks_the_option(
    line: Menu, lang: str, said: str, reached: str
) -> None:
    call = Call(line, at=MONDAY_10, lang=lang)
    call.start()
    step = call.speak(said)
    assert (step.kind, step.node_reached) == ("matched", reached)


def test_a_spoken_star_key_picks_the_star_option(line: Menu) -> None:
    call = Call(line, at=MONDAY_10, lang="en")
    call.start()
    assert call.speak("press the star key").matched == "*"
    assert call.speak("tekan bintang").matched == "*"


def test_words_that_are_not_a_key_answer_stay_a_no_match(line: Menu) -> None:
    call = Call(line, at=MONDAY_10, lang="en")
    call.start()
    assert call.speak("enter it now").kind == "no-match"
    assert call.speak("I was told one thing and another").kind == "no-match"


@pytest.mark.parametrize(
    ("prompt", "keys"),
    [
        ("To repeat, press the star key.", {"*"}),
        ("To go back, press the pound key.", {"#"}),
        ("Then press the hash key.", {"#"}),
        ("Untuk mengulang, tekan tanda bintang.", {"*"}),
        ("Akhiri dengan tekan pagar.", {"#"}),
        ("Enter it now.", set()),
        ("Please enter your account number now.", set()),
        ("요금은 일번을 누르세요. 상담원은 0번을 누르세요.", {"1", "0"}),
        ("이번 달 요금 안내입니다.", set()),
        ("Para español, marque dos.", {"2"}),
        ("Für Deutsch tippen Sie drei.", {"3"}),
        ("Pour le français, appuyez sur la touche deux.", {"2"}),
    ],
)
def test_the_prompt_reader_knows_the_same_words(prompt: str, keys: set[str]) -> None:
    assert named_keys(prompt) == keys


def test_the_prompt_reader_places_and_orders_star_key_mentions() -> None:
    text = "To repeat, press the star key. For billing, press 1."
    assert text[: mention_end(text, "*")] == "To repeat, press the star key."
    assert key_before_action("Press the star key for the main menu.") == ["*"]
