"""Estimated speaking time of prompt text (the Time model of DESIGN.md).

Constants: 150 words per minute, 0.4 s after each sentence end, 0.17 s after
each comma. Numbers are read as words: up to three digits as a number
("10" is one word, "360" three), longer runs digit by digit (an account or
phone number). Text without spaces (Korean, Chinese, Japanese, Thai) is
timed by syllable-sized characters at 4.5 per second.

>>> estimate_seconds("For billing, press 1.")
2.17
>>> estimate_seconds("")
0.0
"""

from __future__ import annotations

import re
from functools import cache

WORDS_PER_MINUTE = 150.0
SENTENCE_PAUSE = 0.4
COMMA_PAUSE = 0.17
CJK_CHARS_PER_SECOND = 4.5

_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
_CJK = r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]"  # see _syllable
_SENTENCE_END = re.compile(r"[.!?。？！]+(?:\s|$)")
_COMMA = re.compile(r"[,;:、，]")


def _ascii_class(char: str) -> str:
    """The class of an ASCII character: a letter "a", a digit "0", a sentence end ".", a
    comma ",", a space (what ``\\s`` matches) " ", anything else "x". ASCII text (most
    prompts) is read as its classes, where the patterns above are counted as substrings."""
    if char.isalpha() or char.isdigit():
        return "a" if char.isalpha() else "0"
    if char in ".!?" or char in ",;:":
        return "." if char in ".!?" else ","
    return " " if char.isspace() else "x"


_ASCII_CLASSES = str.maketrans({chr(code): _ascii_class(chr(code)) for code in range(128)})
_ASCII_WORDS = str.maketrans(",.x", "   ")  # classes to words: split at anything else
_ASCII_NUMBERS = str.maketrans("a,.x", "    ")  # classes to numbers: split at non-digits


def spoken_words(text: str) -> float:
    """How many words a speaker says for ``text`` (numbers read as words)."""
    words = 0.0
    for token in _TOKEN.findall(text):
        if token.isdigit():
            words += len(token) if len(token) >= 3 else 1
        elif token.isascii():
            words += 1
        else:
            syllables = len(_syllable().findall(token))
            words += syllables * (WORDS_PER_MINUTE / 60) / CJK_CHARS_PER_SECOND if syllables else 1
    return words


def estimate_seconds(text: str) -> float:
    """Seconds to speak ``text`` at the documented rate, rounded to 0.01 s."""
    if not text.strip():
        return 0.0
    classes = text.translate(_ASCII_CLASSES) if text.isascii() else ""
    if classes and "a0" not in classes and "0a" not in classes:  # no "abc123": tokens split
        words, ends, commas = _ascii_counts(classes)
    else:
        words, ends, commas = _counts(text)
    seconds = words * 60.0 / WORDS_PER_MINUTE
    seconds += ends * SENTENCE_PAUSE
    seconds += commas * COMMA_PAUSE
    return round(seconds, 2)


def _counts(text: str) -> tuple[float, int, int]:
    """Spoken words, sentence ends and commas of any text, by the patterns above."""
    return spoken_words(text), len(_SENTENCE_END.findall(text)), len(_COMMA.findall(text))


def _ascii_counts(classes: str) -> tuple[float, int, int]:
    """``_counts`` of an ASCII text from its string of classes (``_ASCII_CLASSES``), by
    substring counts instead of patterns: the same answer, for a text in which no letter
    touches a digit (there the patterns split tokens that the classes cannot)."""
    tokens = classes.translate(_ASCII_WORDS).split()
    words: float = len(tokens)
    if "000" in classes:  # numbers of three digits or more are read digit by digit:
        numbers = classes.translate(_ASCII_NUMBERS).split()  # one more word per digit
        words += classes.count("0") - len(numbers) - numbers.count("00")  # after the first
    ends = classes.count(". ") + classes.endswith(".")  # a run of ".!?" before a space
    return words, ends, classes.count(",")


@cache
def _syllable() -> re.Pattern[str]:
    """Syllable-sized characters (kana, CJK, Hangul, Thai), compiled when a word first
    needs it: the wide ranges take milliseconds, which an English menu need not pay."""
    return re.compile(_CJK)
