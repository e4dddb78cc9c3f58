"""The auditor with audio: ``--timing tts`` measures rendered prompts; IVR311 hears recordings."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from click.testing import CliRunner
from voices_support import ROOT, korean_menu_path

from audit.run import audit_menu
from ivr.cli import main
from ivr.loader import load_menu
from ivr.timing import EstimatedTimer, timer_for
from voices.asr import load_model
from voices.timing import TtsTimer
from voices.tts import VoiceCache, VoiceSettings

PROMPT = "예약은 1번, 담당자는 0번을 누르세요."
RECORDED_MENU = """\
hotline:
  name: 녹음 테스트
  languages: [ko]
  timezone: Asia/Seoul
defaults: {{timeout: 5, retries: 2, on_fail: desk}}
start: main
nodes:
  main:
    menu:
      prompt: {{audio: {audio}, text: "{text}"}}
      options:
        "1": {{goto: desk, say: [예약]}}
        "0": {{goto: desk, say: [담당자]}}
  desk:
    transfer: {{to: "+82 2 555 0100", human: true, ring: 5}}
"""
SPOKEN_PROMPT = "예약은 1번을 누르세요. 담당자를 원하시면 담당자라고 말씀해 주세요."
SPOKEN_MENU = RECORDED_MENU.replace(  # 담당자 is said, with no key
    '        "0": {{goto: desk, say: [담당자]}}',
    "      spoken: {{person: {{goto: desk, say: [담당자]}}}}",
)


@pytest.fixture(scope="module")
def model():
    return load_model()


def recorded_menu(folder, said: str, text: str = PROMPT, template: str = RECORDED_MENU):
    """A menu in ``folder`` (``template``) whose main prompt is a recording (espeak-ng) of
    ``said``."""
    rendering = VoiceCache(folder / "cache").render(said, VoiceSettings("ko", "ko", 150))
    (folder / "voices").mkdir(parents=True, exist_ok=True)
    shutil.copy(rendering.path, folder / "voices" / "main.wav")
    path = folder / "recorded.yaml"
    path.write_text(template.format(audio="voices/main.wav", text=text), encoding="utf-8")
    return load_menu(path)


def prompt_checks(menu):
    return [f for f in audit_menu(menu, select=("IVR311",)).findings if f.code == "IVR311"]


@pytest.mark.speech
@pytest.mark.usefixtures("model")
def test_a_recording_that_says_its_text_passes(tmp_path):
    assert prompt_checks(recorded_menu(tmp_path, PROMPT)) == []


@pytest.mark.speech
@pytest.mark.parametrize("said", ["예약은 1번을 누르세요.", "예약은 1번, 상담은 0번을 누르세요."])
@pytest.mark.usefixtures("model")
def test_a_stale_recording_is_flagged_with_the_missing_option(tmp_path, said):
    findings = prompt_checks(recorded_menu(tmp_path, said))
    assert len(findings) == 1
    message = findings[0].message
    assert 'voices/main.wav of "main" does not say option 0 ("담당자")' in message
    assert "heard: 예약" in message
    assert findings[0].severity == "warning" and findings[0].line > 0


@pytest.mark.speech
@pytest.mark.usefixtures("model")
def test_a_recording_must_say_the_phrase_of_a_spoken_option_its_text_says(tmp_path):
    said_all = recorded_menu(tmp_path / "all", SPOKEN_PROMPT, SPOKEN_PROMPT, SPOKEN_MENU)
    assert [o.name for o in said_all.nodes["main"].spoken] == ["person"]
    assert prompt_checks(said_all) == []
    stale = recorded_menu(tmp_path / "stale", "예약은 1번을 누르세요.", SPOKEN_PROMPT, SPOKEN_MENU)
    [finding] = prompt_checks(stale)
    assert 'of "main" does not say spoken option person ("담당자") that its text names' in (
        finding.message
    )
    assert "heard: 예약" in finding.message


@pytest.mark.speech
def test_an_unreadable_recording_is_reported_not_crashed_on(tmp_path):
    menu = recorded_menu(tmp_path, PROMPT)
    (tmp_path / "voices" / "main.wav").write_text("not audio")
    [finding] = prompt_checks(menu)
    assert "cannot be checked: voices/main.wav: not a WAV file (it is text)" in finding.message


def test_timing_tts_is_a_registered_timing_source():
    menu = load_menu(korean_menu_path())
    assert isinstance(timer_for("tts", menu), TtsTimer)


@pytest.mark.speech
def test_measured_time_to_human_is_within_15_percent_of_the_estimate(tmp_path, monkeypatch):
    monkeypatch.setenv("IVR_VOICE_CACHE", str(tmp_path))
    for path in sorted((ROOT / "menus").glob("*.yaml")):
        menu = load_menu(path)
        estimated = audit_menu(menu, timer=EstimatedTimer()).metrics
        measured = audit_menu(menu, timer=TtsTimer(menu)).metrics
        assert measured.nearest.ivr_s != estimated.nearest.ivr_s, path.name  # audio was used
        if math.isfinite(estimated.nearest.first_time_s):
            assert measured.nearest.first_time_s == pytest.approx(
                estimated.nearest.first_time_s, rel=0.15
            ), path.name
        else:  # the queue never drains: compare the seconds spent in the IVR
            assert measured.nearest.ivr_s == pytest.approx(estimated.nearest.ivr_s, rel=0.15)


@pytest.mark.speech
def test_ivr_audit_timing_tts_reports_measurement_next_to_estimate(tmp_path):
    menu = str(ROOT / "menus" / "acme-hot.yaml")
    env = {"IVR_VOICE_CACHE": str(tmp_path)}
    result = CliRunner().invoke(
        main, ["audit", menu, "--timing", "tts", "--format", "json"], env=env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the notes go to stderr: the JSON stays valid
    assert report[0]["time_to_human"]["first_time_s"] > 0
    notes = result.stderr
    assert "timing from rendered audio (tts) against the text estimate" in notes
    assert "first-time caller to a person:" in notes and "measured" in notes
    assert list(tmp_path.rglob("*.wav")), "the prompts were rendered into the cache"
    estimate = CliRunner().invoke(main, ["audit", menu, "--format", "json"], env=env)
    assert "timing from rendered audio" not in estimate.output
    assert json.loads(estimate.stdout)[0]["time_to_human"] != report[0]["time_to_human"]


@pytest.mark.speech
def test_a_recorded_prompt_is_timed_by_its_recording(tmp_path):
    said = "예약은 1번을 누르세요. 잠시만 기다려 주세요. 담당자는 0번을 누르세요."
    menu = recorded_menu(tmp_path, said)
    timer = TtsTimer(menu, VoiceCache(tmp_path / "cache"))
    recording = VoiceCache(tmp_path / "cache").render(said, VoiceSettings("ko", "ko", 150))
    assert timer.seconds(PROMPT, "ko") == round(recording.seconds, 2)
    assert timer.seconds(PROMPT, "ko") > EstimatedTimer().seconds(PROMPT, "ko") * 1.3
