"""IVR303 missing-option."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode
from ivr.prompt_text import named_keys


class MissingOption(Rule):
    """The prompt names a key that is not an option.

    What: reads the menu prompt in every language of the hotline for keys the
    caller is told to press ("press 3", "tekan 3", "3번", "press three") and
    checks each is an option of the menu (an extension is one when a digit
    pattern of the menu matches it).

    Why it hurts callers: the caller does what the line says and hears
    "invalid choice"; after the retries they may be hung up on.

    Failing example:
        prompt: {en: "For sales, press 1. For help, press 3.", id: "..."}
        options: {"1": sales, "2": help}

    Fix: make the prompt and the options agree, in every language.
    """

    code = "IVR303"
    name = "missing-option"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(MenuNode):
            keys = {o.key for o in node.options}
            for lang, text in ctx.texts(node).items():
                missing = sorted(k for k in named_keys(text) - keys if not node.chosen_by(k))
                if missing:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'the prompt of "{node.id}" ({lang}) names key'
                        f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
                        f"which {'are' if len(missing) > 1 else 'is'} not an "
                        f"option (options: {', '.join(sorted(keys))})",
                    )


RULE = MissingOption
