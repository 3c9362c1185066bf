"""Opening hours: weekly patterns, dated exceptions, bank-holiday closing, clock changes."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.core.calendars.engine import OpeningHours, TimeRange, merge_ranges

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = dt.date
T = dt.time


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def office_hours(**overrides: object) -> OpeningHours:
    """Mon-Thu 9-17, Fri 9-12:30 and 13:30-16:30, closed at weekends."""
    weekday = (TimeRange(T(9), T(17)),)
    fields: dict[str, object] = {
        "zone": LONDON,
        "weekly": {
            1: weekday,
            2: weekday,
            3: weekday,
            4: weekday,
            5: (TimeRange(T(13, 30), T(16, 30)), TimeRange(T(9), T(12, 30))),
        },
    }
    fields.update(overrides)
    return OpeningHours(**fields)  # type: ignore[arg-type]


def test_a_range_must_open_before_it_closes():
    with pytest.raises(ValueError, match="before"):
        TimeRange(T(17), T(9))
    with pytest.raises(ValueError, match="before"):
        TimeRange(T(9), T(9))


def test_weekly_keys_must_be_iso_weekdays():
    with pytest.raises(ValueError, match="ISO"):
        OpeningHours(zone=LONDON, weekly={0: ()})


def test_open_within_the_weekly_hours_and_closed_outside():
    hours = office_hours()
    assert hours.is_open(at(2026, 11, 25, 9))  # a Wednesday, opening time included
    assert hours.is_open(at(2026, 11, 25, 16, 59))
    assert not hours.is_open(at(2026, 11, 25, 17))  # closing time excluded
    assert not hours.is_open(at(2026, 11, 25, 8, 59))
    assert not hours.is_open(at(2026, 11, 28, 10))  # Saturday


def test_a_lunch_break_closes_the_queue():
    hours = office_hours()
    assert hours.is_open(at(2026, 11, 27, 12, 29))
    assert not hours.is_open(at(2026, 11, 27, 13))
    assert hours.ranges_on(D(2026, 11, 27)) == (
        TimeRange(T(9), T(12, 30)),
        TimeRange(T(13, 30), T(16, 30)),
    )


def test_an_exception_closes_a_day_all_day():
    hours = office_hours(exceptions={D(2026, 11, 25): ()})
    assert not hours.is_open(at(2026, 11, 25, 10))
    assert hours.intervals_on(D(2026, 11, 25)) == ()
    assert not hours.is_open_on(D(2026, 11, 25))


def test_an_exception_gives_a_day_different_hours():
    hours = office_hours(exceptions={D(2026, 12, 24): (TimeRange(T(9), T(13)),)})
    assert hours.is_open(at(2026, 12, 24, 12))
    assert not hours.is_open(at(2026, 12, 24, 14))


def test_bank_holidays_and_closures_close_unless_an_exception_opens():
    christmas, training = D(2026, 12, 25), D(2026, 11, 25)
    hours = office_hours(closed_dates=frozenset({christmas, training}))
    assert not hours.is_open(at(2026, 11, 25, 10))
    opened = office_hours(
        closed_dates=frozenset({christmas}),
        exceptions={christmas: (TimeRange(T(10), T(12)),)},
    )
    assert opened.is_open(at(2026, 12, 25, 11))


def test_a_weekend_closure_closes_saturday_opening():
    saturday = (TimeRange(T(9), T(12)),)
    hours = office_hours(weekly={6: saturday}, closed_dates=frozenset({D(2026, 11, 28)}))
    assert not hours.is_open(at(2026, 11, 28, 10))
    assert hours.is_open(at(2026, 12, 5, 10))


def test_intervals_are_aware_and_right_across_the_clock_change():
    hours = OpeningHours(zone=LONDON, weekly={7: (TimeRange(T(0), T(23, 59)),)})
    # Sunday 29 March 2026: clocks go forward at 01:00 GMT, so the day is 23 hours long.
    ((opens, closes),) = hours.intervals_on(D(2026, 3, 29))
    assert opens.utcoffset() == dt.timedelta(0)
    assert closes.utcoffset() == dt.timedelta(hours=1)
    # Subtracting in one zone compares wall clocks; the elapsed time needs UTC.
    assert closes.astimezone(dt.UTC) - opens.astimezone(dt.UTC) == dt.timedelta(
        hours=22, minutes=59
    )


def test_is_open_reads_an_aware_moment_in_the_council_zone():
    hours = office_hours()
    # 08:30 UTC on 1 July is 09:30 in London (BST): open.
    assert hours.is_open(dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC))
    # 16:30 UTC on 1 July is 17:30 in London: closed.
    assert not hours.is_open(dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC))


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="aware"):
        office_hours().is_open(dt.datetime(2026, 7, 1, 9))


def test_overlapping_and_touching_ranges_are_merged():
    ranges = [TimeRange(T(12), T(17)), TimeRange(T(9), T(12)), TimeRange(T(10), T(11))]
    assert merge_ranges(ranges) == (TimeRange(T(9), T(17)),)


TIMES = st.times().filter(lambda t: t < T(23, 59))


@given(st.lists(st.tuples(TIMES, TIMES).filter(lambda p: p[0] < p[1]), max_size=6), TIMES)
def test_merging_never_changes_whether_a_time_is_open(pairs, moment):
    ranges = [TimeRange(opens, closes) for opens, closes in pairs]
    merged = merge_ranges(ranges)
    assert any(r.contains(moment) for r in ranges) == any(r.contains(moment) for r in merged)
    assert all(a.closes < b.opens for a, b in itertools.pairwise(merged))
