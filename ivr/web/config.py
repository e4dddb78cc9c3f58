"""Webhook settings: ``IVR_*`` environment variables, overridden by a ``create_app`` dict.

>>> settings = Settings.load({"MENU_DIR": "menus", "NOW": "2026-11-23T10:00"}, environ={})
>>> settings.menu_dir.name, settings.now().hour
('menus', 10)
>>> Settings.load({}, environ={"IVR_DATABASE_URL": "sqlite://"}).database_url
'sqlite://'
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

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
    "STATE_SECRET_FILE",
    "DEFAULT_MENU",
    "NOW",
    "HOLD_MUSIC_URL",
    "MENU_CHECK_SECONDS",
    "PLAY_AUDIO",
    "VOSK_MODEL",
    "PAGES",
)
FALSE_WORDS = ("", "0", "false", "no", "off")
SECRET_FILE_NAME = "ivr-state-secret"
SECRET_BYTES = 32


class ConfigError(ValueError):
    """A setting with a value the webhook cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """What the webhook needs to know; see ``docs/webhook.md`` for each key."""

    menu_dir: Path
    auth_token: str | None
    public_url: str | None
    database_url: str
    state_secret: bytes  # empty until ``with_state_secret`` finds or makes one
    default_menu: str | None
    hold_music_url: str
    menu_check_seconds: float
    clock: Callable[[], datetime | None]
    play_audio: bool = False  # <Play> prompts rendered by `ivr voices render` (ivr.web.recording)
    vosk_model: str | None = None  # speech model folder (else voices.asr.find_model's search)
    journal_dir: Path | None = None  # call events on their way to the database (records.py)
    pages: bool = True  # the browser phone and audit pages (off: the webhook alone)
    state_secret_file: Path | None = None  # where a generated state secret is kept
    state_secret_origin: str = "configured"  # how the state secret was found, for start-up

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
        secret_file = values["STATE_SECRET_FILE"]
        clock = given.get("CLOCK") or _fixed_clock(values["NOW"])
        return cls(
            menu_dir=menu_dir,
            auth_token=values["TWILIO_AUTH_TOKEN"] or None,
            public_url=(values["PUBLIC_URL"] or "").rstrip("/") or None,
            database_url=database_url,
            state_secret=secret.encode() if secret else b"",
            default_menu=values["DEFAULT_MENU"] or None,
            hold_music_url=values["HOLD_MUSIC_URL"] or DEFAULT_HOLD_MUSIC,
            menu_check_seconds=_seconds(values["MENU_CHECK_SECONDS"]),
            clock=clock,
            play_audio=_switch(values["PLAY_AUDIO"], default=False),
            vosk_model=values["VOSK_MODEL"] or None,
            journal_dir=Path(values["JOURNAL_DIR"]) if values["JOURNAL_DIR"] else None,
            pages=_switch(values["PAGES"], default=True),
            state_secret_file=Path(secret_file) if secret_file else _secret_file(database_url),
            state_secret_origin="IVR_STATE_SECRET"
            if values["STATE_SECRET"]
            else "the Twilio auth token",
        )

    def with_state_secret(self) -> Settings:
        """These settings with a state secret: the configured one, else the one kept in
        ``state_secret_file`` (made there, at random, by the first worker to start), else
        a random one for this process alone (an in-memory database)."""
        if self.state_secret:
            return self
        if self.state_secret_file is None:
            origin = "a random secret for this process (in-memory database)"
            return replace(
                self, state_secret=secrets.token_bytes(SECRET_BYTES), state_secret_origin=origin
            )
        try:
            secret, made = shared_secret(self.state_secret_file)
        except OSError as exc:
            raise ConfigError(
                f"cannot keep the state secret in {self.state_secret_file} ({exc}): "
                f"set {PREFIX}STATE_SECRET or {PREFIX}STATE_SECRET_FILE"
            ) from None
        kept = self.state_secret_file
        made_now = "a random secret generated now and kept" if made else "the random secret kept"
        origin = f"{made_now} in {kept}"
        return replace(self, state_secret=secret, state_secret_origin=origin)


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


def _switch(text: object, default: bool) -> bool:
    """An on/off setting: 0, false, no, off (any case) are off; unset is ``default``."""
    if text is None:
        return default
    return str(text).strip().lower() not in FALSE_WORDS


def _secret_file(database_url: str) -> Path | None:
    """Where a generated state secret is kept: beside a SQLite database file, else in the
    working directory; None for an in-memory database (nothing to share it with)."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise ConfigError(
            f'{PREFIX}DATABASE_URL must be an SQLAlchemy URL, got "{database_url}"'
        ) from None
    if url.get_backend_name() != "sqlite":
        return Path(SECRET_FILE_NAME)
    if url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).parent / SECRET_FILE_NAME


def shared_secret(path: Path) -> tuple[bytes, bool]:
    """The secret kept in ``path``, made when there is none; True when made now.

    The secret is written whole to a private temporary file (mode 0600, created
    with O_EXCL) and linked to ``path``, which fails when another worker got
    there first: then that worker's secret is read. No worker sees half a file.
    """
    try:
        return _read_secret(path), False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(SECRET_BYTES) + "\n")
        os.link(partial, path)
        made = True
    except FileExistsError:
        made = False
    finally:
        partial.unlink(missing_ok=True)
    return _read_secret(path), made


def _read_secret(path: Path) -> bytes:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    if len(text) < SECRET_BYTES:
        raise ConfigError(
            f"{path} holds no usable state secret (under {SECRET_BYTES} characters); "
            f"delete it to have one generated, or set {PREFIX}STATE_SECRET"
        )
    return text.encode()
