"""IVR105 key-order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import MenuNode
from ivr.prompt_text import mention_order


class KeyOrder(Rule):
    """Option keys are not 1, 2, 3... in order, or have gaps.

    What: the functional keys of a menu (not ``0``, ``*``, ``#``, nor a key that
    only switches language, nor extension dialling: a pattern like ``2XXX`` and
    the keys it covers) must be 1..n without gaps, and the prompt must
    name them in ascending order.

    Why it hurts callers: callers count along with the prompt; "press 1, press
    3, press 2" or a missing 2 makes them doubt they heard right and replay the
    menu. ISO/IEC 13714 asks for ascending keys without gaps.

    Failing example:
        prompt: "For sales, press 2. For billing, press 1. For help, press 4."

    Fix: number the options 1, 2, 3 in the order they are read out.
    """

    code = "IVR105"
    name = "key-order"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"special_keys": ["0", "*", "#"]}

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(MenuNode):
            special = set(self.settings["special_keys"]) | set(ctx.option_lang_switches(node))
            special |= node.extensions
            keys = [o.key for o in node.options if o.key not in special]
            digits = sorted(int(k) for k in keys if k.isdigit())
            expected = list(range(1, len(digits) + 1))
            if digits and digits != expected:
                yield self.finding(
                    ctx,
                    node.id,
                    f'menu "{node.id}" uses keys {", ".join(map(str, digits))}; '
                    f"expected {', '.join(map(str, expected))} without gaps",
                )
                continue
            for lang, text in ctx.texts(node).items():
                heard = [k for k in mention_order(text) if k in keys and k.isdigit()]
                if heard != sorted(heard, key=int):
                    yield self.finding(
                        ctx,
                        node.id,
                        f'the prompt of "{node.id}" ({lang}) names keys in the '
                        f"order {', '.join(heard)}; read them in ascending order",
                    )
                    break


RULE = KeyOrder
