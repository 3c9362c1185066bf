"""What every planning page shares: the council, dates, weeks and days, the page context and
form errors."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdoor.core.models import Council, Queue
from frontdoor.identity.policies import require

from .. import selectors

PERMISSION = selectors.PERMISSION

SUB_NAVIGATION: list[tuple[str, Callable[[], str]]] = [
    ("planning:home", lambda: _("Overview")),
    ("planning:events", lambda: _("Events")),
    ("planning:scenarios", lambda: _("Scenarios")),
    ("planning:simulation", lambda: _("Simulation")),
    ("planning:rosters", lambda: _("Rosters")),
    ("planning:roster-setup", lambda: _("Shifts and staff")),
    ("planning:avoidable", lambda: _("Avoidable demand")),
    ("planning:outbound", lambda: _("Outbound")),
]


def council_of_request(request: HttpRequest) -> Council:
    """The request's council, for a user who may plan its staffing; 404 without a council."""
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    require(request.user, PERMISSION, council)
    return council


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def chosen_week(request: HttpRequest, council: Council) -> dt.date:
    """The week asked for (?week=, any day of it), else next week."""
    asked = parse_date(request.GET.get("week"))
    return selectors.monday_of(asked) if asked else selectors.next_week_start(council)


def queue_or_404(council: Council, queue_id: str) -> Queue:
    queue = selectors.queue_of(council, queue_id)
    if queue is None:
        raise Http404("queue")
    return queue


def page_context(request: HttpRequest, current: str, **context: Any) -> dict[str, Any]:
    context["sub_navigation"] = [
        {"href": reverse(name), "label": label(), "current": name == current}
        for name, label in SUB_NAVIGATION
    ]
    return context


def week_links(path: str, week: dt.date, extra: str = "") -> dict[str, Any]:
    return {
        "week": week,
        "week_end": week + dt.timedelta(days=6),
        "previous_week": f"{path}?week={(week - dt.timedelta(days=7)).isoformat()}{extra}",
        "next_week": f"{path}?week={(week + dt.timedelta(days=7)).isoformat()}{extra}",
    }


def chosen_interval(request: HttpRequest, council: Council) -> int:
    """The interval asked for (?interval=15 or 30), else the council's reporting interval."""
    asked = request.GET.get("interval")
    if asked in ("15", "30"):
        return int(asked)
    return selectors.interval_minutes_of(council)


def interval_links(path: str, week: dt.date, day: dt.date, current: int) -> list[dict]:
    return [
        {
            "minutes": minutes,
            "href": f"{path}?week={week.isoformat()}&day={day.isoformat()}&interval={minutes}",
            "current": minutes == current,
        }
        for minutes in (15, 30)
    ]


def finite_or_none(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def apply_action_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


def chosen_day(request: HttpRequest, forecast: selectors.QueueForecast) -> int:
    """The row of the day asked for (?day=), else the week's first open day."""
    asked = parse_date(request.GET.get("day"))
    if asked in forecast.days:
        return forecast.days.index(asked)  # type: ignore[arg-type]
    opened = [i for i in range(len(forecast.days)) if forecast.masks[i].any()]
    return opened[0] if opened else 0


def day_links(
    path: str, week: dt.date, days: Sequence[dt.date], chosen: int, extra: str = ""
) -> list[dict]:
    return [
        {
            "day": day,
            "href": f"{path}?week={week.isoformat()}&day={day.isoformat()}{extra}",
            "current": i == chosen,
        }
        for i, day in enumerate(days)
    ]
