"""IVR107 unreachable-node."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Node


class UnreachableNode(Rule):
    """A node no call can reach.

    What: nodes that no key, phrase, timeout or branch leads to from the start.

    Why it hurts callers: usually a forgotten option: the service behind it
    (a queue, a message) was meant for callers who now cannot get to it.

    Failing example:
        billing: {queue: {...}}     # but no option has goto: billing

    Fix: add the option that should lead there, or delete the node.
    """

    code = "IVR107"
    name = "unreachable-node"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(Node):
            if node.id not in ctx.reachable:
                yield self.finding(
                    ctx,
                    node.id,
                    f'node "{node.id}" cannot be reached from the start node "{ctx.menu.start}"',
                )


RULE = UnreachableNode
