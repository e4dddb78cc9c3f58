"""IVR106 dead-end."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.graph import dead_ends


class DeadEnd(Rule):
    """A node with no way out that does not end the call.

    What: a node other than a hang-up, queue, transfer or voicemail that has
    no next node, no options and no rules (a ``say`` without ``next``, a
    ``branch`` whose rules are all conditional and fail...).

    Why it hurts callers: the call stops in silence or is cut off without a
    word; the caller does not know whether to wait, retry or hang up.

    Failing example:
        info: {say: "Our shop opens at nine."}     # and then nothing

    Fix: give the node a ``next`` (back to the menu, or to a person), or end
    the call explicitly with a ``hangup`` that says goodbye.
    """

    code = "IVR106"
    name = "dead-end"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node_id in dead_ends(ctx.graph):
            yield self.finding(
                ctx,
                node_id,
                f'node "{node_id}" is a dead end: it has no way out and does not end the call',
            )


RULE = DeadEnd
