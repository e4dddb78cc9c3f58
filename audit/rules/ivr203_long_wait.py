"""IVR203 long-wait."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode
from ivr.queueing import agents_needed, service_level


class LongWait(Rule):
    """A queue's average wait is long, or too few calls are answered quickly.

    What: Erlang C average speed of answer over ``max_wait`` (120 s), or a
    service level under ``level`` (80 %) within ``target`` (20 s); a fixed
    ``wait:`` over ``max_wait`` too. The message names the agents that would
    answer 80 % of calls within 20 s. Overloaded queues are IVR202.

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
        target, level = self.settings["target"], self.settings["level"]
        for node in ctx.nodes(QueueNode):
            figures = ctx.queues[node.id]
            wait = figures.average_wait
            if figures.overloaded or wait is None:
                continue
            if figures.load is None:
                if wait > self.settings["max_wait"]:
                    limit = self.settings["max_wait"]
                    yield self.finding(
                        ctx,
                        node.id,
                        f'queue "{node.name}" has a fixed wait of {wait:.0f} s, over {limit} s',
                    )
                continue
            staffing = {"calls_per_hour": node.calls_per_hour, "handle_time": node.handle_time}
            answered = service_level(node.agents, **staffing, target=target)
            if wait > self.settings["max_wait"] or answered < level:
                needed = agents_needed(**staffing, target=target, level=level)
                yield self.finding(
                    ctx,
                    node.id,
                    f'queue "{node.name}": average wait {wait:.1f} s, {answered:.0%} answered '
                    f"within {target:g} s with {node.agents} agents for {figures.load:.1f} "
                    f"erlangs; {needed} agents would answer {level:.0%} within {target:g} s",
                )


RULE = LongWait
