"""API: the council's KPIs, exactly the object `frontdoor kpis --format json` prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.core.selectors import council_for
from frontdoor.identity.policies import require

from .selectors import council_kpis

router = Router(tags=["Insight"])


class KpiQueryIn(Schema):
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    by: str = Field("", description="comma-separated grouping keys")
    channel: str | None = None
    interval_minutes: int | None = Field(None, description="15 or 30")
    short_abandon_seconds: float | None = Field(None, ge=0, le=600)
    service_level_seconds: float | None = Field(None, ge=0, le=3600)


@router.get(
    "/councils/{slug}/kpis",
    summary="KPIs for a period and grouping (contact-records-and-kpis.md §3)",
)
def kpis(request: HttpRequest, slug: str, query: Query[KpiQueryIn]) -> dict[str, Any]:
    council = council_for(request.user, slug)
    require(request.user, "view_performance", council)
    if query.interval_minutes not in (None, 15, 30):
        raise HttpError(400, "interval_minutes must be 15 or 30")
    try:
        report = council_kpis(
            council,
            date_from=query.date_from,
            date_to=query.date_to,
            by=[key.strip() for key in query.by.split(",") if key.strip()],
            channel=query.channel,
            interval_minutes=query.interval_minutes,
            short_abandon_seconds=query.short_abandon_seconds,
            service_level_seconds=query.service_level_seconds,
        )
    except ValueError as error:
        raise HttpError(400, str(error)) from error
    return report.as_output()
