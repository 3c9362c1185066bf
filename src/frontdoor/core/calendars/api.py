"""API: a council's calendar (bank holidays and closure days) between two dates."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.core.selectors import council_for

from . import selectors

router = Router(tags=["Working-day calendar"])

# Long enough for any statutory clock, short enough to keep a response small.
MAX_SPAN_DAYS = 3 * 366


class CalendarQuery(Schema):
    start: dt.date | None = Field(
        None, alias="from", description="First date (YYYY-MM-DD); default today"
    )
    end: dt.date | None = Field(
        None, alias="to", description="Last date (YYYY-MM-DD); default a year after `from`"
    )


class BankHolidayOut(Schema):
    date: dt.date
    title: str
    notes: str
    source: str = Field(description="govuk, rules (calculated) or manual")
    provisional: bool = Field(description="True when calculated from rules, not yet on GOV.UK")


class ClosureDayOut(Schema):
    date: dt.date
    reason: str
    provisional: bool = Field(False, description="Always false: the council set it")


class CalendarOut(Schema):
    council: str
    division: str
    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")
    govuk_data_until: dt.date | None = Field(
        description="The last date GOV.UK's bank-holiday data covers; later ones are provisional"
    )
    bank_holidays: list[BankHolidayOut]
    closure_days: list[ClosureDayOut]


@router.get(
    "/councils/{slug}/calendar",
    response=CalendarOut,
    by_alias=True,
    summary="A council's bank holidays and closure days between two dates",
)
def council_calendar(request: HttpRequest, slug: str, query: Query[CalendarQuery]) -> CalendarOut:
    council = council_for(request.user, slug)
    start = query.start or council.local_date(timezone.now())
    end = query.end or start + dt.timedelta(days=365)
    if end < start:
        raise HttpError(400, "`to` must be on or after `from`.")
    if (end - start).days > MAX_SPAN_DAYS:
        raise HttpError(400, f"Ask for at most {MAX_SPAN_DAYS} days at a time.")
    return CalendarOut(
        council=council.slug,
        division=council.division,
        start=start,
        end=end,
        govuk_data_until=selectors.calendar_horizon(),
        bank_holidays=[
            BankHolidayOut(
                date=h.date,
                title=h.title,
                notes=h.notes,
                source=h.source,
                provisional=h.provisional,
            )
            for h in selectors.bank_holidays_of(council, start, end)
        ],
        closure_days=[
            ClosureDayOut(date=c.date, reason=c.reason, provisional=False)
            for c in selectors.closure_days_of(council, start, end)
        ],
    )
