"""Day-ahead and week-ahead demand forecasts per interval, from a history of open days.

The calendar is explicit: a history is a list of *open* dates with one row of interval counts
each, and a forecast is asked for a date the queue is open. Closed days (weekends where a queue
shuts, bank holidays, closures) are simply absent, so a "same weekday" look-back skips them
instead of seeing zeros (fitting seasonal models on an index with holiday gaps shifts their
weekly cycle, which is why off-the-shelf MSTL lost to a seasonal naive in our back-test notes).

Methods are small objects with ``predict(history, day) -> np.ndarray`` of interval means; the
default adds 80% prediction intervals calibrated on its own recent out-of-sample errors.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

Counts = NDArray[np.float64]


@dataclass(frozen=True)
class History:
    """Interval counts of open days, oldest first; every row has the same intervals."""

    dates: tuple[dt.date, ...]
    counts: Counts  # shape (days, intervals)

    def __post_init__(self) -> None:
        if len(self.dates) != self.counts.shape[0]:
            raise ValueError("one row of counts per date")
        if any(b <= a for a, b in zip(self.dates, self.dates[1:], strict=False)):
            raise ValueError("dates must be increasing")

    def before(self, day: dt.date) -> History:
        """The history strictly before `day` (what a forecast made for `day` may use)."""
        end = bisect_left(self.dates, day)
        return History(self.dates[:end], self.counts[:end])

    def same_weekday(self, day: dt.date, count: int) -> Counts:
        """Rows of the last `count` open days with `day`'s weekday before it, newest first."""
        rows = [
            i
            for i in range(len(self.dates) - 1, -1, -1)
            if self.dates[i].weekday() == day.weekday() and self.dates[i] < day
        ]
        return self.counts[rows[:count]]


class Method(Protocol):
    name: str

    def predict(self, history: History, day: dt.date) -> Counts: ...


@dataclass(frozen=True)
class SameWeekdayMean:
    """The call-centre "historical average": mean of the last `weeks` observed same weekdays."""

    weeks: int = 4
    name: str = "mean of the last 4 same weekdays"

    def predict(self, history: History, day: dt.date) -> Counts:
        return np.asarray(history.same_weekday(day, self.weeks).mean(axis=0))


@dataclass(frozen=True)
class ProfileTimesLevel:
    """Intraday profile (shares, last `profile_weeks` same weekdays) x level (mean daily total of
    the last `level_weeks` same weekdays)."""

    profile_weeks: int = 8
    level_weeks: int = 4
    name: str = "profile (8 same weekdays) x level (4 same weekdays)"

    def predict(self, history: History, day: dt.date) -> Counts:
        profile_rows = history.same_weekday(day, self.profile_weeks)
        shares = profile_rows / profile_rows.sum(axis=1, keepdims=True)
        level = history.same_weekday(day, self.level_weeks).sum(axis=1).mean()
        return np.asarray(shares.mean(axis=0) * level)


@dataclass(frozen=True)
class WeeklySeasonalNaive:
    """The same weekday a calendar week earlier, or the latest observed same weekday if missing."""

    name: str = "weekly seasonal naive"

    def predict(self, history: History, day: dt.date) -> Counts:
        return np.asarray(history.same_weekday(day, 1)[0])


@dataclass(frozen=True)
class DailyNaive:
    """The previous open day."""

    name: str = "daily naive (previous open day)"

    def predict(self, history: History, day: dt.date) -> Counts:
        return np.asarray(history.counts[-1])


@dataclass
class Forecast:
    day: dt.date
    mean: Counts
    lower: Counts = field(default_factory=lambda: np.zeros(0))
    upper: Counts = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True)
class Event:
    """A known event on a date (a bill run, a text campaign, a letter batch), entered by type."""

    day: dt.date
    kind: str


@dataclass(frozen=True)
class DemandForecaster:
    """The default forecaster: profile x level with calibrated intervals and learnt events.

    * Point forecast: the intraday profile of the last `profile_weeks` normal same weekdays times
      the mean daily total of the last `level_weeks` (the best day-ahead method on the reference
      back-test; smarter level or profile variants that won on other windows lost on it).
    * Event days are left out of the normal look-backs, so a campaign never inflates next week.
    * An event type's effect is learnt from its past occurrences: the mean ratio of the actual
      daily total to the normal forecast for that day (uplift), and the mean intraday shares of
      those days (an event can move the peak).
    * Prediction intervals: quantiles of the method's own standardised out-of-sample errors,
      ``(actual - forecast) / sqrt(forecast)``, over the last `calibration_days` normal days
      (counts are roughly Poisson with extra variance, so the scale grows with the square root).
    """

    profile_weeks: int = 8
    level_weeks: int = 4
    coverage: float = 0.8
    calibration_days: int = 20
    min_event_history: int = 1

    def forecast(self, history: History, day: dt.date, events: tuple[Event, ...] = ()) -> Forecast:
        """Forecast `day` from the history before it; `events` may list past and future events."""
        past = history.before(day)
        by_day = {event.day: event.kind for event in events}
        normal = _without(past, set(by_day))
        mean = self._normal_mean(normal, day)
        kind = by_day.get(day)
        if kind is not None:
            mean = self._event_mean(past, normal, mean, kind, by_day)
        low_q, high_q = self._standardised_quantiles(normal)
        scale = np.sqrt(np.maximum(mean, 1.0))
        lower = np.maximum(mean + low_q * scale, 0.0)
        upper = mean + high_q * scale
        return Forecast(day=day, mean=mean, lower=lower, upper=upper)

    def _normal_mean(self, normal: History, day: dt.date) -> Counts:
        return ProfileTimesLevel(self.profile_weeks, self.level_weeks).predict(normal, day)

    def _event_mean(
        self, past: History, normal: History, mean: Counts, kind: str, by_day: dict[dt.date, str]
    ) -> Counts:
        uplifts, shares = [], []
        for index, event_day in enumerate(past.dates):
            if by_day.get(event_day) != kind:
                continue
            before = normal.before(event_day)
            if len(before.same_weekday(event_day, self.profile_weeks)) < self.min_event_history:
                continue
            expected = self._normal_mean(before, event_day)
            actual = past.counts[index]
            uplifts.append(actual.sum() / expected.sum())
            shares.append(actual / actual.sum())
        if not uplifts:
            return mean  # nothing learnt yet: the normal forecast, honestly
        return np.asarray(mean.sum() * float(np.mean(uplifts)) * np.mean(shares, axis=0))

    def _standardised_quantiles(self, normal: History) -> tuple[float, float]:
        tail = (1 - self.coverage) / 2
        errors = []
        for index in range(max(0, len(normal.dates) - self.calibration_days), len(normal.dates)):
            day = normal.dates[index]
            before = normal.before(day)
            if len(before.same_weekday(day, self.level_weeks)) < self.level_weeks:
                continue
            predicted = self._normal_mean(before, day)
            errors.append((normal.counts[index] - predicted) / np.sqrt(np.maximum(predicted, 1.0)))
        if not errors:
            return (-1.2816, 1.2816)  # Poisson-like until there is history to calibrate on
        pooled = np.concatenate(errors)
        low, high = np.quantile(pooled, [tail, 1 - tail])
        return float(low), float(high)


def _without(history: History, days: set[dt.date]) -> History:
    keep = [i for i, day in enumerate(history.dates) if day not in days]
    return History(tuple(history.dates[i] for i in keep), history.counts[keep])
