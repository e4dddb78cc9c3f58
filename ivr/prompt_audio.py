"""Recorded prompts: the one place that turns a prompt's ``audio:`` into a file.

A prompt's ``audio: voices/x.wav`` names a file relative to the folder of the
menu. Only files that a prompt of the menu names are ever given out, only
regular files (no device, pipe or folder), only files under the menu's folder
once symbolic links are followed, and only files up to ``MAX_AUDIO_BYTES``:
everything else is not a recording of this menu. The webhook (``<Play>`` and
the audio route), the browser phone and the speech tools all ask here.

>>> from ivr.loader import load_menu
>>> recorded_prompts(load_menu("menus/acme-hot.yaml"))
{}
"""

from __future__ import annotations

import stat
import wave
from dataclasses import fields
from pathlib import Path, PurePosixPath

from ivr.model import Menu, Prompt

MAX_AUDIO_BYTES = 20 * 1024 * 1024  # 10 minutes of 16-bit mono at 16 kHz, with room to spare


def prompt_audio_names(menu: Menu) -> set[str]:
    """The ``audio:`` values of every prompt of ``menu`` (as written)."""
    names = set()
    for node in menu.nodes.values():
        for field in fields(node):  # every prompt a node has: prompt, message, ...
            prompt = getattr(node, field.name)
            if isinstance(prompt, Prompt) and prompt.audio:
                names.add(prompt.audio)
    return names


def regular_file_under(folder: Path, name: str, max_bytes: int = MAX_AUDIO_BYTES) -> Path | None:
    """``folder/name`` when it is a regular file of at most ``max_bytes`` inside ``folder``
    (after following links); None otherwise."""
    root = folder.resolve()
    try:
        target = (root / name).resolve()
        info = target.stat()
    except (OSError, RuntimeError, ValueError):  # missing, a link loop, a NUL in the name
        return None
    if not target.is_relative_to(root) or not stat.S_ISREG(info.st_mode):
        return None
    return target if info.st_size <= max_bytes else None


def recorded_prompts(menu: Menu) -> dict[str, Path]:
    """The servable recordings of ``menu``: URL name (relative to its folder) -> file."""
    folder = Path(menu.path).parent.resolve()
    found = {}
    for name in prompt_audio_names(menu):
        path = regular_file_under(folder, name)
        if path is not None:
            found[PurePosixPath(path.relative_to(folder).as_posix()).as_posix()] = path
    return found


def prompt_audio_file(menu: Menu, name: str) -> Path | None:
    """The file of the recorded prompt ``name`` (as a prompt writes it, or its URL name)."""
    folder = Path(menu.path).parent.resolve()
    path = regular_file_under(folder, name) if name in prompt_audio_names(menu) else None
    return path or recorded_prompts(menu).get(name)


def prompt_audio_url_name(menu: Menu, name: str) -> str | None:
    """The name ``name``'s recording is served under (relative to the menu's folder), if any."""
    path = prompt_audio_file(menu, name)
    return path.relative_to(Path(menu.path).parent.resolve()).as_posix() if path else None


def audio_seconds(path: str | Path) -> float | None:
    """The length of a WAV recording in seconds; None when it is no readable WAV file."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            return wav.getnframes() / rate if rate else None
    except (OSError, EOFError, wave.Error):
        return None


def recording_seconds(menu: Menu, name: str) -> float | None:
    """The length of the recorded prompt ``name`` of ``menu``; None when its file is not there
    (or is no WAV file)."""
    path = prompt_audio_file(menu, name)
    return audio_seconds(path) if path is not None else None
