"""Prompts rendered by espeak-ng: cached by content, timed; ``ivr voices render``."""

from __future__ import annotations

import wave

import pytest
from click.testing import CliRunner
from voices_support import ROOT, korean_menu_path

from ivr.cli import main
from ivr.loader import load_menu
from voices.timing import measure_menu, option_prefixes, render_jobs, speech_end
from voices.tts import (
    DEFAULT_RATE,
    SpeechError,
    VoiceCache,
    VoiceSettings,
    has_samples,
    menu_prompts,
    voice_for,
)

HOT = ROOT / "menus" / "acme-hot.yaml"
ENGLISH = VoiceSettings("en", "gmw/en-us", DEFAULT_RATE)


@pytest.mark.speech
def test_a_rendering_is_real_speech_as_a_wav_file(tmp_path):
    rendering = VoiceCache(tmp_path).render("For billing, press 1.", ENGLISH)
    assert rendering.fresh and rendering.path.is_relative_to(tmp_path)
    with wave.open(str(rendering.path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    assert 1.0 < rendering.seconds < 4.0
    assert 0.5 < speech_end(rendering.path) <= rendering.seconds


@pytest.mark.speech
def test_an_unchanged_prompt_is_never_rendered_twice(tmp_path):
    cache = VoiceCache(tmp_path)
    first = cache.render("Welcome to ACME.", ENGLISH)
    stamp = first.path.stat().st_mtime_ns
    again = cache.render("Welcome to ACME.", ENGLISH)
    assert (again.fresh, again.path, again.path.stat().st_mtime_ns) == (False, first.path, stamp)
    assert again.seconds == first.seconds


@pytest.mark.speech
def test_text_language_voice_and_rate_each_make_a_new_rendering(tmp_path):
    cache = VoiceCache(tmp_path)
    base = cache.render("Welcome.", ENGLISH)
    variants = [
        cache.render("Welcome!", ENGLISH),
        cache.render("Welcome.", VoiceSettings("id", "poz/id", DEFAULT_RATE)),
        cache.render("Welcome.", VoiceSettings("en", "gmw/en-gb-x-rp", DEFAULT_RATE)),
        cache.render("Welcome.", VoiceSettings("en", "gmw/en-us", 90)),
    ]
    assert all(v.fresh for v in variants)
    assert len({base.path, *(v.path for v in variants)}) == 5
    assert variants[-1].seconds > base.seconds * 1.3  # 90 words a minute is slower


@pytest.mark.speech
def test_the_cache_folder_comes_from_IVR_VOICE_CACHE(tmp_path, monkeypatch):
    monkeypatch.setenv("IVR_VOICE_CACHE", str(tmp_path / "voices"))
    rendering = VoiceCache().render("Hello.", ENGLISH)
    assert rendering.path.is_relative_to(tmp_path / "voices")


def test_voice_and_rate_come_from_the_hotline_else_from_the_language(tmp_path):
    menu_file = tmp_path / "voiced.yaml"
    menu_file.write_text(
        HOT.read_text().replace(
            "  timezone: Asia/Jakarta\n",
            "  timezone: Asia/Jakarta\n  voices:\n    en: {voice: gmw/en-gb-x-rp, rate: 120}\n",
        )
    )
    menu = load_menu(menu_file)
    assert voice_for(menu.hotline, "en") == VoiceSettings("en", "gmw/en-gb-x-rp", 120)
    assert voice_for(menu.hotline, "id") == VoiceSettings("id", "poz/id", DEFAULT_RATE)


@pytest.mark.speech
def test_an_unknown_voice_says_where_to_fix_it(tmp_path):
    with pytest.raises(SpeechError, match=r'no voice "xx/nope".*hotline\.voices\.en\.voice'):
        VoiceCache(tmp_path).render("Hello.", VoiceSettings("en", "xx/nope", 150))


def test_every_prompt_of_every_language_is_listed_once():
    prompts = menu_prompts(load_menu(HOT))
    assert {(p.lang, p.text) for p in prompts} >= {
        ("id", "Halo, ini ACME."),
        ("en", "Hello, this is ACME."),
    }
    assert len({(p.lang, p.text) for p in prompts}) == len(prompts)
    hold = [p for p in prompts if p.text.startswith("Thank you for waiting. An agent")]
    assert hold and hold[0].nodes == ("care",)  # hold messages are prompts too


def test_option_prefixes_end_with_the_sentence_naming_the_key():
    text = "For an agent, press 0. For orders, press 1. Untuk Bahasa Indonesia, tekan 9."
    assert option_prefixes(text, ["0", "1", "9", "5"]) == {
        "0": "For an agent, press 0.",
        "1": "For an agent, press 0. For orders, press 1.",
        "9": text,
    }


@pytest.mark.speech
def test_measured_offsets_follow_the_order_options_are_spoken_in(tmp_path):
    timing = measure_menu(load_menu(HOT), VoiceCache(tmp_path))[("main", "en")]
    prefixes = option_prefixes(timing.text, timing.option_offsets)
    in_order = sorted(timing.option_offsets, key=lambda key: len(prefixes[key]))
    offsets = [timing.option_offsets[key] for key in in_order]
    assert len(offsets) >= 3
    assert 0 < offsets[0] < offsets[1] < offsets[-1] <= timing.measured_s
    # espeak-ng at 150 words a minute is close to the 150-words-a-minute estimate
    assert timing.measured_s == pytest.approx(timing.estimate_s, rel=0.35)


@pytest.mark.speech
def test_voices_render_prints_what_it_rendered_and_a_second_run_renders_nothing(tmp_path):
    runner = CliRunner()
    env = {"IVR_VOICE_CACHE": str(tmp_path)}
    menu = str(korean_menu_path())
    first = runner.invoke(main, ["voices", "render", menu], env=env)
    assert first.exit_code == 0, first.output
    jobs = len(render_jobs(load_menu(menu)))
    assert f"rendered {jobs} of {jobs} (" in first.output
    assert "main [ko]" in first.output and " s of audio)" in first.output
    files = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.wav")}
    assert len(files) == jobs
    second = runner.invoke(main, ["voices", "render", menu], env=env)
    assert second.exit_code == 0, second.output
    assert f"rendered 0 of {jobs} (0.0 s of audio), {jobs} already cached" in second.output
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.wav")} == files


def test_voices_render_refuses_a_broken_menu(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("hotline: {name: x}\nstart: nowhere\nnodes: {}\n")
    result = CliRunner().invoke(
        main, ["voices", "render", str(broken)], env={"IVR_VOICE_CACHE": str(tmp_path / "c")}
    )
    assert result.exit_code == 1
    assert "broken.yaml:" in result.output and "Traceback" not in result.output


@pytest.mark.speech
def test_a_large_menu_gets_a_progress_bar_only_while_rendering(tmp_path):
    large = max(
        ROOT.joinpath("menus").glob("*.yaml"), key=lambda path: len(render_jobs(load_menu(path)))
    )
    env = {"IVR_VOICE_CACHE": str(tmp_path)}
    first = CliRunner().invoke(main, ["voices", "render", "-q", str(large)], env=env)
    assert first.exit_code == 0
    assert f"{large}: rendering" in first.stderr
    second = CliRunner().invoke(main, ["voices", "render", "-q", str(large)], env=env)
    assert "rendering" not in second.stderr and " 0 of " in second.stdout


def test_a_half_written_or_silent_wav_has_no_samples_and_is_rendered_again(tmp_path):
    """espeak's driver can hand back a file before its header is written: that is no
    sound (and a reason to render again), not a crash in the middle of a render."""
    half_written = tmp_path / "half.wav"
    half_written.write_bytes(b"RI")
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
    sound = tmp_path / "sound.wav"
    with wave.open(str(sound), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x01\x00" * 2205)
    assert not has_samples(half_written)
    assert not has_samples(silent)
    assert not has_samples(tmp_path / "missing.wav")
    assert has_samples(sound)
