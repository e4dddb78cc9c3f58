"""IVR311 without speech: a missing recording is reported before any speech model is
looked for, and the recogniser is reached through the ``ivr.prompt_listeners`` hook."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.run import audit_menu
from ivr.loader import load_menu
from ivr.plugins import PROMPT_LISTENERS, plugin_names

MENU = """\
hotline: {name: Recorded, languages: [en]}
start: main
nodes:
  main:
    menu:
      prompt: {audio: voices/main.wav, text: "For an agent, press 0."}
      options:
        "0": agent
  agent:
    transfer: {to: "+62 21 555 0000", human: true}
"""


def prompt_checks(path: Path):
    return audit_menu(load_menu(path), select=("IVR311",)).findings


def test_a_missing_recording_is_reported_without_a_speech_model(tmp_path, monkeypatch):
    no_model = tmp_path / "no-model"
    no_model.mkdir()
    monkeypatch.setenv("IVR_VOSK_MODEL", str(no_model))  # any model lookup would fail
    path = tmp_path / "menu.yaml"
    path.write_text(MENU, encoding="utf-8")
    [finding] = prompt_checks(path)
    assert finding.severity == "warning" and finding.node == "main"
    assert finding.message == (
        'the recorded prompt of "main" cannot be checked: voices/main.wav: no such file'
    )


def test_without_a_speech_model_present_recordings_are_not_checked(tmp_path, monkeypatch):
    no_model = tmp_path / "no-model"
    no_model.mkdir()
    monkeypatch.setenv("IVR_VOSK_MODEL", str(no_model))
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "main.wav").write_bytes(b"RIFF")
    path = tmp_path / "menu.yaml"
    path.write_text(MENU, encoding="utf-8")
    [finding] = prompt_checks(path)
    assert finding.severity == "info"
    assert finding.message.startswith("recorded prompts not checked: ")
    assert "is not a vosk model folder" in finding.message


@pytest.mark.parametrize("group", [PROMPT_LISTENERS, "ivr.timing_sources"])
def test_the_speech_package_fills_the_core_hooks(group):
    assert plugin_names(group) == ["vosk" if group == PROMPT_LISTENERS else "tts"]
