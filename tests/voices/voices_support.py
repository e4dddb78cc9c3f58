"""Shared helpers of the voice tests: the Korean menu, caller utterances, WAV makers."""

from __future__ import annotations

import io
import math
import wave
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from ivr.loader import load_menu
from ivr.model import Menu

ROOT = Path(__file__).resolve().parents[2]


def korean_menu_path() -> Path:
    """The bundled Korean menu: the menu in ``menus/`` whose only language is Korean."""
    found = [
        path
        for path in sorted((ROOT / "menus").glob("*.yaml"))
        if load_menu(path).hotline.languages == ("ko",)
    ]
    assert found, "menus/ has no Korean menu (languages: [ko]) for the speech tests"
    return found[0]


def korean_menu() -> Menu:
    """The Korean menu the speech tests answer."""
    return load_menu(korean_menu_path())


def open_hours(menu: Menu) -> datetime:
    """A Monday, 10:00 local time: clinics and queues are open."""
    return datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(menu.hotline.timezone))


def wav_bytes(frames: bytes, *, rate: int, channels: int = 1, width: int = 2) -> bytes:
    """A WAV file holding ``frames``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def tone(seconds: float, rate: int, frequency: float = 440.0, amplitude: int = 8000) -> list[int]:
    """Samples of a sine tone."""
    return [
        round(amplitude * math.sin(2 * math.pi * frequency * i / rate))
        for i in range(round(seconds * rate))
    ]


def zero_crossings(samples) -> int:
    """How often the signal changes sign (twice per period of a tone)."""
    return sum(1 for a, b in pairwise(samples) if (a < 0) != (b < 0))
