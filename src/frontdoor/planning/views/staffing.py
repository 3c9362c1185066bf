"""Interval staffing and the capacity gap against the rostered staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.core.models import Council, Queue

from .. import actions, selectors
from ..forms import (
    QueueSettingsForm,
    RosteredStaffForm,
)
from .charts import interval_chart
from .common import (
    apply_action_errors,
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
def staffing(request: HttpRequest, queue_id: str) -> HttpResponse:
    council = council_of_request(request)
    queue = queue_or_404(council, queue_id)
    return _staffing_page(request, council, queue, None)


def _staffing_page(
    request: HttpRequest,
    council: Council,
    queue: Queue,
    form: RosteredStaffForm | None,
    status: int = 200,
) -> HttpResponse:
    """Staff needed per interval, staff rostered and the gap, for one day as a chart and for
    the day or the whole week (worst intervals first) as a table."""
    week = chosen_week(request, council)
    interval = chosen_interval(request, council)
    result = selectors.forecasts_for_week(council, week, queues=[queue], interval_minutes=interval)[
        0
    ]
    queue_staffing = selectors.staffing_for(council, [result])[0]
    row = chosen_day(request, result)
    day = result.days[row]
    extra = f"&interval={interval}"
    worst = request.GET.get("order") == "worst"
    rows = queue_staffing.rows(worst_first=worst)
    if not worst:
        rows = [r for r in rows if r["day"] == day]
    labels = selectors.interval_labels(result.interval_minutes)
    opened = [i for i in range(len(labels)) if result.masks[row, i]]
    chart = None
    if opened:
        chart = interval_chart(
            title=_("Staff needed and staff rostered, %(queue)s, %(day)s")
            % {"queue": queue.name, "day": formats.date_format(day, "l j F Y")},
            description=_(
                "Bars: staff needed in each %(minutes)s-minute interval, shrinkage included. "
                "Red line: staff rostered. Where the bar rises above the line, the queue is "
                "short. The table below gives every figure."
            )
            % {"minutes": result.interval_minutes},
            labels=[labels[i] for i in opened],
            bars=[float(queue_staffing.required[row, i]) for i in opened],
            bars_label=_("Staff needed"),
            line=[float(queue_staffing.rostered[row, i]) for i in opened],
            line_label=_("Staff rostered"),
            step_line=True,
        )
    if form is None:
        form = RosteredStaffForm(
            queues=[queue], initial={"queue": queue.queue_id, "date": day.isoformat()}
        )
    path = reverse("planning:staffing", args=[queue.queue_id])
    context = page_context(
        request,
        "planning:home",
        queue=queue,
        staffing=queue_staffing,
        rule=queue_staffing.rule,
        day=day,
        day_links=day_links(path, week, result.days, row, extra),
        interval_links=interval_links(path, week, day, interval),
        worst=worst,
        worst_href=f"{path}?week={week.isoformat()}&order=worst{extra}",
        day_href=f"{path}?week={week.isoformat()}&day={day.isoformat()}{extra}",
        rows=rows,
        chart=chart,
        form=form,
        **week_links(path, week, extra),
    )
    return render(request, "planning/staffing.html", context, status=status)


@require_POST
def enter_rostered_staff(request: HttpRequest, queue_id: str) -> HttpResponse:
    """Enter the staff rostered on the queue for part of a day."""
    council = council_of_request(request)
    queue = queue_or_404(council, queue_id)
    form = RosteredStaffForm(request.POST, queues=[queue])
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_enter_rostered_staff(
                actor=request.user,
                queue=queue,
                date=data["date"],
                starts=data["starts"],
                ends=data["ends"],
                staff=data["staff"],
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The staff rostered were saved."))
            week = selectors.monday_of(data["date"])
            return redirect(
                f"{reverse('planning:staffing', args=[queue.queue_id])}"
                f"?week={week.isoformat()}&day={data['date'].isoformat()}"
            )
    return _staffing_page(request, council, queue, form, status=400)


@require_http_methods(["GET", "POST"])
def queue_settings(request: HttpRequest, queue_id: str) -> HttpResponse:
    """How the queue is staffed: target, handle time, shrinkage, occupancy cap and patience."""
    council = council_of_request(request)
    queue = queue_or_404(council, queue_id)
    plan = queue.plan  # type: ignore[attr-defined]
    form = QueueSettingsForm.for_plan(plan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_queue_settings(actor=request.user, queue=queue, values=form.values())
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request, _("The planning settings of %(queue)s were saved.") % {"queue": queue.name}
            )
            return redirect("planning:staffing", queue_id=queue.queue_id)
    week = selectors.next_week_start(council)
    history = selectors.forecasts_for_week(council, week, queues=[queue])[0].handling
    context = page_context(request, "planning:home", queue=queue, form=form, history=history)
    return render(
        request,
        "planning/queue_settings.html",
        context,
        status=400 if form.errors else 200,
    )
