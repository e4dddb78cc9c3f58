"""IVR206 broken-hours-promise."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.metrics import describe_minutes, open_minutes_of_week
from audit.rules.base import Finding, Rule


class BrokenHoursPromise(Rule):
    """The promised hours are not covered by any reachable person.

    What: for every minute of the week inside ``promise.hours``, is some
    human endpoint reachable (queue hours and branches on hours resolved for
    that minute)? Lists the promised times when nobody can be reached.

    Why it hurts callers: "24 hours" on the label, a recording at night.
    The caller who called at the advertised time feels lied to.

    Failing example:
        promise: {hours: "24/7"}
        agents: {queue: {hours: office, after_hours: closed}}   # office = mon-fri 09-17

    Fix: staff (or route to an on-call transfer) during the promised hours, or
    promise the hours the line keeps.
    """

    code = "IVR206"
    name = "broken-hours-promise"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        promised = ctx.menu.hotline.promise.hours
        if not promised or promised not in ctx.menu.hotline.hours:
            return
        gaps = open_minutes_of_week(ctx.menu, promised) & ctx.metrics.closed_minutes
        if gaps:
            nearest = ctx.metrics.nearest
            node = nearest.node if nearest else ctx.menu.start
            yield self.finding(
                ctx,
                node,
                f'promised hours "{promised}" but no person can be '
                f"reached {describe_minutes(gaps)} "
                f"({len(gaps) / 60:g} hours a week)",
            )


RULE = BrokenHoursPromise
