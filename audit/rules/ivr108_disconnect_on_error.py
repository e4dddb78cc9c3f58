"""IVR108 disconnect-on-error."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Gathering, RecordNode
from ivr.retries import FAILURES, failure_route


class DisconnectOnError(Rule):
    """A no-input or wrong-key path ends in a hang-up.

    What: for every menu and input, where a caller goes after silence or a
    wrong key (``on_timeout``, ``on_invalid``) and once the retries are used up
    (``on_fail``, else the route named for that failure, else the line says
    goodbye and hangs up), as the engine decides it (``ivr.retries``). Fails
    when such a route can reach neither a person nor a voicemail.

    Why it hurts callers: a caller who hesitated, misheard or has a rotary
    habit is punished with a hang-up; GetHuman standard 8 says never
    disconnect on caller error: queue for a human or offer a call-back.

    Failing example:
        defaults: {retries: 2, on_fail: goodbye}
        goodbye: {hangup: {say: "Your choice was not valid. Goodbye."}}

    Fix: ``on_fail: agent`` (a queue or a human transfer), or a voicemail
    that promises a call-back.
    """

    code = "IVR108"
    name = "disconnect-on-error"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        records = {n.id for n in ctx.nodes(RecordNode)}
        safe = ctx.reaches_human | ctx.nodes_reaching(records)
        for node in ctx.nodes(Gathering, reachable_only=True):
            said: set[str] = set()
            for message in _failure_problems(node, safe):
                if message not in said:
                    said.add(message)
                    yield self.finding(ctx, node.id, message)


def _failure_problems(node: Gathering, safe: set[str]) -> Iterator[str]:
    """What is wrong with the routes failures take at ``node`` (``ivr.retries``, as the engine)."""
    for failure in FAILURES:
        for attempt in sorted({1, node.retries + 1}):
            route = failure_route(node, failure, attempt)
            if route.target is None:
                yield (
                    f'"{node.id}" hangs up once its {node.retries} retries are used up (no on_fail)'
                )
            elif route.target != node.id and route.target not in safe:
                what = (
                    "on_fail"
                    if route.target == node.on_fail and route.used_up
                    else ("on_timeout" if failure == "timeout" else "on_invalid")
                )
                yield (
                    f'"{node.id}" {what} goes to "{route.target}", which ends the '
                    "call without a person or a voicemail"
                )


RULE = DisconnectOnError
