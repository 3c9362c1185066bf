"""The working-day arithmetic, checked against UK dates and a day-by-day stepping oracle."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.core.calendars import sources
from frontdoor.core.calendars.engine import (
    WorkingCalendar,
    weekday_of_rank,
    weekday_rank,
)

pytestmark = pytest.mark.no_db

D = dt.date
ONE_DAY = dt.timedelta(days=1)


@cache
def division_calendar(*divisions: str) -> WorkingCalendar:
    """The real GOV.UK bank holidays (cached in the package) of the given divisions."""
    events = sources.cached_govuk_events()
    return WorkingCalendar.of(e.date for e in events if e.division in divisions)


def england() -> WorkingCalendar:
    return division_calendar("england-and-wales")


def scotland() -> WorkingCalendar:
    return division_calendar("scotland")


def northern_ireland() -> WorkingCalendar:
    return division_calendar("northern-ireland")


def whole_uk() -> WorkingCalendar:
    return division_calendar(*sources.DIVISIONS)


# The stepping oracle: obviously right, and far too slow for the product. ---------------------


def oracle_is_working(calendar: WorkingCalendar, day: dt.date) -> bool:
    return day.weekday() < 5 and day not in set(calendar.holidays)


def oracle_add(calendar: WorkingCalendar, start: dt.date, days: int) -> dt.date:
    holidays = set(calendar.holidays)

    def working(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in holidays

    day = start
    if days == 0:
        while not working(day):
            day += ONE_DAY
        return day
    counted = 0
    while counted < days:
        day += ONE_DAY
        counted += working(day)
    return day


def oracle_between(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    holidays = set(calendar.holidays)
    low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
    count = 0
    day = low + ONE_DAY
    while day <= high:
        count += day.weekday() < 5 and day not in holidays
        day += ONE_DAY
    return sign * count


def oracle_previous(calendar: WorkingCalendar, day: dt.date) -> dt.date:
    holidays = set(calendar.holidays)
    day -= ONE_DAY
    while day.weekday() >= 5 or day in holidays:
        day -= ONE_DAY
    return day


# Ranks -----------------------------------------------------------------------------------


@given(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 24)))
def test_weekday_rank_counts_weekdays_before_a_date(day):
    following = day + ONE_DAY
    assert weekday_rank(following) - weekday_rank(day) == (1 if day.weekday() < 5 else 0)


@given(st.integers(min_value=0, max_value=2_600_000))
def test_weekday_of_rank_inverts_weekday_rank(rank):
    day = weekday_of_rank(rank)
    assert day.weekday() < 5
    assert weekday_rank(day) == rank


# Construction ----------------------------------------------------------------------------


def test_of_sorts_deduplicates_and_drops_weekends():
    calendar = WorkingCalendar.of([D(2026, 12, 28), D(2026, 12, 25)], [D(2026, 12, 26)])

    assert calendar.holidays == (D(2026, 12, 25), D(2026, 12, 28))  # the 26th is a Saturday


def test_unsorted_or_weekend_holidays_are_refused():
    with pytest.raises(ValueError, match="sorted"):
        WorkingCalendar((D(2026, 12, 28), D(2026, 12, 25)))
    with pytest.raises(ValueError, match="weekdays"):
        WorkingCalendar((D(2026, 12, 26),))


def test_union_is_non_working_when_either_is():
    calendar = england().union(scotland())

    assert not calendar.is_working_day(D(2026, 1, 2))  # Scotland's 2 January
    assert not calendar.is_working_day(D(2026, 4, 6))  # Easter Monday, not a Scottish holiday
    assert set(calendar.holidays) <= set(whole_uk().holidays)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        england().add_working_days(D(2026, 1, 5), -1)


# Known UK dates --------------------------------------------------------------------------


def test_christmas_and_new_year_2026_in_england():
    calendar = england()
    # Thu 24 Dec 2026; Fri 25 Christmas; Sat 26 Boxing Day, substitute Mon 28; Fri 1 Jan.
    assert calendar.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert calendar.add_working_days(D(2026, 12, 24), 3) == D(2026, 12, 31)
    assert calendar.add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)
    assert calendar.working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4
    assert calendar.previous_working_day(D(2026, 12, 29)) == D(2026, 12, 24)


def test_second_of_january_is_a_holiday_only_in_scotland():
    # Mon 2 Jan 2023 is a substitute New Year's Day in England; 2 Jan itself in Scotland, whose
    # New Year's Day substitute is Tue 3 Jan.
    assert scotland().add_working_days(D(2022, 12, 30), 1) == D(2023, 1, 4)
    assert england().add_working_days(D(2022, 12, 30), 1) == D(2023, 1, 3)
    # Fri 2 Jan 2026: a working day in England, a holiday in Scotland.
    assert england().is_working_day(D(2026, 1, 2))
    assert not scotland().is_working_day(D(2026, 1, 2))


def test_easter_monday_is_not_a_scottish_bank_holiday():
    assert not england().is_working_day(D(2026, 4, 6))
    assert scotland().is_working_day(D(2026, 4, 6))
    assert not scotland().is_working_day(D(2026, 4, 3))  # Good Friday everywhere


def test_st_patricks_day_and_twelfth_of_july_in_northern_ireland():
    ni = northern_ireland()
    assert not ni.is_working_day(D(2026, 3, 17))
    assert england().is_working_day(D(2026, 3, 17))
    assert not ni.is_working_day(D(2026, 7, 13))  # 12 July 2026 is a Sunday: substitute Monday
    assert ni.add_working_days(D(2026, 7, 10), 1) == D(2026, 7, 14)
    assert england().add_working_days(D(2026, 7, 10), 1) == D(2026, 7, 13)


def test_one_off_bank_holidays_state_funeral_and_coronation():
    assert not england().is_working_day(D(2022, 9, 19))  # the Queen's state funeral
    assert not england().is_working_day(D(2023, 5, 8))  # the King's coronation
    # An FOI request received on Thu 15 Sep 2022 skips the funeral day.
    assert whole_uk().add_working_days(D(2022, 9, 15), 20) == D(2022, 10, 14)
    assert england().working_days_between(D(2023, 5, 5), D(2023, 5, 9)) == 1


def test_foi_twenty_working_days_over_christmas_counts_every_uk_holiday():
    # Received Mon 14 Dec 2026: skips 25 and 28 Dec and 1 Jan everywhere, and Scotland's
    # 2 January holiday (a Saturday in 2027, so substituted on Monday 4 January).
    uk = whole_uk()
    deadline = uk.add_working_days(D(2026, 12, 14), 20)
    assert deadline == oracle_add(uk, D(2026, 12, 14), 20)
    assert uk.working_days_between(D(2026, 12, 14), deadline) == 20
    assert england().add_working_days(D(2026, 12, 14), 20) < deadline


def test_zero_days_is_the_start_when_working_else_the_next_working_day():
    calendar = england()
    assert calendar.add_working_days(D(2026, 12, 24), 0) == D(2026, 12, 24)
    assert calendar.add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 29)
    assert calendar.add_working_days(D(2026, 12, 26), 0) == D(2026, 12, 29)
    assert calendar.working_day_on_or_after(D(2026, 12, 27)) == D(2026, 12, 29)


def test_received_at_a_weekend_counts_from_the_next_working_day():
    calendar = WorkingCalendar()
    assert calendar.add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)  # Sat -> Mon
    assert calendar.next_working_day(D(2026, 11, 27)) == D(2026, 11, 30)  # Fri -> Mon


def test_working_days_between_is_zero_for_the_same_day_and_antisymmetric():
    calendar = england()
    assert calendar.working_days_between(D(2026, 12, 25), D(2026, 12, 25)) == 0
    assert calendar.working_days_between(D(2027, 1, 4), D(2026, 12, 24)) == -4


def test_closure_fortnight_is_skipped_without_stepping():
    closures = [D(2027, 8, 2) + dt.timedelta(days=i) for i in range(14)]
    calendar = WorkingCalendar.of(england().holidays, closures)
    assert calendar.add_working_days(D(2027, 7, 30), 1) == D(2027, 8, 16)
    assert calendar.previous_working_day(D(2027, 8, 16)) == D(2027, 7, 30)


def test_holidays_between_lists_the_listed_weekdays():
    assert england().holidays_between(D(2026, 12, 1), D(2027, 1, 31)) == (
        D(2026, 12, 25),
        D(2026, 12, 28),
        D(2027, 1, 1),
    )


# Properties against the oracle -------------------------------------------------------------

REAL_CALENDARS = st.sampled_from(
    [
        ("england-and-wales",),
        ("scotland",),
        ("northern-ireland",),
        tuple(sources.DIVISIONS),
    ]
).map(lambda divisions: division_calendar(*divisions))

# Dense random calendars stress runs of consecutive holidays and closures.
RANDOM_CALENDARS = st.lists(
    st.dates(min_value=D(2026, 11, 1), max_value=D(2027, 3, 1)), max_size=60
).map(WorkingCalendar.of)

CALENDARS = st.one_of(REAL_CALENDARS, RANDOM_CALENDARS)
# Around the busy ends of years, Easter and the one-off holidays, and anywhere 2012-2029.
DATES = st.one_of(
    st.sampled_from(
        [
            D(2022, 9, 16),
            D(2022, 12, 23),
            D(2023, 5, 5),
            D(2025, 12, 24),
            D(2026, 3, 16),
            D(2026, 4, 2),
            D(2026, 7, 10),
            D(2026, 12, 24),
            D(2026, 12, 31),
            D(2027, 1, 1),
        ]
    ),
    st.dates(min_value=D(2012, 1, 1), max_value=D(2029, 12, 31)),
)


@settings(max_examples=400, deadline=None)
@given(CALENDARS, DATES, st.integers(min_value=0, max_value=300))
def test_add_working_days_matches_stepping(calendar, start, days):
    result = calendar.add_working_days(start, days)
    assert result == oracle_add(calendar, start, days)
    assert calendar.is_working_day(result)
    if days >= 1:
        assert result > start
        assert calendar.working_days_between(start, result) == days


@settings(max_examples=400, deadline=None)
@given(CALENDARS, DATES, DATES)
def test_working_days_between_matches_stepping(calendar, start, end):
    assert calendar.working_days_between(start, end) == oracle_between(calendar, start, end)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, DATES)
def test_neighbouring_working_days_match_stepping(calendar, day):
    assert calendar.is_working_day(day) == oracle_is_working(calendar, day)
    assert calendar.next_working_day(day) == oracle_add(calendar, day, 1)
    assert calendar.previous_working_day(day) == oracle_previous(calendar, day)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, DATES, st.integers(min_value=1, max_value=200))
def test_adding_in_two_steps_equals_adding_at_once(calendar, start, days):
    first = calendar.add_working_days(start, days // 2) if days // 2 else start
    rest = days - days // 2
    assert calendar.add_working_days(first, rest) == calendar.add_working_days(start, days)
