"""The simulation reproduces published results: Erlang C quantiles, Erlang A, the SSJ day.

Each check runs fewer replications than the publication did, so its tolerance is
the published interval widened by three standard errors of our smaller sample
(the standard deviation of one replication over the square root of their number).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from audit.simulation.executors import run_replications
from audit.simulation.run import ABANDONED_QUEUE, Options
from tests.audit.simulation.steady import steady_menu

HERE = Path(__file__).parent
SSJ = HERE / "ssj-call-centre.yaml"


def within(values: list[float], published: float, half_width: float = 0.0) -> None:
    """``mean(values)`` within the published value's interval plus three standard errors."""
    mean = float(np.mean(values))
    error = float(np.std(values, ddof=1)) / math.sqrt(len(values))
    assert abs(mean - published) <= half_width + 3 * error, (mean, published, error)


def test_erlang_c_waiting_time_quantiles(tmp_path: Path) -> None:
    # 200 calls an hour of 180 s (10 erlangs) to 14 agents; callers never hang up
    menu = steady_menu(tmp_path, agents=14, handle=180, calls=200, patience="unlimited")
    reps = run_replications(Options(str(menu), miskey=0.0), 12, seed=7)
    waits = [rep.queue_s[rep.menu_s.size // 20 :] for rep in reps]  # the first hour warms up
    within([float(np.mean(w)) for w in waits], 7.84)
    within([float(np.percentile(w, 90)) for w in waits], 25.0)
    within([float(np.percentile(w, 99)) for w in waits], 128.6)


def test_erlang_a_pyworkforce_vector(tmp_path: Path) -> None:
    # pyworkforce's test: 100 calls per 30 min, handle 3 min, patience 5 min, 14 agents
    menu = steady_menu(tmp_path, agents=14, handle=180, calls=200, patience="300")
    reps = run_replications(Options(str(menu), miskey=0.0), 12, seed=11)
    cut = [slice(rep.menu_s.size // 20, None) for rep in reps]
    waits = [rep.queue_s[c] for rep, c in zip(reps, cut, strict=True)]
    ends = [rep.end[c] for rep, c in zip(reps, cut, strict=True)]
    within([float(np.mean(w > 0)) for w in waits], 0.14526)
    within([float(np.mean(e == ABANDONED_QUEUE)) for e in ends], 0.013984)
    within([float(np.mean(w)) / 60 for w in waits], 0.069919)
    answered_in_20 = [
        float(np.mean((e != ABANDONED_QUEUE) & (w <= 20))) for w, e in zip(waits, ends, strict=True)
    ]
    within(answered_in_20, 0.916792)


@pytest.mark.slow
def test_the_ssj_call_centre_day() -> None:
    reps = run_replications(Options(str(SSJ), busyness=400.0, miskey=0.0), 200, seed=3)
    expected = 1660.0  # calls expected per day: SSJ divides by this, not by the arrivals
    arrivals = [float(rep.end.size) for rep in reps]
    waits = [float(np.nansum(rep.queue_s)) / expected for rep in reps]
    good = [float(np.count_nonzero(rep.queue_s < 20)) / expected for rep in reps]
    lost = [float(np.count_nonzero(rep.end == ABANDONED_QUEUE)) / expected for rep in reps]
    within(arrivals, 1660.366, 1.54)
    within(waits, 4.713, 0.033)
    within(good, 0.925, 0.001)
    within(lost, 0.020, 0.0005)
