"""Hour-based service standards: hours within opening hours, checked by hand and by stepping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.cases.engine.clocks import ClockError, Status, clock_status, responded
from frontdoor.cases.engine.hours import OpeningTime, compute_hour_clock
from frontdoor.cases.engine.policies import hours, service_standard_policy
from frontdoor.core.calendars.engine import OpeningHours, TimeRange

from .calendars import division_holidays

pytestmark = pytest.mark.no_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
T = dt.time


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def office(**extra) -> OpeningHours:
    """Monday to Friday 9:00-17:00 (a lunch hour on Wednesdays), Saturday 10:00-12:00, shut on
    England's bank holidays."""
    weekly: dict[int, tuple[TimeRange, ...]] = {
        day: (TimeRange(T(9), T(17)),) for day in (1, 2, 4, 5)
    }
    weekly[3] = (TimeRange(T(9), T(12)), TimeRange(T(13), T(17)))
    weekly[6] = (TimeRange(T(10), T(12)),)
    return OpeningHours(
        zone=LONDON,
        weekly=weekly,
        closed_dates=frozenset(division_holidays("england-and-wales").holidays),
        **extra,
    )


@pytest.mark.parametrize(
    ("start", "hours_", "expected", "why"),
    [
        (at(2026, 4, 2, 15), 4, at(2026, 4, 4, 12), "Thu 15-17 (2), Good Friday shut, Sat 10-12"),
        (at(2026, 4, 2, 15), 5, at(2026, 4, 7, 10), "then Easter Monday shut, Tue 9-10"),
        (at(2026, 4, 1, 11), 2, at(2026, 4, 1, 14), "Wed 11-12, lunch, 13-14"),
        (at(2026, 4, 1, 7), 1, at(2026, 4, 1, 10), "before opening: counts from 9:00"),
        (at(2026, 4, 1, 16), 1, at(2026, 4, 1, 17), "runs out exactly at closing"),
        (at(2026, 3, 27, 16), 8, at(2026, 3, 30, 14), "Fri 16-17, Sat 10-12, Mon 9-14 (BST)"),
        (at(2026, 12, 24, 16), 4, at(2026, 12, 29, 10), "Christmas, Sat 26 10-12, Boxing sub 28"),
    ],
)
def test_hand_checked_hours(start, hours_, expected, why):
    assert OpeningTime(office()).add(start, dt.timedelta(hours=hours_)) == expected, why


def test_a_dated_exception_opens_or_shortens_a_day():
    hours_ = office(exceptions={D(2026, 4, 3): (TimeRange(T(10), T(11)),), D(2026, 4, 2): ()})
    # Thu 2 Apr closed by exception, Good Friday opened 10-11, Sat 10-12.
    assert OpeningTime(hours_).add(at(2026, 4, 2, 9), dt.timedelta(hours=2)) == at(2026, 4, 4, 11)


def test_opening_hours_that_never_open_are_an_error():
    never = OpeningHours(zone=LONDON)
    with pytest.raises(ClockError, match="never give that much time"):
        OpeningTime(never).add(at(2026, 1, 5, 9), dt.timedelta(hours=1))


def test_a_naive_moment_is_refused():
    with pytest.raises(ClockError, match="timezone-aware"):
        OpeningTime(office()).add(dt.datetime(2026, 1, 5, 9), dt.timedelta(hours=1))


def test_an_hour_standard_is_met_by_the_due_time_not_the_due_date():
    policy = service_standard_policy("urgent-repair", hours(4))
    opening = OpeningTime(office())
    clock = compute_hour_clock(
        policy, at(2026, 4, 1, 11), [responded(D(2026, 4, 1), at=at(2026, 4, 1, 16))], opening
    )
    assert clock.due_at == at(2026, 4, 1, 16) and clock.due == D(2026, 4, 1)
    calendar = division_holidays("england-and-wales")
    assert clock_status(clock, today=D(2026, 4, 1), calendar=calendar) is Status.MET
    late = compute_hour_clock(
        policy, at(2026, 4, 1, 11), [responded(D(2026, 4, 1), at=at(2026, 4, 1, 16, 1))], opening
    )
    assert clock_status(late, today=D(2026, 4, 1), calendar=calendar) is Status.BREACHED
    open_ = compute_hour_clock(policy, at(2026, 4, 1, 11), [], opening)
    assert (
        clock_status(open_, today=D(2026, 4, 1), calendar=calendar, now=at(2026, 4, 1, 16, 30))
        is Status.OVERDUE
    )


# Against stepping through the days ------------------------------------------------------------


def stepping_add(opening: OpeningHours, start: dt.datetime, seconds: int) -> dt.datetime:
    local = start.astimezone(LONDON)
    day, now = local.date(), local.time()
    if seconds == 0:
        return start
    while True:
        for timerange in opening.ranges_on(day):
            begin = max(now, timerange.opens)
            if begin >= timerange.closes:
                continue
            span = (
                dt.datetime.combine(day, timerange.closes) - dt.datetime.combine(day, begin)
            ).seconds
            if seconds <= span:
                return dt.datetime.combine(day, begin, tzinfo=LONDON) + dt.timedelta(
                    seconds=seconds
                )
            seconds -= span
        day, now = day + dt.timedelta(days=1), T(0)


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2013, 1, 1), max_value=dt.datetime(2027, 12, 1)),
    minutes=st.integers(0, 60 * 200),
)
def test_adding_opening_time_agrees_with_stepping(start, minutes):
    opening = office()
    aware = start.replace(tzinfo=LONDON, second=0, microsecond=0)
    expected = stepping_add(opening, aware, minutes * 60)
    assert OpeningTime(opening).add(aware, dt.timedelta(minutes=minutes)) == expected
    if minutes:
        assert OpeningTime(opening).between(aware, expected) == dt.timedelta(minutes=minutes)
