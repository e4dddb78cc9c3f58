"""IVR208 understated-wait."""

from __future__ import annotations

import math
from collections.abc import Iterator

import networkx as nx

from audit.callers import plain_seconds
from audit.context import Context
from audit.rules.base import Finding, Rule
from ivr.model import Node, QueueNode
from ivr.prompt_text import might_promise_wait, promised_wait_seconds

TEXT_ATTRIBUTES = ("prompt", "message")


class UnderstatedWait(Rule):
    """A prompt or hold message promises a shorter wait than the queue delivers.

    What: reads every prompt and hold message, in every language, for a
    promised wait ("about ten minutes", "sepuluh menit", "10 minutes",
    "5분"; a range is judged by its upper bound) and compares it with the
    average speed of answer (the mean wait of the callers an agent answers,
    Erlang A with the queue's patience) of the queue it belongs to, or, for a
    prompt before queues, of every queue the caller can reach after it, at
    every hour that queue is open.

    Why it hurts callers: customers forgive a wait they are told about
    honestly; "just ten minutes" that becomes thirty is a lie they remember.

    Failing example:
        agents: {queue: {agents: 3, handle_time: 600, calls_per_hour: 60,
                         message: "Please hold, it will only be ten minutes."}}

    Fix: announce the computed wait (``announce_wait: true``) instead of a
    fixed number, or staff the queue until the promise holds.
    """

    code = "IVR208"
    name = "understated-wait"
    severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        queues = {n.id: n for n in ctx.nodes(QueueNode)}
        for node in ctx.nodes(Node, reachable_only=True):
            promises = []
            for attribute in TEXT_ATTRIBUTES:
                for lang, text in ctx.texts(node, attribute).items():
                    if might_promise_wait(text):
                        promises += [(seconds, lang) for seconds in promised_wait_seconds(text)]
            if not promises:
                continue
            if node.id in queues:
                after = [node.id]
            else:
                after = [q for q in nx.descendants(ctx.graph, node.id) if q in queues]
            waits = [
                (wait, hours.when, q)
                for q in sorted(after)
                for hours in ctx.queue_hours.get(q, [])
                if (wait := hours.hold.answered_wait) is not None
            ]
            if not waits:
                continue
            wait, when, queue = max(waits, key=lambda w: w[0])
            promise, lang = max(promises)
            if promise < wait:
                actual = (
                    "has no end"
                    if math.isinf(wait)
                    else f"is {plain_seconds(wait)} on average for the callers answered"
                )
                at = "" if when == "all week" else f" ({when})"
                yield self.finding(
                    ctx,
                    node.id,
                    f'"{node.id}" promises a wait of {plain_seconds(promise)} ({lang}) but '
                    f'the wait at queue "{queues[queue].name}"{at} {actual}',
                )


RULE = UnderstatedWait
