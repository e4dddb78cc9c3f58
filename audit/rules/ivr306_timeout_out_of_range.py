"""IVR306 timeout-out-of-range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Gathering


class TimeoutOutOfRange(Rule):
    """A menu waits too little or too long for the caller.

    What: the no-input ``timeout`` of menus and inputs outside ``min``..``max``
    (3..10 s, ISO/IEC 13714).

    Why it hurts callers: under 3 s the caller is cut off while finding the
    key; over 10 s of silence feels like a dropped call.

    Failing example:
        main: {menu: {timeout: 2, ...}}

    Fix: a timeout between 3 and 10 seconds (5 is common).
    """

    code = "IVR306"
    name = "timeout-out-of-range"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"min": 3, "max": 10}

    def check(self, ctx: Context) -> Iterator[Finding]:
        low, high = self.settings["min"], self.settings["max"]
        for node in ctx.nodes(Gathering):
            if not low <= node.timeout <= high:
                yield self.finding(
                    ctx,
                    node.id,
                    f'"{node.id}" waits {node.timeout:g} s for the caller; use {low}-{high} s',
                )


RULE = TimeoutOutOfRange
