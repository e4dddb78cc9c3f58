"""IVR308 asks-twice."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import InputNode


class AsksTwice(Rule):
    """The same information is collected twice on one route.

    What: two inputs with the same ``var`` where one can follow the other.

    Why it hurts callers: GetHuman standard 3: callers are never asked to
    repeat what they already gave; typing a 16-digit number twice tells them
    the system is not listening.

    Failing example:
        account: {input: {var: account, next: menu}}
        verify: {input: {var: account, next: billing}}   # reachable from menu

    Fix: branch on the variable (``when: {var: account}``) and skip the
    second question.
    """

    code = "IVR308"
    name = "asks-twice"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        by_var: dict[str, list[InputNode]] = {}
        for node in ctx.nodes(InputNode, reachable_only=True):
            by_var.setdefault(node.var, []).append(node)
        for var, nodes in by_var.items():
            if len(nodes) < 2:
                continue
            for first in nodes:
                after = nx.descendants(ctx.graph, first.next) | {first.next} if first.next else ()
                for second in nodes:
                    if second is not first and second.id in after:
                        yield self.finding(
                            ctx,
                            second.id,
                            f'"{second.id}" asks for "{var}" again after "{first.id}" collected it',
                        )


RULE = AsksTwice
