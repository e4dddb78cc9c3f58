"""Benchmark of speech: espeak-ng rendering speed and vosk recognition speed.

Prints
- TTS: seconds of rendering per second of audio produced, for every prompt of
  the bundled menus (a fresh temporary cache, so everything is rendered);
- ASR: vosk's real-time factor (seconds of recognition per second of audio) on
  caller answers to the Korean menu, with the menu's grammar, and the one-off
  time to load the model.

Run: ``.venv/bin/python bench/speech.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivr.loader import load_menu
from ivr.model import MenuNode
from voices.asr import grammar_for, load_model, recognise
from voices.audio import read_audio
from voices.timing import render_jobs
from voices.tts import VoiceCache, voice_for

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ["예약", "검사", "담당자", "예약 이동", "예약 취소", "메뉴", "오늘 날씨가 좋네요"]
ROUNDS = 5


def bench_tts(cache: VoiceCache) -> None:
    """Render every prompt of every bundled menu; print seconds per audio second."""
    spent = produced = 0.0
    count = 0
    for path in sorted((ROOT / "menus").glob("*.yaml")):
        menu = load_menu(path)
        jobs = render_jobs(menu)
        started = time.perf_counter()
        seconds = sum(cache.render(job.text, job.settings).seconds for job in jobs)
        took = time.perf_counter() - started
        print(f"  {path.name}: {len(jobs)} renderings, {seconds:.1f} s of audio in {took:.2f} s")
        spent, produced, count = spent + took, produced + seconds, count + len(jobs)
    print(
        f"TTS (espeak-ng via pyttsx3): {count} renderings, {produced:.1f} s of audio in "
        f"{spent:.2f} s = {spent / produced:.4f} s per audio second "
        f"({produced / spent:.0f}x faster than real time)"
    )


def bench_asr(cache: VoiceCache) -> None:
    """Recognise caller answers at every Korean menu node; print vosk's real-time factor."""
    menu = next(
        m
        for m in map(load_menu, sorted((ROOT / "menus").glob("*.yaml")))
        if m.hotline.languages == ("ko",)
    )
    started = time.perf_counter()
    model = load_model()
    print(f"  vosk model loaded in {time.perf_counter() - started:.2f} s (once per process)")
    settings = voice_for(menu.hotline, "ko")
    answers = [read_audio(cache.render(text, settings).path) for text in ANSWERS]
    nodes = [n.id for n in menu.nodes.values() if isinstance(n, MenuNode)]
    grammars = {node: grammar_for(model, menu, node, "ko") for node in nodes}
    audio_seconds = spent = 0.0
    for _ in range(ROUNDS):
        for node in nodes:
            for audio in answers:
                started = time.perf_counter()
                recognise(audio, grammars[node], model)
                spent += time.perf_counter() - started
                audio_seconds += audio.seconds
    print(
        f"ASR (vosk, {Path(menu.path).name}, grammar per node): {audio_seconds:.1f} s of "
        f"audio in {spent:.2f} s = real-time factor {spent / audio_seconds:.3f}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ivr-bench-voices-") as folder:
        cache = VoiceCache(folder)
        bench_tts(cache)
        bench_asr(cache)


if __name__ == "__main__":
    main()
