"""The demand forecaster: calendar-aware look-backs, baselines, intervals and learnt events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet

import numpy as np
import pytest

from frontdoor.planning.engine.forecast import (
    DailyNaive,
    DemandForecaster,
    Event,
    History,
    ProfileTimesLevel,
    SameWeekdayMean,
    WeeklySeasonalNaive,
)

pytestmark = pytest.mark.no_db

PROFILE = np.array([1.0, 3.0, 4.0, 2.0])  # four intervals a day


def weekdays(
    start: dt.date, count: int, closed: AbstractSet[dt.date] = frozenset()
) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def steady_history(days: list[dt.date], level: float = 100.0) -> History:
    rows = np.array([PROFILE / PROFILE.sum() * level * (1 + 0.1 * d.weekday()) for d in days])
    return History(tuple(days), rows)


def test_a_history_must_be_in_date_order_with_a_row_per_date():
    with pytest.raises(ValueError):
        History((dt.date(2026, 1, 2), dt.date(2026, 1, 1)), np.zeros((2, 4)))
    with pytest.raises(ValueError):
        History((dt.date(2026, 1, 1),), np.zeros((2, 4)))


def test_closed_days_are_skipped_not_seen_as_zero_demand():
    christmas = dt.date(2025, 12, 25)  # a Thursday, closed
    days = weekdays(dt.date(2025, 11, 3), 40, closed={christmas})
    history = steady_history(days)
    target = dt.date(2026, 1, 1 + 7)  # a Thursday two weeks on
    rows = history.same_weekday(target, 4)
    assert len(rows) == 4 and christmas not in history.dates
    assert np.allclose(SameWeekdayMean().predict(history, target), rows[0])


def test_each_baseline_reproduces_a_steady_series():
    days = weekdays(dt.date(2026, 1, 5), 50)
    history = steady_history(days)
    target = days[-1]
    past = history.before(target)
    expected = history.counts[-1]
    for method in (ProfileTimesLevel(), SameWeekdayMean(), WeeklySeasonalNaive()):
        assert np.allclose(method.predict(past, target), expected), method.name
    assert np.allclose(DailyNaive().predict(past, target), past.counts[-1])


def test_intervals_cover_about_their_nominal_share_of_poisson_counts():
    rng = np.random.default_rng(3)
    days = weekdays(dt.date(2025, 1, 6), 160)
    means = np.array([PROFILE / PROFILE.sum() * 2000 for _ in days])
    history = History(tuple(days), rng.poisson(means).astype(float))
    forecaster = DemandForecaster()
    covered = []
    for day in days[-40:]:
        forecast = forecaster.forecast(history, day)
        actual = history.counts[history.dates.index(day)]
        covered.append(np.mean((actual >= forecast.lower) & (actual <= forecast.upper)))
    assert 0.7 <= float(np.mean(covered)) <= 0.9
    assert np.all(forecast.lower <= forecast.mean) and np.all(forecast.mean <= forecast.upper)


def test_an_event_type_is_learnt_from_its_past_occurrences():
    days = weekdays(dt.date(2025, 1, 6), 120)
    history = steady_history(days)
    counts = history.counts.copy()
    event_days = [days[50], days[70], days[90], days[-1]]
    shifted = np.array([0.1, 0.1, 0.3, 0.5])  # the peak moves later on event days
    for day in event_days:
        index = days.index(day)
        counts[index] = shifted * counts[index].sum() * 1.4
    history = History(tuple(days), counts)
    events = tuple(Event(day, "bill-run") for day in event_days)
    target = event_days[-1]
    with_events = DemandForecaster().forecast(history, target, events).mean
    without = DemandForecaster().forecast(history, target).mean
    actual = history.counts[-1]
    assert np.allclose(with_events, actual, rtol=1e-9)
    assert np.abs(without - actual).mean() > 10 * np.abs(with_events - actual).mean()


def test_an_event_with_no_past_occurrence_falls_back_to_the_normal_forecast():
    days = weekdays(dt.date(2025, 1, 6), 60)
    history = steady_history(days)
    target = days[-1]
    forecaster = DemandForecaster()
    assert np.allclose(
        forecaster.forecast(history, target, (Event(target, "letter-batch"),)).mean,
        forecaster.forecast(history, target).mean,
    )


def test_event_days_do_not_inflate_the_following_weeks():
    days = weekdays(dt.date(2025, 1, 6), 80)
    history = steady_history(days)
    counts = history.counts.copy()
    target = days[-1]
    same_weekday_spike = [d for d in days if d.weekday() == target.weekday()][-2]
    counts[days.index(same_weekday_spike)] *= 3
    history = History(tuple(days), counts)
    events = (Event(same_weekday_spike, "text-campaign"),)
    forecast = DemandForecaster().forecast(history, target, events).mean
    assert np.allclose(forecast, history.counts[-1])
