"""IVR304 speech-only-menu."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode


class SpeechOnlyMenu(Rule):
    """A menu accepts speech only, with no keypad fall-back.

    What: a menu whose ``input`` is ``speech`` without ``dtmf``, or whose only options are
    spoken ones (``spoken:``, chosen by voice only: no key chooses anything).

    Why it hurts callers: GetHuman standard 5: callers in noisy places, with
    accents the recogniser does not know, or who cannot speak freely need keys.

    Failing example:
        main: {menu: {input: speech, prompt: "Say billing or sales."}}

    Fix: ``input: dtmf speech`` and name the keys in the prompt.
    """

    code = "IVR304"
    name = "speech-only-menu"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(MenuNode):
            if "dtmf" not in node.input_modes:
                yield self.finding(
                    ctx, node.id, f'menu "{node.id}" accepts speech only: no keypad fall-back'
                )
            elif node.spoken and not node.options:
                yield self.finding(
                    ctx,
                    node.id,
                    f'menu "{node.id}" has spoken options only: no key chooses anything, '
                    "no keypad fall-back",
                )


RULE = SpeechOnlyMenu
