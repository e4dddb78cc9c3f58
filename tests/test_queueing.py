"""Erlang C against the reference values of REFERENCE.md and an independent formula."""

from __future__ import annotations

import heapq
import math
import random
from collections import deque

import pytest

from ivr.queueing import (
    ErlangA,
    agents_needed,
    agents_needed_impatient,
    average_speed_of_answer,
    erlang_a_closed_form,
    probability_of_waiting,
    service_level,
)

REFERENCE = {"calls_per_hour": 200, "handle_time": 180}  # 100 calls / 30 min, AHT 3 min


def erlang_c_by_factorials(agents: int, load: float) -> float:
    """The textbook formula, usable for small N only (it overflows beyond ~170)."""
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    return top / (sum(load**k / math.factorial(k) for k in range(agents)) + top)


def test_reference_values_of_reference_md():
    assert probability_of_waiting(13, 10.0) == pytest.approx(0.285, abs=0.0005)
    assert average_speed_of_answer(13, **REFERENCE) == pytest.approx(17.1, abs=0.1)
    assert service_level(13, **REFERENCE, target=20) == pytest.approx(0.796, abs=0.0005)


@pytest.mark.parametrize(("agents", "load"), [(2, 1.0), (5, 4.2), (13, 10.0), (40, 33.3)])
def test_matches_the_factorial_formula_where_it_is_usable(agents, load):
    assert probability_of_waiting(agents, load) == pytest.approx(
        erlang_c_by_factorials(agents, load), rel=1e-9
    )


def test_two_thousand_agents_do_not_overflow():
    # 1,950 erlangs on 2,000 agents: the factorial formula would overflow a float
    with pytest.raises(OverflowError):
        erlang_c_by_factorials(2000, 1950.0)
    chance = probability_of_waiting(2000, 1950.0)
    assert 0.0 < chance < 1.0
    wait = average_speed_of_answer(2000, calls_per_hour=1950 * 3600 / 300, handle_time=300)
    assert 0.0 < wait < 300 and math.isfinite(wait)
    assert agents_needed(calls_per_hour=1950 * 3600 / 300, handle_time=300) > 1950


def test_overloaded_queue_waits_forever():
    assert average_speed_of_answer(10, calls_per_hour=200, handle_time=180) == math.inf
    assert average_speed_of_answer(9, calls_per_hour=200, handle_time=180) == math.inf
    assert service_level(10, calls_per_hour=200, handle_time=180) == 0.0
    assert probability_of_waiting(10, 10.0) == 1.0


def test_agents_needed_is_the_fewest_meeting_80_in_20():
    needed = agents_needed(**REFERENCE)
    assert needed == 14
    assert service_level(needed, **REFERENCE) >= 0.8 > service_level(needed - 1, **REFERENCE)


# -- Erlang A -----------------------------------------------------------------------------------

PYWORKFORCE = {"calls_per_hour": 200, "handle_time": 180, "patience": 300}  # 100 / 30 min


def significant(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits - 1}e}")


def test_erlang_a_reproduces_the_pyworkforce_vector_to_six_digits():
    queue = ErlangA(14, **PYWORKFORCE)
    assert significant(queue.p_wait, 5) == 0.14526
    assert significant(queue.p_abandon) == 0.0139837  # published rounded: 0.013984
    assert round(queue.p_abandon, 6) == 0.013984
    assert round(queue.mean_wait / 60, 6) == 0.069919
    assert round(queue.service_level(20), 6) == 0.916792


GRID = [
    (agents, rho, patience, handle_time)
    for agents in (1, 2, 5, 14, 50, 200, 1000, 2000)
    for rho in (0.3, 0.9, 1.0, 1.2, 2.0)
    for patience in (1, 10, 60, 300, 3600)
    for handle_time in (180, 600)
]


def test_chain_and_closed_form_agree_to_1e9_over_a_grid():
    worst = 0.0
    for agents, rho, patience, handle_time in GRID:
        calls_per_hour = rho * agents * 3600 / handle_time
        staffing = {"calls_per_hour": calls_per_hour, "handle_time": handle_time}
        chain = ErlangA(agents, **staffing, patience=patience)
        p_wait, p_abandon, mean_wait = erlang_a_closed_form(agents, **staffing, patience=patience)
        worst = max(
            worst,
            abs(chain.p_wait - p_wait),
            abs(chain.p_abandon - p_abandon),
            abs(chain.mean_wait - mean_wait) / max(1.0, mean_wait),
        )
    assert worst < 1e-9


def test_chain_figures_are_consistent_with_each_other():
    queue = ErlangA(3, calls_per_hour=60, handle_time=600, patience=180)  # 10 erlangs
    # every caller is answered or abandons; answered = occupancy * agents / load
    assert queue.occupancy == pytest.approx(queue.p_answered * queue.load / queue.agents)
    assert queue.occupancy < 1
    # the mean over all callers mixes the answered and the abandoners' waits
    assert 0 < queue.mean_wait < queue.patience
    assert queue.answered_within(1e7) == pytest.approx(queue.p_answered, abs=1e-12)
    assert queue.service_level(0) == pytest.approx(1 - queue.p_wait)
    levels = [queue.service_level(t) for t in (0, 5, 20, 60, 300)]
    assert levels == sorted(levels)


def test_an_overloaded_queue_still_answers_and_says_how_many_give_up():
    # the example: 3 agents for 10 erlangs, callers wait 3 min on average
    queue = ErlangA(3, calls_per_hour=60, handle_time=600, patience=180)
    assert queue.p_abandon == pytest.approx(0.706, abs=0.001)
    assert math.isfinite(queue.mean_wait) and queue.mean_wait == pytest.approx(127.1, abs=0.1)
    assert queue.p_answered == pytest.approx(0.294, abs=0.001)
    # with unlimited patience the same staffing never drains (Erlang C)
    forever = ErlangA(3, calls_per_hour=60, handle_time=600, patience=None)
    assert forever.mean_wait == math.inf and forever.service_level() == 0.0


def test_unlimited_patience_is_erlang_c():
    queue = ErlangA(13, calls_per_hour=200, handle_time=180, patience=None)
    assert queue.p_wait == pytest.approx(probability_of_waiting(13, 10.0), rel=1e-12)
    assert queue.mean_wait == pytest.approx(
        average_speed_of_answer(13, calls_per_hour=200, handle_time=180), rel=1e-12
    )
    assert queue.service_level(20) == pytest.approx(
        service_level(13, calls_per_hour=200, handle_time=180), rel=1e-12
    )
    assert queue.p_abandon == 0.0
    # very patient callers tend to the Erlang C caller
    patient = ErlangA(13, calls_per_hour=200, handle_time=180, patience=86_400)
    assert patient.mean_wait == pytest.approx(queue.mean_wait, rel=0.01)


def test_two_thousand_agents_and_heavy_overload_stay_finite():
    big = ErlangA(2000, calls_per_hour=3000 * 3600 / 300, handle_time=300, patience=3600)
    assert 0.3 < big.p_abandon < 0.4  # a third of 3000 erlangs cannot be served by 2000
    assert math.isfinite(big.mean_wait_answered)
    idle = ErlangA(2000, calls_per_hour=36, handle_time=100, patience=60)  # 1 erlang
    assert idle.p_wait == 0.0 and idle.service_level() == 1.0


def test_no_agents_means_every_caller_gives_up():
    queue = ErlangA(0, calls_per_hour=30, handle_time=300, patience=120)
    assert queue.p_answered == pytest.approx(0.0) and queue.mean_wait == pytest.approx(120)
    assert queue.service_level() == 0.0
    assert queue.answered_wait_quantile(0.5) == math.inf


@pytest.mark.parametrize(
    ("staffing", "message"),
    [
        ({"agents": -1}, "agents must be a whole number"),
        ({"agents": 2.5}, "agents must be a whole number"),
        ({"calls_per_hour": -5}, "calls_per_hour must be between"),
        ({"handle_time": 0}, "handle_time must be between"),
        ({"patience": 0}, "patience must be between"),
        ({"patience": 10**7}, "patience must be between"),
        ({"calls_per_hour": 900_000, "patience": 86_400}, "millions of callers on hold"),
    ],
)
def test_absurd_staffing_is_refused(staffing, message):
    given = {"agents": 3, "calls_per_hour": 60, "handle_time": 600, "patience": 180, **staffing}
    agents = given.pop("agents")
    with pytest.raises(ValueError, match=message):
        ErlangA(agents, **given)


def test_agents_needed_counts_abandoners_as_not_answered():
    needed = agents_needed_impatient(**PYWORKFORCE)
    level = ErlangA(needed, **PYWORKFORCE).service_level(20)
    fewer = ErlangA(needed - 1, **PYWORKFORCE).service_level(20)
    assert level >= 0.8 > fewer
    # impatient callers leave the queue, so no more agents than Erlang C asks for
    assert needed <= agents_needed(calls_per_hour=200, handle_time=180)
    # 10 erlangs on 3 agents: the number that fixes it
    assert agents_needed_impatient(calls_per_hour=60, handle_time=600, patience=180) == 12


def simulate_queue(agents, calls_per_hour, handle_time, patience, callers, seed, target):
    """M/M/n+M caller by caller: (answered within target, abandoned, answered waits)."""
    rng = random.Random(seed)
    clock, free, within, abandoned = 0.0, agents, 0, 0
    busy_until: list[float] = []
    on_hold: deque[tuple[float, float]] = deque()  # (arrival, moment the caller hangs up)
    waits: list[float] = []
    for _ in range(callers):
        clock += rng.expovariate(calls_per_hour / 3600)
        while busy_until and busy_until[0] <= clock:
            freed = heapq.heappop(busy_until)
            while on_hold and on_hold[0][1] <= freed:
                on_hold.popleft()
                abandoned += 1
            if on_hold:
                arrival, _ = on_hold.popleft()
                waits.append(freed - arrival)
                within += freed - arrival <= target
                heapq.heappush(busy_until, freed + rng.expovariate(1 / handle_time))
            else:
                free += 1
        if free:
            free -= 1
            within += 1
            waits.append(0.0)
            heapq.heappush(busy_until, clock + rng.expovariate(1 / handle_time))
        else:
            on_hold.append((clock, clock + rng.expovariate(1 / patience)))
    return within / callers, abandoned / callers, sorted(waits)


def test_service_level_and_waits_agree_with_a_direct_simulation():
    staffing = {"calls_per_hour": 100, "handle_time": 180, "patience": 120}  # 5 erlangs
    queue = ErlangA(5, **staffing)
    within, abandoned, waits = simulate_queue(5, **staffing, callers=60_000, seed=7, target=20)
    assert 0.5 < queue.service_level(20) < 0.8  # a figure worth checking
    assert within == pytest.approx(queue.service_level(20), abs=0.01)
    assert abandoned == pytest.approx(queue.p_abandon, abs=0.01)
    median = waits[len(waits) // 2]
    assert median == pytest.approx(queue.answered_wait_quantile(0.5), abs=1.5)
    assert sum(waits) / len(waits) == pytest.approx(queue.mean_wait_answered, rel=0.05)
