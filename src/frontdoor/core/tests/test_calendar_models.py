"""The calendar tables refuse opening times that close before they open, and clashing rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frontdoor.core.calendars.models import (
    BankHoliday,
    ClosureDay,
    HolidaySource,
    OpeningException,
    OpeningPattern,
)
from frontdoor.testing.factories import QueueFactory

D = dt.date
T = dt.time


@pytest.fixture
def queue(council):
    return QueueFactory(council=council)


def test_a_pattern_must_open_before_it_closes(queue):
    pattern = OpeningPattern(queue=queue, weekday=1, opens=T(17), closes=T(9))

    with pytest.raises(ValidationError, match="after the opening time"):
        pattern.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        pattern.save()


def test_a_pattern_weekday_runs_from_one_to_seven(queue):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningPattern.objects.create(queue=queue, weekday=8, opens=T(9), closes=T(17))


def test_an_exception_is_either_closed_or_a_valid_range(queue):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningException.objects.create(queue=queue, date=D(2026, 12, 24), closed=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningException.objects.create(
            queue=queue, date=D(2026, 12, 24), closed=True, opens=T(9), closes=T(12)
        )
    with pytest.raises(ValidationError, match="after the opening time"):
        OpeningException(queue=queue, date=D(2026, 12, 24), opens=T(12), closes=T(9)).full_clean()


def test_a_day_closed_all_day_cannot_also_have_hours(queue):
    OpeningException.objects.create(queue=queue, date=D(2026, 12, 24), closed=True)

    with pytest.raises(ValidationError, match="closed all day"):
        OpeningException(queue=queue, date=D(2026, 12, 24), opens=T(9), closes=T(12)).full_clean()


def test_a_day_with_hours_cannot_also_be_closed_all_day(queue):
    OpeningException.objects.create(queue=queue, date=D(2026, 12, 24), opens=T(9), closes=T(12))

    with pytest.raises(ValidationError, match="already has opening times"):
        OpeningException(queue=queue, date=D(2026, 12, 24), closed=True).full_clean()


def test_one_bank_holiday_per_division_and_date():
    fields = {"division": "scotland", "date": D(2040, 1, 2), "source": HolidaySource.MANUAL}
    BankHoliday.objects.create(title="2nd January", **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        BankHoliday.objects.create(title="Again", **fields)


def test_one_closure_per_council_and_date_but_councils_are_independent(council, other_council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Training")
    ClosureDay.objects.create(council=other_council, date=D(2026, 12, 31), reason="Training")

    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Again")
