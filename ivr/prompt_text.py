"""Reading prompt text: which keys a prompt names, where, and what wait it promises.

Works on the text of every language of a menu (English, Indonesian, Malay
and Korean wording is understood; digits work in any language).

>>> sorted(named_keys("For billing, press 1. Tekan 2 untuk agen. 상담원은 0번을 누르세요."))
['0', '1', '2']
>>> mention_end("Welcome. For billing, press 1. For sales, press 2.", "1")
30
>>> key_before_action("Press 1 for billing. For sales, press 2.")
['1']
>>> promised_wait_seconds("Please hold, it will only be ten minutes.")
[600.0]
>>> promised_wait_seconds("Mohon tunggu, hanya dua puluh lima menit.")
[1500.0]
>>> promised_wait_seconds("약 5분 정도 기다려 주세요.")
[300.0]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from ivr.speech import normalize
from ivr.vocabulary import (
    ACTION_WORDS,
    ALL_KEY_NOUNS,
    ALL_PRESS_VERBS,
    BETWEEN_WORDS,
    prompt_key_words,
)

KEY_WORDS = prompt_key_words()


def _either(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` in lower case, longest first."""
    return "|".join(sorted({re.escape(word.lower()) for word in words}, key=len, reverse=True))


def _first_two(words: Iterable[str]) -> str:
    """A lookahead for the first two characters any of ``words`` (two or more long) starts
    with, in lower case: a cheap test that lets a search skip most places before it tries
    the alternation (the same matches, found 2 to 3 times faster)."""
    first = {word[0].lower() for word in words}
    second = {word[1].lower() for word in words}
    return rf"(?=[{re.escape(''.join(sorted(first)))}][{re.escape(''.join(sorted(second)))}])"


# The key patterns are sources, compiled when first used (``_compiled``): an ASCII text is
# read in lower case by case-sensitive patterns (``_searched``), any other text by
# case-insensitive ones, so a menu in English or Indonesian never compiles those.
_KEY = rf"(\d{{1,4}}|[*#]|{_either(KEY_WORDS)})"
_VERB = f"{_first_two(ALL_PRESS_VERBS)}(?:{_either(ALL_PRESS_VERBS)})"
_BEFORE_KEY = rf"(?:(?:{_either(BETWEEN_WORDS)})\s+){{0,2}}(?:(?:{_either(ALL_KEY_NOUNS)})\s+)?"
_PRESS_KEY = rf"(?<![\w]){_VERB}\s+{_BEFORE_KEY}{_KEY}(?![\w])"
_OR_KEY = rf"{_VERB}\s+{_BEFORE_KEY}{_KEY}((?:\s*(?:,|or|atau|dan|and)\s*{_KEY})+)"
_KOREAN_KEY = re.compile(
    r"(\d{1,4}|[*#]|별표|샵|우물정)\s*번"
    r"|(영|일|이|삼|사|오|육|칠|팔|구|공)\s*번(?:을|를)?\s*(?:누르|눌러)"
)
_KOREAN_WORDS = {word: str(i) for i, word in enumerate("영일이삼사오육칠팔구")} | {
    "공": "0",
    "별표": "*",
    "샵": "#",
    "우물정": "#",
}
_KEY_FIRST = (
    rf"^\W*{_VERB}\s+{_BEFORE_KEY}{_KEY}\s+(?:(?:{_either(ALL_KEY_NOUNS)})\s+)?"
    rf"(?:{_either(ACTION_WORDS)})\b"
)
_CLAUSE_END = re.compile(r"[,;:.!?。？！，、](?=\s|$)")
_SENTENCE_END = re.compile(r"[.!?。？！]+(?:\s+|$)")


def _key(token: str) -> str:
    return KEY_WORDS.get(token.lower(), _KOREAN_WORDS.get(token, token))


@cache
def _compiled(source: str, ignore_case: bool) -> re.Pattern[str]:
    """The key pattern ``source``, compiled once, ignoring case or not (see ``_searched``)."""
    return re.compile(source, re.IGNORECASE if ignore_case else 0)


def _searched(text: str) -> tuple[str, bool]:
    """The text the key patterns read, and whether they ignore case: an ASCII text in
    lower case, read case-sensitively (the same matches at the same offsets, found about
    twice as fast, by patterns that compile in half the time); any other text as it is,
    ignoring case (Unicode case rules do not keep lengths)."""
    return (text.lower(), False) if text.isascii() else (text, True)


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text`` (end includes the full stop).

    >>> sentences("One. Two!")
    [(0, 4), (5, 9)]
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


@lru_cache(maxsize=65536)
def key_mentions(text: str) -> tuple[tuple[str, int], ...]:
    """Keys a prompt tells the caller to press, with the offset of each mention (cached)."""
    searched, ignore_case = _searched(text)
    found = [
        (_key(match.group(1)), match.start())
        for match in _compiled(_PRESS_KEY, ignore_case).finditer(searched)
    ]
    found += [
        (_key(token), match.start(2))
        for match in _compiled(_OR_KEY, ignore_case).finditer(searched)
        for token in _compiled(_KEY, ignore_case).findall(match.group(2))
    ]
    if "번" in text:  # every Korean key mention has it: most texts need no Korean search
        found += [
            (_key(match.group(1) or match.group(2)), match.start())
            for match in _KOREAN_KEY.finditer(text)
        ]
    # dict.fromkeys drops repeats in text order (a set's order changes with the hash seed,
    # and keys listed at one offset, "press 1, 2 or 3", must stay in their spoken order)
    return tuple(sorted(dict.fromkeys(found), key=lambda item: item[1]))


def named_keys(text: str) -> set[str]:
    """The set of keys ``text`` names ("press 3", "tekan 3", "3번", "press three")."""
    return {key for key, _ in key_mentions(text)}


def mention_end(text: str, key: str) -> int | None:
    """Offset in ``text`` where the clause naming ``key`` ends (None when never named).

    An expert caller presses once this much of the prompt has been heard:
    "For billing, press 1." up to its full stop, "예약은 1번," up to its comma.

    >>> text = "예약은 1번, 상담은 0번을 누르세요."
    >>> text[:mention_end(text, "1")]
    '예약은 1번,'
    """
    return mention_ends(text).get(key)


def clause_ends(text: str) -> list[int]:
    """Offsets where the clauses of ``text`` end (after "," ";" ":" or a full stop + space).

    >>> clause_ends("For billing, press 1. Bye")
    [12, 21, 25]
    """
    ends = [match.end() for match in _CLAUSE_END.finditer(text)]
    return [*ends, len(text)] if not ends or ends[-1] < len(text) else ends


def mention_ends(text: str) -> dict[str, int]:
    """``mention_end`` of every key the text names.

    >>> mention_ends("Visit acme.co.id. For billing, press 1. For sales, press 2.")
    {'1': 39, '2': 59}
    """
    ends: dict[str, int] = {}
    for key, position in key_mentions(text):
        if key not in ends:
            clause_end = _CLAUSE_END.search(text, position)
            ends[key] = clause_end.end() if clause_end else len(text)
    return ends


def key_before_action(text: str) -> list[str]:
    """Keys announced before their action: "press 1 for billing" rather than the reverse."""
    keys = []
    searched, ignore_case = _searched(text)
    for start, end in sentences(text):
        match = _compiled(_KEY_FIRST, ignore_case).match(searched[start:end])
        if match:
            keys.append(_key(match.group(1)))
    return keys


def mention_order(text: str) -> list[str]:
    """Keys in the order the prompt names them (each once)."""
    return list(dict.fromkeys(key for key, _ in key_mentions(text)))


# -- promised waits --------------------------------------------------------------------------

UNITS = {
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "detik": 1,
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "menit": 60,
    "hour": 3600,
    "hours": 3600,
    "jam": 3600,
}
KOREAN_UNITS = {"초": 1, "분": 60, "시간": 3600}
EN_NUMBERS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        )
    )
}
EN_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
}
ID_NUMBERS = {
    w: i + 1
    for i, w in enumerate(
        ("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
    )
}
ID_WHOLE = {
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
    "a": 1,
    "an": 1,
    "se": 1,
}
MULTIPLIERS = {"puluh": 10, "ratus": 100, "hundred": 100}
NUMBER_WORDS = {*EN_NUMBERS, *EN_TENS, *ID_NUMBERS, *ID_WHOLE, *MULTIPLIERS, "belas"}


def parse_number(words: list[str]) -> float | None:
    """The value of number words ("twenty five", "dua puluh lima", "10"), None if not one.

    >>> parse_number(["lima", "belas"]), parse_number(["twenty", "five"]), parse_number(["x"])
    (15, 25, None)
    """
    if not words or any(not (w.isdigit() or w in NUMBER_WORDS) for w in words):
        return None
    total: float = 0
    last: float = 0
    for word in words:
        if word.isdigit():
            last += int(word)
        elif word in EN_NUMBERS:
            last += EN_NUMBERS[word]
        elif word in ID_NUMBERS:
            last += ID_NUMBERS[word]
        elif word in EN_TENS:
            total += EN_TENS[word]
        elif word in ID_WHOLE:
            total += ID_WHOLE[word]
        elif word == "belas":
            total, last = total + 10 + last, 0
        else:
            total, last = total + (last or 1) * MULTIPLIERS[word], 0
    return total + last


_UNIT_HINT = re.compile("|".join([*UNITS, *KOREAN_UNITS]), re.IGNORECASE)
_ASCII_UNITS = tuple(unit.lower() for unit in (*UNITS, *KOREAN_UNITS) if unit.isascii())


def might_promise_wait(text: str) -> bool:
    """A quick look for a time unit before ``promised_wait_seconds`` reads the text.

    >>> might_promise_wait("For billing, press 1."), might_promise_wait("Hanya 10 menit.")
    (False, True)
    """
    if text.isascii():  # the same look, without the regex: only the latin units can match
        lowered = text.lower()
        return any(unit in lowered for unit in _ASCII_UNITS)
    return _UNIT_HINT.search(text) is not None


def promised_wait_seconds(text: str) -> list[float]:
    """Every wait a text promises, in seconds: the one parser of spoken durations.

    Digits and decimals ("1.5 minutes"), number words and fractions ("two and a
    half minutes", "satu setengah menit", "half an hour", "an hour and a half"),
    compounds ("one hour and thirty minutes"), ranges judged by their upper bound
    ("5 to 10 minutes", "lima sampai sepuluh menit", "5-10분") and bounds ("under
    a minute": 60 s), in English, Indonesian/Malay and Korean.

    >>> promised_wait_seconds("Only 1.5 minutes. Or two and a half minutes.")
    [90.0, 150.0]
    >>> promised_wait_seconds("Satu setengah menit, atau 5 sampai 10 menit, under a minute.")
    [90.0, 600.0, 60.0]
    >>> promised_wait_seconds("About an hour and a half, or one hour and thirty minutes.")
    [5400.0, 5400.0]
    """
    tokens = _duration_tokens(text)
    waits: list[float] = []
    after_previous = -1  # index just after the previous duration, to join "1 hour and 30 min"
    for i, token in enumerate(tokens):
        unit = UNITS.get(token)
        if unit is None:
            continue
        start = i
        while start > 0 and _is_quantity(tokens[start - 1]):
            start -= 1
        between = start > 0 and tokens[start - 1] in ("between", "antara")
        value = _quantity(tokens[start:i], between)
        end = i + 1
        if tokens[end : end + 3] == ["and", "a", "half"]:
            value, end = (value or 0) + 0.5, end + 3
        elif tokens[end : end + 2] == ["dan", "setengah"]:
            value, end = (value or 0) + 0.5, end + 2
        if value is None:
            continue
        joined = start <= after_previous and tokens[after_previous] in ("and", "dan")
        if joined and waits:
            waits[-1] += value * unit
        else:
            waits.append(float(value * unit))
        after_previous = end
    waits += [
        float(_decimal(match.group(2) or match.group(1)) * KOREAN_UNITS[match.group(3)])
        for match in _KOREAN_DURATION.finditer(text)
    ]
    return waits


_DECIMAL = re.compile(r"(\d+)[.,](\d+)")
_NUMBER_RANGE = re.compile(r"(\d)\s*[-~\u2013]\s*(\d)")
_KOREAN_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:[-~\u2013]\s*(\d+(?:[.,]\d+)?)\s*)?(초|분|시간)"
)
_RANGE_WORDS = {"to", "or", "sampai", "hingga", "atau", "till", "until"}
_FRACTIONS = {"half": 0.5, "setengah": 0.5, "quarter": 0.25, "seperempat": 0.25}
_QUANTITY_WORDS = {*NUMBER_WORDS, *_RANGE_WORDS, *_FRACTIONS, "and", "dan", "of"}


def _is_quantity(token: str) -> bool:
    return token in _QUANTITY_WORDS or re.fullmatch(r"\d+(?:d\d+)?", token) is not None


def _duration_tokens(text: str) -> list[str]:
    """Words of ``text`` for reading durations: decimals kept whole, "5-10" read "5 to 10"."""
    text = _NUMBER_RANGE.sub(r"\1 to \2", text)
    text = _DECIMAL.sub(r"\1d\2", text)  # survives normalize as one token
    return normalize(text).split()


def _decimal(token: str) -> float:
    return float(token.replace(",", ".").replace("d", "."))


def _quantity(words: list[str], between: bool = False) -> float | None:
    """The amount in the words before a unit; a range gives its upper bound.

    ``between``: the words follow "between", so "and" separates a range.
    """
    separators = _RANGE_WORDS | ({"and", "dan"} if between else set())
    for index in range(len(words) - 1, -1, -1):
        if words[index] in separators:
            words = words[index + 1 :]
            break
    fraction = sum(_FRACTIONS.get(w, 0.0) for w in words)
    whole = [w for w in words if w not in _FRACTIONS and w not in ("and", "dan", "of")]
    if fraction:  # "two and a half", "half a minute", "half an hour"
        whole = [w for w in whole if w not in ("a", "an", "se")]
    if len(whole) == 1 and re.fullmatch(r"\d+d\d+", whole[0]):
        return _decimal(whole[0]) + fraction
    number = parse_number(whole) if whole else None
    if number is None:
        return fraction or None
    return number + fraction


def phrase_in_normalized(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words; both already ``normalize``d.

    >>> phrase_in_normalized("your call is important to us", "thanks your call is important to us")
    True
    """
    return f" {phrase} " in f" {text} "


_HANGUL = "\uac00-\ud7a3"  # the precomposed Hangul syllables


def says_phrase(text: str, phrase: str) -> bool:
    """Whether prompt ``text`` says ``phrase``: its words as whole words of the text, quoted
    or not, the last one allowed Korean particles or endings written onto it (예약은,
    예약이라고: Korean writes them without a space). Other languages take whole words only:
    a caller who hears "billing" does not know to say "bill".

    >>> says_phrase("예약하시려면 예약이라고 말씀해 주세요.", "예약")
    True
    >>> says_phrase('To speak to an agent, say "agent".', "Agent"), says_phrase("billing", "bill")
    (True, False)
    """
    wanted = normalize(phrase)
    if not wanted:
        return False
    ending = f"[{_HANGUL}]*" if re.match(f"[{_HANGUL}]", wanted[-1]) else ""
    return re.search(rf"(?<!\S){re.escape(wanted)}{ending}(?!\S)", normalize(text)) is not None
