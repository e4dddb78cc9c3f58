"""The webhook gathers speech for options chosen by voice only, and routes what is said."""

from __future__ import annotations

from pathlib import Path

from web_support import make_app, post

MENU = """\
hotline: {name: Spoken line}
start: main
nodes:
  main:
    menu:
      prompt: "To hear your balance, say check balance. For an agent, say agent."
      input: speech
      spoken:
        check_balance: {say: [check balance, balance], goto: balance}
        agent: {say: [agent, operator], goto: desk}
  balance: {hangup: "Your balance is zero."}
  desk: {transfer: {to: "+1 555 0100"}}
"""


def client(tmp_path: Path):
    menus = tmp_path / "menus"
    menus.mkdir()
    (menus / "spoken.yaml").write_text(MENU, encoding="utf-8")
    return make_app(tmp_path, menus).test_client()


def test_a_menu_of_spoken_options_gathers_speech_with_their_phrases_as_hints(tmp_path):
    gather = post(client(tmp_path), "/voice/spoken").find("Gather")
    assert gather.get("input") == "speech"
    assert gather.get("hints") == "agent, operator, check balance, balance"


def test_saying_a_spoken_phrase_takes_its_route(tmp_path):
    web = client(tmp_path)
    action = post(web, "/voice/spoken").find("Gather").get("action")
    document = post(web, action, SpeechResult="I'd like to check balance please")
    assert [element.tag for element in document] == ["Say", "Hangup"]
    assert document[0].text == "Your balance is zero."
    dialled = post(web, action, SpeechResult="Operator.")
    assert dialled.find("Dial").text == "+15550100"
