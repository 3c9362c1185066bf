"""Reads for cases' clocks: a council's working-day calendars, clock settings and due dates.

The bank holidays and closure days come from `core.calendars` (one query each); this module only
chooses which divisions a clock counts and wraps them with how far GOV.UK's data reaches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.core.calendars.engine import WorkingCalendar
from frontdoor.core.calendars.selectors import calendar_horizon, closure_days_of, working_calendar
from frontdoor.core.models import Council, Division

from .engine import due_date
from .engine.clocks import ClockCalendar
from .engine.policies import (
    DEFAULT_PROCEDURE,
    CalendarRule,
    ClockSettings,
    clock_settings_from_data,
)

DEFAULT_DIVISION = Division.ENGLAND_AND_WALES.value
# The key of the council's settings JSON that holds its clock settings.
SETTINGS_KEY = "clocks"


def clock_settings_of(council: Council | None) -> ClockSettings:
    """The council's clock settings (complaint procedure, member-enquiry standard, named service
    standards, due-soon days), or the install's defaults. Raises PolicyError when the stored
    settings are malformed, naming the key.

    A council that has chosen no complaint procedure gets its division's preset (the SPSO's
    model procedure in Scotland, where it is mandatory); with no council the default is
    hos-lgsco-2024 whatever the division, as the issue specifies for `frontdoor due_date`.
    """
    if council is None:
        return ClockSettings(complaint_procedure=DEFAULT_PROCEDURE)
    return clock_settings_from_data((council.settings or {}).get(SETTINGS_KEY))


def clock_calendar(
    rule: CalendarRule,
    *,
    division: str,
    council: Council | None = None,
    horizon: dt.date | None = None,
) -> ClockCalendar:
    """The working days a clock with `rule` counts for a council of `division`.

    With no council there are no closure days. `horizon` (GOV.UK's last date) may be passed in
    when already known, saving its query.
    """
    # working_calendar reads only the division from the council when closures are left out, so
    # an unsaved council stands for "a council of this division" when none is named.
    holder = council if council is not None else Council(division=division)
    holidays = working_calendar(holder, include_closures=False, divisions=rule.divisions(division))
    covers = None
    if holidays.holidays:
        covers = (
            dt.date(holidays.holidays[0].year, 1, 1),
            dt.date(holidays.holidays[-1].year, 12, 31),
        )
    working = holidays
    if rule.closures and council is not None:
        closures = closure_days_of(council).values_list("date", flat=True)
        working = holidays.union(WorkingCalendar.of(closures))
    return ClockCalendar(
        working=working,
        confirmed_until=horizon if horizon is not None else calendar_horizon(),
        covers=covers,
    )


def calendar_source(*, division: str, council: Council | None = None) -> due_date.CalendarSource:
    """A function from a calendar rule to its calendar, reading each rule's days once."""
    built: dict[CalendarRule, ClockCalendar] = {}
    horizon: list[dt.date | None] = []

    def calendar_for(rule: CalendarRule) -> ClockCalendar:
        if rule not in built:
            if not horizon:
                horizon.append(calendar_horizon())
            built[rule] = clock_calendar(
                rule, division=division, council=council, horizon=horizon[0]
            )
        return built[rule]

    return calendar_for


def due_date_answer(
    clock_type: str,
    received: dt.date,
    *,
    division: str | None = None,
    policy: str | None = None,
    council: Council | None = None,
) -> dict[str, Any]:
    """Exactly what `frontdoor due_date` prints and GET /api/due-date returns.

    With a council: its division, closure days and clock settings. Without: `division`
    (England and Wales by default), no closure days and the default policies. A division that
    contradicts the council's is refused rather than silently ignored. Raises PolicyError or
    ClockError (both ValueErrors) with a message for the user.
    """
    if council is not None:
        if division is not None and division != council.division:
            raise ValueError(
                f"{council.slug} is in {council.division}; leave out the division or give "
                f"{council.division}"
            )
        division = council.division
    division = division or DEFAULT_DIVISION
    if division not in Division.values:
        raise ValueError(f"unknown division {division!r}; expected one of {Division.values}")
    return due_date.answer(
        clock_type,
        received,
        division=division,
        settings=clock_settings_of(council),
        calendars=calendar_source(division=division, council=council),
        policy=policy,
    )
