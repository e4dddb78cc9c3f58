"""IVR201 slow-to-human."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule


class SlowToHuman(Rule):
    """A first-time caller needs longer than promised to reach a person.

    What: the first-time caller's time-to-human on the fastest route (prompts
    heard in full, reactions, the queue's average wait) against the hotline's
    ``promise.time_to_human``, or ``limit`` (120 s) when nothing is promised.

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
        if nearest is None:
            return
        promised = ctx.menu.hotline.promise.time_to_human
        limit = promised if promised is not None else self.settings["limit"]
        what = "the promised" if promised is not None else "the recommended"
        if nearest.first_time_s > limit:
            took = (
                "never: the queue never drains"
                if math.isinf(nearest.first_time_s)
                else f"{nearest.first_time_s:.1f} s ({nearest.ivr_s:.1f} s in menus, "
                f"{nearest.queue_s:.1f} s waiting)"
            )
            yield self.finding(
                ctx,
                nearest.node,
                f'a first-time caller reaches a person at "{nearest.node}" in '
                f"{took}; {what} limit is {limit:g} s",
            )


RULE = SlowToHuman
