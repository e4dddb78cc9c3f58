"""Erlang C against the reference values of REFERENCE.md and an independent formula."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from ivr.queueing import (
    agents_needed,
    average_speed_of_answer,
    probability_of_waiting,
    queue_figures,
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


def test_queue_figures_of_a_queue_node():
    figures = queue_figures(SimpleNamespace(agents=13, wait=None, **REFERENCE))
    assert (figures.load, figures.agents, figures.agents_needed) == (10.0, 13, 14)
    assert figures.average_wait == pytest.approx(17.1, abs=0.1)
    assert not figures.overloaded
    assert queue_figures(
        SimpleNamespace(agents=3, handle_time=600, calls_per_hour=60, wait=None)
    ).overloaded
