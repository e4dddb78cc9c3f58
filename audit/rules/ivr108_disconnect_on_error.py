"""IVR108 disconnect-on-error."""

from __future__ import annotations

from collections.abc import Iterator

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Gathering, RecordNode


class DisconnectOnError(Rule):
    """A no-input or wrong-key path ends in a hang-up.

    What: for every menu and input, where a caller goes after silence or a
    wrong key (``on_timeout``, ``on_invalid``) and once the retries are used up
    (``on_fail``; none means the line says goodbye and hangs up). Fails when
    that route can reach neither a person nor a voicemail.

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
            if node.on_fail is None:
                yield self.finding(
                    ctx,
                    node.id,
                    f'"{node.id}" hangs up once its {node.retries} '
                    "retries are used up (no on_fail)",
                )
                continue
            for what, target in (
                ("on_timeout", node.on_timeout),
                ("on_invalid", node.on_invalid),
                ("on_fail", node.on_fail),
            ):
                if target and target not in safe:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'"{node.id}" {what} goes to "{target}", which ends the '
                        "call without a person or a voicemail",
                    )


RULE = DisconnectOnError
