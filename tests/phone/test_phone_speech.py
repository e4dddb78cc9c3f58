"""Speech on the browser phone: rendered prompt audio, and a caller's recorded answer.

The answer test feeds Chromium's fake microphone a clip that espeak-ng spoke
("예약", booking) and lets the page record it with MediaRecorder, convert it
to WAV and upload it; the server hears it with the real vosk Korean model.
"""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, expect
from phone_support import WEEKDAY_10AM, Page

from ivr.loader import load_menu
from voices.tts import VoiceCache, voice_for


@pytest.fixture()
def voice_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VoiceCache:
    monkeypatch.setenv("IVR_VOICE_CACHE", str(tmp_path / "voices"))
    return VoiceCache(tmp_path / "voices")


def render_prompt(cache: VoiceCache, menu_file: str, node: str, lang: str) -> str:
    menu = load_menu(menu_file)
    text = menu.nodes[node].prompt.text(lang, menu.hotline.default_language)
    cache.render(text, voice_for(menu.hotline, lang))
    return text


@pytest.mark.speech
def test_rendered_prompt_audio_is_offered_with_the_prompt(client, voice_cache):
    text = render_prompt(voice_cache, "menus/acme-hot.yaml", "main", "id")
    state = client.post("/phone/acme-hot/call", json={"at": WEEKDAY_10AM}).get_json()
    welcome, main = state["said"]
    assert welcome["audio_url"] is None  # not rendered
    assert main["text"] == text
    audio = client.get(main["audio_url"])
    assert audio.status_code == 200
    assert audio.mimetype == "audio/wav"
    assert audio.data[:4] == b"RIFF" and audio.data[8:12] == b"WAVE"


def test_recorded_prompts_are_offered_from_the_menu_folder(client):
    state = client.post("/phone/recorded/call", json={}).get_json()
    (main,) = state["said"]
    assert main["text"] == "예약은 1번을 누르세요."
    assert main["audio_url"] == "/voice/recorded/audio/prompts/main.wav"
    assert client.get(main["audio_url"]).data[:4] == b"RIFF"
    state = client.post("/phone/recorded/call/press", json={"call": state["call"], "keys": "1"})
    (bye,) = state.get_json()["said"]
    assert bye["text"] == "안녕히 계세요." and bye["audio_url"] is None  # the file is missing


@pytest.mark.speech
@pytest.mark.browser
def test_the_page_plays_rendered_prompts(browser, server, voice_cache, menu_dir):
    # A short prompt: the page plays it in real time before the countdown starts.
    text = render_prompt(voice_cache, str(menu_dir / "short-prompt.yaml"), "main", "en")
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = Page(context.new_page(), "prompt-audio")
    tab.page.goto(f"{server}/phone/short-prompt")
    tab.page.click("#call")
    audio = tab.page.locator("#audio")
    expect(audio).to_be_visible()
    menu = load_menu(menu_dir / "short-prompt.yaml")
    key = VoiceCache.key(text, voice_for(menu.hotline, "en"))
    expect(audio).to_have_attribute("src", f"/phone/short-prompt/audio/{key}.wav")
    # The no-input countdown starts once the prompt has been played, as in a real gather.
    expect(tab.page.locator("#countdown")).to_be_visible(timeout=15_000)
    assert tab.page.evaluate("document.getElementById('audio').ended") is True
    tab.shot("prompt-audio-played")
    assert tab.errors == []
    context.close()


@pytest.mark.speech
def test_a_clip_the_model_cannot_understand_at_all_is_refused(client, tmp_path):
    """The Korean model knows no English word of acme-hot's menu: a clear 422, no crash."""
    clip = tmp_path / "clip.wav"
    with wave.open(str(clip), "wb") as out:
        out.setparams((1, 2, 16000, 0, "NONE", "not compressed"))
        out.writeframes(bytes(32000))
    state = client.post("/phone/acme-hot/call", json={"lang": "en"}).get_json()
    response = client.post(
        "/phone/acme-hot/call/listen",
        content_type="multipart/form-data",
        data={"call": state["call"], "audio": (clip.open("rb"), "clip.wav")},
    )
    assert response.status_code == 422
    assert "knows none of the words" in response.get_json()["error"]


@pytest.fixture()
def spoken_answer(tmp_path: Path, voice_cache: VoiceCache) -> Path:
    """ "예약" spoken by espeak-ng, with silence around it, as the microphone's input."""
    menu = load_menu("menus/ko-clinic.yaml")
    rendering = voice_cache.render("예약", voice_for(menu.hotline, "ko"))
    with wave.open(str(rendering.path)) as source:
        params, frames = source.getparams(), source.readframes(source.getnframes())
    silence = bytes(params.sampwidth * params.nchannels * params.framerate // 2)
    clip = tmp_path / "answer.wav"
    with wave.open(str(clip), "wb") as out:
        out.setparams(params)
        out.writeframes(silence + frames + silence * 6)
    return clip


@pytest.mark.speech
@pytest.mark.browser
def test_caller_answers_by_voice_through_the_microphone(playwright, server, spoken_answer):
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={spoken_answer}%noloop",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        tab = Page(context.new_page(), "voice-answer")
        page = tab.page
        page.set_default_timeout(20_000)
        page.goto(f"{server}/phone/ko-clinic?at={WEEKDAY_10AM}")
        page.click("#call")
        expect(page.locator("#node")).to_have_text("main")
        expect(page.locator("#mic")).to_be_enabled()
        page.click("#mic")
        expect(page.locator("#mic")).to_have_attribute("aria-pressed", "true")
        tab.shot("recording")
        page.wait_for_timeout(2500)
        page.click("#mic")
        # The first answer loads the vosk model: give it time.
        expect(page.locator("#app")).to_have_attribute("data-state", "waiting", timeout=30_000)
        expect(page.locator("#node")).to_have_text("booking")
        expect(page.locator("#transcript")).to_contain_text('said "예약"')
        expect(page.locator("#heard")).to_contain_text('heard "예약"')
        tab.shot("heard-booking")
        assert tab.errors == []
    finally:
        browser.close()
