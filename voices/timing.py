"""Measured prompt timing: seconds of rendered audio, and when each option is heard.

The expert caller presses as soon as the sentence naming the wanted key has
been spoken (``ivr.prompt_text.mention_end``). Where that is in the audio is
measured by rendering the prompt up to the end of that sentence and taking
the moment its speech ends (trailing silence trimmed). Prefixes are cached
like whole prompts, so measuring twice renders nothing. ``TtsTimer`` plugs
these measurements into the auditor as the timing source ``tts``.

>>> option_prefixes("For billing, press 1. For an agent, press 0.", ["1", "0", "2"])
{'1': 'For billing, press 1.', '0': 'For billing, press 1. For an agent, press 0.'}
"""

from __future__ import annotations

import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ivr.duration import estimate_seconds
from ivr.model import Menu, MenuNode, Prompt
from ivr.prompt_audio import prompt_audio_file
from ivr.prompt_text import mention_end
from ivr.timing import EstimatedTimer, relative_change
from voices.tts import (
    Rendering,
    VoiceCache,
    VoiceSettings,
    menu_prompts,
    prompt_texts,
    voice_for,
    wav_seconds,
)

SILENCE_LEVEL = 300  # |sample| below this (of 32767) counts as silence
DIFFERENCE_NOTED = 0.10  # measurements further than this from the estimate are reported


def option_prefixes(text: str, keys: Iterable[str]) -> dict[str, str]:
    """For each key the prompt names, the prompt up to the end of the sentence naming it.

    Where a key counts as named is the auditor's (``ivr.prompt_text.mention_end``).
    """
    prefixes = {}
    for key in keys:
        end = mention_end(text, key)
        if end is not None:
            prefixes[key] = text[:end]
    return prefixes


def speech_end(path: str | Path) -> float:
    """Seconds from the start of a WAV file to the end of its last non-silent sound."""
    with wave.open(str(path), "rb") as wav:
        rate, width = wav.getframerate(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        return len(frames) / width / rate
    samples = array("h", frames)
    for index in range(len(samples) - 1, -1, -1):
        if abs(samples[index]) >= SILENCE_LEVEL:
            return (index + 1) / rate
    return 0.0


@dataclass(frozen=True)
class Job:
    """One text to render: what it is for (a prompt or an option's prefix)."""

    text: str
    settings: VoiceSettings
    label: str


@dataclass(frozen=True)
class PromptTiming:
    """A prompt in one language: estimated and measured seconds, and option offsets."""

    node: str
    lang: str
    text: str
    estimate_s: float
    measured_s: float
    option_offsets: dict[str, float] = field(default_factory=dict)
    estimated_offsets: dict[str, float] = field(default_factory=dict)

    @property
    def difference(self) -> float:
        """Relative difference of measurement to estimate (0.12 = 12 % longer)."""
        if not self.estimate_s:
            return 0.0
        return (self.measured_s - self.estimate_s) / self.estimate_s


def render_jobs(menu: Menu) -> list[Job]:
    """Everything ``measure_menu`` needs rendered: each prompt, then option prefixes."""
    jobs: dict[tuple[str, VoiceSettings], Job] = {}
    for item in menu_prompts(menu):
        settings = voice_for(menu.hotline, item.lang)
        jobs.setdefault(
            (item.text, settings),
            Job(item.text, settings, f"{', '.join(item.nodes)} [{item.lang}]"),
        )
    for node in menu.nodes.values():
        if not isinstance(node, MenuNode):
            continue
        for lang, text in prompt_texts(node.prompt, menu.hotline).items():
            settings = voice_for(menu.hotline, lang)
            for key, prefix in option_prefixes(text, [o.key for o in node.options]).items():
                jobs.setdefault(
                    (prefix, settings),
                    Job(prefix, settings, f"{node.id} [{lang}] up to option {key}"),
                )
    return list(jobs.values())


class TtsTimer:
    """A ``PromptTimer`` (``ivr.timing``) that measures rendered espeak-ng audio.

    Prompts are rendered on first use (and cached); a recorded prompt (``audio:``)
    is timed by its own recording when that can be read. Offsets are where the
    speech of the prompt's prefix up to the option ends.
    """

    source = "rendered audio (tts)"  # what ``ivr audit --timing tts`` says it measured

    def __init__(self, menu: Menu, cache: VoiceCache | None = None) -> None:
        self.menu = menu
        self.cache = cache or VoiceCache()
        self.measured: dict[tuple[str, str], float] = {}
        self.recordings = recorded_prompts(menu)

    def _render(self, text: str, lang: str) -> Rendering:
        return self.cache.render(text, voice_for(self.menu.hotline, lang))

    def seconds(self, text: str, lang: str) -> float:
        """Seconds of the recording of ``text``, else of its rendered audio, in ``lang``."""
        if not text.strip():
            return 0.0
        if (text, lang) not in self.measured:
            recording = self.recordings.get((text, lang))
            self.measured[text, lang] = round(
                recording if recording is not None else self._render(text, lang).seconds, 2
            )
        return self.measured[text, lang]

    def notes(self) -> list[str]:
        """Every prompt measured so far whose audio differs from its estimate by over 10 %,
        for ``ivr audit --timing tts`` (which prints them below the time to a person)."""
        lines = []
        for (text, lang), measured in self.measured.items():
            guess = estimate_seconds(text)
            if guess and abs(measured - guess) > DIFFERENCE_NOTED * guess:
                lines.append(
                    f"  [{lang}] {measured:.1f} s measured, {guess:.1f} s estimated "
                    f"({relative_change(measured, guess)}): {_short(text)}"
                )
        return lines

    def option_offset(self, text: str, lang: str, key: str) -> float | None:
        """Seconds into the audio when the sentence naming ``key`` has been spoken."""
        prefix = option_prefixes(text, [key]).get(key)
        if prefix is None:
            return None
        return round(speech_end(self._render(prefix, lang).path), 2)


def recorded_prompts(menu: Menu) -> dict[tuple[str, str], float]:
    """Seconds of each readable recorded prompt (``audio:``), by its (text, language)."""
    found = {}
    for node in menu.nodes.values():
        prompt = getattr(node, "prompt", None)
        if not isinstance(prompt, Prompt) or not prompt.audio:
            continue
        path = prompt_audio_file(menu, prompt.audio)
        if path is None:
            continue  # IVR311 reports recordings that are missing
        try:
            seconds = wav_seconds(path)
        except (OSError, EOFError, wave.Error):
            continue  # IVR311 reports recordings that cannot be read
        for lang, text in prompt_texts(prompt, menu.hotline).items():
            found[text, lang] = seconds
    return found


def _short(text: str, width: int = 50) -> str:
    return f'"{text}"' if len(text) <= width else f'"{text[: width - 1]}…"'


def tts_timer(menu: Menu) -> TtsTimer:
    """The timing source ``tts`` of ``ivr audit --timing tts``."""
    return TtsTimer(menu)


def measure_menu(
    menu: Menu, cache: VoiceCache | None = None
) -> dict[tuple[str, str], PromptTiming]:
    """Estimated and measured timing of every node prompt of ``menu`` by (node, language)."""
    measured, estimated = TtsTimer(menu, cache), EstimatedTimer()
    timings = {}
    for node_id, node in menu.nodes.items():
        prompt = getattr(node, "prompt", None)
        if not isinstance(prompt, Prompt) or not prompt:
            continue
        keys = [option.key for option in node.options] if isinstance(node, MenuNode) else []
        for lang, text in prompt_texts(prompt, menu.hotline).items():
            offsets = {key: measured.option_offset(text, lang, key) for key in keys}
            guesses = {key: estimated.option_offset(text, lang, key) for key in keys}
            timings[node_id, lang] = PromptTiming(
                node_id,
                lang,
                text,
                estimated.seconds(text, lang),
                measured.seconds(text, lang),
                {k: v for k, v in offsets.items() if v is not None},
                {k: v for k, v in guesses.items() if v is not None},
            )
    return timings
