"""IVR109 loop-trap."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.graph import exits


class LoopTrap(Rule):
    """A cycle a caller cannot leave toward a person or an end.

    What: groups of reachable nodes from which no human, hang-up or other end
    can be reached: every way out leads back into the group (strongly connected
    components of the nodes that cannot reach an exit).

    Why it hurts callers: the caller goes round the same prompts until they
    give up and hang up themselves, having spent minutes for nothing.

    Failing example:
        main: {menu: {options: {"1": info}}}
        info: {say: "See our website.", next: main}   # and main has no other way out

    Fix: give one node of the loop a way to a person (``0``, ``on_fail``) or
    an explicit goodbye.
    """

    code = "IVR109"
    name = "loop-trap"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        stuck = ctx.reachable - ctx.nodes_reaching(exits(ctx.graph))
        sub = ctx.graph.subgraph(stuck)
        steps = ctx.steps_from_start

        def order(node: str) -> tuple[int, int]:  # where callers enter the loop first
            return (steps.get(node, 0), ctx.menu.nodes[node].location.line)

        groups = [
            sorted(c, key=order)
            for c in nx.strongly_connected_components(sub)
            if len(c) > 1 or sub.has_edge(next(iter(c)), next(iter(c)))
        ]
        for group in sorted(groups, key=lambda g: order(g[0])):
            yield self.finding(
                ctx,
                group[0],
                "callers are trapped in a loop with no way to a "
                f"person or an end: {' -> '.join(group)}",
            )


RULE = LoopTrap
