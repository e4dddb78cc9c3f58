"""IVR209 transfer-chain."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from audit.context import GATHERING_KINDS, Context
from audit.rules.base import Finding, Rule
from ivr.model import QueueNode, TransferNode


class TransferChain(Rule):
    """A route passes through more than one transfer or queue before a person helps.

    What: a transfer to a person whose ``on_no_answer`` route leads on to
    another queue or transfer without the caller choosing it (through say
    and branch nodes only): the caller is bounced from one department to the
    next. A closed queue's ``after_hours`` route to an on-call desk is no
    chain: the caller never waited at the closed queue.

    Why it hurts callers: every hand-over means a new wait and telling the
    story again; callers bounced between departments rate the call worst of all.

    Failing example:
        sales: {transfer: {to: "+62 21 555 0100", on_no_answer: support}}
        support: {queue: {...}}

    Fix: answer where the caller arrived (staff it, or offer a call-back or
    voicemail there) instead of passing the call on.
    """

    code = "IVR209"
    name = "transfer-chain"
    severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        endpoints = {n.id for n in ctx.nodes(QueueNode, TransferNode)}
        kinds = ctx.graph.nodes(data="kind")
        automatic = ctx.graph.subgraph(n for n in ctx.graph if kinds[n] not in GATHERING_KINDS)
        for node in ctx.nodes(TransferNode, reachable_only=True):
            fallback = node.on_no_answer if node.human else None
            if not fallback:
                continue
            if fallback not in automatic:
                continue
            steps = nx.single_source_shortest_path_length(automatic, fallback)
            onward = [n for n in steps if n in endpoints and n != node.id]
            if onward:
                nxt = min(onward, key=lambda n: (steps[n], n))
                yield self.finding(
                    ctx,
                    node.id,
                    f'callers who are not answered at "{node.id}" are passed on '
                    f'to "{nxt}" ({ctx.graph.nodes[nxt]["kind"]}): a second '
                    "hand-over before anyone helps",
                )


RULE = TransferChain
