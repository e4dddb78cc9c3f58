"""Queue maths: Erlang C (callers who never hang up) and Erlang A (impatient callers).

Erlang C: probability of waiting, average speed of answer, service level,
computed with the Erlang B recursion, so it stays finite for thousands of
agents (no factorials). Erlang A (``ErlangA``, M/M/n+M): the same and who
gives up, from the birth-death chain, checked against Mandelbaum and Zeltyn's
closed form (``erlang_a_closed_form``). ``Hold`` is what a caller lives at one
queue at one hour of the week. Times are in seconds.

>>> round(probability_of_waiting(13, 10.0), 3)
0.285
>>> round(average_speed_of_answer(13, calls_per_hour=200, handle_time=180), 1)
17.1
>>> round(service_level(13, calls_per_hour=200, handle_time=180, target=20), 3)
0.796
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

UNBOUNDED = math.inf
DEFAULT_PATIENCE = 180.0  # mean seconds a caller holds before hanging up (docs/menu-format.md)


def offered_load(calls_per_hour: float, handle_time: float) -> float:
    """Offered traffic in erlangs: arrivals per second times seconds per call."""
    return calls_per_hour / 3600.0 * handle_time


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of Erlang B, by the stable recursion B(n) = A·B/(n + A·B)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def probability_of_waiting(agents: int, load: float) -> float:
    """Erlang C: the chance a caller waits at all (1.0 when agents <= load)."""
    if agents <= load:
        return 1.0
    if load <= 0:
        return 0.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1 - blocking))


def average_speed_of_answer(agents: int, *, calls_per_hour: float, handle_time: float) -> float:
    """Mean seconds a caller waits for an agent (``inf`` when the queue never drains)."""
    load = offered_load(calls_per_hour, handle_time)
    if agents <= load:
        return UNBOUNDED
    return probability_of_waiting(agents, load) * handle_time / (agents - load)


def service_level(
    agents: int, *, calls_per_hour: float, handle_time: float, target: float = 20.0
) -> float:
    """Share of callers answered within ``target`` seconds (0.0 when overloaded)."""
    load = offered_load(calls_per_hour, handle_time)
    if agents <= load:
        return 0.0
    waiting = probability_of_waiting(agents, load)
    return 1.0 - waiting * math.exp(-(agents - load) * target / handle_time)


def agents_needed(
    *, calls_per_hour: float, handle_time: float, target: float = 20.0, level: float = 0.8
) -> int:
    """Fewest agents answering ``level`` of calls within ``target`` seconds.

    >>> agents_needed(calls_per_hour=200, handle_time=180)
    14
    """
    load = offered_load(calls_per_hour, handle_time)
    agents = max(1, math.floor(load) + 1)
    while (
        service_level(agents, calls_per_hour=calls_per_hour, handle_time=handle_time, target=target)
        < level
    ):
        agents += 1
    return agents


# -- Erlang A: impatient callers (M/M/n+M) ----------------------------------------------------

MAX_AGENTS = 100_000
MAX_CALLS_PER_HOUR = 1_000_000.0
MAX_SECONDS = 86_400.0  # handle time and patience: at most a day
MAX_CALLERS_ON_HOLD = 2_000_000.0  # calls per second times patience: beyond this, absurd
_NEGLIGIBLE = 50.0  # chain states below e**-50 of the largest are left out


def check_staffing(
    agents: int, calls_per_hour: float, handle_time: float, patience: float | None
) -> None:
    """Refuse staffing no real queue has, with a message naming the value.

    >>> check_staffing(3, 60, 600, 1e9)
    Traceback (most recent call last):
    ...
    ValueError: patience must be between 0 and 86400 seconds (or unlimited), not 1000000000.0
    """
    if isinstance(agents, bool) or not isinstance(agents, int) or not 0 <= agents <= MAX_AGENTS:
        raise ValueError(f"agents must be a whole number from 0 to {MAX_AGENTS}, not {agents!r}")
    if not 0 <= calls_per_hour <= MAX_CALLS_PER_HOUR:
        raise ValueError(
            f"calls_per_hour must be between 0 and {MAX_CALLS_PER_HOUR:.0f}, not {calls_per_hour}"
        )
    if not 0 < handle_time <= MAX_SECONDS:
        raise ValueError(
            f"handle_time must be between 0 and {MAX_SECONDS:.0f} seconds, not {handle_time}"
        )
    if patience is not None and not 0 < patience <= MAX_SECONDS:
        raise ValueError(
            f"patience must be between 0 and {MAX_SECONDS:.0f} seconds (or unlimited), "
            f"not {patience}"
        )
    if patience is not None and calls_per_hour / 3600.0 * patience > MAX_CALLERS_ON_HOLD:
        raise ValueError(
            f"{calls_per_hour} calls per hour with {patience} s of patience would keep "
            f"millions of callers on hold; check the figures"
        )


def _log_add(a: float, b: float) -> float:
    """log(e**a + e**b) without overflow."""
    if a < b:
        a, b = b, a
    return a if b == -math.inf else a + math.log1p(math.exp(b - a))


def _log_inverse_erlang_b(agents: int, load: float) -> float:
    """log(1 / Erlang B(agents, load)), by 1/B(n) = 1 + (n/A)/B(n-1), in logs (no underflow)."""
    log_load, log_inverse = math.log(load), 0.0
    for n in range(1, agents + 1):
        log_inverse = _log_add(0.0, math.log(n) - log_load + log_inverse)
    return log_inverse


@dataclass(frozen=True)
class ErlangA:
    """Erlang A (M/M/n+M) of one queue at one staffing, from the birth-death chain.

    States are callers in the system; with ``k`` callers, callers arrive at
    rate λ and leave at rate min(k, n)·μ + max(k - n, 0)·θ (μ = 1/handle
    time, θ = 1/patience). A caller who arrives to find ``j`` callers on hold
    is answered with chance nμ/(nμ + (j+1)θ); its wait until answered is a
    sum of exponential stages of rates nμ + iθ, i = 1 … j+1, whose tail is
    a regularised incomplete beta function (computed by its term recursion).
    All times are seconds. Patience ``None`` is the Erlang C caller who never
    hangs up; then an overloaded queue has an infinite wait.

    >>> q = ErlangA(14, calls_per_hour=200, handle_time=180, patience=300)
    >>> round(q.p_wait, 5), round(q.p_abandon, 6), round(q.mean_wait / 60, 6)
    (0.14526, 0.013984, 0.069919)
    >>> round(q.service_level(20), 6)
    0.916792
    """

    agents: int
    calls_per_hour: float
    handle_time: float
    patience: float | None

    def __init__(
        self, agents: int, *, calls_per_hour: float, handle_time: float, patience: float | None
    ):
        if patience is not None and math.isinf(patience):
            patience = None
        check_staffing(agents, calls_per_hour, handle_time, patience)
        object.__setattr__(self, "agents", agents)
        object.__setattr__(self, "calls_per_hour", float(calls_per_hour))
        object.__setattr__(self, "handle_time", float(handle_time))
        object.__setattr__(self, "patience", None if patience is None else float(patience))

    # rates, per second
    @property
    def arrival_rate(self) -> float:
        """λ: calls per second."""
        return self.calls_per_hour / 3600.0

    @property
    def service_rate(self) -> float:
        """nμ: answers per second with every agent busy."""
        return self.agents / self.handle_time

    @property
    def abandon_rate(self) -> float:
        """θ: hang-ups per second of each caller on hold (0 for unlimited patience)."""
        return 0.0 if self.patience is None else 1.0 / self.patience

    @property
    def load(self) -> float:
        """Offered load in erlangs."""
        return offered_load(self.calls_per_hour, self.handle_time)

    @property
    def drains(self) -> bool:
        """False when callers never hang up and agents <= load: the wait grows forever."""
        return self.patience is not None or self.agents > self.load

    def _chain(self) -> tuple[float, list[float]]:
        """(P(an arrival finds a free agent), P(it finds j callers on hold) for j = 0, 1, …)."""
        cached = self.__dict__.get("_chain_cache")
        if cached is not None:
            return cached
        result = self._solve_chain()
        object.__setattr__(self, "_chain_cache", result)
        return result

    def _solve_chain(self) -> tuple[float, list[float]]:
        rate, served, gives_up = self.arrival_rate, self.service_rate, self.abandon_rate
        if rate == 0:
            return 1.0, []
        if self.agents == 0:
            log_free = -math.inf
        else:  # Σ_{k<n} p_k / p_n = 1/B - 1
            log_inverse = _log_inverse_erlang_b(self.agents, self.load)
            log_free = log_inverse + math.log1p(-math.exp(-log_inverse))
        if gives_up == 0 and served > rate:  # Erlang C: a geometric tail, summed exactly
            ratio = rate / served
            log_held = [j * math.log(ratio) for j in range(self._geometric_terms(ratio))]
        else:
            log_held = self._impatient_tail(rate, served, gives_up)
        log_total = log_free
        for value in log_held:
            log_total = _log_add(log_total, value)
        held = [math.exp(value - log_total) for value in log_held]
        return math.exp(log_free - log_total), held

    @staticmethod
    def _geometric_terms(ratio: float) -> int:
        return max(1, math.ceil(_NEGLIGIBLE / -math.log(ratio)) + 1) if ratio > 0 else 1

    @staticmethod
    def _impatient_tail(rate: float, served: float, gives_up: float) -> list[float]:
        """log(p_{n+j} / p_n): each step multiplies by λ / (nμ + jθ)."""
        log_rate, values, value, peak, j = math.log(rate), [0.0], 0.0, 0.0, 0
        while True:
            j += 1
            leaving = served + j * gives_up
            value += log_rate - math.log(leaving)
            values.append(value)
            peak = max(peak, value)
            if leaving > rate and value < peak - _NEGLIGIBLE:
                return values

    # -- the figures ---------------------------------------------------------------------------

    @cached_property
    def p_wait(self) -> float:
        """The chance a caller finds every agent busy and is put on hold."""
        if not self.drains:
            return 1.0
        return sum(self._chain()[1])

    @property
    def p_abandon(self) -> float:
        """The chance a caller hangs up on hold before an agent answers."""
        if self.patience is None:
            return 0.0
        return self.abandon_rate * self.mean_wait

    @cached_property
    def mean_wait(self) -> float:
        """Mean seconds on hold over all callers (answered and abandoned alike; Little's law)."""
        if not self.drains:
            return math.inf
        if self.arrival_rate == 0:
            return 0.0
        held = self._chain()[1]
        return sum(j * p for j, p in enumerate(held)) / self.arrival_rate

    @property
    def p_answered(self) -> float:
        """The chance a caller is answered by an agent."""
        return 1.0 - self.p_abandon if self.drains else 0.0

    @cached_property
    def mean_wait_answered(self) -> float:
        """Mean seconds on hold of the callers an agent answers (nan: nobody is answered)."""
        if not self.drains:
            return math.inf
        if self.agents == 0:
            return math.nan
        served, gives_up = self.service_rate, self.abandon_rate
        total, stages = 0.0, 0.0
        for j, p in enumerate(self._chain()[1]):
            stages += 1.0 / (served + (j + 1) * gives_up)
            total += p * served / (served + (j + 1) * gives_up) * stages
        return total / self.p_answered

    @property
    def occupancy(self) -> float:
        """Share of agent time spent talking: answered calls times handle time over agents."""
        if self.agents == 0:
            return 0.0
        if not self.drains:
            return 1.0
        return self.arrival_rate * self.p_answered / self.service_rate

    def answered_within(self, seconds: float) -> float:
        """The chance a caller is answered within ``seconds`` (abandoners are not answered)."""
        if seconds < 0:
            return 0.0
        if not self.drains:
            return 0.0
        free, held = self._chain()
        if self.agents == 0:
            return free
        if self.patience is None:  # Erlang C: on hold, the wait is exponential
            return 1.0 - sum(held) * math.exp(-(self.service_rate - self.arrival_rate) * seconds)
        return free + sum(
            p * chance * (1.0 - tail)
            for p, chance, tail in zip(
                held, self._answer_chances(), self._stage_tails(seconds), strict=True
            )
        )

    def service_level(self, target: float = 20.0) -> float:
        """Share of offered callers answered within ``target`` seconds (remembered)."""
        levels = self.__dict__.setdefault("_levels", {})
        if target not in levels:
            levels[target] = self.answered_within(target)
        return levels[target]

    def _answer_chances(self):
        served, gives_up = self.service_rate, self.abandon_rate
        for j in range(len(self._chain()[1])):
            yield served / (served + (j + 1) * gives_up)

    def _stage_tails(self, seconds: float):
        """P(stages j+1 … of rates nμ + θ, …, nμ + (j+1)θ take longer than ``seconds``), j ≥ 0.

        That sum of stages is the time until j+1 of c+j+1 exponential clocks
        (c = nμ/θ) ring, so its tail is I_{1-x}(c+1, j+1) with x = 1 - e^{-θt};
        the tails grow by the terms Γ(j+b)/(Γ(j+1)Γ(b))·x^j·(1-x)^b, b = c+1.
        """
        held = self._chain()[1]
        if seconds == 0:
            yield from (1.0 for _ in held)
            return
        gives_up = self.abandon_rate
        b = self.service_rate / gives_up + 1.0
        log_x = math.log(-math.expm1(-gives_up * seconds))
        log_term = -(self.service_rate + gives_up) * seconds
        tail = 0.0
        for j in range(len(held)):
            tail = min(1.0, tail + math.exp(log_term))
            yield tail
            log_term += log_x + math.log(j + b) - math.log(j + 1)

    def answered_wait_quantile(self, share: float) -> float:
        """Seconds within which ``share`` of the *answered* callers were answered.

        ``inf`` when nobody is answered.

        >>> round(ErlangA(3, calls_per_hour=60, handle_time=600, patience=180)
        ...       .answered_wait_quantile(0.5), 1)
        117.3
        """
        if not 0 < share < 1:
            raise ValueError(f"share must be between 0 and 1, not {share}")
        answered = self.p_answered
        if answered <= 0:
            return math.inf
        wanted = share * answered
        if self.answered_within(0.0) >= wanted:
            return 0.0
        low, high = 0.0, max(1.0, self.mean_wait_answered)
        while self.answered_within(high) < wanted:
            low, high = high, high * 2
            if high > 1e9:
                return math.inf
        while high - low > 1e-3:
            middle = (low + high) / 2
            if self.answered_within(middle) < wanted:
                low = middle
            else:
                high = middle
        return high


def erlang_a_closed_form(
    agents: int, *, calls_per_hour: float, handle_time: float, patience: float
) -> tuple[float, float, float]:
    """(P(wait), P(abandon), mean wait in s) by Mandelbaum & Zeltyn's closed form.

    With E = Erlang B(n, λ/μ), A(x, y) = x·e^y·y^(-x)·gamma(x, y), x = nμ/θ, y = λ/θ,
    rho = λ/(nμ): P(wait) = A·E / (1 + (A - 1)·E), P(abandon | wait) = 1/(rhoA) + 1 - 1/rho
    and the mean wait is P(abandon)/θ. A cross-check of ``ErlangA``: gamma is computed
    here by its own series or continued fraction, not by the chain.
    """
    check_staffing(agents, calls_per_hour, handle_time, patience)
    if agents < 1 or calls_per_hour == 0:
        raise ValueError("the closed form needs at least one agent and some calls")
    rate, served, gives_up = calls_per_hour / 3600.0, agents / handle_time, 1.0 / patience
    x, y = served / gives_up, rate / gives_up
    log_a = math.log(x) + y - x * math.log(y) + log_lower_gamma(x, y)
    log_inverse = _log_inverse_erlang_b(agents, offered_load(calls_per_hour, handle_time))
    # P(wait) = A·E/(1 + (A-1)·E) = A/(1/E + A - 1), in logs
    p_wait = math.exp(log_a - _log_add(log_a, log_inverse + math.log1p(-math.exp(-log_inverse))))
    rho = rate / served
    p_abandon_if_held = math.exp(-log_a) / rho + 1.0 - 1.0 / rho
    p_abandon = p_wait * p_abandon_if_held
    return p_wait, p_abandon, p_abandon / gives_up


def log_lower_gamma(a: float, x: float) -> float:
    """log gamma(a, x), the lower incomplete gamma function, for a > 0, x > 0.

    By its power series below x = a + 1, else as Γ(a) minus the continued
    fraction of the upper function (modified Lentz).

    >>> round(math.exp(log_lower_gamma(1.0, 2.0)), 12) == round(1 - math.exp(-2.0), 12)
    True
    """
    log_prefix = a * math.log(x) - x
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while term > total * 1e-17:
            n += 1
            term *= x / n
            total += term
        return log_prefix + math.log(total)
    tiny = 1e-300
    b, c, d = x + 1 - a, 1.0 / tiny, 1.0 / (x + 1 - a)
    fraction = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        fraction *= step
        if abs(step - 1.0) < 1e-16:
            break
    upper = math.exp(log_prefix - math.lgamma(a)) * fraction  # regularised Q(a, x)
    return math.lgamma(a) + math.log1p(-upper)


def agents_needed_impatient(
    *,
    calls_per_hour: float,
    handle_time: float,
    patience: float | None,
    target: float = 20.0,
    level: float = 0.8,
) -> int:
    """Fewest agents answering ``level`` of all offered calls within ``target`` seconds.

    Abandoners count as not answered (Erlang A); unlimited patience is Erlang C.

    >>> agents_needed_impatient(calls_per_hour=200, handle_time=180, patience=300)
    13
    """
    if patience is None or math.isinf(patience):
        return agents_needed(
            calls_per_hour=calls_per_hour, handle_time=handle_time, target=target, level=level
        )
    agents = max(1, math.floor(offered_load(calls_per_hour, handle_time) * 0.8))
    staffing = {"calls_per_hour": calls_per_hour, "handle_time": handle_time, "patience": patience}
    while agents > 1 and ErlangA(agents, **staffing).service_level(target) >= level:
        agents -= 1
    while ErlangA(agents, **staffing).service_level(target) < level:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError("no staffing up to the largest supported reaches that level")
    return agents


# -- a queue at one hour of the week ----------------------------------------------------------


def staffing_at(queue: object, is_open: Mapping[str, bool]) -> tuple[int | None, float | None]:
    """(agents, calls per hour) of a queue node while the schedules in ``is_open`` are as given.

    A per-schedule mapping adds the figures of the schedules that are open
    (``24/7`` always is); a single number holds all week.

    >>> from types import SimpleNamespace as Q
    >>> q = Q(agents=None, calls_per_hour=40.0, agents_by_hours=(("24/7", 1), ("office", 3)),
    ...       calls_by_hours=())
    >>> staffing_at(q, {"office": True}), staffing_at(q, {"office": False})
    ((4, 40.0), (1, 40.0))
    """

    def figure(single: Any, by_hours: tuple[tuple[str, Any], ...]) -> Any:
        if not by_hours:
            return single
        return sum(value for name, value in by_hours if name == "24/7" or is_open.get(name, False))

    agents = figure(getattr(queue, "agents", None), getattr(queue, "agents_by_hours", ()))
    calls = figure(getattr(queue, "calls_per_hour", None), getattr(queue, "calls_by_hours", ()))
    return agents, calls


@lru_cache(maxsize=4096)
def erlang_a(agents: int, calls_per_hour: float, handle_time: float, patience: float) -> ErlangA:
    """One shared ``ErlangA`` per staffing (queues staffed alike share their figures)."""
    return ErlangA(
        agents, calls_per_hour=calls_per_hour, handle_time=handle_time, patience=patience
    )


@dataclass(frozen=True)
class Hold:
    """What a caller lives between arriving at a human endpoint and a person speaking.

    One of: a staffed queue (``erlang``), a fixed ``wait`` (with impatient
    callers hanging up before it ends), a transfer's ``ring``, or unknown
    (nothing given: every figure is ``None``).
    """

    erlang: ErlangA | None = None
    wait: float | None = None
    patience: float = math.inf

    @classmethod
    def of_queue(cls, queue: object, is_open: Mapping[str, bool]) -> Hold:
        """The hold of a queue node at an hour with these open schedules."""
        agents, calls = staffing_at(queue, is_open)
        handle_time = getattr(queue, "handle_time", None)
        patience = getattr(queue, "patience", DEFAULT_PATIENCE)
        if agents is not None and calls is not None and handle_time:
            return cls(erlang_a(agents, calls, handle_time, patience), patience=patience)
        return cls(wait=getattr(queue, "wait", None), patience=patience)

    @classmethod
    def ring(cls, seconds: float) -> Hold:
        """A transfer: a person answers after ``seconds`` of ringing."""
        return cls(wait=seconds)

    @property
    def known(self) -> bool:
        """False when neither staffing nor a fixed wait is given."""
        return self.erlang is not None or self.wait is not None

    @property
    def p_answered(self) -> float | None:
        """The chance a caller is answered (None: unknown)."""
        if self.erlang is not None:
            return self.erlang.p_answered
        if self.wait is None:
            return None
        return math.exp(-self.wait / self.patience)

    @property
    def mean_wait(self) -> float | None:
        """Mean seconds on hold over every caller, answered or not (None: unknown)."""
        if self.erlang is not None:
            return self.erlang.mean_wait
        if self.wait is None:
            return None
        if math.isinf(self.patience):
            return self.wait
        return self.patience * -math.expm1(-self.wait / self.patience)

    @property
    def answered_wait(self) -> float | None:
        """The average speed of answer: mean seconds on hold of the answered callers.

        ``inf`` for patient callers in a queue that never drains; None when
        unknown or when nobody is answered.
        """
        if self.erlang is not None:
            wait = self.erlang.mean_wait_answered
            return None if math.isnan(wait) else wait
        return self.wait

    def answered_by(self, seconds: float) -> float:
        """The chance a caller is answered within ``seconds`` (0.0 when unknown)."""
        if self.erlang is not None:
            return self.erlang.answered_within(seconds)
        if self.wait is None or seconds < self.wait:
            return 0.0
        return self.p_answered or 0.0

    def answered_quantile(self, share: float) -> float | None:
        """Seconds within which ``share`` of the answered callers were answered."""
        if self.erlang is not None:
            return self.erlang.answered_wait_quantile(share)
        return self.wait


def expected_wait(queue: object, is_open: Mapping[str, bool] | None = None) -> float | None:
    """The average speed of answer a queue node offers: what its answered callers wait.

    Erlang A with the queue's patience (Erlang C when patience is unlimited:
    ``inf`` when that queue never drains), from its staffing while the schedules
    in ``is_open`` are as given; else its fixed ``wait``; None when nothing is
    known (or nobody is answered).

    >>> from types import SimpleNamespace as Q
    >>> round(expected_wait(Q(agents=3, handle_time=600, calls_per_hour=60, patience=180)))
    145
    >>> expected_wait(Q(agents=3, handle_time=600, calls_per_hour=60, patience=math.inf))
    inf
    >>> expected_wait(Q(agents=None, handle_time=None, calls_per_hour=None, wait=45.0))
    45.0
    """
    return Hold.of_queue(queue, is_open or {}).answered_wait
