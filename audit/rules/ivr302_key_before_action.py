"""IVR302 key-before-action."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode
from ivr.prompt_text import key_before_action


class KeyBeforeAction(Rule):
    """A prompt says the key before the action: "press 1 for billing".

    What: sentences of menu prompts, in every language, that start with
    "press N for/to ..." ("tekan N untuk ...").

    Why it hurts callers: the caller has to hold the number in memory until
    they know whether they want the action; "for billing, press 1" lets them
    ignore every option but theirs. ISO/IEC 13714 words options "To ..., press N".

    Failing example:
        prompt: "Press 1 for product information. Press 2 for promotions."

    Fix: "For product information, press 1. For promotions, press 2."
    """

    code = "IVR302"
    name = "key-before-action"
    severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(MenuNode):
            for lang, text in ctx.texts(node).items():
                keys = key_before_action(text)
                if keys:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'the prompt of "{node.id}" ({lang}) says the key before '
                        f"the action for key{'s' if len(keys) > 1 else ''} "
                        f'{", ".join(keys)}: say "for X, press N"',
                    )
                    break


RULE = KeyBeforeAction
