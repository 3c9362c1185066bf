""" "What if" scenarios: a change to demand, and what it does to staff needed and service level.

A scenario starts from a queue's baseline forecast (calls per interval for some open days) and
applies one or more changes, each a small pure rule:

* `DemandChange`: demand up or down by a share, over a period (or always).
* `BillRun`: a bill run on a date. The day's total is multiplied by the uplift and, when an
  intraday profile is given (learnt from past bill runs), the day takes that shape: annual
  billing moves the peak as well as raising it.
* `Callbacks`: a share of callers in the busy intervals of each day (those above the day's mean
  over its open intervals) take a callback instead of queuing; that work is returned the same
  day in the quiet intervals, in proportion to how far each sits below the mean (or, if the
  quiet intervals cannot absorb it all, in proportion to their calls). The day's work is
  unchanged; its peak is lower. Returned callbacks are staffed like calls (they need an agent
  for a handle time, but never queue, so this overstates their cost a little).
* `ReasonOnline`: a share of a contact reason (wrap code) moved online: calls fall by the share
  times that reason's share of the queue's calls (from its history).
* `FailureDemandCut`: failure demand reduced by a share (halved by default): calls fall by the
  share times the queue's failure-demand share (from its history).

`evaluate` then compares the baseline with the scenario, per interval and in total: calls, the
agents and staff (after shrinkage) the queue's target needs, and the **expected service level
at the queue's target** if the queue keeps the staff the baseline needs (what happens if nobody
changes the roster). Service level and ASA follow `erlang.py`'s conventions; in an interval
where Erlang C has no steady state (the load reaches the agents) the queue grows without bound
and its service level is taken as 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from .capacity import IntervalRequirement, interval_requirements
from .erlang import StaffingError, Target, measures, offered_load

Calls = NDArray[np.float64]


@dataclass(frozen=True)
class StaffingRule:
    """What one queue's intervals must reach, and how its calls are handled."""

    interval_minutes: int
    aht_seconds: float
    target: Target
    patience_seconds: float | None = None
    shrinkage: float = 0.0

    @property
    def hours_per_interval(self) -> float:
        return self.interval_minutes / 60


@dataclass(frozen=True)
class QueueDemand:
    """A queue's baseline forecast: calls per interval (days x intervals) of its open days, what
    its history says about reasons and failure demand, and its staffing rule."""

    queue: str
    days: tuple[dt.date, ...]
    calls: Calls
    rule: StaffingRule
    open_mask: NDArray[np.bool_] | None = None  # True where the queue is open; None: everywhere
    wrap_shares: Mapping[str, float] = field(default_factory=dict)
    failure_share: float = 0.0

    def __post_init__(self) -> None:
        if self.calls.shape[0] != len(self.days):
            raise ValueError("one row of calls per day")
        if self.open_mask is not None and self.open_mask.shape != self.calls.shape:
            raise ValueError("the open mask must match the calls")
        if np.any(self.calls < 0):
            raise ValueError("calls must be zero or more")

    def is_open(self) -> NDArray[np.bool_]:
        if self.open_mask is None:
            return np.ones(self.calls.shape, dtype=bool)
        return self.open_mask


@dataclass(frozen=True)
class DemandChange:
    """Demand up (`share` > 0) or down (< 0) by a share, from `start` to `end` (inclusive;
    either may be left open)."""

    share: float
    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.share <= -1:
            raise ValueError("demand cannot fall by 100% or more")
        if self.start and self.end and self.end < self.start:
            raise ValueError("the period ends before it starts")

    def apply(self, demand: QueueDemand, calls: Calls) -> Calls:
        rows = [
            i
            for i, day in enumerate(demand.days)
            if (self.start is None or day >= self.start) and (self.end is None or day <= self.end)
        ]
        out = calls.copy()
        out[rows] *= 1 + self.share
        return out


@dataclass(frozen=True)
class BillRun:
    """A bill run on `day`: the day's calls times `uplift` (1.4 is +40%), shaped by `profile`
    (intraday shares, learnt from past bill runs) when one is given."""

    day: dt.date
    uplift: float
    profile: Calls | None = None

    def __post_init__(self) -> None:
        if self.uplift <= 0:
            raise ValueError("the uplift must be above zero (1.0 is no change)")
        if self.profile is not None and (np.any(self.profile < 0) or self.profile.sum() <= 0):
            raise ValueError("the profile must be shares that add up to more than zero")

    def apply(self, demand: QueueDemand, calls: Calls) -> Calls:
        if self.day not in demand.days:
            return calls
        row = demand.days.index(self.day)
        out = calls.copy()
        total = calls[row].sum() * self.uplift
        if self.profile is None:
            out[row] = calls[row] * self.uplift
        else:
            shares = np.where(demand.is_open()[row], self.profile, 0.0)
            if shares.sum() > 0:
                out[row] = total * shares / shares.sum()
            else:
                out[row] = calls[row] * self.uplift
        return out


@dataclass(frozen=True)
class Callbacks:
    """`share` of callers in each day's busy intervals take a callback, returned when quiet."""

    share: float

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError("the share of callers taking a callback must be between 0 and 1")

    def apply(self, demand: QueueDemand, calls: Calls) -> Calls:
        out = calls.copy()
        opened = demand.is_open()
        for row in range(calls.shape[0]):
            open_now = opened[row]
            if not open_now.any():
                continue
            day = calls[row]
            mean = day[open_now].mean()
            busy = open_now & (day > mean)
            quiet = open_now & ~busy
            if not busy.any() or not quiet.any():
                continue
            moved = self.share * day[busy]
            total = moved.sum()
            headroom = np.where(quiet, mean - day, 0.0)
            if headroom.sum() >= total and headroom.sum() > 0:
                placed = total * headroom / headroom.sum()
            elif day[quiet].sum() > 0:
                placed = total * np.where(quiet, day, 0.0) / day[quiet].sum()
            else:
                placed = total * quiet / quiet.sum()
            out[row, busy] -= moved
            out[row] += placed
        return out


@dataclass(frozen=True)
class ReasonOnline:
    """`share` of the contacts with wrap code `wrap_code` moved online."""

    wrap_code: str
    share: float

    def __post_init__(self) -> None:
        if not 0 <= self.share <= 1:
            raise ValueError("the share moved online must be between 0 and 1")

    def apply(self, demand: QueueDemand, calls: Calls) -> Calls:
        reason = demand.wrap_shares.get(self.wrap_code, 0.0)
        return calls * (1 - self.share * reason)


@dataclass(frozen=True)
class FailureDemandCut:
    """Failure demand reduced by `reduction` (0.5: halved)."""

    reduction: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.reduction <= 1:
            raise ValueError("the reduction must be between 0 and 1")

    def apply(self, demand: QueueDemand, calls: Calls) -> Calls:
        return calls * (1 - self.reduction * demand.failure_share)


Change = DemandChange | BillRun | Callbacks | ReasonOnline | FailureDemandCut


def apply_changes(demand: QueueDemand, changes: Sequence[Change]) -> Calls:
    """The scenario's calls: the changes applied in order; closed intervals stay at zero."""
    calls = demand.calls.astype(float)
    for change in changes:
        calls = change.apply(demand, calls)
    return np.where(demand.is_open(), np.maximum(calls, 0.0), 0.0)


@dataclass(frozen=True)
class Figures:
    """Staffing figures for a forecast: per interval (days x intervals) and in total."""

    calls: Calls
    agents: NDArray[np.int64]
    staff: NDArray[np.int64]
    # At the staff the *baseline* needs: what the calls would get if the roster stayed as it is.
    service_level: NDArray[np.float64]
    asa_seconds: NDArray[np.float64]

    @property
    def total_calls(self) -> float:
        return float(self.calls.sum())

    def staff_hours(self, rule: StaffingRule) -> float:
        return float(self.staff.sum()) * rule.hours_per_interval

    @property
    def peak_staff(self) -> int:
        return int(self.staff.max()) if self.staff.size else 0

    @property
    def expected_service_level(self) -> float | None:
        """Call-weighted service level over the period (None with no calls)."""
        total = self.calls.sum()
        return float((self.service_level * self.calls).sum() / total) if total > 0 else None

    @property
    def expected_asa_seconds(self) -> float | None:
        total = self.calls.sum()
        return float((self.asa_seconds * self.calls).sum() / total) if total > 0 else None


@dataclass(frozen=True)
class ScenarioResult:
    """The baseline and the scenario for one queue, side by side."""

    queue: str
    rule: StaffingRule
    baseline: Figures
    scenario: Figures

    @property
    def calls_change(self) -> float:
        return self.scenario.total_calls - self.baseline.total_calls

    @property
    def calls_change_share(self) -> float | None:
        base = self.baseline.total_calls
        return self.calls_change / base if base else None

    @property
    def staff_hours_change(self) -> float:
        return self.scenario.staff_hours(self.rule) - self.baseline.staff_hours(self.rule)


def requirements(calls: Calls, rule: StaffingRule) -> list[list[IntervalRequirement]]:
    """Agents and staff each interval of each day needs for `calls` under `rule`."""
    return [
        interval_requirements(
            row,
            interval_minutes=rule.interval_minutes,
            aht_seconds=rule.aht_seconds,
            target=rule.target,
            patience_seconds=rule.patience_seconds,
            shrinkage=rule.shrinkage,
        )
        for row in calls
    ]


def evaluate(demand: QueueDemand, changes: Sequence[Change]) -> ScenarioResult:
    """Baseline and scenario figures for `demand` with `changes` applied."""
    rule = demand.rule
    base_calls = np.where(demand.is_open(), demand.calls, 0.0)
    scenario_calls = apply_changes(demand, changes)
    base_needs = requirements(base_calls, rule)
    scenario_needs = requirements(scenario_calls, rule)
    base_agents = np.array([[r.agents for r in row] for row in base_needs], dtype=np.int64)
    base_agents = base_agents.reshape(base_calls.shape)
    performance = performance_at(rule)

    def figures(calls: Calls, needs: list[list[IntervalRequirement]]) -> Figures:
        agents = np.array([[r.agents for r in row] for row in needs], dtype=np.int64)
        staff = np.array([[r.staff for r in row] for row in needs], dtype=np.int64)
        service = np.ones(calls.shape)
        asa = np.zeros(calls.shape)
        for index in np.ndindex(calls.shape):
            service[index], asa[index] = performance(int(base_agents[index]), float(calls[index]))
        return Figures(
            calls=calls,
            agents=agents.reshape(calls.shape),
            staff=staff.reshape(calls.shape),
            service_level=service,
            asa_seconds=asa,
        )

    return ScenarioResult(
        queue=demand.queue,
        rule=rule,
        baseline=figures(base_calls, base_needs),
        scenario=figures(scenario_calls, scenario_needs),
    )


def performance_at(rule: StaffingRule) -> Callable[[int, float], tuple[float, float]]:
    """A function giving the (service level, ASA) of `agents` facing `calls` in an interval
    under `rule` (Erlang A with a patience, else C), cached per pair."""

    @lru_cache(maxsize=8192)
    def performance(agents: int, calls: float) -> tuple[float, float]:
        if calls <= 0:
            return 1.0, 0.0
        if agents <= 0:
            return 0.0, float("inf")
        load = offered_load(calls, rule.interval_minutes * 60, rule.aht_seconds)
        try:
            result = measures(
                agents, load, rule.aht_seconds, rule.target.within_seconds, rule.patience_seconds
            )
        except StaffingError:
            return 0.0, float("inf")  # Erlang C past saturation: the queue never clears
        return result.service_level, result.asa_seconds

    def rounded(agents: int, calls: float) -> tuple[float, float]:
        return performance(agents, round(calls, 6))

    return rounded
