"""IVR202 queue-overloaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode
from ivr.queueing import agents_needed


class QueueOverloaded(Rule):
    """A queue has no more agents than its offered load: the wait never ends.

    What: offered load A = calls_per_hour / 3600 x handle_time (erlangs);
    with ``agents`` <= A, Erlang C has no steady state: the queue grows
    for as long as calls keep coming. The message names the agents that would
    answer ``level`` (80 %) of calls within ``target`` (20) seconds.

    Why it hurts callers: callers wait until they give up; those who stay
    make the wait longer for the next. Nobody is helped in reasonable time.

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
        for node in ctx.nodes(QueueNode):
            figures = ctx.queues[node.id]
            if not figures.overloaded:
                continue
            needed = agents_needed(
                calls_per_hour=node.calls_per_hour,
                handle_time=node.handle_time,
                target=self.settings["target"],
                level=self.settings["level"],
            )
            yield self.finding(
                ctx,
                node.id,
                f'queue "{node.name}" has {node.agents} agents for {figures.load:.1f} erlangs '
                f"({node.calls_per_hour:g} calls/hour x {node.handle_time:g} s): the wait never "
                f"ends; {needed} agents would answer {self.settings['level']:.0%} of calls "
                f"within {self.settings['target']:g} s",
            )


RULE = QueueOverloaded
