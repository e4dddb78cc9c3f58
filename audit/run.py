"""Audit one menu: metrics, rule findings, temperature and promise, as one result.

>>> from ivr.loader import load_menu
>>> result = audit_menu(load_menu("menus/acme-hot.yaml"))
>>> result.temperature, result.errors
('hot', 0)
>>> list(result.as_dict())[:6]
['menu', 'hotline', 'temperature', 'depth_to_human', 'time_to_human', 'humans']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from audit.callers import Callers
from audit.config import Config, load_config
from audit.context import Context, QueueHours
from audit.harm import Cause, rank_findings
from audit.metrics import Metrics
from audit.rules.base import Finding, Rule
from audit.temperature import PromiseCheck, check_promise, temperature
from ivr.model import Menu, QueueNode
from ivr.timing import REACTION, PromptTimer
from ivr.yamlsource import paused_gc


@dataclass
class MenuAudit:
    """Everything the reports show about one menu."""

    menu: Menu
    graph: nx.DiGraph
    metrics: Metrics
    findings: list[Finding]
    temperature: str
    promise: PromiseCheck
    rules: list[Rule]
    callers: Callers | None = None
    queues: dict[str, list[QueueHours]] = field(default_factory=dict)
    causes: list[Cause] = field(default_factory=list)  # findings by root cause, most harm first

    def count(self, severity: str) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        """Error-level findings."""
        return self.count("error")

    def _queue(self, node: str) -> QueueNode:
        """The queue node ``node`` of the menu (``queues`` holds queue nodes only)."""
        queue = self.menu.nodes[node]
        assert isinstance(queue, QueueNode), node
        return queue

    def as_dict(self) -> dict[str, Any]:
        """The JSON report object of DESIGN.md (documented keys first, extras after)."""
        nearest = self.metrics.nearest
        return {
            "menu": self.menu.path,
            "hotline": self.menu.hotline.name,
            "temperature": self.temperature,
            "depth_to_human": self.metrics.depth_to_human,
            "time_to_human": {
                "expert_s": seconds(self.metrics.figures.expert_s if nearest else None),
                "first_time_s": seconds(nearest.first_time_s if nearest else None),
                "ivr_s": seconds(nearest.ivr_s if nearest and not nearest.away_unknown else None),
                "queue_s": seconds(nearest.queue_s if nearest else None),
            },
            "humans": [
                {
                    "node": h.node,
                    "depth": h.depth,
                    "keys": h.keys,
                    "expert_s": seconds(h.expert_s),
                    "first_time_s": seconds(h.first_time_s),
                    "path": h.path,
                }
                for h in self.metrics.humans
            ],
            "findings": [c.as_dict() for c in self.causes],
            "callers": self.callers.as_dict() if self.callers else None,
            "queues": [
                {
                    "node": node,
                    "patience_s": seconds(self._queue(node).patience),
                    "hours": [h.as_dict() for h in hours],
                }
                for node, hours in self.queues.items()
            ],
            "worst_case_depth": self.metrics.worst_case_depth,
            "promise": self.promise.as_dict(),
            "by_hours": [
                {
                    "when": when,
                    "node": f.nearest.node if f.nearest else None,
                    "first_time_s": seconds(f.nearest.first_time_s if f.nearest else None),
                    "expert_s": seconds(f.expert_s if f.nearest else None),
                }
                for when, f in self.metrics.by_hours
            ],
            "summary": {
                "errors": self.count("error"),
                "warnings": self.count("warning"),
                "info": self.count("info"),
            },
        }


def seconds(value: float | None) -> float | None:
    """Seconds for the report: rounded to 0.01 s; ``None`` for never (or unknown)."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, 2)


def audit_menu(
    menu: Menu,
    config: Config | None = None,
    *,
    timer: PromptTimer | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    reaction: float = REACTION,
) -> MenuAudit:
    """Run the selected rules of ``config`` (default preset) on ``menu``.

    The cyclic garbage collector is paused meanwhile: the audit builds many
    small objects (graph edges, routes), none of them garbage.
    """
    with paused_gc():
        return _audit_menu(menu, config, timer, select, ignore, reaction)


def _audit_menu(
    menu: Menu,
    config: Config | None,
    timer: PromptTimer | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    reaction: float,
) -> MenuAudit:
    config = config or load_config()
    ctx = Context(menu, timer, reaction=reaction)
    rules = config.rules(select, ignore)
    findings = sorted(
        {f for rule in rules for f in rule.check(ctx)},
        key=lambda f: (f.file != menu.path, f.file, f.line, f.code, f.message),
    )
    promised = menu.hotline.promise.time_to_human
    return MenuAudit(
        menu,
        ctx.graph,
        ctx.metrics,
        findings,
        temperature(ctx.metrics, findings, promised, ctx.callers),
        check_promise(menu, ctx.metrics, ctx.callers),
        rules,
        ctx.callers,
        ctx.queue_hours,
        rank_findings(ctx, findings),
    )
