"""The planning overview and a queue's forecast."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from .charts import interval_chart
from .common import (
    chosen_day,
    chosen_interval,
    chosen_week,
    council_of_request,
    day_links,
    interval_links,
    page_context,
    queue_or_404,
    week_links,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each queue's forecast for the week, the staff it needs and the gap to the staff rostered."""
    council = council_of_request(request)
    week = chosen_week(request, council)
    forecasts = selectors.forecasts_for_week(council, week)
    staffing = selectors.staffing_for(council, forecasts)
    rows = [
        {
            "queue": s.forecast.queue,
            "calls": s.forecast.total,
            "lower": float(s.forecast.lower.sum()),
            "upper": float(s.forecast.upper.sum()),
            "peak": s.peak_required,
            "hours_required": s.staff_hours_required,
            "hours_rostered": s.staff_hours_rostered,
            "hours_short": s.staff_hours_short,
            "gap": s.overall_gap,
            "history_days": s.forecast.history_days,
        }
        for s in staffing
    ]
    context = page_context(
        request,
        "planning:home",
        rows=rows,
        rostered_source=staffing[0].rostered_source if staffing else "none",
        interval_minutes=selectors.interval_minutes_of(council),
        totals={
            "calls": sum(r["calls"] for r in rows),
            "hours_required": sum(r["hours_required"] for r in rows),
            "hours_rostered": sum(r["hours_rostered"] for r in rows),
            "hours_short": sum(r["hours_short"] for r in rows),
        },
        **week_links(reverse("planning:home"), week),
    )
    return render(request, "planning/home.html", context)


# --- forecast -------------------------------------------------------------------------------


@require_GET
def forecast(request: HttpRequest, queue_id: str) -> HttpResponse:
    """A queue's forecast week: totals per day and, for one day, every interval with its 80%
    prediction interval, as a chart and a table."""
    council = council_of_request(request)
    queue = queue_or_404(council, queue_id)
    week = chosen_week(request, council)
    interval = chosen_interval(request, council)
    result = selectors.forecasts_for_week(council, week, queues=[queue], interval_minutes=interval)[
        0
    ]
    row = chosen_day(request, result)
    labels = selectors.interval_labels(result.interval_minutes)
    opened = [i for i in range(len(labels)) if result.masks[row, i]]
    day = result.days[row]
    extra = f"&interval={interval}"
    intervals = [
        {
            "interval": labels[i],
            "mean": float(result.mean[row, i]),
            "lower": float(result.lower[row, i]),
            "upper": float(result.upper[row, i]),
        }
        for i in opened
    ]
    chart = None
    if opened:
        day_text = formats.date_format(day, "l j F Y")
        chart = interval_chart(
            title=_("Forecast calls per interval, %(queue)s, %(day)s")
            % {"queue": queue.name, "day": day_text},
            description=_(
                "Calls forecast in each %(minutes)s-minute interval from %(first)s to %(last)s, "
                "with the 80%% prediction interval shaded. The table below gives every figure."
            )
            % {
                "minutes": result.interval_minutes,
                "first": labels[opened[0]],
                "last": labels[opened[-1]],
            },
            labels=[labels[i] for i in opened],
            line=[float(result.mean[row, i]) for i in opened],
            line_label=_("Forecast calls"),
            band=(
                [float(result.lower[row, i]) for i in opened],
                [float(result.upper[row, i]) for i in opened],
            ),
            band_label=_("80% prediction interval"),
        )
    path = reverse("planning:forecast", args=[queue.queue_id])
    context = page_context(
        request,
        "planning:home",
        queue=queue,
        result=result,
        day=day,
        day_links=day_links(path, week, result.days, row, extra),
        interval_links=interval_links(path, week, day, interval),
        intervals=intervals,
        chart=chart,
        day_totals=result.day_totals(),
        learnt=sorted(result.learnt_events.items()),
        **week_links(path, week, extra),
    )
    return render(request, "planning/forecast.html", context)
