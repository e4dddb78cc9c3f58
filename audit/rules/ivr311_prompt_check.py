"""IVR311 prompt-check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode, Option, SpokenOption
from ivr.prompt_audio import prompt_audio_file
from ivr.prompt_text import named_keys, says_phrase
from ivr.recordings import (
    ListenerUnavailable,
    PromptListener,
    RecordingUnreadable,
    prompt_listener,
)
from ivr.speech import digit_words, normalize, phrase_in


class PromptCheck(Rule):
    """A recorded prompt that does not say what its text claims.

    What: transcribes every recorded menu prompt (`{audio: file.wav, text: ...}`)
    with vosk, restricted to the menu's grammar (its option phrases, the digits
    as words, unknown speech), and checks that each option the text names is
    heard: by the option's phrase where the text uses one, else by its key
    spoken as a digit word; a spoken option (`spoken:`, chosen by voice only)
    by the phrases of it the text says (read as IVR310 reads them: whole words,
    in Korean with a particle written on, 예약은 says 예약). A recording that is
    missing or cannot be read is reported too (a missing one before any speech model is loaded). The
    recogniser is a hook (`ivr.recordings`: the speech package's vosk
    listener); without one, or without its model, the recordings are not
    checked (an info finding says so).

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
        recorded = [
            (node, node.prompt.audio)
            for node in ctx.nodes(MenuNode)
            if isinstance(node, MenuNode) and node.prompt.audio
        ]
        present = []
        for node, audio in recorded:  # a missing file needs no speech model to be noticed
            path = prompt_audio_file(ctx.menu, audio)
            if path is not None:
                present.append((node, audio, path))
            else:
                yield self.finding(
                    ctx,
                    node.id,
                    f'the recorded prompt of "{node.id}" cannot be checked: {audio}: no such file',
                )
        if not present:
            return
        try:
            listener = prompt_listener()
        except ListenerUnavailable as exc:
            yield self.finding(
                ctx, present[0][0].id, f"recorded prompts not checked: {exc}", severity="info"
            )
            return
        for node, audio, path in present:
            problem = self._problem(ctx, node, audio, path, listener)
            if problem:
                yield self.finding(ctx, node.id, problem)

    def _problem(
        self, ctx: Context, node: MenuNode, audio_file: str, path: Path, listener: PromptListener
    ) -> str | None:
        """What is wrong with the recording ``audio_file`` of ``node`` (None when it says
        what its text claims)."""
        lang = ctx.menu.hotline.default_language
        text = node.prompt.text(lang, lang)
        try:
            said = listener.hear(
                path,
                audio_file,
                ctx.menu,
                node.id,
                lang,
                self.settings["confidence_floor"],
            )
        except RecordingUnreadable as exc:
            return f'the recorded prompt of "{node.id}" cannot be checked: {exc}'
        keyed: list[str] = []
        spoken: list[str] = []
        for option in node.choices:
            evidence = [e for e in self._evidence(option, text, lang) if listener.knows(e)]
            if evidence and not any(phrase_in(e, said) for e in evidence):
                if isinstance(option, Option):
                    keyed.append(f'{option.key} ("{evidence[0]}")')
                else:
                    spoken.append(f'{option.name} ("{evidence[0]}")')
        if not keyed and not spoken:
            return None
        unsaid = " and ".join(
            f"{what}{'s' if len(names) > 1 else ''} {', '.join(names)}"
            for what, names in (("option", keyed), ("spoken option", spoken))
            if names
        )
        return (
            f'the recording {audio_file} of "{node.id}" does not say {unsaid} that its text '
            f"names; heard: {said or 'nothing of the menu grammar'}"
        )

    @staticmethod
    def _evidence(option: Option | SpokenOption, text: str, lang: str) -> list[str]:
        """What the recording must contain for ``option``: the phrases its text says
        (``says_phrase``: Korean "예약은" says 예약), else the key as digit words (nothing
        when the text does not name the option; a spoken option has no key)."""
        phrases = [normalize(p) for p in option.phrases if says_phrase(text, p)]
        if phrases or isinstance(option, SpokenOption):
            return phrases
        if option.key in named_keys(text) and option.key.isdigit():
            words = digit_words(lang)
            return [" ".join(words[int(digit)] for digit in option.key)]
        return []


RULE = PromptCheck
