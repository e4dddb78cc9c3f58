"""IVR203 long-wait."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.callers import percent, plain_seconds
from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode
from ivr.queueing import agents_needed_impatient


class LongWait(Rule):
    """A queue's average wait is long, or too few calls are answered quickly.

    What: at each hour a reachable queue is open, the Erlang A mean wait
    over all callers over ``max_wait`` (120 s), or a service level (callers
    answered within ``target`` s, of all offered) under ``level`` (80 %); a
    fixed ``wait:`` over ``max_wait`` too. The message names the agents that
    would answer 80 % of calls within 20 s. Overloaded hours are IVR202. A
    reachable queue with neither staffing nor ``wait`` is reported too: its
    wait is unknown (``null`` in the figures), and the line is never rated
    hot on an unknown.

    Why it hurts callers: callers abandon after about a minute of hold,
    sooner in silence; every abandoned call comes back later, angrier.

    Failing example:
        care: {queue: {agents: 9, handle_time: 300, calls_per_hour: 100}}   # 8.3 erlangs

    Fix: staff the number of agents in the message, or offer a call-back.
    """

    code = "IVR203"
    name = "long-wait"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"max_wait": 120, "target": 20, "level": 0.8}

    def check(self, ctx: Context) -> Iterator[Finding]:
        target, level, limit = (self.settings[k] for k in ("target", "level", "max_wait"))
        for node in ctx.nodes(QueueNode, reachable_only=True):
            for hours in ctx.queue_hours.get(node.id, []):
                when = "" if hours.when == "all week" else f" ({hours.when})"
                erlang, wait = hours.hold.erlang, hours.hold.mean_wait
                if not hours.hold.known:
                    yield self.finding(
                        ctx,
                        node.id,
                        f'queue "{node.name}" has no staffing and no wait{when}: how long callers '
                        "hold and how many give up is unknown; give agents, handle_time and "
                        "calls_per_hour, or the measured wait",
                    )
                    continue
                if erlang is None:
                    if hours.hold.wait is not None and hours.hold.wait > limit:
                        yield self.finding(
                            ctx,
                            node.id,
                            f'queue "{node.name}" has a fixed wait of '
                            f"{plain_seconds(hours.hold.wait)}, over {limit} s{when}",
                        )
                    continue
                if erlang.calls_per_hour == 0 or erlang.agents <= erlang.load:
                    continue
                answered = erlang.service_level(target)
                if (wait is not None and wait > limit) or answered < level:
                    needed = agents_needed_impatient(
                        calls_per_hour=erlang.calls_per_hour,
                        handle_time=erlang.handle_time,
                        patience=erlang.patience,
                        target=target,
                        level=level,
                    )
                    yield self.finding(
                        ctx,
                        node.id,
                        f'queue "{node.name}"{when}: mean wait {plain_seconds(wait)}, '
                        f"{percent(answered)} answered within {target:g} s and "
                        f"{percent(erlang.p_abandon)} giving up, with {erlang.agents} agents for "
                        f"{erlang.load:.1f} erlangs; {needed} agents would answer {level:.0%} "
                        f"within {target:g} s",
                    )


RULE = LongWait
