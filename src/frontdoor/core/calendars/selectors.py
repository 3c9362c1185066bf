"""Reads of the working-day calendar, each for one council (the request's), never across.

The bank-holiday table is seeded lazily: the first read of an empty table loads the GOV.UK data
cached in the `govuk-bank-holidays` package, so a fresh install always has a calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from frontdoor.core.models import Council, Division, Queue

from .actions import ensure_bank_holidays
from .engine import OpeningHours, TimeRange, WorkingCalendar, merge_ranges
from .models import BankHoliday, ClosureDay, HolidaySource, IsoWeekday, OpeningException

ALL_DIVISIONS: tuple[str, ...] = tuple(Division.values)


def working_calendar(
    council: Council, *, include_closures: bool, divisions: Iterable[str] | None = None
) -> WorkingCalendar:
    """The working days of `council`: weekends and bank holidays are non-working.

    `divisions` defaults to the council's own division; pass ALL_DIVISIONS for clocks that skip
    a bank holiday in any part of the UK (FOI, EIR). `include_closures` adds the council's
    closure days (complaint clocks: yes; FOI: no, closures still count as working days there).
    """
    ensure_bank_holidays()
    chosen = [council.division] if divisions is None else list(divisions)
    unknown = set(chosen) - set(ALL_DIVISIONS)
    if unknown:
        raise ValueError(f"unknown divisions: {sorted(unknown)}")
    holidays = BankHoliday.objects.filter(division__in=chosen).values_list("date", flat=True)
    closures: Iterable[dt.date] = ()
    if include_closures:
        closures = ClosureDay.objects.filter(council=council).values_list("date", flat=True)
    return WorkingCalendar.of(holidays, closures)


def bank_holidays_of(council: Council, start: dt.date, end: dt.date) -> QuerySet[BankHoliday]:
    """The bank holidays of the council's division from `start` to `end`, both included."""
    ensure_bank_holidays()
    return BankHoliday.objects.filter(
        division=council.division, date__gte=start, date__lte=end
    ).order_by("date")


def closure_days_of(
    council: Council, start: dt.date | None = None, end: dt.date | None = None
) -> QuerySet[ClosureDay]:
    """The council's closure days, optionally from `start` and to `end` (both included)."""
    closures = ClosureDay.objects.filter(council=council)
    if start is not None:
        closures = closures.filter(date__gte=start)
    if end is not None:
        closures = closures.filter(date__lte=end)
    return closures.order_by("date")


def closure_day_of(council: Council, pk: int) -> ClosureDay | None:
    """One closure day of the council, or None (another council's is never returned)."""
    return ClosureDay.objects.filter(council=council, pk=pk).first()


def calendar_horizon() -> dt.date | None:
    """The last date GOV.UK's data covers for every division (the earliest division's end).

    Past it the table holds provisional dates calculated from rules.
    """
    ensure_bank_holidays()
    ends = (
        BankHoliday.objects.filter(source=HolidaySource.GOVUK)
        .values("division")
        .annotate(last=Max("date"))
        .values_list("division", "last")
    )
    by_division = dict(ends)
    if set(by_division) != set(ALL_DIVISIONS):
        return None
    return min(by_division.values())


def horizon_warning(today: dt.date, horizon: dt.date | None = None) -> bool:
    """True from a year before GOV.UK's data runs out (or when there is none): time to load
    a fresh bank-holidays.json, since later dates are only provisional."""
    horizon = horizon if horizon is not None else calendar_horizon()
    if horizon is None:
        return True
    return today > _one_year_before(horizon)


def _one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class QueueHours:
    """A queue's weekly opening hours and its coming exceptions, ready to show."""

    queue: Queue
    weekly: list[tuple[str, tuple[TimeRange, ...]]]
    exceptions: list[OpeningException]
    hours: OpeningHours


def opening_hours_of(council: Council, today: dt.date) -> list[QueueHours]:
    """Each queue of the council with its weekly pattern and exceptions from `today` on.

    Bank holidays of the council's division and its closure days close a queue unless an
    exception for that date opens it. Three queries whatever the number of queues.
    """
    ensure_bank_holidays()
    queues = (
        Queue.objects.filter(council=council)
        .order_by("name")
        .prefetch_related(
            "opening_patterns",
            Prefetch(
                "opening_exceptions",
                queryset=OpeningException.objects.filter(date__gte=today).order_by("date", "opens"),
                to_attr="coming_exceptions",
            ),
        )
    )
    closed = frozenset(
        BankHoliday.objects.filter(division=council.division, date__gte=today).values_list(
            "date", flat=True
        )
    ) | frozenset(closure_days_of(council, start=today).values_list("date", flat=True))
    result = []
    for queue in queues:
        weekly: dict[int, list[TimeRange]] = {day: [] for day in IsoWeekday.values}
        for pattern in queue.opening_patterns.all():
            weekly[pattern.weekday].append(TimeRange(pattern.opens, pattern.closes))
        exceptions: dict[dt.date, list[TimeRange]] = {}
        for exception in queue.coming_exceptions:  # type: ignore[attr-defined]
            ranges = exceptions.setdefault(exception.date, [])
            if (
                not exception.closed
                and exception.opens is not None
                and exception.closes is not None
            ):
                ranges.append(TimeRange(exception.opens, exception.closes))
        hours = OpeningHours(
            zone=council.zone,
            weekly={day: tuple(ranges) for day, ranges in weekly.items()},
            exceptions={day: tuple(ranges) for day, ranges in exceptions.items()},
            closed_dates=closed,
        )
        result.append(
            QueueHours(
                queue=queue,
                weekly=[
                    (str(IsoWeekday(day).label), merge_ranges(hours.weekly[day])) for day in weekly
                ],
                exceptions=list(queue.coming_exceptions),  # type: ignore[attr-defined]
                hours=hours,
            )
        )
    return result
