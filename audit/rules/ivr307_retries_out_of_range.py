"""IVR307 retries-out-of-range."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import networkx as nx

from audit.context import GATHERING_KINDS, Context
from audit.rules.base import Finding, Rule
from ivr.model import Gathering


class RetriesOutOfRange(Rule):
    """Too few or too many retries, or retries that do not end with a person.

    What: ``retries`` of menus and inputs outside ``min``..``max`` (1..3), or
    an ``on_fail`` that does not lead to a person without another question.

    Why it hurts callers: with no retry one slip ends the call; with many the
    caller hears the same prompt over and over. Practitioners use 2-3 retries,
    then a person.

    Failing example:
        defaults: {retries: 5, on_fail: goodbye}

    Fix: ``retries: 2`` and ``on_fail: agent``.
    """

    code = "IVR307"
    name = "retries-out-of-range"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"min": 1, "max": 3}

    def check(self, ctx: Context) -> Iterator[Finding]:
        kinds = ctx.graph.nodes(data="kind")
        automatic = ctx.graph.subgraph(n for n in ctx.graph if kinds[n] not in GATHERING_KINDS)
        to_person: dict[str, bool] = {}
        for node in ctx.nodes(Gathering):
            low, high = self.settings["min"], self.settings["max"]
            if not low <= node.retries <= high:
                yield self.finding(
                    ctx, node.id, f'"{node.id}" allows {node.retries} retries; use {low}-{high}'
                )
            target = node.on_fail
            if target is None:
                yield self.finding(
                    ctx,
                    node.id,
                    f'"{node.id}" has no on_fail: callers who fail are not passed to a person',
                )
                continue
            if target not in to_person:
                after = (
                    nx.descendants(automatic, target) | {target}
                    if target in automatic
                    else {target}
                )
                to_person[target] = bool(after & ctx.human_nodes)
            if not to_person[target]:
                yield self.finding(
                    ctx, node.id, f'"{node.id}" on_fail goes to "{target}", which is not a person'
                )


RULE = RetriesOutOfRange
