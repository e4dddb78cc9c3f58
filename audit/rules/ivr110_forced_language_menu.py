"""IVR110 forced-language-menu."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode

SPECIAL_KEYS = ("0", "*", "#")


class ForcedLanguageMenu(Rule):
    """The first menu is a language choice.

    What: the first menu callers meet is a language choice and nothing
    else: at least two options (keyed or spoken) switch the language and every
    other option is a special key (``0`` for a person, ``*``, ``#``). A first menu that
    also offers real choices is a menu with a language key, not a forced
    language question.

    Why it hurts callers: every caller, most of whom speak the default
    language, must answer a question before anything else; GetHuman standard 9
    says the default language follows the callers' demographics and other
    languages are a key away, not a forced first menu.

    Failing example:
        language: {menu: {prompt: "Untuk Bahasa Indonesia, tekan 1. For English, press 2.",
                          options: {"1": {goto: main, lang: id}, "2": {goto: main, lang: en}}}}

    Fix: start in the callers' main language and offer the others inside the
    first real menu ("For English, press 9").
    """

    code = "IVR110"
    name = "forced-language-menu"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for first in ctx.first_menus:
            node = ctx.menu.nodes[first]
            if isinstance(node, MenuNode) and len(node.choices) >= 2:
                yield from self._forced(ctx, node)

    def _forced(self, ctx: Context, node: MenuNode) -> Iterator[Finding]:
        switches = [o for o in node.choices if o.lang]  # keyed or spoken ("say English")
        others = [o.key for o in node.options if not o.lang and o.key not in SPECIAL_KEYS]
        others += [o.name for o in node.spoken if not o.lang]
        if len(switches) >= 2 and not others:
            langs = ", ".join(dict.fromkeys(o.lang for o in switches if o.lang))
            yield self.finding(
                ctx,
                node.id,
                f'callers must choose a language ({langs}) in "{node.id}" before anything else',
            )


RULE = ForcedLanguageMenu
