"""Real UK calendars for the engine's tests: GOV.UK's bank holidays as cached in the
`govuk-bank-holidays` package (2012 to 2028), read without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from frontdoor.cases.engine.clocks import ClockCalendar
from frontdoor.cases.engine.policies import CalendarRule
from frontdoor.core.calendars import sources
from frontdoor.core.calendars.engine import WorkingCalendar

D = dt.date
GOVUK_UNTIL = D(2028, 12, 26)  # the last date of the cached GOV.UK data, every division
COVERS = (D(2012, 1, 1), D(2028, 12, 31))


@cache
def division_holidays(*divisions: str) -> WorkingCalendar:
    events = sources.cached_govuk_events()
    return WorkingCalendar.of(event.date for event in events if event.division in divisions)


def calendar_for(
    rule: CalendarRule, division: str, closures: Iterable[dt.date] = ()
) -> ClockCalendar:
    """The calendar a clock with `rule` counts for a council of `division` closed on `closures`."""
    working = division_holidays(*rule.divisions(division))
    if rule.closures:
        working = working.union(WorkingCalendar.of(closures))
    return ClockCalendar(working=working, confirmed_until=GOVUK_UNTIL, covers=COVERS)


def stepping_is_working(calendar: WorkingCalendar, day: dt.date) -> bool:
    """The obviously right oracle: a weekday not in the list."""
    return day.weekday() < 5 and day not in set(calendar.holidays)
