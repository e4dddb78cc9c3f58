"""IVR205 no-callback."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode


class NoCallback(Rule):
    """A queue offers no call-back.

    What: a reachable queue without ``callback: true``.

    Why it hurts callers: GetHuman standard 4: when no person is free the
    caller should be able to keep their place and be called back instead of
    holding the phone to their ear.

    Failing example:
        billing: {queue: {agents: 4, handle_time: 300, calls_per_hour: 30}}

    Fix: ``callback: true``.
    """

    code = "IVR205"
    name = "no-callback"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(QueueNode, reachable_only=True):
            if not node.callback:
                yield self.finding(ctx, node.id, f'queue "{node.name}" offers no call-back')


RULE = NoCallback
