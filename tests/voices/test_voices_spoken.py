"""A spoken option (chosen by voice only) is in the recogniser's grammar and routes a real
recognised answer: espeak-ng speaks it, the vosk Korean model hears it."""

from __future__ import annotations

from pathlib import Path

import pytest
from voices_support import korean_menu, open_hours

from ivr.engine import Call
from ivr.loader import load_menu
from voices.asr import answer, grammar_for, load_model
from voices.tts import VoiceCache, voice_for

MENU = """\
hotline: {name: 병원, languages: [ko], timezone: Asia/Seoul}
start: main
nodes:
  main:
    menu:
      prompt: "예약은 1번을 누르세요. 담당자를 원하시면 담당자라고 말씀해 주세요."
      options:
        "1": {goto: booking, say: [예약]}
      spoken:
        person: {say: [담당자], goto: desk}
  booking: {hangup: "예약 안내입니다."}
  desk: {transfer: {to: "+82 2 555 0100"}}
"""


@pytest.mark.speech
def test_a_spoken_option_is_heard_and_routes_the_call(tmp_path: Path) -> None:
    path = tmp_path / "spoken.yaml"
    path.write_text(MENU, encoding="utf-8")
    menu = load_menu(path)
    model = load_model()
    assert "담당자" in grammar_for(model, menu, "main", "ko").phrases
    speech = VoiceCache(tmp_path / "voice").render("담당자", voice_for(menu.hotline, "ko"))
    call = Call.resume(menu, "main", lang="ko", at=open_hours(menu))
    heard, step = answer(call, speech.path, model=model)
    assert heard.text == "담당자", heard.describe()
    assert (step.matched, step.node_reached) == ("person", "desk")


@pytest.mark.speech
def test_the_bundled_clinics_spoken_option_is_heard(tmp_path: Path) -> None:
    menu = korean_menu()  # anything_else: "예약" books again, by voice only
    assert [o.name for o in menu.nodes["anything_else"].spoken] == ["book"]
    model = load_model()
    speech = VoiceCache(tmp_path / "voice").render("예약", voice_for(menu.hotline, "ko"))
    call = Call.resume(menu, "anything_else", lang="ko", at=open_hours(menu))
    heard, step = answer(call, speech.path, model=model)
    assert heard.text == "예약", heard.describe()
    assert (step.matched, step.node_reached) == ("book", "booking")
