"""Matching what a caller says: normalisation, phrases, and keys spoken as words.

The words themselves (digits, star and hash, press verbs, in each language) are
the caller vocabulary of ``ivr.vocabulary``.

>>> normalize("  Ágent, PLEASE! ")
'agent please'
>>> digits_in("one two 3", "en")
'123'
>>> digits_in("일 이 삼", "ko")
'123'
>>> spoken_keys("tekan nol", "id"), spoken_keys("press the star key", "en")
('0', '*')
>>> spoken_keys("일번을 누르세요", "ko"), spoken_keys("I want billing two", "en")
('1', None)
"""

from __future__ import annotations

import re
import unicodedata

from ivr.vocabulary import DIGIT_WORDS, digit_words, goes_with_keys, is_press_verb, key_of_word

__all__ = ["DIGIT_WORDS", "digit_words", "digits_in", "normalize", "phrase_in", "spoken_keys"]


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    composed = unicodedata.normalize("NFC", stripped).casefold()
    return " ".join(re.sub(r"[^\w*#]+", " ", composed).split())


def digits_in(text: str, lang: str) -> str:
    """The keypad keys a caller spoke: digits, digit words, star and hash."""
    keys = (key_of_word(token, lang) for token in normalize(text).split())
    return "".join(key for key in keys if key is not None)


def spoken_keys(text: str, lang: str) -> str | None:
    """The keys an utterance asks for, or None when it is not an answer by key.

    An answer by key is keys and the words that go with them ("tekan nol",
    "press the star key", "two please"), or anything with a press verb in it
    ("uh press two for me").
    """
    words = normalize(text).split()
    keys = [key_of_word(word, lang) for word in words]
    if not any(keys):
        return None
    others = [word for word, key in zip(words, keys, strict=True) if key is None]
    if all(goes_with_keys(word) for word in others) or any(map(is_press_verb, others)):
        return "".join(key for key in keys if key is not None)
    return None


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
