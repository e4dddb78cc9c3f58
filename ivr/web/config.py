"""Webhook settings: ``IVR_*`` environment variables, overridden by a ``create_app`` dict.

>>> settings = Settings.load({"MENU_DIR": "menus", "NOW": "2026-11-23T10:00"}, environ={})
>>> settings.menu_dir.name, settings.now().hour
('menus', 10)
>>> Settings.load({}, environ={"IVR_DATABASE_URL": "sqlite://"}).database_url
'sqlite://'
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ivr.schedule import ScheduleError, parse_time

PREFIX = "IVR_"
DEFAULT_DATABASE_URL = "sqlite:///ivr-calls.db"
DEFAULT_HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
KEYS = (
    "MENU_DIR",
    "TWILIO_AUTH_TOKEN",
    "PUBLIC_URL",
    "DATABASE_URL",
    "JOURNAL_DIR",
    "STATE_SECRET",
    "DEFAULT_MENU",
    "NOW",
    "HOLD_MUSIC_URL",
    "MENU_CHECK_SECONDS",
    "PLAY_AUDIO",
    "VOSK_MODEL",
)
FALSE_WORDS = ("", "0", "false", "no", "off")


class ConfigError(ValueError):
    """A setting with a value the webhook cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """What the webhook needs to know; see ``docs/webhook.md`` for each key."""

    menu_dir: Path
    auth_token: str | None
    public_url: str | None
    database_url: str
    state_secret: bytes
    default_menu: str | None
    hold_music_url: str
    menu_check_seconds: float
    clock: Callable[[], datetime | None]
    play_audio: bool = False  # <Play> prompts rendered by `ivr voices render` (ivr.web.recording)
    vosk_model: str | None = None  # speech model folder (else voices.asr.find_model's search)
    journal_dir: Path | None = None  # call events on their way to the database (records.py)

    def now(self) -> datetime | None:
        """The time calls are placed at (None: the hotline's real local time)."""
        return self.clock()

    @classmethod
    def load(
        cls, config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from ``environ`` (default ``os.environ``) with ``config`` on top."""
        environ = os.environ if environ is None else environ
        given = dict(config or {})
        values = {key: given.get(key, environ.get(PREFIX + key)) for key in KEYS}
        menu_dir = Path(values["MENU_DIR"] or "menus")
        database_url = values["DATABASE_URL"] or DEFAULT_DATABASE_URL
        secret = values["STATE_SECRET"] or values["TWILIO_AUTH_TOKEN"]
        clock = given.get("CLOCK") or _fixed_clock(values["NOW"])
        return cls(
            menu_dir=menu_dir,
            auth_token=values["TWILIO_AUTH_TOKEN"] or None,
            public_url=(values["PUBLIC_URL"] or "").rstrip("/") or None,
            database_url=database_url,
            state_secret=secret.encode() if secret else _derived_secret(menu_dir, database_url),
            default_menu=values["DEFAULT_MENU"] or None,
            hold_music_url=values["HOLD_MUSIC_URL"] or DEFAULT_HOLD_MUSIC,
            menu_check_seconds=_seconds(values["MENU_CHECK_SECONDS"]),
            clock=clock,
            play_audio=str(values["PLAY_AUDIO"] or "").strip().lower() not in FALSE_WORDS,
            vosk_model=values["VOSK_MODEL"] or None,
            journal_dir=Path(values["JOURNAL_DIR"]) if values["JOURNAL_DIR"] else None,
        )


def _fixed_clock(text: str | None) -> Callable[[], datetime | None]:
    """A clock stuck at ISO ``text`` (naive: the hotline's local time), or the real time."""
    if not text:
        return lambda: None
    try:
        when = parse_time(str(text))
    except ScheduleError:
        raise ConfigError(
            f'{PREFIX}NOW must be a time like 2026-11-23T10:00, got "{text}"'
        ) from None
    return lambda: when


def _seconds(text: str | None) -> float:
    """How often menu files are checked for changes (default once a second)."""
    if text in (None, ""):
        return 1.0
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ConfigError(
            f'{PREFIX}MENU_CHECK_SECONDS must be a number of seconds (0 or more), got "{text}"'
        )
    return seconds


def _derived_secret(menu_dir: Path, database_url: str) -> bytes:
    """A secret every worker of one deployment agrees on when none is configured.

    Without an auth token anyone can post anything anyway; with one, the token
    itself signs the state. Set ``IVR_STATE_SECRET`` to choose your own.
    """
    seed = f"ivr-state|{menu_dir.resolve()}|{database_url}"
    return hashlib.sha256(seed.encode()).digest()
