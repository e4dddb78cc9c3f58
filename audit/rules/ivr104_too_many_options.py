"""IVR104 too-many-options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode


class TooManyOptions(Rule):
    """A menu offers too many options to remember.

    What: counts the options of each menu, spoken ones (``spoken:``) included, not
    counting the special keys ``0``, ``*`` and ``#`` nor extension dialling (a pattern
    like ``2XXX`` and the keys it covers); warns above ``max_options`` (5).

    Why it hurts callers: by the sixth option the first is forgotten;
    callers replay the menu or pick the wrong one. ISO/IEC 13714 advises
    at most four functional options, practitioners at most five.

    Failing example:
        options: {"1": a, "2": b, "3": c, "4": d, "5": e, "6": f, "7": g}

    Fix: group options into at most five, or split the menu by the most
    common reasons for calling.
    """

    code = "IVR104"
    name = "too-many-options"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"max_options": 5, "special_keys": ["0", "*", "#"]}

    def check(self, ctx: Context) -> Iterator[Finding]:
        special = set(self.settings["special_keys"])
        most = self.settings["max_options"]
        for node in ctx.nodes(MenuNode):
            spoken = sorted(o.name for o in node.spoken)
            if sum(1 for o in node.options if o.key not in special) + len(spoken) <= most:
                continue  # within the limit before extensions are even set aside
            skip = special | node.extensions
            keys = [o.key for o in node.options if o.key not in skip] + spoken
            if len(keys) > most:
                yield self.finding(
                    ctx,
                    node.id,
                    f'menu "{node.id}" has {len(keys)} options ({", ".join(keys)}); '
                    f"at most {most} recommended",
                )


RULE = TooManyOptions
