"""IVR309 filler-phrase."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Node
from ivr.prompt_text import phrase_in_normalized
from ivr.speech import normalize

TEXT_ATTRIBUTES = ("prompt", "message")


class FillerPhrase(Rule):
    """A prompt wastes the caller's time with a stock phrase.

    What: prompts and hold messages containing one of ``phrases`` ("your call
    is important to us", "our menu options have changed", "please listen
    carefully" and their Indonesian and Korean forms).

    Why it hurts callers: these phrases add seconds to every call and tell
    the caller nothing; "your call is important to us" during a long wait
    reads as mockery.

    Failing example:
        welcome: {say: "Your call is important to us. Our menu options have changed."}

    Fix: delete the phrase; say something that helps (the estimated wait, a
    web address for a common question).
    """

    code = "IVR309"
    name = "filler-phrase"
    severity = "info"
    options: ClassVar[dict[str, Any]] = {
        "phrases": [
            "your call is important to us",
            "our menu options have changed",
            "please listen carefully",
            "listen carefully as our options",
            "panggilan anda sangat penting",
            "pilihan menu kami telah berubah",
            "dengarkan baik-baik",
            "dengarkan dengan seksama",
            "고객님의 전화는 소중합니다",
            "메뉴가 변경되었습니다",
            "잘 들어 주시기 바랍니다",
        ]
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        phrases = {phrase: normalize(phrase) for phrase in self.settings["phrases"]}
        # a quick look before normalising: each phrase's longest word must be in the text
        hints = {max(wanted.split(), key=len) for wanted in phrases.values() if wanted}
        hinted = re.compile("|".join(map(re.escape, sorted(hints)))).search if hints else None
        for node in ctx.nodes(Node):
            found: dict[str, str] = {}
            for attribute in TEXT_ATTRIBUTES:
                for lang, text in ctx.texts(node, attribute).items():
                    if hinted is None or hinted(text.casefold()) is None:  # one scan for all
                        continue
                    said = normalize(text)
                    for phrase, wanted in phrases.items():
                        if phrase_in_normalized(wanted, said):
                            found.setdefault(phrase, lang)
            if found:
                listed = ", ".join(f'"{p}" ({lang})' for p, lang in found.items())
                yield self.finding(ctx, node.id, f'"{node.id}" uses filler: {listed}')


RULE = FillerPhrase
