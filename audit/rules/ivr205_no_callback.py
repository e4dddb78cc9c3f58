"""IVR205 no-callback."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.metrics import describe_minutes, open_minutes_of_week
from audit.rules.base import Finding, Rule
from ivr.model import HangupNode, QueueNode, SayNode


class NoCallback(Rule):
    """A queue offers no call-back, or hangs up on callers when it is closed.

    What: a reachable queue without ``callback: true``; and a reachable queue
    with ``hours`` whose callers, when it is closed, are hung up on (no
    ``after_hours``, or one that goes straight to a hang-up) instead of being
    offered a voicemail, a call-back or another person. The message names
    the hours when that happens.

    Why it hurts callers: GetHuman standard 4: when no person is free the
    caller should be able to keep their place and be called back instead of
    holding the phone to their ear; standard 8: never hang up on a caller.

    Failing example:
        billing: {queue: {agents: 4, handle_time: 300, calls_per_hour: 30}}

    Fix: ``callback: true``; when closed, ``after_hours:`` to a voicemail
    (``record``) or an on-call person.
    """

    code = "IVR205"
    name = "no-callback"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(QueueNode, reachable_only=True):
            if not node.callback:
                yield self.finding(ctx, node.id, f'queue "{node.name}" offers no call-back')
            if node.hours and node.hours in ctx.menu.hotline.hours and _hangs_up(ctx, node):
                closed = set(range(7 * 24 * 60)) - open_minutes_of_week(ctx.menu, node.hours)
                if closed:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'callers who reach queue "{node.name}" {describe_minutes(closed)}, '
                        "when it is closed, are hung up on: no voicemail, call-back or person",
                    )


def _hangs_up(ctx: Context, queue: QueueNode) -> bool:
    """Whether a closed queue ends the call: no after_hours, or a message and a hang-up."""
    target = queue.after_hours
    for _ in range(2):  # the hang-up itself, or a closing message before it
        if target is None:
            return True
        node = ctx.menu.nodes[target]
        if isinstance(node, HangupNode):
            return True
        if not isinstance(node, SayNode):
            return False
        target = node.next
    return False


RULE = NoCallback
