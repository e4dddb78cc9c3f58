"""IVR204 no-wait-announcement."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode


class NoWaitAnnouncement(Rule):
    """A queue does not tell callers how long they will wait.

    What: a reachable queue without ``announce_wait: true``.

    Why it hurts callers: GetHuman standard 2: an accurate estimated wait
    lets callers decide to hold or call back; not knowing makes every minute
    feel longer, and callers hang up just before they would have been answered.

    Failing example:
        billing: {queue: {agents: 4, handle_time: 300, calls_per_hour: 30}}

    Fix: ``announce_wait: true`` (the estimate is computed from the staffing).
    """

    code = "IVR204"
    name = "no-wait-announcement"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(QueueNode, reachable_only=True):
            if not node.announce_wait:
                yield self.finding(
                    ctx, node.id, f'queue "{node.name}" does not announce the estimated wait'
                )


RULE = NoWaitAnnouncement
