"""IVR101 no-human-escape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode
from ivr.speech import normalize


class NoHumanEscape(Rule):
    """A menu offers no ``0`` / "agent" route to a person.

    What: every menu a caller can reach must have an option on the escape key
    (``0`` by default) or an "agent"/"operator" phrase (of a keyed or a spoken
    option) whose target can lead to
    a human endpoint, the way the engine walks it (a transfer with
    ``human: false`` hands the call to another system and ends the route,
    unless that system hands the call back: ``returns_to``)
    and without going back to a menu that leads here ("press 0 for the main
    menu" is no escape). Error at the first menu, warning elsewhere.

    Why it hurts callers: GetHuman standard 1 and ISO/IEC 13714 make ``0``
    the way to a person. A caller whose problem fits no option is trapped in
    the menus, and many hang up and never call back.

    Failing example:
        main: {menu: {prompt: "Press 1 for products.", options: {"1": products}}}

    Fix: add ``"0": {goto: agent, say: [agent, operator]}`` to every menu and
    say "To speak to an agent, press 0" in its prompt.
    """

    code = "IVR101"
    name = "no-human-escape"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {
        "keys": ["0"],
        "words": [
            "agent",
            "operator",
            "human",
            "person",
            "representative",
            "agen",
            "petugas",
            "상담원",
            "상담사",
        ],
        "first_menu_severity": "error",
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        words = {normalize(w) for w in self.settings["words"]}
        for node in ctx.nodes(MenuNode, reachable_only=True):
            if any(
                self._escapes(opt, words) and ctx.escapes_to_person(node.id, opt.goto)
                for opt in node.choices
            ):
                continue
            first = node.id in ctx.first_menus
            yield self.finding(
                ctx,
                node.id,
                f'menu "{node.id}" has no {"/".join(self.settings["keys"])} or "agent" option '
                "leading to a person" + (" (it is the first menu callers meet)" if first else ""),
                self.settings["first_menu_severity"] if first else None,
            )

    def _escapes(self, option, words: set[str]) -> bool:
        return getattr(option, "key", None) in self.settings["keys"] or any(
            normalize(p) in words for p in option.phrases
        )


RULE = NoHumanEscape
