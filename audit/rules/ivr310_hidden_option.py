"""IVR310 hidden-option."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode
from ivr.prompt_text import named_keys, says_phrase


class HiddenOption(Rule):
    """An option the prompt does not name: a key never named, or a spoken option never said.

    What: reads the menu prompt in every language of the hotline and lists
    option keys it never tells the caller to press (an option switching to
    the prompt's own language need not be named in it, nor need extension
    dialling: a pattern like ``2XXX`` and the keys it covers), and spoken
    options (``spoken:``, chosen by voice only) none of whose phrases it says
    (as whole words, quoted or not; in Korean with a particle written onto the
    word: 예약이라고 says 예약, as IVR311 reads it too).

    Why it hurts callers: a hidden option helps only those who already know
    it; in a language where it is not read out, its callers are left out.

    Failing example:
        prompt: {en: "For sales, press 1.", id: "Untuk penjualan, tekan 1. Untuk agen, tekan 0."}
        options: {"0": agent, "1": sales}     # English callers never hear of 0

    Fix: name every option in every language, or remove options nobody should use.
    """

    code = "IVR310"
    name = "hidden-option"
    severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(MenuNode):
            if node.spoken:
                yield from self._unsaid(ctx, node)
            if "dtmf" not in node.input_modes:
                continue  # keys cannot be pressed: a speech menu names phrases, not keys
            for lang, text in ctx.texts(node).items():
                named = named_keys(text)
                hidden = [
                    o.key
                    for o in node.options
                    if o.key not in named
                    and not (o.lang and o.lang == lang)
                    and o.key not in node.extensions
                ]
                if hidden:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'the prompt of "{node.id}" ({lang}) does not name key'
                        f"{'s' if len(hidden) > 1 else ''} {', '.join(hidden)}",
                    )

    def _unsaid(self, ctx: Context, node: MenuNode) -> Iterator[Finding]:
        """Spoken options none of whose phrases the prompt says, in each language."""
        for lang, text in ctx.texts(node).items():
            unsaid = [
                o.name
                for o in sorted(node.spoken, key=lambda o: o.name)
                if not (o.lang and o.lang == lang)
                and not any(says_phrase(text, phrase) for phrase in o.phrases)
            ]
            if unsaid:
                yield self.finding(
                    ctx,
                    node.id,
                    f'the prompt of "{node.id}" ({lang}) never says the words of spoken '
                    f"option{'s' if len(unsaid) > 1 else ''} {', '.join(unsaid)}",
                )


RULE = HiddenOption
