"""IVR103 too-deep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule


class TooDeep(Rule):
    """Too many menus on the shortest route to a person.

    What: counts the menus (and inputs) a caller answers on the fastest route
    to the nearest human; warns above ``max_depth`` (3).

    Why it hurts callers: every menu is a question and a wait; surveys find
    callers give up after about three menus (the Fortune-500 average is 2.94
    before an agent).

    Failing example: language -> main -> service -> complaints -> agents
    (four menus before the only queue).

    Fix: put the agent option in the first or second menu, merge menus, and
    move rarely used options down.
    """

    code = "IVR103"
    name = "too-deep"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"max_depth": 3}

    def check(self, ctx: Context) -> Iterator[Finding]:
        nearest = ctx.metrics.nearest
        limit = self.settings["max_depth"]
        if nearest and nearest.depth > limit:
            menus = [n for n in nearest.path if ctx.graph.nodes[n]["kind"] in ("menu", "input")]
            yield self.finding(
                ctx,
                nearest.node,
                f"callers answer {nearest.depth} menus before reaching a person at "
                f'"{nearest.node}" ({" -> ".join(menus)}); at most {limit} recommended',
            )


RULE = TooDeep
