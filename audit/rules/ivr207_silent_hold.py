"""IVR207 silent-hold."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode


class SilentHold(Rule):
    """Callers hold in silence.

    What: a reachable queue with ``hold: silence``.

    Why it hurts callers: silence sounds like a dropped call; callers leave
    within about 40 seconds of silence and call again, joining the back of
    the queue.

    Failing example:
        agents: {queue: {hold: silence}}

    Fix: ``hold: music`` or ``hold: message`` with a useful message.
    """

    code = "IVR207"
    name = "silent-hold"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(QueueNode, reachable_only=True):
            if node.hold == "silence":
                yield self.finding(ctx, node.id, f'queue "{node.name}" holds callers in silence')


RULE = SilentHold
