"""Hearing recorded prompts: the hook a speech recogniser fills for the auditor.

A recorded prompt (``{audio: file.wav, text: ...}``) is checked by listening to
it. The core defines what a listener does (``PromptListener``); an installed
package provides one through the entry point group ``ivr.prompt_listeners``
(``ivr.plugins``; the speech package registers ``vosk``). Loading a listener
may take seconds (a speech model), so callers check what needs no listener
first (``missing_recordings``).

>>> prompt_listener.__name__
'prompt_listener'
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ivr.model import Menu
from ivr.plugins import PROMPT_LISTENERS, load_plugin, plugin_names


class ListenerUnavailable(RuntimeError):
    """No listener can be used: none is installed, or its speech model is missing."""


class RecordingUnreadable(ValueError):
    """A recording that cannot be listened to (not a WAV file, too long...)."""


class PromptListener(Protocol):
    """What a speech recogniser offers the auditor."""

    def knows(self, phrase: str) -> bool:
        """Whether every word of ``phrase`` can be recognised at all."""
        ...

    def hear(self, path: Path, name: str, menu: Menu, node: str, lang: str, floor: float) -> str:
        """The words of the menu grammar of ``node`` heard in the recording at ``path``.

        Words heard with a confidence below ``floor`` are dropped; ``name`` is
        how the recording is called in errors. Raises ``RecordingUnreadable``.
        """
        ...


def prompt_listener() -> PromptListener:
    """The first installed listener (by name), loaded now; raises ``ListenerUnavailable``."""
    names = plugin_names(PROMPT_LISTENERS)
    if not names:
        raise ListenerUnavailable(
            f"no speech recogniser is installed (entry point group {PROMPT_LISTENERS})"
        )
    return load_plugin(PROMPT_LISTENERS, names[0])()
