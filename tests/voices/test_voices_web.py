"""The webhook with audio: recorded answers without Twilio, and ``<Play>`` of rendered prompts."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from voices_support import korean_menu

from ivr.phrases import phrase
from ivr.web import create_app
from voices.asr import load_model
from voices.timing import render_jobs
from voices.tts import VoiceCache, voice_for

FORM = {
    "CallSid": "CA" + "b" * 32,
    "AccountSid": "AC" + "1" * 32,
    "From": "+821055550100",
    "To": "+8225550123",
    "CallStatus": "in-progress",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


@pytest.fixture(scope="module")
def menu():
    return korean_menu()


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture()
def app(tmp_path, monkeypatch, menu):
    monkeypatch.setenv("IVR_VOICE_CACHE", str(tmp_path / "voices"))
    return create_app(
        {
            "MENU_DIR": str(menu.path.rsplit("/", 1)[0]),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}",
            "NOW": "2026-11-23T10:00",
        }
    )


def voice_url(menu) -> str:
    return f"/voice/{menu.name}"


def gather_action(xml: bytes) -> str:
    """The action URL of the document's Gather (path and query, as the test client wants)."""
    gather = ET.fromstring(xml).find("Gather")
    assert gather is not None, xml
    parts = urlsplit(gather.get("action"))
    return f"{parts.path}?{parts.query}"


def answer_with(client, menu, wav: bytes):
    first = client.post(voice_url(menu), data=FORM)
    data = {**FORM, "Recording": (io.BytesIO(wav), "answer.wav")}
    return client.post(gather_action(first.data), data=data, content_type="multipart/form-data")


def spoken(menu, text: str, tmp_path) -> bytes:
    return (
        VoiceCache(tmp_path / "caller")
        .render(text, voice_for(menu.hotline, "ko"))
        .path.read_bytes()
    )


@pytest.mark.speech
@pytest.mark.usefixtures("model")
def test_a_recorded_answer_routes_the_call_without_twilio(app, menu, tmp_path):
    reply = answer_with(app.test_client(), menu, spoken(menu, "담당자", tmp_path))
    assert reply.status_code == 200 and reply.mimetype == "text/xml"
    nurse = menu.nodes["main"].option("0").goto
    assert nurse in reply.headers["X-IVR-Path"].split(","), reply.data
    assert b"<Enqueue" in reply.data


@pytest.mark.speech
@pytest.mark.parametrize("wav", [b"", b"this is not audio", b"RIFF\x00\x00\x00\x00WAVEjunk"])
@pytest.mark.usefixtures("model")
def test_unusable_or_unrelated_recordings_are_a_no_match_not_an_error(app, menu, wav):
    reply = answer_with(app.test_client(), menu, wav)
    assert reply.status_code == 200
    text = reply.data.decode()
    assert phrase("invalid", "ko") in text and "<Gather" in text  # asked again


@pytest.mark.speech
@pytest.mark.usefixtures("model")
def test_an_unrelated_recording_is_a_no_match(app, menu, tmp_path):
    reply = answer_with(app.test_client(), menu, spoken(menu, "오늘 날씨가 좋네요", tmp_path))
    assert phrase("invalid", "ko") in reply.data.decode()
    assert reply.headers["X-IVR-Path"] == "main"


def test_an_oversized_recording_is_refused_politely(app, menu):
    reply = answer_with(app.test_client(), menu, b"RIFF" + bytes(3 * 1024 * 1024))
    assert reply.status_code == 200 and b"<Response>" in reply.data


@pytest.mark.speech
def test_rendered_prompts_are_played_when_play_audio_is_on(tmp_path, monkeypatch, menu):
    monkeypatch.setenv("IVR_VOICE_CACHE", str(tmp_path / "voices"))
    config = {
        "MENU_DIR": str(menu.path.rsplit("/", 1)[0]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}",
        "NOW": "2026-11-23T10:00",
    }
    saying = (
        create_app({**config, "PLAY_AUDIO": "1"}).test_client().post(voice_url(menu), data=FORM)
    )
    assert b"<Play" not in saying.data and b"<Say" in saying.data  # nothing rendered yet
    cache = VoiceCache()
    for job in render_jobs(menu):
        cache.render(job.text, job.settings)
    client = create_app({**config, "PLAY_AUDIO": "1"}).test_client()
    playing = client.post(voice_url(menu), data=FORM)
    plays = [e.text for e in ET.fromstring(playing.data).iter("Play")]
    assert plays and b"<Say" not in playing.data.split(b"<Gather")[0]
    audio = client.get(urlsplit(plays[0]).path)
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    welcome = menu.nodes[menu.start].prompt.text("ko", "ko")
    assert audio.data == cache.render(welcome, voice_for(menu.hotline, "ko")).path.read_bytes()
    off = create_app(config).test_client().post(voice_url(menu), data=FORM)
    assert b"<Play" not in off.data  # the switch is off by default
    missing = client.get(f"{voice_url(menu)}/audio/tts/{'0' * 64}.wav")
    assert missing.status_code == 404


@pytest.mark.speech
def test_a_configured_model_folder_that_is_wrong_makes_a_no_match_not_a_500(tmp_path, menu):
    app = create_app(
        {
            "MENU_DIR": str(menu.path.rsplit("/", 1)[0]),
            "NOW": "2026-11-23T10:00",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}",
            "VOSK_MODEL": str(tmp_path / "no-model"),
        }
    )
    reply = answer_with(app.test_client(), menu, spoken(menu, "담당자", tmp_path))
    assert reply.status_code == 200
    assert phrase("invalid", "ko") in reply.data.decode()
