"""Platform-neutral actions the call engine emits (one small class per verb).

The webhook turns them into TwiML, the terminal caller prints them, the
browser phone renders them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    """Speak ``text`` in ``lang``; ``audio`` names a recording of it when there is one."""

    text: str
    lang: str
    node: str
    audio: str | None = None


@dataclass(frozen=True)
class Pause:
    """Silence for ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Gather:
    """Wait for the caller at ``node`` while (or after) the nested prompts play."""

    node: str
    prompts: tuple[Say, ...]
    timeout: float
    input_modes: tuple[str, ...] = ("dtmf",)
    hints: tuple[str, ...] = ()
    num_digits: int | None = None
    finish_on: str | None = None
    interruptible: bool = True
    lang: str = "en"
    attempt: int = 0


@dataclass(frozen=True)
class Enqueue:
    """Put the caller in the queue ``name`` to wait for a person."""

    node: str
    name: str
    estimated_wait: float | None
    callback: bool = False
    hold: str = "music"
    message: str = ""
    lang: str = "en"


@dataclass(frozen=True)
class Dial:
    """Connect the caller to ``number``; ``human`` when a person answers there."""

    node: str
    number: str
    ring: float
    human: bool = True


@dataclass(frozen=True)
class Record:
    """Record the caller's message, up to ``max_length`` seconds."""

    node: str
    max_length: float


@dataclass(frozen=True)
class Hangup:
    """End the call."""

    node: str


Action = Say | Pause | Gather | Enqueue | Dial | Record | Hangup
