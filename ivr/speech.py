"""Matching what a caller says: normalisation and digits spoken as words.

>>> normalize("  Ágent, PLEASE! ")
'agent please'
>>> digits_in("one two 3", "en")
'123'
>>> digits_in("일 이 삼", "ko")
'123'
"""

from __future__ import annotations

import re
import unicodedata

DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "id": ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"),
    "ms": ("kosong", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "lapan", "sembilan"),
    "ko": ("영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "fr": ("zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "de": ("null", "eins", "zwei", "drei", "vier", "funf", "sechs", "sieben", "acht", "neun"),
}
EXTRA_DIGIT_WORDS = {"oh": "0", "o": "0", "공": "0", "kosong": "0"}
SYMBOL_WORDS = {"star": "*", "hash": "#", "pound": "#", "bintang": "*", "pagar": "#"}


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    composed = unicodedata.normalize("NFC", stripped).casefold()
    return " ".join(re.sub(r"[^\w*#]+", " ", composed).split())


def digit_words(lang: str) -> tuple[str, ...]:
    """The words for 0-9 in ``lang`` (English when the language has none here)."""
    return DIGIT_WORDS.get(lang, DIGIT_WORDS["en"])


def digits_in(text: str, lang: str) -> str:
    """The keypad keys a caller spoke: digits, digit words, star and hash."""
    words = {word: str(i) for i, word in enumerate(digit_words(lang))}
    keys = []
    for token in normalize(text).split():
        if token.isdigit():
            keys.append(token)
        elif token in words:
            keys.append(words[token])
        elif token in EXTRA_DIGIT_WORDS:
            keys.append(EXTRA_DIGIT_WORDS[token])
        elif token in SYMBOL_WORDS:
            keys.append(SYMBOL_WORDS[token])
    return "".join(keys)


def phrase_in(phrase: str, utterance: str) -> bool:
    """Whether ``phrase`` occurs in ``utterance`` as whole words.

    >>> phrase_in("billing", "uh billing please"), phrase_in("bill", "billing")
    (True, False)
    """
    wanted = normalize(phrase).split()
    said = normalize(utterance).split()
    if not wanted:
        return False
    return any(said[i : i + len(wanted)] == wanted for i in range(len(said) - len(wanted) + 1))
