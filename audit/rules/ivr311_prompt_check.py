"""IVR311 prompt-check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode, Option
from ivr.prompt_text import named_keys
from ivr.speech import digit_words, normalize, phrase_in


class PromptCheck(Rule):
    """A recorded prompt that does not say what its text claims.

    What: transcribes every recorded menu prompt (`{audio: file.wav, text: ...}`)
    with vosk, restricted to the menu's grammar (its option phrases, the digits
    as words, unknown speech), and checks that each option the text names is
    heard: by the option's phrase where the text uses one, else by its key
    spoken as a digit word. A recording that cannot be read is reported too.
    Without a speech model the recordings are not checked (an info finding
    says so).

    Why it hurts callers: the text is what reviewers and auditors read, the
    recording is what callers hear. When a recording predates a change
    ("for results, press 2" added to the text but never re-recorded), callers
    are never told about the option, and the audit of the text is wrong.

    Failing example:
        prompt: {audio: voices/main.wav, text: "예약은 1번, 검사는 2번을 누르세요."}
        # voices/main.wav says only "예약은 1번을 누르세요."

    Fix: re-record the prompt from its current text (`ivr voices render`
    makes a synthetic stand-in), or correct the text to what the recording says.
    """

    code = "IVR311"
    name = "prompt-check"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"confidence_floor": 0.5}

    def check(self, ctx: Context) -> Iterator[Finding]:
        recorded = [node for node in ctx.nodes(MenuNode) if node.prompt.audio]
        if not recorded:
            return
        from voices.asr import ModelNotFound, load_model

        try:
            model = load_model()
        except ModelNotFound as exc:
            yield self.finding(
                ctx, recorded[0].id, f"recorded prompts not checked: {exc}", severity="info"
            )
            return
        for node in recorded:
            problem = self._problem(ctx, node, model)
            if problem:
                yield self.finding(ctx, node.id, problem)

    def _problem(self, ctx: Context, node: MenuNode, model) -> str | None:
        """What is wrong with the recording of ``node`` (None when it says what it claims)."""
        from voices.asr import grammar_for, in_vocabulary, recognise
        from voices.audio import AudioError, read_audio

        lang = ctx.menu.hotline.default_language
        text = node.prompt.text(lang, lang)
        audio_file = node.prompt.audio
        try:
            audio = read_audio(
                Path(ctx.menu.path).parent / audio_file, max_seconds=600, name=audio_file
            )
        except AudioError as exc:
            return f'the recorded prompt of "{node.id}" cannot be checked: {exc}'
        heard = recognise(
            audio,
            grammar_for(model, ctx.menu, node.id, lang),
            model,
            floor=self.settings["confidence_floor"],
        )
        said = " ".join(word.word for word in heard.accepted_words)
        missing = []
        for option in node.options:
            evidence = [e for e in self._evidence(option, text, lang) if in_vocabulary(model, e)]
            if evidence and not any(phrase_in(e, said) for e in evidence):
                missing.append(f'{option.key} ("{evidence[0]}")')
        if not missing:
            return None
        return (
            f'the recording {audio_file} of "{node.id}" does not say option'
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} that its text "
            f"names; heard: {said or 'nothing of the menu grammar'}"
        )

    @staticmethod
    def _evidence(option: Option, text: str, lang: str) -> list[str]:
        """What the recording must contain for ``option``: the phrases its text uses (at the
        start of a word: Korean "예약은" uses 예약), else the key as digit words (nothing
        when the text does not name the option)."""
        written = normalize(text)
        phrases = [
            normalize(p)
            for p in option.phrases
            if normalize(p) and re.search(rf"(?<!\w){re.escape(normalize(p))}", written)
        ]
        if phrases:
            return phrases
        if option.key in named_keys(text) and option.key.isdigit():
            words = digit_words(lang)
            return [" ".join(words[int(digit)] for digit in option.key)]
        return []


RULE = PromptCheck
