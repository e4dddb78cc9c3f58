"""Findings grouped by root cause and ranked by the harm they do to the week's callers.

A *cause* is the findings that share one root (``Finding.cause``: same code,
severity and message but the node, like one ``on_fail: goodbye`` under
``defaults:`` found in eight menus); it lists its places. Its *harm* is
estimated from the caller-weighted week of ``audit.callers``:

- **calls lost** (hang-ups, dead ends, loops, give-ups on hold, hours with
  nobody): the share of the week's calls that end without a person there;
- **seconds lost**: the share of the week's callers who pass its places
  times the seconds they spend there (the prompt they hear, the hold they
  sit through, the menus to the person): what a fix can save at most.

Who passes where: the journeys of ``audit.callers`` (one mechanism with the
caller figures): a caller who wants a person takes the quickest route at the
hour of the call (``Figures.nearest``), and a decision on it whose outcomes all
have a ``share`` splits its callers by those shares, each part going on from its
outcome (a place on a branch 20 % of callers take weighs 20 %); at hours
with nobody to reach, callers walk the busiest hours' route up to its first
branch (where the hour may send them elsewhere). A place on no
such route (a branch callers choose for other reasons) has an unknown share:
its harm is unknown (None), said so, and ranked after every known harm.
Lost calls rank before seconds (a caller who is hung up on gets nothing),
certain losses before possible ones (a failure route loses only the callers
who fail input there: at most every caller who passes); then larger harm
first; ties by severity and code. No name or order decides the harm.

>>> from ivr.loader import load_menu
>>> from audit.run import audit_menu
>>> top = audit_menu(load_menu("menus/acme-cold.yaml")).causes[0]
>>> top.code, top.harm.label
('IVR206', '76 % of calls lost')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from audit.callers import Journey, patterns, percent, plain_seconds
from audit.context import Context
from audit.metrics import Figures
from audit.rules.base import SEVERITIES, Finding
from ivr.model import QueueNode

LOST = "calls_lost"
SECONDS = "seconds_lost"
# Calls end without a person where these are found; the share lost is all who pass there
# for the failure routes (an upper bound: only callers who fail input or stray take them).
LOST_WHERE_PASSED = frozenset({"IVR106", "IVR108", "IVR109"})
LOST_AT_QUEUE = frozenset({"IVR202", "IVR205"})  # callers who give up on hold
CLOSED_HANG_UP = "when it is closed"  # IVR205's other finding: callers hung up at closed hours
LOST_NOBODY = frozenset({"IVR102", "IVR206"})  # callers at hours no person can be reached
MENU_SECONDS = frozenset({"IVR103", "IVR209"})  # the menus on the route to the person there
SLOW_TO_PERSON = "IVR201"


@dataclass(frozen=True)
class Harm:
    """What a cause costs the week's callers (None: unknown)."""

    kind: str  # LOST or SECONDS
    share: float | None  # share of the week's callers affected
    seconds: float | None = None  # seconds lost per affected caller (SECONDS only)
    at_most: bool = False  # the share is an upper bound (failure routes)

    @property
    def value(self) -> float | None:
        """The share of calls lost, or caller-seconds lost per call (None: unknown)."""
        if self.share is None:
            return None
        if self.kind == LOST:
            return self.share
        if self.share == 0:
            return 0.0
        return None if self.seconds is None else self.share * self.seconds

    @property
    def rank(self) -> tuple[int, float]:
        """Sort key, larger harm first within each tier.

        Tiers: calls lost, calls possibly lost (``at_most``), seconds lost,
        no caller affected, unknown.
        """
        value = self.value
        if value is None:
            return (4, 0.0)
        if value == 0:
            return (3, 0.0)
        if self.kind == LOST:
            return (1 if self.at_most else 0, -value)
        return (2, -value)

    @property
    def label(self) -> str:
        """The harm in plain words."""
        if self.share is None:
            return "harm unknown (callers on this branch are not modelled)"
        if self.share == 0:
            return "no caller affected"
        if self.kind == LOST:
            return f"{'up to ' if self.at_most else ''}{percent(self.share)} of calls lost"
        if self.seconds is None:
            return f"{percent(self.share)} of callers, seconds unknown (a wait is unknown)"
        return f"{percent(self.share)} of callers lose {plain_seconds(self.seconds)}"

    def as_dict(self) -> dict[str, Any]:
        """The ``harm`` object of a JSON finding (None: unknown, or without end)."""
        value = self.value
        return {
            "kind": self.kind,
            "share": None if self.share is None else round(self.share, 4),
            "seconds": _finite(self.seconds),
            "value": None if value is None else _finite(round(value, 4)),
            "at_most": self.at_most,
            "text": self.label,
        }


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


@dataclass(frozen=True)
class Cause:
    """Findings with one root cause, their places, and the harm they do together."""

    findings: tuple[Finding, ...]  # one per place, in file order
    harm: Harm

    @property
    def first(self) -> Finding:
        """The first place (the DESIGN.md fields of the JSON finding)."""
        return self.findings[0]

    @property
    def code(self) -> str:
        return self.first.code

    @property
    def rule(self) -> str:
        return self.first.rule

    @property
    def severity(self) -> str:
        return self.first.severity

    @property
    def places(self) -> list[str]:
        """The nodes where it is found."""
        return [f.node for f in self.findings]

    @property
    def message(self) -> str:
        """The message of one place, or the cause with its places."""
        if len(self.findings) == 1:
            return self.first.message
        return (
            f"one cause in {len(self.findings)} places ({', '.join(self.places)}): "
            f"{self.first.cause[2]}"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON finding: DESIGN.md fields of the first place, then harm and places."""
        return {
            **self.first.as_dict(),
            "harm": self.harm.as_dict(),
            "places": [{"node": f.node, "line": f.line} for f in self.findings],
        }


def rank_findings(ctx: Context, findings: list[Finding]) -> list[Cause]:
    """``findings`` grouped by root cause, most harmful cause first."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.cause, []).append(finding)
    week = _Week(ctx)
    causes = [
        Cause(tuple(sorted(group, key=_place_order)), week.harm(group)) for group in groups.values()
    ]
    return sorted(causes, key=_cause_order)


def _place_order(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line, finding.col, finding.node)


def _cause_order(cause: Cause) -> tuple[tuple[int, float], int, str, str, tuple]:
    return (
        cause.harm.rank,
        SEVERITIES.index(cause.severity) if cause.severity in SEVERITIES else len(SEVERITIES),
        cause.code,
        cause.first.cause[2],
        _place_order(cause.first),
    )


@dataclass(frozen=True)
class _Part:
    """Callers who end alike (a journey of ``audit.callers``): their share of the week's
    calls, and the nodes they pass."""

    share: float
    journey: Journey
    walk: frozenset[str]


class _Week:
    """Who passes where over the week, and what a cause costs them."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.patterns: list[Figures] = patterns(ctx.metrics)
        self.walked_when_nobody = frozenset(_walked_when_nobody(ctx))
        self.parts = [
            _Part(figures.share * journey.weight, journey, self._walk(journey))
            for figures, their_journeys in ctx.journeys
            for journey in their_journeys
        ]
        self.passed = frozenset().union(*(part.walk for part in self.parts))
        # callers whose end a decision without shares leaves unknown, and every node they
        # may pass after it: whether they pass a place there (and how many) is unknown
        self.undecided = [part for part in self.parts if part.journey.undecided is not None]
        deciding = {part.journey.undecided for part in self.undecided}
        self.beyond = frozenset().union(*(nx.descendants(ctx.graph, n) for n in deciding))

    def _walk(self, journey: Journey) -> frozenset[str]:
        """The nodes the callers of ``journey`` pass: the nodes before its route and the
        route; without a route, up to the outcome that sent them on, or at hours with
        nobody to reach, the walk of ``_walked_when_nobody``."""
        if journey.route is not None:
            return frozenset((*journey.passed, *journey.route.path))
        return frozenset(journey.passed) or self.walked_when_nobody

    def harm(self, group: list[Finding]) -> Harm:
        code = group[0].code
        places = {f.node for f in group}
        callers = self.ctx.callers
        if code in LOST_NOBODY:  # (how many of the undecided reach nobody is unknown)
            return Harm(LOST, None if callers.undecided else callers.hung_up + callers.voicemail)
        if code in LOST_AT_QUEUE:
            closed = CLOSED_HANG_UP in group[0].message
            return Harm(LOST, self._hung_up_closed() if closed else self._lost_at(places))
        share = self._share(places)
        if code in LOST_WHERE_PASSED:
            return Harm(LOST, share, at_most=True)
        if code == SLOW_TO_PERSON:
            return Harm(SECONDS, callers.reached, callers.first_time_p50_s)
        if not share:
            return Harm(SECONDS, share)
        return self._seconds_lost(places, menus_only=code in MENU_SECONDS)

    def _seconds_lost(self, places: set[str], *, menus_only: bool) -> Harm:
        """Callers who spend time at ``places``, and the mean seconds they spend there.

        At a queue: its mean hold, for the callers whose route ends there;
        for the menus on the way (``menus_only``): the route's menu seconds;
        elsewhere: the node's prompt, for every caller who passes it.
        """
        nodes = self.ctx.menu.nodes
        held = {n for n in places if menus_only or isinstance(nodes.get(n), QueueNode)}
        affected = spent = 0.0
        for part in self.parts:
            route = part.journey.route
            seconds = [self._prompt_seconds(n) for n in places - held if n in part.walk]
            if route is not None and route.node in held:
                menus = part.journey.first_s + route.ivr_s  # with the way to its decisions
                seconds.append(menus if menus_only else route.hold.mean_wait)
            if not seconds:
                continue
            if any(s is None for s in seconds):
                return Harm(SECONDS, self._share(places))
            affected += part.share
            spent += part.share * sum(s or 0.0 for s in seconds)
        return Harm(SECONDS, affected, spent / affected if affected else None)

    def _prompt_seconds(self, node: str) -> float | None:
        """Seconds of the node's prompt in the default language (0 without one)."""
        where = self.ctx.menu.nodes.get(node)
        if where is None:
            return 0.0
        lang = self.ctx.menu.hotline.default_language
        texts = self.ctx.texts(where)
        text = texts.get(lang) or next(iter(texts.values()), "")
        return self.ctx.seconds(text, lang) if text else 0.0

    def _share(self, places: set[str]) -> float | None:
        """Share of the week's callers whose route passes any of ``places`` (None: unknown)."""
        if not places & self.ctx.reachable:
            return 0.0
        if not places & self.passed or self._maybe_passed_by_undecided(places):
            return None
        return sum(part.share for part in self.parts if places & part.walk)

    def _maybe_passed_by_undecided(self, places: set[str]) -> bool:
        """Whether callers whose end is unknown may pass ``places`` after their decision."""
        return any(not places & part.walk and places & self.beyond for part in self.undecided)

    def _hung_up_closed(self) -> float:
        """Share of calls at hours with no person and no voicemail: hung up on."""
        return sum(f.share for f in self.patterns if f.nearest is None and not f.voicemail)

    def _lost_at(self, queues: set[str]) -> float | None:
        """Share of calls that give up on hold in ``queues`` (None: a hold is unknown, or
        callers whose end is unknown may wait there)."""
        if self._maybe_passed_by_undecided(queues):
            return None
        lost = 0.0
        for part in self.parts:
            route = part.journey.route
            if route is not None and route.node in queues:
                answered = route.hold.p_answered
                if answered is None:
                    return None
                lost += part.share * (1.0 - answered)
        return lost


def _walked_when_nobody(ctx: Context) -> set[str]:
    """What callers pass at hours with no person: the busiest hours' route up to its first branch.

    They dial the same menus; a branch (on hours, or a decision) may send them
    elsewhere, so the walk is known up to it. Without any route: the start only.
    """
    nearest = ctx.metrics.nearest
    if nearest is None:
        return {ctx.menu.start}
    kinds = ctx.graph.nodes
    walked = set()
    for node in nearest.path:
        walked.add(node)
        if kinds[node]["kind"] in ("branch", "decide"):
            break
    return walked
