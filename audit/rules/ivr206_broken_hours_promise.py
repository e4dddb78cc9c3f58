"""IVR206 broken-hours-promise."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.metrics import describe_minutes, open_minutes_of_week
from audit.rules.base import Finding, Rule


class BrokenHoursPromise(Rule):
    """The promised hours are not covered by any reachable person.

    What: for every minute of the week inside ``promise.hours``, do most
    callers (at least half) who call then reach a person, on the route they
    take at that minute (queue hours, staffing and branches on hours resolved
    for that minute, hang-ups on hold by Erlang A)? Lists the promised times
    when nobody can be reached, and those when most callers give up on hold.

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
        promised_minutes = open_minutes_of_week(ctx.menu, promised)
        gaps = promised_minutes & ctx.callers.unanswered_minutes
        if not gaps:
            return
        closed = gaps & ctx.metrics.closed_minutes
        nearest = ctx.metrics.nearest
        node = nearest.node if nearest else ctx.menu.start
        parts = []
        if closed:
            parts.append(f"no person can be reached {describe_minutes(closed)}")
        if gaps - closed:
            parts.append(
                f"most callers give up before a person answers {describe_minutes(gaps - closed)}"
            )
        yield self.finding(
            ctx,
            node,
            f'promised hours "{promised}" but {" and ".join(parts)} '
            f"({len(gaps) / 60:g} hours a week, of {len(promised_minutes) / 60:g} promised)",
        )


RULE = BrokenHoursPromise
