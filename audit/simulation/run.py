"""One replication: a seeded day (or week) of callers through the menu and the queues.

Callers arrive as a Poisson process whose rate follows the line's calls minute by
minute, scaled for the whole day by a busyness factor drawn from Gamma(shape, mean
1) when ``busyness`` is given (a busier or quieter day than forecast). Each wants a
destination (``inputs.line_inputs``), walks the menu (``walk.MenuWalker``), then
waits in its queue (``queues``): service times exponential with the queue's mean
handle time (or fixed), patience exponential with its mean (zero for the
``balking`` share of callers). What every caller lived is tallied per interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from audit.simulation.inputs import LineInputs, QueueInputs, line_inputs, window
from audit.simulation.queues import QueueResult, fast_queue, simpy_queue
from audit.simulation.walk import MAX_SCRIPT, MenuWalker
from ivr.loader import load_menu
from ivr.model import Menu

TARGET_S = 20.0  # service level: answered within this many seconds
SHORT_ABANDON_S = 5.0  # a caller who gives up this quickly is a short abandon
QUANTILES = (50, 90, 99)

# how a caller's call ends
ANSWERED, ABANDONED_QUEUE, CALLBACK, ABANDONED_MENU, VOICEMAIL, HUNG_UP, SYSTEM, NEVER = range(8)
ENDS = (
    "answered",
    "abandoned_in_queue",
    "callback",
    "abandoned_in_menu",
    "voicemail",
    "hung_up",
    "system",
    "never_answered",
)


@dataclass(frozen=True)
class Options:
    """What to simulate (picklable: sent as is to local processes or Dask workers)."""

    menu: str
    day: date | None = None
    week: bool = False
    interval: int = 60
    calls: float | None = None
    agents: int | None = None
    busyness: float | None = None  # Gamma shape of the day's busyness factor (mean 1)
    expert: float = 0.3  # share of callers who type ahead as soon as they know the keys
    miskey: float = 0.02  # chance of a wrong key before each answer
    handle: str = "exponential"  # or "fixed"
    engine: str = "auto"  # auto (the fast path), fast, simpy


@dataclass
class Replication:
    """What one replication's callers lived: arrays per interval, and per caller."""

    interval_of: np.ndarray  # per caller
    end: np.ndarray  # per caller: one of ENDS (index)
    menu_s: np.ndarray  # per caller: seconds in the menu
    queue_s: np.ndarray  # per caller: seconds waiting (answered: until answered; NaN: none)
    queue_of: np.ndarray  # per caller: index into ``queues`` (-1: no queue)
    queues: tuple[str, ...]
    busy_s: np.ndarray  # per interval: agent-seconds busy (all queues)
    staffed_s: np.ndarray  # per interval: agent-seconds staffed (all queues)
    busyness: float = 1.0
    extra: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=8)
def prepared(options: Options) -> tuple[Menu, LineInputs, MenuWalker]:
    """The loaded menu, its inputs and its walker (kept per process, shared by replications)."""
    menu = load_menu(Path(options.menu))
    where = window(menu, options.day, options.week, options.interval)
    inputs = line_inputs(menu, where, calls=options.calls, agents=options.agents)
    return menu, inputs, MenuWalker(menu, inputs.regime_times)


def replicate(options: Options, seed: np.random.SeedSequence) -> Replication:
    """One replication of ``options`` with its own random stream ``seed``."""
    _menu, inputs, walker = prepared(options)
    rng = np.random.default_rng(seed)
    busyness = float(rng.gamma(options.busyness, 1 / options.busyness)) if options.busyness else 1.0
    rates = np.asarray(inputs.rates) * busyness
    per_minute = rng.poisson(rates)
    minute = np.repeat(np.arange(len(rates)), per_minute)
    arrival = (minute + rng.random(minute.size)) * 60.0
    order = np.argsort(arrival, kind="stable")
    arrival, minute = arrival[order], minute[order]
    count = arrival.size
    targets = _targets(inputs, minute, rng)
    expert = rng.random(count) < options.expert
    wrong = (rng.random((count, MAX_SCRIPT)) < options.miskey) @ (1 << np.arange(MAX_SCRIPT))
    regimes = np.asarray(inputs.regimes)[minute] if count else np.zeros(0, dtype=int)
    end = np.full(count, HUNG_UP, dtype=np.int8)
    menu_s = np.zeros(count)
    queue_s = np.full(count, np.nan)
    queue_of = np.full(count, -1, dtype=np.int32)
    names = tuple(inputs.queues)
    index_of = {name: i for i, name in enumerate(names)}
    kinds = {"voicemail": VOICEMAIL, "hangup": HUNG_UP, "system": SYSTEM, "menu": ABANDONED_MENU}
    draws = rng.random((3, count))  # per caller: service, patience, balking
    full: list[frozenset[str]] = [frozenset()] * count
    # per caller, the outcome of each decision made outside the menu, drawn by its shares
    decided = (
        [
            tuple(row)
            for row in np.column_stack(
                [rng.choice(len(shares), size=count, p=shares) for _, _, shares in walker.decisions]
            ).tolist()
        ]
        if walker.decisions
        else [()] * count
    )

    def walk(i: int) -> None:
        ended = walker.end(
            int(regimes[i]), targets[i], bool(expert[i]), int(wrong[i]), full[i], decided[i]
        )
        menu_s[i], queue_of[i], queue_s[i] = ended.seconds, -1, np.nan
        if ended.kind == "queue":
            queue_of[i] = index_of[ended.node]
        elif ended.kind == "person":
            end[i], queue_s[i] = ANSWERED, ended.ring
        else:
            end[i] = kinds[ended.kind]

    for i in range(count):
        walk(i)
    # Callers who find a queue at its capacity walk on where its when_full sends them (maybe
    # another queue): the queues are played again until nobody moves.
    for _round in range(len(names) + 1):
        served = {
            q: (
                members,
                _queue(
                    inputs.queues[name],
                    arrival[members] + menu_s[members],
                    options,
                    draws[:, members],
                ),
            )
            for q, name in enumerate(names)
            if (members := np.flatnonzero(queue_of == q)).size
        }
        moved = [(q, i) for q, (members, result) in served.items() for i in members[result.full]]
        for q, i in moved:
            full[i] = full[i] | {names[q]}
            walk(i)
        if not moved:
            break
    intervals = math.ceil(len(rates) / options.interval)
    busy = np.zeros(intervals)
    staffed = np.zeros(intervals)
    for q, name in enumerate(names):
        if q in served:
            members, result = served[q]
            queue_s[members] = result.wait
            end[members] = np.where(
                result.answered,
                ANSWERED,
                np.where(
                    np.isinf(result.wait),
                    NEVER,
                    CALLBACK if inputs.queues[name].callback else ABANDONED_QUEUE,
                ),
            )
            busy += _busy_per_interval(result, options.interval * 60.0, intervals)
        staffed += _staffed_per_interval(inputs.queues[name].agents, options.interval)
    return Replication(
        (minute // options.interval).astype(np.int32),
        end,
        menu_s,
        queue_s,
        queue_of,
        names,
        busy,
        staffed,
        busyness,
    )


def _targets(inputs: LineInputs, minute: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Each caller's destination, drawn from the intents of its minute."""
    targets: list[str] = [""] * minute.size
    groups: dict[tuple[tuple[str, float], ...], list[int]] = {}
    for i, m in enumerate(minute.tolist()):
        groups.setdefault(inputs.intents[m], []).append(i)
    for intents, members in groups.items():
        names = [name for name, _ in intents]
        shares = np.asarray([share for _, share in intents])
        chosen = rng.choice(len(names), size=len(members), p=shares / shares.sum())
        for i, pick in zip(members, chosen.tolist(), strict=True):
            targets[i] = names[pick]
    return targets


def staffing_changes(agents: tuple[int, ...]) -> list[tuple[float, int]]:
    """``(second, agents)`` at the start and wherever the staffing changes.

    >>> staffing_changes((2, 2, 3, 3, 0))
    [(0.0, 2), (120.0, 3), (240.0, 0)]
    """
    changes = [(0.0, agents[0])] if agents else []
    changes += [(m * 60.0, agents[m]) for m in range(1, len(agents)) if agents[m] != agents[m - 1]]
    return changes


def _queue(
    queue: QueueInputs, arrivals: np.ndarray, options: Options, draws: np.ndarray
) -> QueueResult:
    """The callers ``arrivals`` in ``queue``; ``draws`` holds each caller's uniform numbers
    for its service time, its patience and whether it balks (rows 0, 1, 2)."""
    order = np.argsort(arrivals, kind="stable")
    arrivals, draws = arrivals[order], draws[:, order]
    count = arrivals.size
    exponential = -np.log1p(-draws)  # mean 1
    patience = (
        exponential[1] * queue.patience
        if math.isfinite(queue.patience)
        else np.full(count, math.inf)
    )
    patience[draws[2] < queue.balking] = 0.0
    if queue.handle_time is None:  # a fixed wait instead of staffing
        wait = np.full(count, queue.wait or 0.0)
        answered = wait <= patience
        start = np.where(answered, arrivals + wait, np.nan)
        result = QueueResult(np.where(answered, wait, patience), answered, start, start)
    else:
        if options.handle == "fixed":
            service = np.full(count, queue.handle_time)
        else:
            service = exponential[0] * queue.handle_time
        engine = simpy_queue if options.engine == "simpy" else fast_queue
        last = float(arrivals[-1]) if count else 0.0
        # agents on duty when the last caller arrives stay until the queue is empty
        staffing = [change for change in staffing_changes(queue.agents) if change[0] <= last]
        result = engine(
            arrivals.tolist(), service.tolist(), patience.tolist(), staffing, queue.capacity
        )
    back = np.empty_like(order)
    back[order] = np.arange(count)
    assert result.full is not None
    return QueueResult(
        result.wait[back],
        result.answered[back],
        result.start[back],
        result.end[back],
        result.full[back],
    )


def _busy_per_interval(served: QueueResult, length: float, intervals: int) -> np.ndarray:
    """Agent-seconds of service falling in each interval (calls split across intervals)."""
    start = served.start[served.answered]
    end = served.end[served.answered]
    edges = np.arange(intervals + 1) * length  # service after the window is not counted

    def covered(at: np.ndarray) -> np.ndarray:
        # seconds of service before each time: sum of min(at, end) - min(at, start)
        return np.array([np.minimum(t, end).sum() - np.minimum(t, start).sum() for t in at])

    total = covered(edges)
    return np.diff(total)


def _staffed_per_interval(agents: tuple[int, ...], interval: int) -> np.ndarray:
    per_minute = np.asarray(agents, dtype=float) * 60.0
    padded = np.pad(per_minute, (0, (-len(per_minute)) % interval))
    return padded.reshape(-1, interval).sum(axis=1)
