"""Every way a caller's voice reaches a menu uses the one recogniser and its one setting.

``ivr listen``, ``ivr call --audio``, the browser phone's microphone upload and the
webhook's recorded answers are each given a real answer spoken by espeak-ng; each
must route the call, and each must have gone through ``voices.asr.recognise`` with
``DEFAULT_FLOOR`` (recorded by a wrapper around the real function).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from voices_support import korean_menu, korean_menu_path

from ivr.cli import main
from ivr.model import MenuNode
from ivr.web import create_app
from voices import asr
from voices.tts import VoiceCache, voice_for

ANSWER = "담당자"  # option 0 of "main": the nurse desk
FORM = {
    "CallSid": "CA" + "c" * 32,
    "AccountSid": "AC" + "1" * 32,
    "From": "+821055550100",
    "To": "+8225550123",
    "CallStatus": "in-progress",
    "Direction": "inbound",
    "ApiVersion": "2010-04-01",
}


@pytest.fixture()
def floors(monkeypatch) -> list[float]:
    """The floors ``voices.asr.recognise`` is called with, by any path, during the test."""
    seen: list[float] = []
    real = asr.recognise

    def recording(*args, **kwargs):
        heard = real(*args, **kwargs)
        seen.append(heard.floor)
        return heard

    monkeypatch.setattr(asr, "recognise", recording)
    return seen


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> Path:
    menu = korean_menu()
    cache = VoiceCache(tmp_path_factory.mktemp("caller"))
    return cache.render(ANSWER, voice_for(menu.hotline, "ko")).path


@pytest.fixture(scope="module")
def nurse() -> str:
    main_menu = korean_menu().nodes["main"]
    assert isinstance(main_menu, MenuNode)
    option = main_menu.option("0")
    assert option is not None
    return option.goto


@pytest.fixture()
def app(tmp_path):
    return create_app(
        {
            "MENU_DIR": str(korean_menu_path().parent),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}",
            "NOW": "2026-11-23T10:00",
            "STATE_SECRET": "paths",
        }
    )


@pytest.mark.speech
def test_ivr_listen(spoken, nurse, floors):
    menu = str(korean_menu_path())
    result = CliRunner().invoke(main, ["listen", str(spoken), "--menu", menu, "--node", "main"])
    assert result.exit_code == 0, result.output
    assert f'heard "{ANSWER}"' in result.output and nurse in result.output
    assert floors == [asr.DEFAULT_FLOOR]


@pytest.mark.speech
def test_ivr_call_with_audio(spoken, nurse, floors):
    menu = str(korean_menu_path())
    result = CliRunner().invoke(
        main, ["call", menu, "--at", "2026-11-23T10:00", "--audio", str(spoken)]
    )
    assert result.exit_code == 0, result.output
    assert f'said "{ANSWER}"' in result.output and f'"{nurse}"' in result.output
    assert floors == [asr.DEFAULT_FLOOR]


@pytest.mark.speech
def test_webhook_recorded_answer(app, spoken, nurse, floors):
    client = app.test_client()
    menu = korean_menu()
    first = client.post(f"/voice/{menu.name}", data=FORM)
    gather = ET.fromstring(first.data).find("Gather")
    assert gather is not None, first.data
    action = urlsplit(gather.get("action", ""))
    reply = client.post(
        f"{action.path}?{action.query}",
        data={**FORM, "Recording": (io.BytesIO(spoken.read_bytes()), "answer.wav")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 200
    assert nurse in reply.headers["X-IVR-Path"].split(","), reply.get_data(as_text=True)
    assert b"<Enqueue" in reply.data
    assert floors == [asr.DEFAULT_FLOOR]


@pytest.mark.speech
def test_browser_phone_microphone_upload(app, spoken, nurse, floors):
    client = app.test_client()
    menu = korean_menu()
    state = client.post(f"/phone/{menu.name}/call", json={"at": "2026-11-23T10:00"}).get_json()
    reply = client.post(
        f"/phone/{menu.name}/call/listen",
        content_type="multipart/form-data",
        data={"call": state["call"], "audio": (io.BytesIO(spoken.read_bytes()), "mic.wav")},
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)
    body = reply.get_json()
    assert f'heard "{ANSWER}"' in body["heard"]
    assert body["node"] == nurse
    assert floors == [asr.DEFAULT_FLOOR]
