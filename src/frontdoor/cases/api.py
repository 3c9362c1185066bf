"""API of cases, handovers between services, service standards and statutory clocks."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.core.selectors import council_for

from .selectors import due_date_answer

router = Router(tags=["Cases"])

ClockType = Literal[
    "complaint-stage-1",
    "complaint-stage-2",
    "foi",
    "eir",
    "foi-internal-review",
    "eir-internal-review",
    "sar",
    "erasure",
    "rectification",
    "dp-complaint",
    "member-enquiry",
    "service-request",
    "compliment",
    "comment",
]
DivisionName = Literal["england-and-wales", "scotland", "northern-ireland"]


class DueDateQuery(Schema):
    type: ClockType = Field(description="The kind of request")
    received: dt.date = Field(description="The local date the council first got it (YYYY-MM-DD)")
    division: DivisionName | None = Field(
        None, description="Whose bank holidays (default England and Wales; a council's own)"
    )
    policy: str | None = Field(
        None,
        max_length=100,
        description="Complaint procedure (hos-lgsco-2024, spso-mchp, blank or the council's own) "
        "or service standard (5-working-days, 7-calendar-days, 1-calendar-month, or a named one)",
    )
    council: str | None = Field(
        None,
        max_length=63,
        description="A council's slug: its division, closure days and policies",
    )


class DueDateOut(Schema):
    type: str
    received: dt.date
    acknowledge_by: dt.date | None = Field(description="Acknowledge by the end of this day")
    due: dt.date | None = Field(description="Respond by the end of this day")
    provisional: bool = Field(
        description="True when a date relies on bank holidays past GOV.UK's data"
    )


@router.get(
    "/due-date",
    response=DueDateOut,
    summary="When a request received on a day is due (the same answer as `frontdoor due_date`)",
)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> dict[str, object]:
    council = council_for(request.user, query.council) if query.council else None
    try:
        return due_date_answer(
            query.type,
            query.received,
            division=query.division,
            policy=query.policy,
            council=council,
        )
    except ValueError as error:  # PolicyError and ClockError are ValueErrors
        raise HttpError(400, str(error)) from error
