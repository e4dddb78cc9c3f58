"""IVR102 human-unreachable."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule


class HumanUnreachable(Rule):
    """No human endpoint can be reached from the start node.

    What: follows every way out of every node (keys, speech, timeouts, branches)
    from the start; fails when no queue or human transfer is ever reached.

    Why it hurts callers: a line with no person behind it can only read out
    what the website already says; callers with a real problem are left with
    nothing but a hang-up.

    Failing example:
        start: info
        nodes: {info: {say: "Visit our website."}, next: bye}

    Fix: add a queue or a transfer with ``human: true`` and route ``0`` (and
    ``on_fail``) to it.
    """

    code = "IVR102"
    name = "human-unreachable"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.menu.start not in ctx.reaches_human:
            count = len(ctx.human_nodes)
            detail = (
                f"none of its {count} human endpoint{'s' if count != 1 else ''} "
                "can be reached from the start"
                if count
                else "it has no human endpoint"
            )
            yield self.finding(ctx, ctx.menu.start, f"no caller can reach a person: {detail}")


RULE = HumanUnreachable
