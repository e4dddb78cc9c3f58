"""What callers live over the week: who reaches a person, who gives up, how long it takes.

Each schedule pattern of ``audit.metrics`` carries its share of the week's
calls. A caller who wants a person takes the quickest route at the hour of
the call (``Figures.nearest``); there the hold decides (``ivr.queueing.Hold``):
answered, or given up on hold. A decision made outside the menu on that route splits
its callers by its outcomes' shares (``journeys``). A caller with no person reachable
at that hour ends in voicemail when the line offers one, else is hung up on. Shares
are of all the week's calls; times to a person are of the callers who reach one,
mixed over the week (the queue wait from the Erlang A waiting-time distribution,
the menus' seconds added). Unknown stays unknown: a route to a queue with no
staffing and no ``wait``, or a decision whose outcomes have no shares and end
differently, makes the figures it touches ``None`` (never the best outcome's).

>>> from ivr.loader import load_menu
>>> from audit.metrics import compute_metrics
>>> callers = caller_figures(compute_metrics(load_menu("menus/acme-cold.yaml")))
>>> round(callers.reached, 2), round(callers.abandoned, 2), round(callers.hung_up, 2)
(0.07, 0.17, 0.76)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from audit.metrics import Figures, HumanRoute, Metrics, State, route_order
from ivr.model import DecideNode

MOST = 0.5  # an hour is "answered" when at least this share of its callers reach a person
MAX_SPLIT_DEPTH = 8  # decisions one caller's journey is split at, one after the other
MAX_JOURNEYS = 256  # parts one hour's callers are split into (then: the quickest route)


@dataclass(frozen=True)
class Callers:
    """Shares of the week's callers by how their call ends, and times to a person."""

    reached: float | None
    abandoned: float | None
    hung_up: float
    voicemail: float
    unknown: float
    first_time_p50_s: float | None
    first_time_p90_s: float | None
    expert_p50_s: float | None
    expert_p90_s: float | None
    unanswered_minutes: frozenset[int]
    closed_minutes: frozenset[int] = frozenset()  # minutes when no person can be reached
    unknown_minutes: frozenset[int] = frozenset()  # minutes when callers meet an unknown wait
    # the shares known to be answered / to give up: ``reached`` and ``abandoned`` when
    # nothing is unknown; with an unknown share, what the callers of known holds live
    reached_known: float = 0.0
    abandoned_known: float = 0.0
    # of ``unknown``: the share that passes a decision made outside the menu whose outcomes
    # have no shares and end differently (``undecided_at``: those decisions' node ids)
    undecided: float = 0.0
    undecided_at: tuple[str, ...] = ()

    @property
    def reached_at_most(self) -> float:
        """The reached share if every unknown hold answered everyone."""
        return self.reached_known + self.unknown

    def as_dict(self) -> dict[str, float | None]:
        """The ``callers`` object of the JSON report (DESIGN.md)."""
        return {
            "reached": _share(self.reached),
            "abandoned": _share(self.abandoned),
            "hung_up": _share(self.hung_up),
            "voicemail": _share(self.voicemail),
            "unknown": _share(self.unknown),
            "first_time_p50_s": _seconds(self.first_time_p50_s),
            "first_time_p90_s": _seconds(self.first_time_p90_s),
            "expert_p50_s": _seconds(self.expert_p50_s),
            "expert_p90_s": _seconds(self.expert_p90_s),
            "reached_at_least": _share(self.reached_known),
            "reached_at_most": _share(self.reached_at_most),
        }


def plain_seconds(value: float | None) -> str:
    """Seconds as a manager reads them.

    >>> plain_seconds(48.04), plain_seconds(127.1), plain_seconds(3725), plain_seconds(None)
    ('48 s', '2 min 7 s', '1 h 2 min', 'unknown')
    >>> plain_seconds(math.inf), plain_seconds(math.nan)
    ('without end', 'unknown')
    """
    if value is None or math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "without end"
    whole = round(value)
    if whole < 60:
        return f"{value:.0f} s" if value >= 9.5 else f"{value:.1f} s".replace(".0 s", " s")
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(round(value / 60), 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def percent(share: float | None) -> str:
    """A share as a whole percentage ("unknown" for None; "under 1 %" for a sliver).

    >>> percent(0.624), percent(0.004), percent(0.0), percent(None)
    ('62 %', 'under 1 %', '0 %', 'unknown')
    """
    if share is None:
        return "unknown"
    if 0 < share < 0.005:
        return "under 1 %"
    return f"{share * 100:.0f} %"


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _seconds(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 1)


def patterns(metrics: Metrics) -> list[Figures]:
    """Every schedule pattern with its share of calls (one pattern all week without schedules)."""
    return [figures for _, figures in metrics.by_hours] or [metrics.figures]


def week_journeys(metrics: Metrics) -> list[tuple[Figures, list[Journey]]]:
    """Each schedule pattern of the week with the journeys of its callers."""
    return [(figures, journeys(metrics, figures)) for figures in patterns(metrics)]


def caller_figures(
    metrics: Metrics, week: list[tuple[Figures, list[Journey]]] | None = None
) -> Callers:
    """The caller-weighted week of ``metrics`` (``week``: its ``week_journeys``, when
    already worked out)."""
    reached = abandoned = hung_up = voicemail = unknown = undecided = 0.0
    deciding: set[str] = set()  # decisions without shares where callers' ways part unknown
    unanswered: set[int] = set()
    closed: set[int] = set()
    unknown_at: set[int] = set()
    first: list[tuple[float, float, HumanRoute]] = []  # (share, seconds before the hold, route)
    expert: list[tuple[float, float, HumanRoute]] = []
    away_unknown = False
    for figures, their_journeys in week if week is not None else week_journeys(metrics):
        answered_here, known_here = 0.0, True
        for journey in their_journeys:
            share, route = figures.share * journey.weight, journey.route
            if journey.undecided is not None:  # a decision without shares: the end is unknown
                unknown += share
                undecided += share
                deciding.add(journey.undecided)
                unknown_at.update(figures.minutes)
                known_here = False
                continue
            if route is None:
                if journey.voicemail:
                    voicemail += share
                else:
                    hung_up += share
                continue
            answered = route.hold.p_answered
            if answered is None:
                unknown += share
                unknown_at.update(figures.minutes)
                known_here = False
                continue
            reached += share * answered
            abandoned += share * (1.0 - answered)
            answered_here += journey.weight * answered
            first.append((share, journey.first_s + route.ivr_s, route))
            expert.append((share, journey.expert_s + route.expert_ivr_s, route))
            away_unknown = away_unknown or route.away_unknown or not journey.timed
        if figures.nearest is None:
            closed.update(figures.minutes)
        if known_here and answered_here < MOST:
            unanswered.update(figures.minutes)
    known = unknown == 0
    # a route through another system whose time there (``away``) is unstated, or by one
    # of several outcomes without shares that end alike: who is answered is known, how
    # long it takes them is not
    timed = known and not away_unknown
    return Callers(
        reached=reached if known else None,
        abandoned=abandoned if known else None,
        hung_up=hung_up,
        voicemail=voicemail,
        unknown=unknown,
        first_time_p50_s=_quantile(first, 0.5) if timed else None,
        first_time_p90_s=_quantile(first, 0.9) if timed else None,
        expert_p50_s=_quantile(expert, 0.5) if timed else None,
        expert_p90_s=_quantile(expert, 0.9) if timed else None,
        unanswered_minutes=frozenset(unanswered),
        closed_minutes=frozenset(closed),
        unknown_minutes=frozenset(unknown_at),
        reached_known=reached,
        abandoned_known=abandoned,
        undecided=undecided,
        undecided_at=tuple(sorted(deciding)),
    )


@dataclass(frozen=True)
class Journey:
    """Callers of one set of hours who end alike: their share of those hours' callers, the
    seconds (first-time, expert) spent before ``route`` (reaching the decisions that sent
    them there), the route (None: no person; ``voicemail``: a message can be left), and
    the nodes they passed before it (each earlier route up to the decision that split it,
    and that outcome's target; none when no decision split them)."""

    weight: float
    first_s: float
    expert_s: float
    route: HumanRoute | None
    voicemail: bool = False
    passed: tuple[str, ...] = ()
    # a decision without shares whose outcomes end differently: where these callers end
    # is unknown (``route`` is then None and says nothing)
    undecided: str | None = None
    timed: bool = True  # False: outcomes without shares end alike, by routes of other lengths


def journeys(metrics: Metrics, hours: Figures) -> list[Journey]:
    """Where the callers of ``hours`` end.

    Each caller takes the quickest route to a person. At a decision made outside the menu
    on that route, the callers split by its outcomes' shares (scaled to add up to 1, as
    ``ivr simulate`` does), and each part takes its quickest route on from its outcome
    (splitting again at the next decision). An outcome without a share takes what the
    shares given leave; when several outcomes have none, the callers they leave split in
    an unknown way: if those outcomes end alike (the same person, or nobody), the part
    goes on by the quickest of them with its times unknown, else where it ends is unknown
    (``Journey.undecided``).
    """
    done: list[Journey] = []
    todo: list[tuple[float, float, float, Figures, int, tuple[str, ...], bool]]
    todo = [(1.0, 0.0, 0.0, hours, 0, (), True)]
    while todo:
        weight, first, expert, here, depth, passed, timed = todo.pop()
        route = here.nearest
        split = None
        if route is not None and depth < MAX_SPLIT_DEPTH and len(done) + len(todo) < MAX_JOURNEYS:
            split = _decision_on(metrics, here, route)
        if split is None:
            done.append(Journey(weight, first, expert, route, here.voicemail, passed, None, timed))
            continue
        assert route is not None
        state, node = split
        to_first, to_expert = here.decisions[state]
        before = (*passed, *route.path[: route.states.index(state) + 1])
        first, expert = first + to_first, expert + to_expert
        given, unshared = _outcome_shares(node)
        for goto, share in given:
            onward = metrics.figures_from((goto, state[1]), hours)
            todo.append((weight * share, first, expert, onward, depth + 1, (*before, goto), timed))
        if not unshared:
            continue
        rest = max(0.0, 1.0 - sum(share for _, share in given))
        if rest <= 0:
            continue
        onward_all = [(goto, metrics.figures_from((goto, state[1]), hours)) for goto in unshared]
        ends = {_end(figures) for _, figures in onward_all}
        if len(ends) > 1:  # the outcomes part ways and nothing says how many take each
            done.append(Journey(weight * rest, first, expert, None, False, before, node.id))
            continue
        goto, onward = min(onward_all, key=lambda pair: _quickest(pair[1]))
        alike = len(onward_all) == 1
        todo.append(
            (weight * rest, first, expert, onward, depth + 1, (*before, goto), timed and alike)
        )
    return done


def _decision_on(
    metrics: Metrics, here: Figures, route: HumanRoute
) -> tuple[State, DecideNode] | None:
    """The first decision made outside the menu on ``route``, and its node (None: none)."""
    for state in route.states:
        if state in here.decisions:
            node = metrics.graph.nodes[state[0]]["node"]
            assert isinstance(node, DecideNode)
            return state, node
    return None


def _outcome_shares(node: DecideNode) -> tuple[list[tuple[str, float]], list[str]]:
    """The outcomes' targets with the shares they are given (scaled to add up to 1 when
    every outcome has one), and the distinct targets of the outcomes without a share."""
    given = [(o.goto, o.share) for o in node.outcomes if o.share is not None]
    unshared = list(dict.fromkeys(o.goto for o in node.outcomes if o.share is None))
    total = sum(share for _, share in given)
    if not unshared and total > 0:
        given = [(goto, share / total) for goto, share in given]
    return [(goto, share) for goto, share in given if share > 0], unshared


def _end(figures: Figures) -> tuple[str | None, bool]:
    """Where callers who go on at ``figures`` end: the person of the quickest route (or
    nobody, and whether a message can be left)."""
    route = figures.nearest
    return (route.node, False) if route is not None else (None, figures.voicemail)


def _quickest(figures: Figures) -> tuple[Any, ...]:
    """How the nearest routes of outcomes that end alike compare: as ``audit.metrics`` orders
    routes (quickest, then by keys, never by file order); nobody reached: all alike."""
    route = figures.nearest
    return route_order(route) if route is not None else ()


def _quantile(parts: list[tuple[float, float, HumanRoute]], share: float) -> float | None:
    """Seconds within which ``share`` of the callers who reach a person do so.

    ``parts`` are (share of calls, seconds in the menus, route); the hold adds
    its own answered-wait distribution. None when nobody is answered.
    """
    parts = [(w, offset, r) for w, offset, r in parts if math.isfinite(offset)]
    total = sum(w * (r.hold.p_answered or 0.0) for w, _, r in parts)
    if total <= 0:
        return None

    def answered_by(seconds: float) -> float:
        return sum(w * r.hold.answered_by(seconds - offset) for w, offset, r in parts) / total

    return _bisect(answered_by, share, low=min(offset for _, offset, _ in parts))


def _bisect(cdf: Callable[[float], float], share: float, low: float) -> float | None:
    high = low + 1.0
    while cdf(high) < share:
        low, high = high, low + (high - low) * 2
        if high - low > 1e8:
            return None
    while high - low > 0.01:
        middle = (low + high) / 2
        if cdf(middle) < share:
            low = middle
        else:
            high = middle
    return high
