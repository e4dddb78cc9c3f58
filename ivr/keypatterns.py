"""Digit patterns for extension dialling: ``2XXX`` is any four-digit number starting with 2.

A pattern is written with Asterisk's letters, one keypad position each: a digit,
``*`` or ``#`` stands for itself, ``X`` for any digit, ``Z`` for 1-9, ``N`` for
2-9, and ``[1-5]`` or ``[159]`` for one digit of a set. A pattern always has a
fixed number of positions (Asterisk's ``.`` and ``!`` wildcards are not part of
the menu format; the importers map them to a fixed length with a warning).

>>> pattern = parse("2XXX")
>>> pattern.length, pattern.matches("2345"), pattern.matches("3345"), pattern.example
(4, True, False, '2000')
>>> is_pattern("12"), is_pattern("1[2-3]")
(False, True)
>>> covering(["1000", "1001", "1010", "1011"]), covering(["1000", "1011"])
('10[01][01]', None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_POSITIONS = 15  # an international number (E.164) has at most 15 digits
LETTERS = {"X": "0123456789", "Z": "123456789", "N": "23456789"}
PLAIN_KEYS = re.compile(r"^[0-9*#]+$")


class PatternError(ValueError):
    """A pattern that cannot be read; ``offset`` is the 0-based position of the fault."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class KeyPattern:
    """A parsed pattern: the keys allowed at each position."""

    text: str
    positions: tuple[str, ...]

    @property
    def length(self) -> int:
        """How many keys a caller presses for it."""
        return len(self.positions)

    @property
    def example(self) -> str:
        """The lowest entry that matches (what a test caller presses)."""
        return "".join(min(keys) for keys in self.positions)

    def overlaps(self, other: KeyPattern) -> bool:
        """True when some entry matches both patterns."""
        return self.length == other.length and all(
            set(mine) & set(theirs)
            for mine, theirs in zip(self.positions, other.positions, strict=True)
        )

    def matches(self, keys: str) -> bool:
        """True when ``keys`` is an entry of exactly this pattern."""
        return len(keys) == self.length and all(
            key in allowed for key, allowed in zip(keys, self.positions, strict=True)
        )


def is_pattern(key: str) -> bool:
    """True when an option key is a pattern rather than plain keypad keys."""
    return not PLAIN_KEYS.match(key)


@lru_cache(maxsize=4096)
def pattern_of(key: str) -> KeyPattern | None:
    """The pattern of an option key, or None for plain keys (cached: the engine asks often)."""
    return parse(key) if is_pattern(key) else None


@lru_cache(maxsize=4096)
def entry_length(key: str) -> int:
    """How many keys a caller presses for an option key (a pattern's positions)."""
    pattern = pattern_of(key)
    return pattern.length if pattern else len(key)


@lru_cache(maxsize=1024)
def parse(text: str) -> KeyPattern:
    """The pattern ``text``; raises :class:`PatternError` naming the faulty position."""
    if text.startswith("_"):
        raise PatternError(
            f'drop the leading "_" of "{text}": a menu pattern is written "{text[1:]}"'
        )
    positions: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char in "0123456789*#":
            positions.append(char)
        elif char in LETTERS:
            positions.append(LETTERS[char])
        elif char.upper() in LETTERS:
            raise PatternError(
                f'write pattern letters in capitals: "{char.upper()}", not "{char}"', at
            )
        elif char == "[":
            end = text.find("]", at)
            if end < 0:
                raise PatternError('"[" has no closing "]"', at)
            positions.append(_digit_set(text[at + 1 : end], at + 1))
            at = end
        elif char in ".!":
            raise PatternError(
                f'"{char}" (any number of digits) is not allowed: a pattern has a fixed '
                "number of digits, write one X per digit",
                at,
            )
        else:
            raise PatternError(
                f'"{char}" is not a pattern letter: use digits, *, #, X (0-9), Z (1-9), '
                "N (2-9) or a set like [1-5]",
                at,
            )
        at += 1
    if not positions:
        raise PatternError("a pattern needs at least one position")
    if len(positions) > MAX_POSITIONS:
        raise PatternError(f"a pattern has at most {MAX_POSITIONS} digits, got {len(positions)}")
    return KeyPattern(text, tuple(positions))


def write(positions: Sequence[str]) -> str | None:
    """The pattern text of the keys allowed at each position (``["2", "0123456789"]``:
    ``2X``), or None when a position mixes ``*``/``#`` with other keys."""
    out = []
    for keys in positions:
        allowed = "".join(sorted(set(keys)))
        letter = next((name for name, digits in LETTERS.items() if digits == allowed), None)
        if len(allowed) == 1:
            out.append(allowed)
        elif letter:
            out.append(letter)
        elif allowed.isdigit():
            out.append(f"[{_ranges(allowed)}]")
        else:
            return None
    return "".join(out)


def covering(entries: Sequence[str]) -> str | None:
    """The one pattern whose matches are exactly ``entries`` (all of one length, every
    combination of their keys per position), or None when no pattern is."""
    if not entries or len({len(entry) for entry in entries}) != 1:
        return None
    positions = ["".join(sorted({entry[at] for entry in entries})) for at in range(len(entries[0]))]
    if math.prod(len(keys) for keys in positions) != len(set(entries)):
        return None
    return write(positions)


def _ranges(digits: str) -> str:
    """``0123789`` as ``0-37-9``: runs of three or more digits as ranges."""
    runs: list[list[str]] = []
    for digit in digits:
        if runs and int(digit) == int(runs[-1][-1]) + 1:
            runs[-1].append(digit)
        else:
            runs.append([digit])
    return "".join(f"{run[0]}-{run[-1]}" if len(run) > 2 else "".join(run) for run in runs)


def _digit_set(body: str, offset: int) -> str:
    """The digits of a set like ``1-5`` or ``159`` or ``1-35`` (``offset``: where it starts)."""
    digits: set[str] = set()
    at = 0
    while at < len(body):
        low = body[at]
        if not low.isdigit():
            raise PatternError(
                f'a set holds digits and ranges like [1-5], got "{low}"', offset + at
            )
        if body[at + 1 : at + 2] == "-":
            high = body[at + 2 : at + 3]
            if not high.isdigit() or high < low:
                raise PatternError(
                    f'range "{body[at : at + 3]}" must go from low to high digit', offset + at
                )
            digits.update(str(d) for d in range(int(low), int(high) + 1))
            at += 3
        else:
            digits.add(low)
            at += 1
    if not digits:
        raise PatternError("an empty set [] matches nothing", offset - 1)
    return "".join(sorted(digits))
