"""IVR201 slow-to-human."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.callers import plain_seconds
from audit.context import Context
from audit.rules.base import Finding, Rule


class SlowToHuman(Rule):
    """First-time callers need longer than promised to reach a person.

    What: over the whole week, weighted by the line's traffic, the time in
    which 90 % of the first-time callers who reach a person do so (prompts
    heard in full, reactions, the queue's Erlang A wait), against the
    hotline's ``promise.time_to_human``, or ``limit`` (120 s) when nothing is
    promised. Unknown waits are not judged here (IVR210 says so).

    Why it hurts callers: the number on the box says "hot line"; a caller who
    planned two minutes for the call spends ten, and a broken promise angers
    more than an honest wait.

    Failing example:
        promise: {time_to_human: 60}      # and four menus plus a 5-minute queue

    Fix: shorten the route (agent option in the first menu, shorter prompts)
    and staff the queue (see IVR202/IVR203 for the agents needed), or promise
    what the line delivers.
    """

    code = "IVR201"
    name = "slow-to-human"
    severity = "error"
    options: ClassVar[dict[str, Any]] = {"limit": 120}

    def check(self, ctx: Context) -> Iterator[Finding]:
        nearest = ctx.metrics.nearest
        slowest = ctx.callers.first_time_p90_s
        if nearest is None or slowest is None:
            return
        promised = ctx.menu.hotline.promise.time_to_human
        limit = promised if promised is not None else self.settings["limit"]
        what = "the promised" if promised is not None else "the recommended"
        if slowest > limit:
            median = ctx.callers.first_time_p50_s or 0.0
            yield self.finding(
                ctx,
                nearest.node,
                f"1 in 10 first-time callers who reach a person waits over "
                f"{plain_seconds(slowest)} (half of them {plain_seconds(median)}; "
                f'{nearest.ivr_s:.0f} s of it in the menus to "{nearest.node}"); '
                f"{what} limit is {limit:g} s",
            )


RULE = SlowToHuman
