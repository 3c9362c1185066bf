"""Erlang C and Erlang A staffing: pure functions, exact at normal loads, stable at 300 erlangs.

Conventions (the queueing ones, stated because dashboards differ):

* offered load ``a = arrivals / interval * aht`` in erlangs; ``n`` agents;
* **service level** is the probability that an offered call is *answered* within the target, over
  all offered calls (with abandonment, calls that give up count as not answered in time);
* **ASA** is the mean wait of *answered* calls; **P(wait)** the probability an arrival waits at all;
* **occupancy** is carried load over agents (with abandonment, only answered calls are carried).

Erlang C (M/M/n): Erlang B by the stable recursion ``B(k) = a B(k-1) / (k + a B(k-1))``, then
``C = n B / (n - a (1 - B))``, ``SL(t) = 1 - C exp(-(n - a) t / aht)``, ``ASA = C aht / (n - a)``.

Erlang A (M/M/n+M, exponential patience with mean ``patience``): the exact birth-death stationary
distribution (Garnett, Mandelbaum and Reiman 2002, Manufacturing & Service Operations Management
4:208-227). States up to ``n`` are Erlang-B weighted; waiting state ``n + j`` has weight
``prod_{i=1..j} lambda / (n mu + i theta)``, summed in log space. An arrival that finds ``m`` calls
waiting is answered with probability ``n mu / (n mu + (m + 1) theta)`` (the product telescopes), and
conditioned on being answered its wait is a sum of exponentials with rates ``n mu + k theta``,
``k = 1..m+1``. Rates in arithmetic progression make that sum an order statistic of exponentials, so
``P(W <= t | answered, m) = I_{1 - exp(-theta t)}(m + 1, n mu / theta + 1)``, the regularised
incomplete beta function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.special import betainc

# Waiting states are summed until their weight falls this far (natural log) below the largest.
LOG_NEGLIGIBLE = 46.0  # e**-46 ~ 1e-20


class StaffingError(ValueError):
    """The question has no answer (for example Erlang C with the load at or above the agents)."""


@dataclass(frozen=True)
class QueueMeasures:
    """What a number of agents gives for one interval's demand."""

    agents: int
    service_level: float
    asa_seconds: float
    p_wait: float
    p_abandon: float | None
    occupancy: float


def offered_load(arrivals: float, interval_seconds: float, aht_seconds: float) -> float:
    """Erlangs of work offered: arrival rate times handle time."""
    if arrivals < 0 or interval_seconds <= 0 or aht_seconds <= 0:
        raise StaffingError("arrivals must be >= 0 and the interval and handle time > 0")
    return arrivals / interval_seconds * aht_seconds


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of M/M/n/n by the recursion, which never overflows."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def log_inverse_erlang_b(agents: int, load: float) -> float:
    """log(1 / B(n, a)) by ``1/B(k) = 1 + (k / a) / B(k-1)`` in log space: B itself underflows
    when agents far exceed the load (1 erlang on 300 agents gives about 1e-614)."""
    log_inverse = 0.0
    log_load = math.log(load)
    for k in range(1, agents + 1):
        log_inverse = float(np.logaddexp(0.0, math.log(k) - log_load + log_inverse))
    return log_inverse


def erlang_c(agents: int, load: float) -> QueueMeasures:
    """Erlang C measures without a target time (service level filled in by `with_target`)."""
    if agents < 1:
        raise StaffingError("at least one agent is needed")
    if load <= 0:
        return QueueMeasures(agents, 1.0, 0.0, 0.0, None, 0.0)
    if load >= agents:
        raise StaffingError(
            f"Erlang C has no steady state with {load:.2f} erlangs on {agents} agents"
        )
    blocking = erlang_b(agents, load)
    p_wait = agents * blocking / (agents - load * (1 - blocking))
    return QueueMeasures(agents, math.nan, math.nan, p_wait, None, load / agents)


def erlang_c_measures(agents: int, load: float, aht: float, target: float) -> QueueMeasures:
    """Erlang C: service level within `target` seconds, ASA, P(wait), occupancy."""
    base = erlang_c(agents, load)
    if load <= 0:
        return base
    service_level = 1 - base.p_wait * math.exp(-(agents - load) * target / aht)
    asa = base.p_wait * aht / (agents - load)
    return QueueMeasures(agents, service_level, asa, base.p_wait, None, base.occupancy)


def _waiting_weights(agents: int, arrival_rate: float, mu: float, theta: float) -> np.ndarray:
    """Log weights of the waiting states n+0, n+1, ... relative to state n, until negligible."""
    chunk = 4096
    logs: list[np.ndarray] = []
    last = 0.0
    start = 1
    peak = 0.0
    while True:
        i = np.arange(start, start + chunk, dtype=float)
        steps = math.log(arrival_rate) - np.log(agents * mu + i * theta)
        block = last + np.cumsum(steps)
        logs.append(block)
        peak = max(peak, float(block.max()))
        last = float(block[-1])
        # Past the peak the weights fall for ever; stop once they are negligible.
        if steps[-1] < 0 and last < peak - LOG_NEGLIGIBLE:
            break
        start += chunk
    return np.concatenate([[0.0], *logs])


def erlang_a_measures(
    agents: int, load: float, aht: float, target: float, patience: float
) -> QueueMeasures:
    """Erlang A, patience exponential with mean `patience` s: SL, ASA, P(wait), P(abandon)."""
    if agents < 1:
        raise StaffingError("at least one agent is needed")
    if patience <= 0:
        raise StaffingError("patience must be > 0 seconds")
    if load <= 0:
        return QueueMeasures(agents, 1.0, 0.0, 0.0, 0.0, 0.0)
    mu, theta = 1 / aht, 1 / patience
    arrival_rate = load * mu
    log_w = _waiting_weights(agents, arrival_rate, mu, theta)  # relative to state n
    # The mass of states below n, relative to state n, is 1/B - 1.
    log_inverse = log_inverse_erlang_b(agents, load)
    log_below = log_inverse + math.log(-math.expm1(-log_inverse)) if log_inverse > 0 else -math.inf
    top = max(float(log_w.max()), log_below)  # scale by the largest, so nothing overflows
    weights = np.exp(log_w - top)
    total = math.exp(log_below - top) + float(weights.sum())
    found = weights / total  # P(an arrival finds n + m in the system), m = 0, 1, ...
    p_wait = float(found.sum())
    m = np.arange(found.size, dtype=float)
    p_answered_given_m = agents * mu / (agents * mu + (m + 1) * theta)
    answered_after_wait = found * p_answered_given_m
    p_abandon = float((found * (1 - p_answered_given_m)).sum())
    # Mean wait of an answered call that found m waiting: sum of 1/(n mu + k theta), k = 1..m+1.
    mean_wait_given_m = np.cumsum(1 / (agents * mu + (m + 1) * theta))
    answered = (1 - p_wait) + float(answered_after_wait.sum())
    asa = float((answered_after_wait * mean_wait_given_m).sum()) / answered
    if target > 0:
        within = betainc(m + 1, agents * mu / theta + 1, -math.expm1(-theta * target))
        service_level = (1 - p_wait) + float((answered_after_wait * within).sum())
    else:
        service_level = 1 - p_wait
    occupancy = load * answered / agents
    return QueueMeasures(agents, service_level, asa, p_wait, p_abandon, occupancy)


def measures(
    agents: int, load: float, aht: float, target: float, patience: float | None = None
) -> QueueMeasures:
    """Erlang A when a patience is given, else Erlang C."""
    if patience is None:
        return erlang_c_measures(agents, load, aht, target)
    return erlang_a_measures(agents, load, aht, target, patience)


def staff_with_shrinkage(agents: int, shrinkage: float | str | Fraction) -> int:
    """Staff to roster so `agents` are available: agents / (1 - shrinkage), rounded up exactly.

    Exact arithmetic, because floats round 21 / 0.7 to 30.000000000000004 and so to 31 staff.
    """
    share = Fraction(str(shrinkage)) if isinstance(shrinkage, float) else Fraction(shrinkage)
    if not 0 <= share < 1:
        raise StaffingError("shrinkage must be at least 0 and below 1")
    needed = Fraction(agents) / (1 - share)
    return math.ceil(needed)


@dataclass(frozen=True)
class Target:
    """What the interval must reach: a service level within seconds, or an ASA; an occupancy cap."""

    service_level: float | None = None
    within_seconds: float = 20.0
    asa_seconds: float | None = None
    max_occupancy: float | None = None

    def __post_init__(self) -> None:
        if (self.service_level is None) == (self.asa_seconds is None):
            raise StaffingError("give either a service-level target or an ASA target")
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise StaffingError("the service-level target must be between 0 and 1")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise StaffingError("the occupancy cap must be above 0 and at most 1")

    def met_by(self, result: QueueMeasures) -> bool:
        if self.service_level is not None and result.service_level < self.service_level:
            return False
        if self.asa_seconds is not None and result.asa_seconds > self.asa_seconds:
            return False
        return self.max_occupancy is None or result.occupancy <= self.max_occupancy


MAX_AGENTS = 100_000


def agents_needed(
    load: float, aht: float, target: Target, patience: float | None = None
) -> QueueMeasures:
    """The fewest agents meeting `target`, with that staffing's measures.

    Service level rises and ASA and occupancy fall as agents are added, so the first staffing
    that meets the target is the answer. Erlang C starts above the load (below it has no steady
    state); Erlang A may staff below the load because callers give up.
    """
    within = target.within_seconds
    if load <= 0:
        return measures(1, 0.0, aht, within, patience)
    # With patience, short waits can meet an ASA target far below the load: search from one.
    agents = math.floor(load) + 1 if patience is None else 1
    while agents <= MAX_AGENTS:
        result = measures(agents, load, aht, within, patience)
        if target.met_by(result):
            return result
        agents += 1
    raise StaffingError("no staffing up to 100,000 agents meets the target")
