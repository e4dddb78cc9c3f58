"""How fast ``ivr simulate`` runs: the queue fast path, and callers walking a bundled menu.

``python bench/simulate.py`` prints:

- the fast path alone (``audit.simulation.queues.fast_queue``): 1,000,000 callers
  of a one-pool day (20 agents, staffing changing every hour) on one core; the
  goal is under 2 s;
- the SimPy engine on 100,000 of those callers, for comparison;
- whole replications of a day of ``menus/acme-hot.yaml`` with ``--calls``
  raised to 200,000: callers per second through the menu (walked by the call
  engine, each distinct script once) and the queues; the goal is at least
  20,000 callers per second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MENU = ROOT / "menus" / "acme-hot.yaml"


def pool_day(callers: int, seed: int = 1) -> tuple[list[float], list[float], list[float], list]:
    """A day of ``callers`` to one pool: 20 agents, one more or less every hour."""
    rng = np.random.default_rng(seed)
    day = 86_400.0
    arrivals = np.sort(rng.random(callers) * day).tolist()
    handle = 20 * day / callers * 0.9  # about 90 % busy
    service = rng.exponential(handle, callers).tolist()
    patience = rng.exponential(300, callers).tolist()
    staffing = [(hour * 3600.0, 20 + (hour % 3) - 1) for hour in range(24)]
    return arrivals, service, patience, staffing


def timed(function, *args) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall and CPU seconds of ``function(*args)`` (CPU is what a busy machine disturbs less)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    sys.path.insert(0, str(ROOT))  # the audit package, not bench/audit.py beside this script
    from audit.simulation.queues import fast_queue, simpy_queue
    from audit.simulation.run import Options, prepared, replicate

    for callers, engine in ((1_000_000, fast_queue), (100_000, simpy_queue)):
        wall, cpu = timed(engine, *pool_day(callers))
        print(
            f"{engine.__name__:<12} {callers:>9,} callers in {wall:6.2f} s wall, {cpu:6.2f} s CPU "
            f"({callers / cpu:,.0f} callers per CPU second)"
        )
    options = Options(str(MENU), calls=200_000)
    start = time.perf_counter()
    prepared(options)  # load the menu and find its routes once
    setup = time.perf_counter() - start
    seeds = np.random.SeedSequence(1).spawn(3)
    wall, cpu = time.perf_counter(), time.process_time()
    total = sum(replicate(options, seed).end.size for seed in seeds)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"menu walk    {total:>9,} callers in {wall:6.2f} s wall, {cpu:6.2f} s CPU "
        f"({total / cpu:,.0f} callers per CPU second through {MENU.name} and its queues; "
        f"{setup:.2f} s to prepare the menu once)"
    )


if __name__ == "__main__":
    main()
