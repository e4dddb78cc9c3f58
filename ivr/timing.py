"""Speaking time of prompts and callers (the time model of DESIGN.md), shared by every layer.

Prompt durations come from a ``PromptTimer``. The default, ``EstimatedTimer``,
uses ``ivr.duration.estimate_seconds`` and its documented constants:

- ``WORDS_PER_MINUTE`` = 150 words per minute;
- ``SENTENCE_PAUSE`` = 0.4 s after each sentence end, ``COMMA_PAUSE`` = 0.17 s
  after each comma;
- digits read as words (up to three digits as one number, longer runs digit by
  digit); text without spaces (Korean...) at ``CJK_CHARS_PER_SECOND`` = 4.5.

Caller constants (all in seconds): ``REACTION`` = 1.5 after the wanted option
is heard, ``KEYPRESS`` = 0.3 per digit typed into an input.

The first-time caller hears each prompt in full and then reacts. The expert
presses as soon as the sentence naming the wanted key has been spoken (see
``ivr.prompt_text.mention_end``), where the menu can be interrupted; an option
the prompt never names is heard at the end of the prompt. On inputs the expert
types straight away when the prompt can be interrupted.

Measured durations (the hook): ``MeasuredTimer`` takes a mapping or a callable
``(text, lang) -> seconds | None`` (e.g. the length of rendered TTS audio) and
optionally the same for option offsets ``(text, lang, key) -> seconds | None``.
Where nothing was measured it falls back to the estimate; an offset that was
not measured is the estimated offset scaled by measured/estimated length.
Timing sources are found by name: ``estimate`` is built in, every other source
is an entry point of the group ``ivr.timing_sources`` (``ivr.plugins``; the
speech package registers ``tts``, measured from rendered espeak-ng audio), a
factory ``menu -> PromptTimer``. ``ivr audit --timing NAME`` picks one.

>>> timer = EstimatedTimer()
>>> timer.seconds("For billing, press 1. For sales, press 2.", "en")
4.34
>>> timer.option_offset("For billing, press 1. For sales, press 2.", "en", "1")
2.17
>>> measured = MeasuredTimer({("For billing, press 1. For sales, press 2.", "en"): 6.0})
>>> measured.seconds("For billing, press 1. For sales, press 2.", "en")
6.0
>>> round(measured.option_offset("For billing, press 1. For sales, press 2.", "en", "1"), 2)
3.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Protocol

from ivr.duration import estimate_seconds
from ivr.model import Menu
from ivr.plugins import TIMING_SOURCES, load_plugin, plugin_names
from ivr.prompt_text import clause_ends, mention_ends

REACTION = 1.5
KEYPRESS = 0.3


class PromptTimer(Protocol):
    """Where prompt durations come from."""

    def seconds(self, text: str, lang: str) -> float:
        """Seconds to play ``text`` in ``lang``."""

    def option_offset(self, text: str, lang: str, key: str) -> float | None:
        """Seconds into ``text`` when the option for ``key`` has been named (None: never)."""


class EstimatedTimer:
    """Durations estimated from text (``ivr.duration.estimate_seconds``).

    Option offsets add up the estimates of the clauses heard so far, so a
    clause repeated across menus ("For an agent, press 0.") is estimated once.
    """

    def __init__(self) -> None:
        self._offsets: dict[str, dict[str, float]] = {}

    def seconds(self, text: str, lang: str) -> float:  # noqa: ARG002  (same in every language)
        """Estimated seconds to speak ``text``."""
        return estimate_seconds(text)

    def option_offset(self, text: str, lang: str, key: str) -> float | None:  # noqa: ARG002
        """Estimated seconds until the clause naming ``key`` has been spoken."""
        if text not in self._offsets:
            self._offsets[text] = _offsets(text)
        return self._offsets[text].get(key)


def _offsets(text: str) -> dict[str, float]:
    """Estimated seconds until each key ``text`` names has been heard: the clauses up to
    the end of the one naming it, each estimated on its own (``_clause_seconds``)."""
    wanted = mention_ends(text)
    if not wanted:
        return {}
    last = max(wanted.values())
    heard, start, total = {}, 0, 0.0
    for end in clause_ends(text):
        total += _clause_seconds(text[start:end])
        heard[end] = round(total, 2)
        if end >= last:
            break
        start = end
    return {key: heard[end] for key, end in wanted.items()}


@lru_cache(maxsize=1 << 16)
def _clause_seconds(clause: str) -> float:
    return estimate_seconds(clause)


Measure = Mapping[tuple[str, str], float] | Callable[[str, str], float | None]
MeasureOffset = Mapping[tuple[str, str, str], float] | Callable[[str, str, str], float | None]


class MeasuredTimer:
    """Measured durations where known (rendered audio), estimates elsewhere."""

    def __init__(
        self,
        measure: Measure,
        offsets: MeasureOffset | None = None,
        fallback: PromptTimer | None = None,
    ):
        self.measure = measure
        self.offsets = offsets
        self.fallback = fallback or EstimatedTimer()

    def _measured(self, text: str, lang: str) -> float | None:
        if callable(self.measure):
            return self.measure(text, lang)
        return self.measure.get((text, lang))

    def seconds(self, text: str, lang: str) -> float:
        """The measured length of ``text`` in ``lang``, else the fallback's estimate."""
        measured = self._measured(text, lang)
        return self.fallback.seconds(text, lang) if measured is None else float(measured)

    def option_offset(self, text: str, lang: str, key: str) -> float | None:
        """The measured offset, else the fallback's offset scaled to the measured length."""
        if self.offsets is not None:
            found = (
                self.offsets(text, lang, key)
                if callable(self.offsets)
                else self.offsets.get((text, lang, key))
            )
            if found is not None:
                return float(found)
        offset = self.fallback.option_offset(text, lang, key)
        measured = self._measured(text, lang)
        estimated = self.fallback.seconds(text, lang)
        if offset is None or measured is None or not estimated:
            return offset
        return offset * float(measured) / estimated


class CachedTimer:
    """Any timer, asked once per (text, language) and (text, language, key)."""

    def __init__(self, timer: PromptTimer):
        self.timer = timer
        self._seconds: dict[tuple[str, str], float] = {}
        self._offsets: dict[tuple[str, str, str], float | None] = {}

    def seconds(self, text: str, lang: str) -> float:
        """The wrapped timer's seconds, remembered."""
        key = (text, lang)
        if key not in self._seconds:
            self._seconds[key] = self.timer.seconds(text, lang) if text else 0.0
        return self._seconds[key]

    def option_offset(self, text: str, lang: str, key: str) -> float | None:
        """The wrapped timer's option offset, remembered."""
        index = (text, lang, key)
        if index not in self._offsets:
            self._offsets[index] = self.timer.option_offset(text, lang, key)
        return self._offsets[index]


def relative_change(measured: float, estimated: float) -> str:
    """``+12%``: how much longer the measurement is than the estimate.

    >>> relative_change(11.2, 10.0), relative_change(float("inf"), 10.0)
    ('+12%', 'no comparison')
    """
    if math.isinf(measured) or math.isinf(estimated) or not estimated:
        return "no comparison"
    return f"{(measured - estimated) / estimated:+.0%}"


TimerFactory = Callable[[Menu], PromptTimer]
BUILT_IN_SOURCES: dict[str, TimerFactory] = {"estimate": lambda _menu: EstimatedTimer()}


def timing_sources() -> list[str]:
    """The names of every timing source: ``estimate`` first, then the installed plugins."""
    return [*BUILT_IN_SOURCES, *(n for n in plugin_names(TIMING_SOURCES) if n != "estimate")]


def timer_for(source: str, menu: Menu) -> PromptTimer:
    """The ``PromptTimer`` of the timing ``source`` for ``menu``.

    >>> from ivr.loader import load_menu
    >>> type(timer_for("estimate", load_menu("menus/acme-hot.yaml"))).__name__
    'EstimatedTimer'
    """
    factory = BUILT_IN_SOURCES.get(source) or load_plugin(TIMING_SOURCES, source)
    return factory(menu)
