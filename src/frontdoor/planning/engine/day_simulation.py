"""A day in the contact centre, simulated (SimPy): a forecast day played against a roster.

Unlike `simulation.py` (one stationary queue, to check the Erlang formulas), the day is
**non-stationary**: each interval has its own expected arrivals (from the forecast) and its own
agents on duty (from a roster, or the requirement). It answers "will this roster, or this rule,
hold up?" before anyone uses it.

The model, stated because every figure depends on it:

* **Arrivals**: in each interval a Poisson number of calls with the interval's forecast as its
  mean, at uniform times within the interval (a Poisson process with a rate constant within
  each interval). The queue opens empty.
* **Agents**: the interval's agents are on duty during it. When the number falls, an agent on a
  call finishes it before leaving (nobody is cut off); when it rises, waiting calls are answered
  at once. Handle times are exponential with mean `aht_seconds`, as Erlang C and A assume.
* **Order**: first come, first served; a waiting caller is always served before a callback.
* **Abandonment** (with `patience_seconds`): each caller gives up after an exponential patience
  with that mean if not answered by then (Erlang A's assumption).
* **Callbacks** (with a `CallbackRule`): a caller still waiting `offer_after_seconds` after
  arriving is offered a callback and takes it with probability `accept_share`; they leave the
  queue and are called back later, by an agent with no caller waiting, no sooner than
  `return_after_seconds` after the request. Callbacks still owed when the day's last interval
  ends are reported as outstanding (they go to the next day's work).
* **After the close**, no call arrives; the last interval's agents stay until the callers still
  waiting are answered or give up (at most `drain_seconds`); callers still waiting then are
  reported as unanswered.

Measures per interval, for the calls that *arrived* in it, in the queueing conventions of
`erlang.py`: **service level** is calls answered within `target_seconds` over the interval's
calls less those that took a callback (a callback is a promise kept apart, as the dashboards'
service level leaves callbacks out); **ASA** is the mean wait of answered calls; the
**abandonment rate** is abandons over calls. **Occupancy** is agent time on calls (inbound and
callbacks) in the interval over agent time on duty.

Everything is seeded: the same plan and seed give the same figures. `replications` runs the day
several times with consecutive seeds and pools the counts, which steadies per-interval figures.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy


@dataclass(frozen=True)
class CallbackRule:
    """Offer a callback to callers who have waited `offer_after_seconds`; `accept_share` of them
    take it; a callback is returned no sooner than `return_after_seconds` after the request."""

    offer_after_seconds: float
    accept_share: float
    return_after_seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.offer_after_seconds < 0 or self.return_after_seconds < 0:
            raise ValueError("callback times must be zero or more")
        if not 0 <= self.accept_share <= 1:
            raise ValueError("the share of callers taking a callback must be between 0 and 1")


@dataclass(frozen=True)
class DayPlan:
    """One queue's day: forecast arrivals and agents on duty per interval, and how calls go."""

    arrivals: Sequence[float]
    agents: Sequence[int]
    interval_seconds: float
    aht_seconds: float
    target_seconds: float
    patience_seconds: float | None = None
    callbacks: CallbackRule | None = None
    drain_seconds: float = 4 * 3600.0

    def __post_init__(self) -> None:
        if len(self.arrivals) != len(self.agents):
            raise ValueError("one agents figure per interval of arrivals")
        if not self.arrivals:
            raise ValueError("a day needs at least one interval")
        if any(a < 0 for a in self.arrivals) or any(n < 0 for n in self.agents):
            raise ValueError("arrivals and agents must be zero or more")
        if self.interval_seconds <= 0 or self.aht_seconds <= 0:
            raise ValueError("the interval and the handle time must be above zero")
        if self.target_seconds < 0:
            raise ValueError("the target must be zero or more seconds")
        if self.patience_seconds is not None and self.patience_seconds <= 0:
            raise ValueError("patience must be above zero seconds")


@dataclass
class IntervalResult:
    """Counts for the calls that arrived in one interval (pooled over replications)."""

    index: int
    calls: int = 0
    answered: int = 0
    answered_in_target: int = 0
    abandoned: int = 0
    callbacks_requested: int = 0
    unanswered_at_close: int = 0
    wait_answered_seconds: float = 0.0
    callbacks_returned: int = 0  # callbacks made during this interval (whenever requested)
    busy_seconds: float = 0.0
    on_duty_seconds: float = 0.0

    @property
    def service_level(self) -> float | None:
        """Answered within the target over calls less callbacks; None with no such call."""
        base = self.calls - self.callbacks_requested
        return self.answered_in_target / base if base > 0 else None

    @property
    def asa_seconds(self) -> float | None:
        return self.wait_answered_seconds / self.answered if self.answered else None

    @property
    def abandon_rate(self) -> float | None:
        return self.abandoned / self.calls if self.calls else None

    @property
    def occupancy(self) -> float | None:
        return self.busy_seconds / self.on_duty_seconds if self.on_duty_seconds else None


@dataclass
class DayResult:
    """The day's intervals and totals; `replications` days were pooled."""

    intervals: list[IntervalResult]
    replications: int
    seed: int
    callbacks_outstanding: int = 0
    totals: IntervalResult = field(default_factory=lambda: IntervalResult(-1))

    def per_day(self, count: int | float) -> float:
        """A pooled count as a mean per simulated day."""
        return count / self.replications


def simulate_day(plan: DayPlan, *, seed: int = 1, replications: int = 1) -> DayResult:
    """Play the day `replications` times (seeds `seed`, `seed + 1`, ...) and pool the counts."""
    if replications < 1:
        raise ValueError("at least one replication")
    intervals = [IntervalResult(i) for i in range(len(plan.arrivals))]
    outstanding = 0
    for run in range(replications):
        outstanding += _one_day(plan, seed + run, intervals)
    totals = IntervalResult(-1)
    for item in intervals:
        for name in (
            "calls",
            "answered",
            "answered_in_target",
            "abandoned",
            "callbacks_requested",
            "unanswered_at_close",
            "wait_answered_seconds",
            "callbacks_returned",
            "busy_seconds",
            "on_duty_seconds",
        ):
            setattr(totals, name, getattr(totals, name) + getattr(item, name))
    return DayResult(intervals, replications, seed, outstanding, totals)


@dataclass
class _Caller:
    arrived: float
    interval: int
    answer: simpy.Event
    taken: bool = False  # an agent picked the call up
    gone: bool = False  # the caller hung up or took a callback


@dataclass
class _Callback:
    interval: int  # the interval of the original call
    ready_at: float


@dataclass
class _Centre:
    env: simpy.Environment
    plan: DayPlan
    rng: random.Random
    results: list[IntervalResult]
    on_duty: int = 0
    busy: int = 0
    waiting: deque[_Caller] = field(default_factory=deque)
    callbacks: deque[_Callback] = field(default_factory=deque)
    closed: bool = False

    def interval_of(self, moment: float) -> int:
        last = len(self.results) - 1
        return min(int(moment // self.plan.interval_seconds), last)

    def dispatch(self) -> None:
        """Give free agents work: waiting callers first, then callbacks that are due."""
        while self.busy < self.on_duty:
            while self.waiting and self.waiting[0].gone:
                self.waiting.popleft()
            if self.waiting:
                caller = self.waiting.popleft()
                caller.taken = True
                self._start(caller.interval, inbound=True, arrived=caller.arrived)
                caller.answer.succeed()
            elif self.callbacks and self.callbacks[0].ready_at <= self.env.now and not self.closed:
                callback = self.callbacks.popleft()
                self.results[self.interval_of(self.env.now)].callbacks_returned += 1
                self._start(callback.interval, inbound=False, arrived=self.env.now)
            else:
                break

    def _start(self, interval: int, *, inbound: bool, arrived: float) -> None:
        self.busy += 1
        if inbound:
            wait = self.env.now - arrived
            result = self.results[interval]
            result.answered += 1
            result.wait_answered_seconds += wait
            result.answered_in_target += wait <= self.plan.target_seconds
        self.env.process(self._handle(self.rng.expovariate(1 / self.plan.aht_seconds)))

    def _handle(self, seconds: float) -> Generator[Any, Any, None]:
        start = self.env.now
        yield self.env.timeout(seconds)
        self._add_busy(start, self.env.now)
        self.busy -= 1
        self.dispatch()

    def _add_busy(self, start: float, end: float) -> None:
        """Spread a call's agent time over the intervals it ran in (time after the close is
        counted in the last interval, where those agents are still on duty)."""
        step = self.plan.interval_seconds
        last = len(self.results) - 1
        moment = start
        while moment < end:
            index = min(int(moment // step), last)
            boundary = end if index == last else min(end, (index + 1) * step)
            self.results[index].busy_seconds += boundary - moment
            moment = boundary

    def caller(self, caller: _Caller) -> Generator[Any, Any, None]:
        plan = self.plan
        env = self.env
        patience = (
            env.timeout(self.rng.expovariate(1 / plan.patience_seconds))
            if plan.patience_seconds is not None
            else None
        )
        offer = (
            env.timeout(plan.callbacks.offer_after_seconds) if plan.callbacks is not None else None
        )
        while not caller.taken:
            pending = [e for e in (caller.answer, patience, offer) if e is not None]
            yield env.any_of(pending)
            if caller.taken:
                return
            if patience is not None and patience.processed:
                caller.gone = True
                self.results[caller.interval].abandoned += 1
                return
            if offer is not None and offer.processed:
                offer = None  # offered once
                assert plan.callbacks is not None
                if self.rng.random() < plan.callbacks.accept_share:
                    caller.gone = True
                    self.results[caller.interval].callbacks_requested += 1
                    self.callbacks.append(
                        _Callback(caller.interval, env.now + plan.callbacks.return_after_seconds)
                    )
                    env.process(self._wake_for_callback(plan.callbacks.return_after_seconds))
                    return

    def _wake_for_callback(self, delay: float) -> Generator[Any, Any, None]:
        """When a callback falls due, an idle agent may take it."""
        yield self.env.timeout(delay)
        self.dispatch()

    def arrivals(self) -> Generator[Any, Any, None]:
        plan = self.plan
        step = plan.interval_seconds
        for index, (mean, agents) in enumerate(zip(plan.arrivals, plan.agents, strict=True)):
            start = index * step
            if self.env.now < start:
                yield self.env.timeout(start - self.env.now)
            self.on_duty = int(agents)
            self.results[index].on_duty_seconds += int(agents) * step
            self.dispatch()
            count = _poisson(self.rng, float(mean))
            self.results[index].calls += count
            for moment in sorted(start + self.rng.random() * step for _ in range(count)):
                if moment > self.env.now:
                    yield self.env.timeout(moment - self.env.now)
                caller = _Caller(self.env.now, index, self.env.event())
                self.waiting.append(caller)
                self.env.process(self.caller(caller))
                self.dispatch()
        end = len(plan.arrivals) * step
        if self.env.now < end:
            yield self.env.timeout(end - self.env.now)
        # The close: callbacks still owed go to tomorrow; waiting callers are still served.
        self.closed = True


def _one_day(plan: DayPlan, seed: int, results: list[IntervalResult]) -> int:
    """Run one day into `results`; returns the callbacks still owed at the close."""
    env = simpy.Environment()
    centre = _Centre(env, plan, random.Random(seed), results)  # noqa: S311 (seeded model)
    env.process(centre.arrivals())
    env.run(until=len(plan.arrivals) * plan.interval_seconds + plan.drain_seconds)
    for caller in centre.waiting:
        if not caller.gone and not caller.taken:
            results[caller.interval].unanswered_at_close += 1
    return len(centre.callbacks)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: Knuth's product method for small means, a rounded normal for large ones
    (above 500 the two differ by far less than the day's own noise)."""
    if mean <= 0:
        return 0
    if mean > 500:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
