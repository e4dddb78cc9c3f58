"""IVR305 not-interruptible."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Gathering


class NotInterruptible(Rule):
    """A prompt cannot be interrupted (no dial-through, no barge-in).

    What: a menu or input with ``interruptible: false``.

    Why it hurts callers: GetHuman standard 7: callers who know their option
    must still sit through the whole prompt on every call; the expert's
    time-to-human becomes the first-time caller's.

    Failing example:
        main: {menu: {interruptible: false, ...}}

    Fix: leave prompts interruptible (the default).
    """

    code = "IVR305"
    name = "not-interruptible"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(Gathering):
            if not node.interruptible:
                yield self.finding(
                    ctx,
                    node.id,
                    f'the prompt of "{node.id}" cannot be interrupted by a key or speech',
                )


RULE = NotInterruptible
