"""IVR110 forced-language-menu."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode


class ForcedLanguageMenu(Rule):
    """The first menu is a language choice.

    What: the first menu callers meet has at least two options that switch
    the language, and more of those than other options.

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
        first = ctx.first_menu
        node = ctx.menu.nodes.get(first) if first else None
        if not isinstance(node, MenuNode) or len(node.options) < 2:
            return
        switches = ctx.option_lang_switches(node)
        if len(switches) >= 2 and len(switches) > len(node.options) - len(switches):
            langs = ", ".join(dict.fromkeys(o.lang for o in node.options if o.lang))
            yield self.finding(
                ctx,
                node.id,
                f'callers must choose a language ({langs}) in "{node.id}" before anything else',
            )


RULE = ForcedLanguageMenu
