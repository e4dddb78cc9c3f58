"""The vosk recogniser as the auditor's prompt listener (``ivr.recordings.PromptListener``).

Registered as the entry point ``vosk`` of the group ``ivr.prompt_listeners``;
IVR311 uses it to hear whether a recorded prompt says the options its text names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ivr.model import Menu
from ivr.recordings import ListenerUnavailable, RecordingUnreadable
from voices.asr import (
    ModelNotFound,
    NotAnswerable,
    grammar_for,
    in_vocabulary,
    load_model,
    spot_words,
)
from voices.audio import AudioError, read_audio

MAX_PROMPT_SECONDS = 600


class VoskListener:
    """Listens to recorded prompts with a loaded vosk model, restricted to the menu grammar."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def knows(self, phrase: str) -> bool:
        """Whether every word of ``phrase`` is in the model's vocabulary."""
        return in_vocabulary(self.model, phrase)

    def hear(self, path: Path, name: str, menu: Menu, node: str, lang: str, floor: float) -> str:
        """The menu-grammar words heard in the recording at ``path``, space-separated."""
        try:
            audio = read_audio(path, max_seconds=MAX_PROMPT_SECONDS, name=name)
        except AudioError as exc:
            raise RecordingUnreadable(str(exc)) from exc
        try:
            words = spot_words(
                audio, grammar_for(self.model, menu, node, lang), self.model, floor=floor
            )
        except NotAnswerable as exc:  # e.g. a model of another language: nothing to listen for
            raise RecordingUnreadable(str(exc)) from exc
        return " ".join(word.word for word in words)


def vosk_listener() -> VoskListener:
    """The listener of the configured or installed vosk model (``voices.asr.load_model``)."""
    try:
        return VoskListener(load_model())
    except ModelNotFound as exc:
        raise ListenerUnavailable(str(exc)) from exc
