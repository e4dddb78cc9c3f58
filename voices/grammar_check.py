"""Early warnings about a menu's speech grammar (``ivr validate --speech``).

Two things make an option hard to say, and both can be known before a caller tries:

- a phrase with a word the installed speech model does not have: it can never be
  heard (``Grammar.missing``);
- two options whose phrases sound alike: each phrase is spoken by the menu's own
  text-to-speech voice and recognised at its node with the recogniser callers meet
  (``voices.asr.recognise``); a phrase heard as another option's phrase or digit is
  reported with both. ``bench/asr_accuracy.py`` finds its most confused pairs
  the same way, over five voices.

Keyed options and spoken options (``spoken:``, chosen by voice only) are checked alike;
a spoken option is named by its name (``spoken option "agent"``), a keyed one by its key.

Each warning names the option's ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ivr.errors import MenuError
from ivr.model import Menu, MenuNode, Option, SpokenOption
from ivr.speech import digit_words, normalize
from voices.asr import grammar_for, in_vocabulary, recognise
from voices.audio import read_audio
from voices.tts import SpeechError, VoiceCache, voice_for


def speech_warnings(menu: Menu, model, cache: VoiceCache | None = None) -> list[MenuError]:
    """Phrases of ``menu`` the model cannot hear, and phrases heard as another option's.

    Phrases are spoken by the voice of the hotline's first language.
    """
    cache = cache if cache is not None else VoiceCache()
    warnings: list[MenuError] = []
    for node in menu.nodes.values():
        if not isinstance(node, MenuNode) or "speech" not in node.input_modes:
            continue
        lang = menu.hotline.default_language
        warnings += _unknown_words(menu, node, lang, model)
        warnings += _sound_alike(menu, node, lang, model, cache)
    return warnings


Choice = Option | SpokenOption


def _warning(node: MenuNode, option: Choice, message: str) -> MenuError:
    where = option.location or node.location
    return MenuError(where.file, where.line, where.col, message, "warning")


def _label(option: Choice) -> str:
    """How a warning names ``option``: its key, or a spoken option's name."""
    if isinstance(option, SpokenOption):
        return f'spoken option "{option.name}"'
    return f'option "{option.key}"'


def _unknown_words(menu: Menu, node: MenuNode, lang: str, model) -> Iterator[MenuError]:
    grammar = grammar_for(model, menu, node.id, lang)
    for option in node.choices:
        phrases = [p for p in option.phrases if normalize(p) in grammar.missing]
        if not phrases:
            continue
        words = {w for p in phrases for w in normalize(p).split() if not in_vocabulary(model, w)}
        quoted = ", ".join(f'"{p}"' for p in phrases)
        yield _warning(
            node,
            option,
            f'{_label(option)} of "{node.id}": the speech model cannot hear {quoted} '
            f"(not in its vocabulary: {', '.join(sorted(words))})",
        )


def _sound_alike(
    menu: Menu, node: MenuNode, lang: str, model, cache: VoiceCache
) -> Iterator[MenuError]:
    grammar = grammar_for(model, menu, node.id, lang)
    owner = _owners(node, lang)
    settings = voice_for(menu.hotline, lang)
    for option in node.choices:
        for phrase in dict.fromkeys(normalize(p) for p in option.phrases):
            if phrase not in grammar.phrases:
                continue
            try:
                audio = read_audio(cache.render(phrase, settings).path)
            except SpeechError:
                return
            heard = recognise(audio, grammar, model).text
            other = owner.get(heard)
            if other is not None and other is not option:
                yield _warning(
                    node,
                    option,
                    f'{_pair(option, other)} of "{node.id}" sound alike: '
                    f'"{phrase}", spoken by the {settings.voice} voice, is heard as "{heard}"',
                )


def _pair(option: Choice, other: Choice) -> str:
    """Two options named together: ``options "2" and "0"``, or with a spoken one's name."""
    if isinstance(option, Option) and isinstance(other, Option):
        return f'options "{option.key}" and "{other.key}"'
    return f"{_label(option)} and {_label(other)}"


def _owners(node: MenuNode, lang: str) -> dict[str, Choice]:
    """Which option each phrase and digit word of ``node`` chooses (a spoken option has
    phrases only)."""
    digits = digit_words(lang)
    owner: dict[str, Choice] = {}
    for option in node.choices:
        if isinstance(option, Option) and option.key.isdigit() and len(option.key) == 1:
            owner.setdefault(digits[int(option.key)], option)
        for phrase in option.phrases:
            owner.setdefault(normalize(phrase), option)
    return owner
