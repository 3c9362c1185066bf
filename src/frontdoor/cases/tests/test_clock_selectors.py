"""The calendars a council's clocks count: which holidays, which closures, in few queries."""

from __future__ import annotations

import datetime as dt

from frontdoor.cases.engine.policies import COUNCIL_DAYS, FOI_DAYS, STATUTORY_DIVISION_DAYS
from frontdoor.cases.selectors import (
    calendar_source,
    clock_calendar,
    clock_settings_of,
    due_date_answer,
)
from frontdoor.core.calendars.actions import ensure_bank_holidays
from frontdoor.core.calendars.models import ClosureDay

D = dt.date


def test_complaint_days_skip_closures_and_statutory_days_do_not(council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 29), reason="Shutdown")
    complaints = clock_calendar(COUNCIL_DAYS, division=council.division, council=council)
    sar = clock_calendar(STATUTORY_DIVISION_DAYS, division=council.division, council=council)
    assert not complaints.working.is_working_day(D(2026, 12, 29))
    assert sar.working.is_working_day(D(2026, 12, 29))


def test_foi_days_skip_every_divisions_holidays_outside_scotland(council):
    foi = clock_calendar(FOI_DAYS, division=council.division, council=council)
    own = clock_calendar(COUNCIL_DAYS, division=council.division, council=council)
    for day in (D(2026, 1, 2), D(2026, 3, 17), D(2026, 7, 13), D(2026, 11, 30)):
        assert not foi.working.is_working_day(day) and own.working.is_working_day(day)


def test_the_calendar_knows_how_far_the_data_reach(council):
    calendar = clock_calendar(COUNCIL_DAYS, division=council.division, council=council)
    assert calendar.confirmed_until == D(2028, 12, 26)
    assert calendar.covers is not None and calendar.covers[0] == D(2012, 1, 1)
    assert calendar.covers[1] >= D(2031, 12, 31)  # rules fill five years past today


def test_a_far_future_closure_does_not_stretch_the_covered_years(council):
    ClosureDay.objects.create(council=council, date=D(2040, 1, 3), reason="Far ahead")
    calendar = clock_calendar(COUNCIL_DAYS, division=council.division, council=council)
    assert calendar.covers is not None and calendar.covers[1].year < 2040


def test_each_rule_is_read_once_per_question(council, django_assert_num_queries):
    ensure_bank_holidays()
    calendars = calendar_source(division=council.division, council=council)
    # The horizon (an existence check and one aggregate), then the holidays (an existence check
    # and the rows) and the closure days.
    with django_assert_num_queries(5):
        calendars(COUNCIL_DAYS)
    with django_assert_num_queries(0):
        calendars(COUNCIL_DAYS)


def test_a_due_date_takes_a_handful_of_queries(council, django_assert_max_num_queries):
    ensure_bank_holidays()
    with django_assert_max_num_queries(5):
        due_date_answer("complaint-stage-1", D(2026, 1, 12), council=council)


def test_a_council_without_settings_gets_the_defaults(council):
    settings = clock_settings_of(council)
    assert settings.complaint_procedure is None  # its division's preset
    assert settings.due_soon_working_days == 2
    assert clock_settings_of(None).complaint_procedure == "hos-lgsco-2024"
