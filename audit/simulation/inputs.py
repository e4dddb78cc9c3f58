"""What a simulation needs to know of a line, per minute of the simulated window.

``line_inputs`` reads it from the menu: when calls come (``calls_per_hour`` of the
queues, or ``--calls N`` shaped by ``hotline.traffic``), what callers want
(``hotline.intents``; else each queue's share of the offered calls; else the
nearest person), and each queue's staffing, handle time, patience and balking.
Anything the simulation cannot do without is a ``SimulationError`` naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from audit.metrics import week_traffic
from ivr.graph import build_graph, reachable
from ivr.model import Menu, QueueNode, TransferNode
from ivr.queueing import staffing_at
from ivr.walks import WEEK_START, regime

NEAREST = "*nearest*"  # the intent of a caller who wants the nearest person
MINUTES_PER_WEEK = 7 * 24 * 60
MAX_CALLS_PER_REPLICATION = 20_000_000


class SimulationError(ValueError):
    """The menu or the options cannot be simulated; the message names the field to fix."""


@dataclass(frozen=True)
class Window:
    """The simulated time: ``minutes`` from ``start`` (the hotline's local time), in
    intervals of ``interval`` minutes."""

    start: datetime
    minutes: int
    interval: int

    @property
    def intervals(self) -> int:
        """How many intervals the window has."""
        return math.ceil(self.minutes / self.interval)

    def interval_start(self, index: int) -> datetime:
        """When interval ``index`` starts."""
        return self.start + timedelta(minutes=index * self.interval)


def window(menu: Menu, day: date | None, week: bool, interval: int) -> Window:
    """A day (midnight to midnight) or the week from that day's Monday; default: 2026-11-23."""
    zone = ZoneInfo(menu.hotline.timezone)
    first = day or WEEK_START.date()
    if week:
        first -= timedelta(days=first.weekday())
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    return Window(start, MINUTES_PER_WEEK if week else 24 * 60, interval)


@dataclass(frozen=True)
class QueueInputs:
    """One queue: agents per minute of the window, and its callers' behaviour."""

    node: str
    name: str
    agents: tuple[int, ...]  # per minute of the window
    handle_time: float | None  # mean seconds; None: a fixed ``wait`` instead of staffing
    wait: float | None
    patience: float  # mean seconds; inf: never hangs up
    balking: float
    callback: bool
    capacity: int | None = None  # callers on hold at most (more go where when_full says)


@dataclass(frozen=True)
class LineInputs:
    """Everything a replication needs, per minute of the window."""

    window: Window
    rates: tuple[float, ...]  # expected calls per minute
    intents: tuple[tuple[tuple[str, float], ...], ...]  # per minute: (target, share)
    queues: dict[str, QueueInputs] = field(default_factory=dict)
    regimes: tuple[int, ...] = ()  # per minute: index into ``regime_times``
    regime_times: tuple[datetime, ...] = ()

    @property
    def expected_calls(self) -> float:
        """Calls expected in the window (before any day-level busyness factor)."""
        return sum(self.rates)


def line_inputs(
    menu: Menu, where: Window, *, calls: float | None = None, agents: int | None = None
) -> LineInputs:
    """The simulation's view of ``menu`` over ``where`` (see the module docstring)."""
    _check_time_away(menu)
    queues = {n.id: n for n in menu.nodes.values() if isinstance(n, QueueNode)}
    minutes = [where.start + timedelta(minutes=m) for m in range(where.minutes)]
    regimes: dict[tuple[bool, ...], int] = {}
    regime_times: list[datetime] = []
    per_minute: list[int] = []
    open_at: list[dict[str, bool]] = []
    names = sorted(menu.hotline.hours)
    for when in minutes:
        key = regime(menu, when)
        if key not in regimes:
            regimes[key] = len(regime_times)
            regime_times.append(when)
        per_minute.append(regimes[key])
        open_at.append(dict(zip(names, key, strict=True)))
    offered = {
        q: [staffing_at(node, open_at[m])[1] or 0.0 for m in range(where.minutes)]
        for q, node in queues.items()
    }
    rates = _rates(menu, where, minutes, offered, calls)
    intents = _intents(menu, offered, where.minutes)
    inputs = {
        q: _queue(node, [_agents(node, open_at[m], agents) for m in range(where.minutes)])
        for q, node in queues.items()
    }
    for q, queue in inputs.items():
        wanted = any(share > 0 for minute in intents for name, share in minute if name == q)
        if queue.handle_time is not None and wanted and not any(queue.agents):
            node = queues[q]
            raise SimulationError(
                f'queue "{q}" ({node.location.file}:{node.location.line}) has no agents in the '
                "whole window while callers are sent to it: give it agents"
            )
    if sum(rates) > MAX_CALLS_PER_REPLICATION:
        raise SimulationError(
            f"{sum(rates):,.0f} calls in one replication is more than this tool simulates "
            f"({MAX_CALLS_PER_REPLICATION:,}): lower --calls or the window"
        )
    return LineInputs(where, tuple(rates), intents, inputs, tuple(per_minute), tuple(regime_times))


def _check_time_away(menu: Menu) -> None:
    """Refuse a line whose callers may spend a time no one stated in another system (a
    transfer with ``returns_to`` and no ``away``): it is unknown, and never taken as 0."""
    transfers = [
        node
        for node in menu.nodes.values()
        if isinstance(node, TransferNode) and node.returns_to and node.away is None
    ]
    if not transfers:
        return
    reached = reachable(build_graph(menu))
    for node in transfers:
        if node.id in reached:
            where = node.location
            raise SimulationError(
                f'transfer "{node.id}" ({where.file}:{where.line}) hands the call back after '
                f"a time nobody stated: give it away: SECONDS (how long callers spend in "
                f"{node.to}) to simulate the line"
            )


def _rates(
    menu: Menu,
    where: Window,
    minutes: list[datetime],
    offered: dict[str, list[float]],
    calls: float | None,
) -> list[float]:
    if calls is not None:
        weights = week_traffic(menu)
        start = where.start.weekday() * 1440 + where.start.hour * 60 + where.start.minute
        shape = [weights[(start + m) % MINUTES_PER_WEEK] for m in range(where.minutes)]
        total = sum(shape)
        if total <= 0:
            raise SimulationError("hotline traffic gives this window no calls: choose another day")
        return [calls * w / total for w in shape]
    rates = [sum(per_queue[m] for per_queue in offered.values()) / 60 for m in range(len(minutes))]
    if not any(rates):
        raise SimulationError(
            f"{menu.path} has no traffic for this window: give its queues calls_per_hour "
            "(docs/menu-format.md), or the number of calls with --calls N"
        )
    return rates


def _intents(
    menu: Menu, offered: dict[str, list[float]], minutes: int
) -> tuple[tuple[tuple[str, float], ...], ...]:
    declared = menu.hotline.intents
    if declared:
        rest = max(0.0, 1.0 - sum(share for _, share in declared))
        fixed = tuple(declared) + (((NEAREST, rest),) if rest > 1e-12 else ())
        return tuple(fixed for _ in range(minutes))
    result = []
    for m in range(minutes):
        total = sum(per_queue[m] for per_queue in offered.values())
        if total > 0:
            result.append(tuple((q, v[m] / total) for q, v in offered.items() if v[m] > 0))
        else:
            result.append(((NEAREST, 1.0),))
    return tuple(result)


def _agents(node: QueueNode, is_open: dict[str, bool], override: int | None) -> int:
    """Agents answering ``node`` at a minute: none while its ``hours`` are closed."""
    if node.hours is not None and not is_open.get(node.hours, False):
        return 0
    if override is not None:
        return override
    staffed, _calls = staffing_at(node, is_open)
    return int(staffed or 0)


def _queue(node: QueueNode, agents: list[int]) -> QueueInputs:
    staffed = node.handle_time is not None and (node.agents is not None or node.agents_by_hours)
    if not staffed and node.wait is None:
        raise SimulationError(
            f'queue "{node.id}" ({node.location.file}:{node.location.line}) has neither staffing '
            "(agents, handle_time, calls_per_hour) nor a wait: the simulation needs one of them"
        )
    return QueueInputs(
        node.id,
        node.name,
        tuple(agents),
        node.handle_time if staffed else None,
        None if staffed else node.wait,
        node.patience,
        node.balking,
        node.callback,
        node.capacity if node.when_full else None,
    )
