"""What a real phone line accepts: number ranges, text and TwiML document sizes.

The loader refuses menus that would load but break a call (or hang the
auditor): numbers outside ``RANGES`` (documented in docs/menu-format.md, a test
keeps the two equal), text with control characters, and nodes whose TwiML
document would be over Twilio's 64 KB limit. Sources: Twilio's TwiML reference
(``<Gather>`` numDigits is an integer >= 1, ``<Dial timeout>`` at most 600 s,
``<Say>`` at most 4,096 characters, error 11750 for a response over 64 kB).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape  # not xml.sax.saxutils: it imports urllib.request and ssl

from ivr.phrases import PHRASES


@dataclass(frozen=True)
class Range:
    """The smallest and largest value a numeric field accepts, and why."""

    minimum: float
    maximum: float
    integer: bool = False
    unit: str = ""  # "seconds", ... as error messages and the docs name it
    why: str = ""


DAY = 86_400
RANGES: dict[str, Range] = {
    "timeout": Range(1, 60, unit="seconds", why="Twilio waits at least 1 s; a minute of silence"),
    "retries": Range(0, 10, integer=True, why="ten more attempts is already a trap"),
    "agents": Range(0, 10_000, integer=True, why="the largest contact centres"),
    "handle_time": Range(1, DAY, unit="seconds", why="a day"),
    "calls_per_hour": Range(0, 100_000, why="a national emergency line at its peak"),
    "wait": Range(0, DAY, unit="seconds", why="a day"),
    "patience": Range(0, DAY, unit="seconds", why="a day (or unlimited); over 0"),
    "ring": Range(0, 600, unit="seconds", why="Twilio's `<Dial timeout>` maximum"),
    "away": Range(0, DAY, unit="seconds", why="a day in the other system"),
    "max_length": Range(1, 14_400, unit="seconds", why="four hours, Twilio's longest recording"),
    "time_to_human": Range(0, DAY, unit="seconds", why="a day"),
    "rate": Range(40, 600, integer=True, unit="words per minute", why="espeak-ng's range"),
    "digits": Range(
        1,
        128,
        integer=True,
        why="Twilio's `<Gather numDigits>` takes any whole number from 1; Telnyx's gather stops "
        "at 128",
    ),
    "traffic weight": Range(0, 1_000_000, why="relative weights of the week's hours"),
    "traffic share": Range(0, 1, why="a share of the week's calls"),
    "share": Range(0, 1, why="a share of the callers who get a decision's outcome"),
    "capacity": Range(
        0, 100_000, integer=True, why="callers waiting in one queue (a Twilio queue holds 5,000)"
    ),
    "balking": Range(0, 1, why="a share of the callers who would have to wait"),
    "intents": Range(0, 1, why="a share of the callers"),
}

TWIML_LIMIT = 65_536  # bytes: Twilio refuses a larger response (error 11750)
SAY_LIMIT = 4_096  # characters Twilio's <Say> speaks with its basic voices (3,000 with Polly)
DOCUMENT_OVERHEAD = 2_048  # XML declaration, <Response>, <Gather> attributes, signed action URLs

# what a phone line cannot say and XML 1.0 cannot carry (or a terminal would obey):
# C0 controls but tab, newline and carriage return; DEL and C1; surrogates; U+FFFE/U+FFFF
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_character(text: str) -> str | None:
    """A description of the first control character in ``text`` (None when there is none).

    >>> control_character("Good\\x1bbye")
    'U+001B'
    """
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _system_phrase_bytes(lang: str) -> int:
    table = PHRASES.get(lang, PHRASES["en"])
    return max(len(escape(text, quote=False).encode("utf-8")) for text in table.values())


def twiml_bytes(texts: Sequence[str], lang: str, hints: Sequence[str] = ()) -> int:
    """A conservative estimate of the TwiML document that says ``texts`` in ``lang``.

    Counts the XML-escaped UTF-8 bytes of the texts, the longest system phrase
    the line may add (an apology before a reprompt, a wait announcement), the
    speech hints and a fixed overhead for the document's markup and action URLs.
    """
    spoken = sum(len(escape(text, quote=False).encode("utf-8")) for text in texts)
    hinted = len(escape(", ".join(hints), quote=False).replace('"', "&quot;").encode("utf-8"))
    return spoken + hinted + _system_phrase_bytes(lang) + DOCUMENT_OVERHEAD
