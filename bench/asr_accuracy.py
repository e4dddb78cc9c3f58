"""Benchmark of speech routing: how often a caller's spoken answer reaches the right option.

For every menu of ``MENUS`` (the bundled Korean clinic and three Korean menus made for
this benchmark in ``bench/menus/``): each option phrase and each option's digit word,
and out-of-menu sentences, spoken by espeak-ng in five voice/rate variants, are
recognised at their node with the recogniser of ``voices.asr`` and given to the call
engine. Prints, per menu and overall, the share of in-menu answers routed to the right
option, to a wrong option and rejected, the share of out-of-menu sentences accepted,
the same figures for the best hypothesis alone and for the design used before (filler
syllables as a garbage model, word confidence floor 0.5, half the speech in the
grammar), the curve as the rejection setting (``voices.asr.DEFAULT_FLOOR``: the share
of the speech an answer must fill) moves, a grid of alternatives and margins, the most
confused pairs of phrases, and how often the right words were decoded at all.

Audio is rendered into the voice cache (``IVR_VOICE_CACHE``) and vosk's alternatives
are kept beside it (``asr-bench.json``, by audio, model and grammar), so a rerun
takes seconds; a changed phrase, voice or model is recognised afresh.

Run: ``.venv/bin/python bench/asr_accuracy.py``
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivr.engine import Call
from ivr.loader import load_menu
from ivr.model import Menu, MenuNode
from ivr.speech import digit_words, normalize, phrase_in
from voices.asr import (
    DEFAULT_FLOOR,
    UNKNOWN,
    Grammar,
    Hypothesis,
    Word,
    best_answer,
    decode_alternatives,
    decode_words,
    find_model,
    grammar_for,
    load_model,
)
from voices.audio import read_audio
from voices.tts import VoiceCache, VoiceSettings

ROOT = Path(__file__).resolve().parents[1]
MENUS = (
    ROOT / "menus" / "ko-clinic.yaml",
    ROOT / "bench" / "menus" / "ko-bank.yaml",
    ROOT / "bench" / "menus" / "ko-delivery.yaml",
    ROOT / "bench" / "menus" / "ko-survey.yaml",
)

# Five espeak-ng voices and rates: the default voice slow, normal and fast, and two variants.
VARIANTS = (
    VoiceSettings("ko", "ko", 150),
    VoiceSettings("ko", "ko", 120),
    VoiceSettings("ko", "ko", 185),
    VoiceSettings("ko", "ko+f3", 150),
    VoiceSettings("ko", "ko+m3", 135),
)

# Sentences no menu here offers, asked at every node of every menu.
OUT_OF_MENU = (
    "오늘 날씨가 좋네요",
    "지하철역이 어디예요",
    "바나나 주세요",
    "저녁 뭐 먹을까",
    "내일 비가 온대요",
    "커피 한 잔 주세요",
    "아이가 학교에 갔어요",
    "음악을 좀 틀어 주세요",
    "주말에 영화 보러 가요",
    "여보세요 들리세요",
)
# Near misses: what a caller of that line might ask for that it does not offer.
NEAR_MISSES = {
    "ko-clinic": ("주차장은 어디예요", "약국 전화번호 알려 주세요"),
    "ko-bank": ("주식을 사고 싶어요", "보험 가입하려고요"),
    "ko-delivery": ("음식 주문할게요", "우체국이요"),
    "ko-survey": ("잘 모르겠어요", "다음에 할게요"),
}
ALTERNATIVES = 5  # vosk alternatives decoded, for the grid below
GRID_MARGIN = 3.0
# (floor, alternatives, margin) tried beside the chosen setting (1 alternative: recognise)
GRID = (
    (0.7, 1, 0.0),
    (0.7, 2, 1.0),
    (0.7, 3, 2.0),
    (0.7, 5, 3.0),
    (0.7, 5, 10.0),
    (0.8, 3, 2.0),
    (0.8, 5, 3.0),
    (0.8, 5, 10.0),
)
FLOORS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
BEFORE_WORD_FLOOR = 0.5
BEFORE_MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Answer:
    """One thing a caller says at one node; ``key`` is the option it means (None: none)."""

    menu: str
    node: str
    text: str
    key: str | None


def menu_answers(menu: Menu, near_misses: Iterable[str] = ()) -> list[Answer]:
    """Every in-menu answer (phrases and digit words) and out-of-menu sentence of ``menu``."""
    digits = digit_words(menu.hotline.default_language)
    answers: list[Answer] = []
    for node in menu.nodes.values():
        if not isinstance(node, MenuNode) or "speech" not in node.input_modes:
            continue
        for option in node.options:
            said = [normalize(p) for p in option.phrases]
            if option.key.isdigit() and len(option.key) == 1:
                said.append(digits[int(option.key)])
            answers += [Answer(menu.name, node.id, text, option.key) for text in said if text]
        answers += [Answer(menu.name, node.id, t, None) for t in (*OUT_OF_MENU, *near_misses)]
    return answers


@dataclass(frozen=True)
class Trial:
    """One answer in one voice: the answer, vosk's alternatives for it, and the text the
    previous design would have accepted."""

    answer: Answer
    variant: VoiceSettings
    grammar: Grammar
    hypotheses: list[Hypothesis]
    before: str


class WordCache:
    """Recognised words by (audio, model, grammar), kept in a JSON file beside the audio."""

    def __init__(self, path: Path, model_folder: Path) -> None:
        self.path = path
        self.model = str(model_folder)
        self.entries: dict[str, list] = (
            json.loads(path.read_text("utf-8")) if path.is_file() else {}
        )

    def words(self, wav: Path, entries: list[str], grammar: Grammar, model) -> tuple[Word, ...]:
        """The words of ``wav`` under the vosk grammar ``entries``: cached, else decoded now."""
        key = self._key(wav, entries, "words")
        if key not in self.entries:
            decoded = decode_words(read_audio(wav), entries, grammar, model)
            self.entries[key] = [[w.word, w.confidence, w.start, w.end] for w in decoded]
        return tuple(Word(*row) for row in self.entries[key])

    def alternatives(self, wav: Path, grammar: Grammar, model) -> list[Hypothesis]:
        """vosk's alternatives for ``wav`` in ``grammar``: cached, else decoded now."""
        entries = grammar.entries()
        key = self._key(wav, entries, f"alternatives {ALTERNATIVES}")
        if key not in self.entries:
            found = decode_alternatives(read_audio(wav), entries, grammar, model, ALTERNATIVES)
            self.entries[key] = [
                [h.score, [[w.word, w.confidence, w.start, w.end] for w in h.words]] for h in found
            ]
        return [
            Hypothesis(score, tuple(Word(*row) for row in words))
            for score, words in self.entries[key]
        ]

    def _key(self, wav: Path, entries: list[str], kind: str) -> str:
        spec = [wav.name, self.model, entries] + ([kind] if kind != "words" else [])
        return hashlib.sha256(json.dumps(spec, ensure_ascii=False).encode("utf-8")).hexdigest()

    def save(self) -> None:
        """Write the cache file."""
        self.path.write_text(json.dumps(self.entries, ensure_ascii=False), "utf-8")


def before(words: tuple[Word, ...], grammar: Grammar) -> str:
    """What the previous design accepted: non-filler words over the confidence floor, when
    they fill at least half the speech."""
    accepted = [
        w
        for w in words
        if w.word not in grammar.fillers and w.word != UNKNOWN and w.confidence >= BEFORE_WORD_FLOOR
    ]
    total = sum(w.end - w.start for w in words)
    covered = sum(w.end - w.start for w in accepted)
    share = covered / total if total > 0 else float(bool(accepted))
    return " ".join(w.word for w in accepted) if share >= BEFORE_MIN_COVERAGE else ""


def run_trials(cache: VoiceCache, words: WordCache, model) -> tuple[dict[str, Menu], list[Trial]]:
    """Render and recognise every answer of every menu in every variant."""
    menus: dict[str, Menu] = {}
    trials: list[Trial] = []
    for path in MENUS:
        menu = load_menu(path)
        menus[menu.name] = menu
        grammars: dict[str, Grammar] = {}
        for answer in menu_answers(menu, NEAR_MISSES.get(menu.name, ())):
            grammar = grammars.setdefault(answer.node, grammar_for(model, menu, answer.node, "ko"))
            for variant in VARIANTS:
                wav = cache.render(answer.text, variant).path
                hypotheses = words.alternatives(wav, grammar, model)
                old = words.words(wav, [*grammar.entries(), *grammar.fillers], grammar, model)
                trials.append(Trial(answer, variant, grammar, hypotheses, before(old, grammar)))
    return menus, trials


def option_words(menu: Menu, answer: Answer) -> list[str]:
    """The phrases and the digit word that choose the option ``answer`` means."""
    node = menu.nodes[answer.node]
    assert isinstance(node, MenuNode) and answer.key is not None
    option = node.option(answer.key)
    assert option is not None
    digits = digit_words(menu.hotline.default_language)
    spoken = [digits[int(option.key)]] if option.key.isdigit() and len(option.key) == 1 else []
    return [normalize(p) for p in option.phrases] + spoken


def routed(menu: Menu, answer: Answer, text: str) -> str | None:
    """The option key the engine chooses for ``text`` at the answer's node (None: no-match)."""
    step = Call.resume(menu, answer.node, lang="ko").speak(text)
    return step.matched if step.kind == "matched" else None


@dataclass
class Tally:
    """Outcomes of in-menu answers and out-of-menu sentences."""

    right: int = 0
    wrong: int = 0
    rejected: int = 0
    outside: int = 0
    accepted_outside: int = 0

    def add(self, expected: str | None, chosen: str | None) -> None:
        """Count one outcome."""
        if expected is None:
            self.outside += 1
            self.accepted_outside += chosen is not None
        elif chosen == expected:
            self.right += 1
        elif chosen is None:
            self.rejected += 1
        else:
            self.wrong += 1

    def row(self, label: str) -> str:
        """One line of the table."""
        asked = max(1, self.right + self.wrong + self.rejected)
        return (
            f"  {label:<22} {self.right / asked:>6.0%} {self.wrong / asked:>6.0%} "
            f"{self.rejected / asked:>6.0%} {self.accepted_outside / max(1, self.outside):>9.0%}"
            f"   ({self.right + self.wrong + self.rejected} in, {self.outside} out)"
        )


HEADER = f"  {'':<22} {'right':>6} {'wrong':>6} {'reject':>6} {'out acc.':>9}"


def tallies(
    menus: dict[str, Menu], trials: list[Trial], text_of: Callable[[Trial], str]
) -> tuple[dict[str, Tally], Tally, Counter]:
    """Tallies per menu and overall for the texts ``text_of`` accepts, and the confusions."""
    per_menu: dict[str, Tally] = {}
    overall = Tally()
    confused: Counter = Counter()
    routes: dict[tuple[str, str, str], str | None] = {}
    for trial in trials:
        answer = trial.answer
        text = text_of(trial)
        where = (answer.menu, answer.node, text)
        if where not in routes:
            routes[where] = routed(menus[answer.menu], answer, text) if text else None
        chosen = routes[where]
        per_menu.setdefault(answer.menu, Tally()).add(answer.key, chosen)
        overall.add(answer.key, chosen)
        if answer.key is not None and chosen not in (None, answer.key):
            confused[(answer.menu, answer.node, answer.text, text)] += 1
    return per_menu, overall, confused


def main() -> None:
    started = time.perf_counter()
    cache = VoiceCache()
    model = load_model()
    words = WordCache(cache.root / "asr-bench.json", find_model())
    menus, trials = run_trials(cache, words, model)
    words.save()
    took = time.perf_counter() - started
    voices = ", ".join(f"{v.voice}@{v.rate}" for v in VARIANTS)
    print(f"{len(trials)} utterances ({voices}) from {len(menus)} menus in {took:.1f} s")

    def chosen(
        floor: float = DEFAULT_FLOOR, alternatives: int = 1, margin: float = 0.0
    ) -> Callable[[Trial], str]:
        return lambda t: from_alternatives(t, floor, alternatives, margin)

    title = f"Now: phrase-level acceptance, the answer fills >= {DEFAULT_FLOOR:.0%} of the speech"
    confused = print_table(menus, trials, title, chosen())
    print_table(
        menus,
        trials,
        f"Also trying vosk's next {ALTERNATIVES - 1} alternatives within {GRID_MARGIN:g}",
        chosen(alternatives=ALTERNATIVES, margin=GRID_MARGIN),
    )
    print_table(
        menus,
        trials,
        "Before: filler syllables, word confidence >= 0.5, half the speech in the grammar",
        lambda t: t.before,
    )
    print("\nCurve: the share of the speech an answer must fill (all menus)")
    print(HEADER)
    for floor in FLOORS:
        print(tallies(menus, trials, chosen(floor))[1].row(f"floor {floor:.1f}"))
    print("\nAlternatives and margin (all menus)")
    print(HEADER)
    for floor, alternatives, margin in GRID:
        label = f"{floor:.1f}, {alternatives} alt. <= {margin:g}"
        print(tallies(menus, trials, chosen(floor, alternatives, margin))[1].row(label))
    print(f"\nMost confused (said -> heard, of {len(VARIANTS)} voices), now")
    for (menu, node, said, heard), count in confused.most_common(6):
        print(f"  {menu} {node}: {said} -> {heard} ({count})")
    in_menu = [t for t in trials if t.answer.key is not None]

    def decoded_in(hypotheses: Callable[[Trial], list[Hypothesis]]) -> float:
        found = sum(
            any(
                phrase_in(said, decoded_text(h))
                for said in option_words(menus[t.answer.menu], t.answer)
                for h in hypotheses(t)
            )
            for t in in_menu
        )
        return found / len(in_menu)

    print(
        "\nCeiling: a phrase or the digit of the right option is among the decoded words for "
        f"{decoded_in(lambda t: t.hypotheses[:1]):.0%} of in-menu answers (best sequence), "
        f"{decoded_in(lambda t: t.hypotheses):.0%} (any of {ALTERNATIVES} alternatives)"
    )
    unheard = Counter(
        (t.answer.menu, t.answer.node, t.answer.text)
        for t in in_menu
        if not any(phrase_in(t.answer.text, decoded_text(h)) for h in t.hypotheses)
    )
    hard = dict.fromkeys(f"{text} ({menu})" for (menu, _, text), n in unheard.items() if n >= 3)
    print(f"Not decoded in 3 or more of the {len(VARIANTS)} voices (the voice/model limit):")
    print("  " + ", ".join(hard))


def from_alternatives(trial: Trial, floor: float, alternatives: int, margin: float) -> str:
    """The answer ``voices.asr.recognise`` accepts from the best word sequence, or, trying
    vosk's next ``alternatives`` within ``margin`` of the best one's score, from the first
    of them whose longest grammar entry fills ``floor`` of the speech."""
    hypotheses = trial.hypotheses
    for hypothesis in hypotheses[:alternatives]:
        if hypotheses[0].score - hypothesis.score > margin:
            break
        best, share = best_answer(hypothesis.words, trial.grammar)
        if best is not None and share >= floor:
            return best.text
    return ""


def decoded_text(hypothesis: Hypothesis) -> str:
    """The words of one alternative, as text."""
    return " ".join(w.word for w in hypothesis.words)


def print_table(
    menus: dict[str, Menu], trials: list[Trial], title: str, text_of: Callable[[Trial], str]
) -> Counter:
    """Print one design's table, per menu and overall; return its confusions."""
    per_menu, overall, confused = tallies(menus, trials, text_of)
    print(f"\n{title}")
    print(HEADER)
    for name, tally in per_menu.items():
        print(tally.row(name))
    print(overall.row("all"))
    return confused


if __name__ == "__main__":
    main()
