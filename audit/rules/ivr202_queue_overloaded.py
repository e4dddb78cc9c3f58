"""IVR202 queue-overloaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.callers import percent, plain_seconds
from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode
from ivr.queueing import agents_needed_impatient


class QueueOverloaded(Rule):
    """A queue has no more agents than its offered load at some hours.

    What: offered load A = calls_per_hour / 3600 x handle_time (erlangs);
    with ``agents`` <= A the agents cannot keep up: with impatient callers
    (Erlang A, the queue's ``patience``) a large share hangs up on hold, and
    with unlimited patience the wait grows without end. Judged at every
    hour the queue is open and staffed that way, for queues callers can
    reach. The message says what callers live and the agents that would
    answer ``level`` (80 %) of calls within ``target`` (20) seconds.

    Why it hurts callers: callers wait until they give up; those who stay
    make the wait longer for the next. Few are helped in reasonable time.

    Failing example:
        agents: {queue: {agents: 3, handle_time: 600, calls_per_hour: 60}}   # 10 erlangs

    Fix: staff at least the number of agents in the message, or shorten the
    handle time, or divert calls (self-service, call-back).
    """

    code = "IVR202"
    name = "queue-overloaded"
    severity = "error"
    options: ClassVar[dict[str, Any]] = {"target": 20, "level": 0.8}

    def check(self, ctx: Context) -> Iterator[Finding]:
        target, level = self.settings["target"], self.settings["level"]
        for node in ctx.nodes(QueueNode, reachable_only=True):
            for hours in ctx.queue_hours.get(node.id, []):
                erlang = hours.hold.erlang
                if erlang is None or erlang.calls_per_hour == 0 or erlang.agents > erlang.load:
                    continue
                needed = agents_needed_impatient(
                    calls_per_hour=erlang.calls_per_hour,
                    handle_time=erlang.handle_time,
                    patience=erlang.patience,
                    target=target,
                    level=level,
                )
                if erlang.patience is None:
                    lived = "callers with unlimited patience would wait without end"
                else:
                    lived = (
                        f"{percent(erlang.p_abandon)} of callers give up after "
                        f"{plain_seconds(erlang.patience)} of hold on average; those answered "
                        f"waited {plain_seconds(erlang.mean_wait_answered)}"
                    )
                yield self.finding(
                    ctx,
                    node.id,
                    f'queue "{node.name}" has {erlang.agents} agents for {erlang.load:.1f} '
                    f"erlangs ({erlang.calls_per_hour:g} calls/hour x {erlang.handle_time:g} s)"
                    f"{'' if hours.when == 'all week' else ' ' + hours.when}: {lived}; "
                    f"{needed} agents would answer {level:.0%} of calls within {target:g} s",
                )


RULE = QueueOverloaded
