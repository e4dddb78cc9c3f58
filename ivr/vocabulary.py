"""The caller's vocabulary: the words for keys and for pressing them, in every language.

One table for everyone who reads or hears about keys: the engine matching what a
caller says (``ivr.speech``: "tekan nol", "press the star key", "일번을 누르세요"),
the prompt reader finding the keys a prompt names (``ivr.prompt_text``: "press 1",
"tekan bintang", "0번을 누르세요") and the digit words of the speech recogniser's
grammar (``digit_words``).

Words are stored as ``ivr.speech.normalize`` leaves them: lower case, no accents.

>>> key_of_word("nol", "id"), key_of_word("pagar", "id"), key_of_word("two", "id")
('0', '#', '2')
>>> key_of_word("일번을", "ko"), key_of_word("1번", "ko"), key_of_word("billing", "en")
('1', '1', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "id": ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"),
    "ms": ("kosong", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "lapan", "sembilan"),
    "ko": ("영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "fr": ("zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "de": ("null", "eins", "zwei", "drei", "vier", "funf", "sechs", "sieben", "acht", "neun"),
}
"""The words for 0-9, per language."""

OTHER_KEY_WORDS: dict[str, dict[str, str]] = {
    "en": {"oh": "0", "o": "0", "star": "*", "asterisk": "*", "hash": "#", "pound": "#"},
    "id": {"kosong": "0", "bintang": "*", "pagar": "#"},
    "ms": {"bintang": "*", "pagar": "#"},
    "ko": {"공": "0", "별표": "*", "별": "*", "샵": "#", "우물정": "#"},
    "es": {"asterisco": "*", "estrella": "*", "almohadilla": "#", "numeral": "#"},
    "fr": {"etoile": "*", "diese": "#"},
    "de": {"stern": "*", "sternchen": "*", "raute": "#"},
}
"""Other words that name one key: a second word for zero, the star and the hash."""

PRESS_VERBS: dict[str, tuple[str, ...]] = {
    "en": ("press", "dial", "push", "select", "choose", "hit"),
    "id": ("tekan", "tekanlah", "pilih", "pilihlah", "pencet"),
    "ms": ("tekan", "pilih"),
    "ko": ("누르세요", "누르십시오", "누르시면", "누르고", "누르기", "눌러", "눌러주세요"),
    "es": ("pulse", "marque", "oprima", "presione"),
    "fr": ("appuyez", "tapez", "composez"),
    "de": ("tippen", "drucken", "wahlen"),
}
"""Verbs that ask for a key ("press 1", "tekan 1"); Korean puts its verb after the key."""

KEY_NOUNS: dict[str, tuple[str, ...]] = {
    "en": ("key", "button", "sign", "number"),
    "id": ("tombol", "tanda", "angka", "nomor"),
    "ms": ("butang", "tanda", "nombor"),
    "ko": ("번", "버튼"),
    "es": ("tecla", "numero"),
    "fr": ("touche", "numero"),
    "de": ("taste", "nummer"),
}
"""Nouns around a key that do not change it: "press the star *key*", "tekan *tombol* 1"."""

BETWEEN_WORDS = ("the", "la", "le", "el", "die", "sie", "sur")
"""Words between a press verb and its key ("press *the* star key", "tippen *Sie* drei",
"appuyez *sur la* touche")."""

FILLERS: dict[str, tuple[str, ...]] = {
    "en": ("please", "now", "uh", "um"),
    "id": ("saja", "ya", "silakan"),
    "ms": ("sahaja", "ya"),
    "ko": ("주세요",),
    "es": ("por", "favor"),
    "fr": ("s", "il", "vous", "plait"),
    "de": ("sie", "bitte"),
}
"""Words a caller may add to a spoken key ("tekan nol *saja*") that do not change it."""

KOREAN_KEY_SUFFIXES = ("번이요", "번을", "번은", "번", "을", "를", "요")
"""What follows a key inside one Korean word: 1번을, 일번이요."""

ACTION_WORDS = ("for", "to", "if", "untuk", "bagi", "jika", "kalau", "para", "pour", "fur")
"""Words that introduce what a key does ("press 1 *for* billing")."""


def _all(table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for words in table.values() for word in words))


ALL_PRESS_VERBS = _all(PRESS_VERBS)
ALL_KEY_NOUNS = _all(KEY_NOUNS)
_AROUND_KEYS = frozenset((*ALL_PRESS_VERBS, *ALL_KEY_NOUNS, *BETWEEN_WORDS, *_all(FILLERS)))


def digit_words(lang: str) -> tuple[str, ...]:
    """The words for 0-9 in ``lang`` (English when the language has none here)."""
    return DIGIT_WORDS.get(lang, DIGIT_WORDS["en"])


@cache
def key_words(lang: str) -> Mapping[str, str]:
    """Every word naming one key in ``lang``: its own, English ones as a fallback, and the
    star and hash of every language (they cannot be mistaken for anything else).

    >>> key_words("id")["nol"], key_words("id")["star"], key_words("en")["pagar"]
    ('0', '*', '#')
    """
    words = {
        word: key
        for table in OTHER_KEY_WORDS.values()
        for word, key in table.items()
        if key in "*#"
    }
    words.update({word: str(i) for i, word in enumerate(DIGIT_WORDS["en"])})
    words.update(OTHER_KEY_WORDS["en"])
    words.update({word: str(i) for i, word in enumerate(digit_words(lang))})
    words.update(OTHER_KEY_WORDS.get(lang, {}))
    return words


def prompt_key_words() -> dict[str, str]:
    """Words naming a key in a written prompt, in every language but Korean (which says 1번)."""
    words: dict[str, str] = {}
    for lang in DIGIT_WORDS:
        if lang != "ko":
            words.update({word: str(i) for i, word in enumerate(DIGIT_WORDS[lang])})
            words.update(OTHER_KEY_WORDS[lang])
    words.pop("o")  # "press o" is rare in writing, "o" is common
    return words


def key_of_word(word: str, lang: str) -> str | None:
    """The key one spoken word names: a digit, a digit word, star or hash; or None."""
    if word.isdigit():
        return word
    words = key_words(lang)
    if word in words:
        return words[word]
    if lang == "ko":
        for suffix in KOREAN_KEY_SUFFIXES:
            stem = word.removesuffix(suffix)
            if stem != word and stem and (stem.isdigit() or stem in words):
                return stem if stem.isdigit() else words[stem]
    return None


def is_press_verb(word: str) -> bool:
    """Whether ``word`` asks for a key (press, tekan, 누르세요...), in any language."""
    return word in ALL_PRESS_VERBS


def goes_with_keys(word: str) -> bool:
    """Whether ``word`` may stand beside a spoken key without changing it (press, the, key...)."""
    return word in _AROUND_KEYS
