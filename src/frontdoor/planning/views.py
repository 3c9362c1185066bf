"""Pages of planning: forecasts, staffing and the capacity gap, scenarios, the day simulation,
rosters, the avoidable-demand model and the outbound-campaign planner. Views stay thin: parse,
call a selector or an action, render. The SVG charts' coordinates are worked out here (each
chart has a title and a description as its accessible name, and every chart's figures are also
in a table)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.core.models import Council, Queue
from frontdoor.identity.policies import require

from . import actions, selectors
from .engine.day_simulation import CallbackRule
from .forms import (
    AvoidableAssumptionsForm,
    AvoidablePeriodForm,
    CampaignForm,
    CampaignResponseForm,
    CampaignSentForm,
    EventForm,
    OnlineReasonsForm,
    ProposeRosterForm,
    QueueSettingsForm,
    RosteredStaffForm,
    ScenarioForm,
    ShiftPatternForm,
    SimulationForm,
    StaffProfileForm,
)
from .models import Campaign, CampaignChannel, RosterStatus

PERMISSION = selectors.PERMISSION


# --- charts ---------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44
# GOV.UK colours with at least 3:1 contrast against white (non-text contrast, WCAG 1.4.11).
BLUE = "#1d70b8"
LIGHT_BLUE = "#5694ca"
BLACK = "#0b0c0c"
RED = "#ca3535"


@dataclass
class Chart:
    """Coordinates of an SVG chart over a day's intervals."""

    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_width: int = WIDTH - LEFT - RIGHT
    plot_height: int = HEIGHT - TOP - BOTTOM
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    bars: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    bands: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width


def _nice_top(value: float) -> tuple[float, float]:
    """A round top for the y axis and the step between its ticks (about five ticks)."""
    if value <= 0:
        return 1.0, 0.2
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step - 1e-9), step


def interval_chart(
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    bars: Sequence[float] | None = None,
    bars_label: str = "",
    line: Sequence[float] | None = None,
    line_label: str = "",
    band: tuple[Sequence[float], Sequence[float]] | None = None,
    band_label: str = "",
    step_line: bool = False,
    y_top: float | None = None,
) -> Chart:
    """Bars, a line (or step line) and a shaded band over the intervals `labels`."""
    chart = Chart(title=title, description=description)
    count = max(len(labels), 1)
    slot = chart.plot_width / count
    values = [*(bars or []), *(line or []), *(band[1] if band else [])]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    top, step = _nice_top(y_top if y_top is not None else max(finite, default=0.0))

    def y(value: float | None) -> float:
        value = 0.0 if value is None or not math.isfinite(value) else min(value, top)
        return round(chart.top + chart.plot_height * (1 - value / top), 1)

    for n in range(round(top / step) + 1):
        tick = n * step
        chart.y_ticks.append({"y": y(tick), "text": f"{tick:g}"})
    every = max(1, math.ceil(count / 10))
    for i, label in enumerate(labels):
        if i % every == 0:
            chart.x_ticks.append({"x": round(chart.left + i * slot, 1), "text": label})
    if bars is not None:
        for i, value in enumerate(bars):
            chart.bars.append(
                {
                    "x": round(chart.left + i * slot + slot * 0.1, 1),
                    "y": y(value),
                    "width": round(slot * 0.8, 1),
                    "height": round(chart.baseline - y(value), 1),
                }
            )
        chart.legend.append({"colour": LIGHT_BLUE, "text": bars_label, "kind": "bar"})
    if band is not None:
        low, high = band
        upper = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(high)]
        lower = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(low)]
        chart.bands.append({"points": " ".join(upper + lower[::-1])})
        chart.legend.append({"colour": LIGHT_BLUE, "text": band_label, "kind": "bar"})
    if line is not None:
        points: list[str] = []
        if step_line:
            for i, value in enumerate(line):
                points.append(f"{chart.left + i * slot:.1f},{y(value)}")
                points.append(f"{chart.left + (i + 1) * slot:.1f},{y(value)}")
        else:
            points = [f"{chart.left + (i + 0.5) * slot:.1f},{y(v)}" for i, v in enumerate(line)]
        colour = RED if step_line else (BLACK if bars is not None else BLUE)
        chart.lines.append({"points": " ".join(points), "colour": colour})
        chart.legend.append({"colour": colour, "text": line_label, "kind": "line"})
    return chart


# --- common ---------------------------------------------------------------------------------

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


def _council(request: HttpRequest) -> Council:
    """The request's council, for a user who may plan its staffing; 404 without a council."""
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    require(request.user, PERMISSION, council)
    return council


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _week(request: HttpRequest, council: Council) -> dt.date:
    """The week asked for (?week=, any day of it), else next week."""
    asked = _date(request.GET.get("week"))
    return selectors.monday_of(asked) if asked else selectors.next_week_start(council)


def _queue(council: Council, queue_id: str) -> Queue:
    queue = selectors.queue_of(council, queue_id)
    if queue is None:
        raise Http404("queue")
    return queue


def _page(request: HttpRequest, current: str, **context: Any) -> dict[str, Any]:
    context["sub_navigation"] = [
        {"href": reverse(name), "label": label(), "current": name == current}
        for name, label in SUB_NAVIGATION
    ]
    return context


def _week_links(path: str, week: dt.date, extra: str = "") -> dict[str, Any]:
    return {
        "week": week,
        "week_end": week + dt.timedelta(days=6),
        "previous_week": f"{path}?week={(week - dt.timedelta(days=7)).isoformat()}{extra}",
        "next_week": f"{path}?week={(week + dt.timedelta(days=7)).isoformat()}{extra}",
    }


def _interval(request: HttpRequest, council: Council) -> int:
    """The interval asked for (?interval=15 or 30), else the council's reporting interval."""
    asked = request.GET.get("interval")
    if asked in ("15", "30"):
        return int(asked)
    return selectors.interval_minutes_of(council)


def _interval_links(path: str, week: dt.date, day: dt.date, current: int) -> list[dict]:
    return [
        {
            "minutes": minutes,
            "href": f"{path}?week={week.isoformat()}&day={day.isoformat()}&interval={minutes}",
            "current": minutes == current,
        }
        for minutes in (15, 30)
    ]


def _rate(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


# --- overview -------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each queue's forecast for the week, the staff it needs and the gap to the staff rostered."""
    council = _council(request)
    week = _week(request, council)
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
    context = _page(
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
        **_week_links(reverse("planning:home"), week),
    )
    return render(request, "planning/home.html", context)


# --- forecast -------------------------------------------------------------------------------


def _chosen_day(request: HttpRequest, forecast: selectors.QueueForecast) -> int:
    """The row of the day asked for (?day=), else the week's first open day."""
    asked = _date(request.GET.get("day"))
    if asked in forecast.days:
        return forecast.days.index(asked)  # type: ignore[arg-type]
    opened = [i for i in range(len(forecast.days)) if forecast.masks[i].any()]
    return opened[0] if opened else 0


def _day_links(
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


@require_GET
def forecast(request: HttpRequest, queue_id: str) -> HttpResponse:
    """A queue's forecast week: totals per day and, for one day, every interval with its 80%
    prediction interval, as a chart and a table."""
    council = _council(request)
    queue = _queue(council, queue_id)
    week = _week(request, council)
    interval = _interval(request, council)
    result = selectors.forecasts_for_week(council, week, queues=[queue], interval_minutes=interval)[
        0
    ]
    row = _chosen_day(request, result)
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
    context = _page(
        request,
        "planning:home",
        queue=queue,
        result=result,
        day=day,
        day_links=_day_links(path, week, result.days, row, extra),
        interval_links=_interval_links(path, week, day, interval),
        intervals=intervals,
        chart=chart,
        day_totals=result.day_totals(),
        learnt=sorted(result.learnt_events.items()),
        **_week_links(path, week, extra),
    )
    return render(request, "planning/forecast.html", context)


# --- staffing and the gap -------------------------------------------------------------------


@require_GET
def staffing(request: HttpRequest, queue_id: str) -> HttpResponse:
    council = _council(request)
    queue = _queue(council, queue_id)
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
    week = _week(request, council)
    interval = _interval(request, council)
    result = selectors.forecasts_for_week(council, week, queues=[queue], interval_minutes=interval)[
        0
    ]
    queue_staffing = selectors.staffing_for(council, [result])[0]
    row = _chosen_day(request, result)
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
    context = _page(
        request,
        "planning:home",
        queue=queue,
        staffing=queue_staffing,
        rule=queue_staffing.rule,
        day=day,
        day_links=_day_links(path, week, result.days, row, extra),
        interval_links=_interval_links(path, week, day, interval),
        worst=worst,
        worst_href=f"{path}?week={week.isoformat()}&order=worst{extra}",
        day_href=f"{path}?week={week.isoformat()}&day={day.isoformat()}{extra}",
        rows=rows,
        chart=chart,
        form=form,
        **_week_links(path, week, extra),
    )
    return render(request, "planning/staffing.html", context, status=status)


@require_POST
def enter_rostered_staff(request: HttpRequest, queue_id: str) -> HttpResponse:
    """Enter the staff rostered on the queue for part of a day."""
    council = _council(request)
    queue = _queue(council, queue_id)
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
            _add_errors(form, error)
        else:
            messages.success(request, _("The staff rostered were saved."))
            week = selectors.monday_of(data["date"])
            return redirect(
                f"{reverse('planning:staffing', args=[queue.queue_id])}"
                f"?week={week.isoformat()}&day={data['date'].isoformat()}"
            )
    return _staffing_page(request, council, queue, form, status=400)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    else:
        for problem in error.messages:
            form.add_error(None, problem)


@require_http_methods(["GET", "POST"])
def queue_settings(request: HttpRequest, queue_id: str) -> HttpResponse:
    """How the queue is staffed: target, handle time, shrinkage, occupancy cap and patience."""
    council = _council(request)
    queue = _queue(council, queue_id)
    plan = queue.plan  # type: ignore[attr-defined]
    form = QueueSettingsForm.for_plan(plan, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_queue_settings(actor=request.user, queue=queue, values=form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The planning settings of %(queue)s were saved.") % {"queue": queue.name}
            )
            return redirect("planning:staffing", queue_id=queue.queue_id)
    week = selectors.next_week_start(council)
    history = selectors.forecasts_for_week(council, week, queues=[queue])[0].handling
    context = _page(request, "planning:home", queue=queue, form=form, history=history)
    return render(
        request,
        "planning/queue_settings.html",
        context,
        status=400 if form.errors else 200,
    )


# --- events ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    """Planned events (bill runs, campaigns, letter batches): past ones teach the forecast."""
    council = _council(request)
    queues = selectors.planning_queues(council)
    form = EventForm(request.POST if request.method == "POST" else None, queues=queues)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.do_add_event(
                actor=request.user,
                council=council,
                date=data["date"],
                kind=data["kind"],
                queue=data["queue"],
                description=data["description"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(event)s on %(date)s was added.")
                % {
                    "event": event.get_kind_display(),
                    "date": formats.date_format(event.date, "j F Y"),
                },
            )
            return redirect("planning:events")
    context = _page(
        request,
        "planning:events",
        form=form,
        events=selectors.planned_events(council),
    )
    return render(request, "planning/events.html", context, status=400 if form.errors else 200)


@require_POST
def remove_event(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    event = selectors.event_of(council, pk)
    if event is None:
        raise Http404("event")
    actions.do_remove_event(actor=request.user, event=event)
    messages.success(request, _("The event was removed."))
    return redirect("planning:events")


# --- scenarios ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def scenarios(request: HttpRequest) -> HttpResponse:
    council = _council(request)
    queues = selectors.planning_queues(council)
    form = ScenarioForm(request.POST if request.method == "POST" else None, queues=queues)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = actions.do_save_scenario(
                actor=request.user, council=council, values=form.values()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The scenario was saved."))
            return redirect("planning:scenario", pk=scenario.pk)
    context = _page(
        request,
        "planning:scenarios",
        form=form,
        scenarios=selectors.scenarios_of(council),
        wrap_codes=selectors.wrap_codes_of(council)[:20],
    )
    return render(request, "planning/scenarios.html", context, status=400 if form.errors else 200)


def _daily(result: Any, days: Sequence[dt.date]) -> list[dict[str, Any]]:
    rows = []
    hours = result.rule.hours_per_interval
    for d, day in enumerate(days):
        base, new = result.baseline, result.scenario
        base_calls = float(base.calls[d].sum())
        new_calls = float(new.calls[d].sum())
        rows.append(
            {
                "day": day,
                "base_calls": base_calls,
                "new_calls": new_calls,
                "base_hours": float(base.staff[d].sum()) * hours,
                "new_hours": float(new.staff[d].sum()) * hours,
                "base_sl": (
                    float((base.service_level[d] * base.calls[d]).sum()) / base_calls
                    if base_calls
                    else None
                ),
                "new_sl": (
                    float((new.service_level[d] * new.calls[d]).sum()) / new_calls
                    if new_calls
                    else None
                ),
            }
        )
    return rows


@require_GET
def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    """A scenario's change in forecast, staff needed and the service level expected at the
    staff the baseline needs, queue by queue and day by day."""
    council = _council(request)
    item = selectors.scenario_of(council, pk)
    if item is None:
        raise Http404("scenario")
    week = _week(request, council)
    outcomes = selectors.scenario_outcomes(council, item, week)
    days = selectors.week_days(week)
    shown = [
        {
            "queue": o.queue,
            "result": o.result,
            "assumption": o.assumption,
            "base_hours": o.result.baseline.staff_hours(o.result.rule),
            "new_hours": o.result.scenario.staff_hours(o.result.rule),
            "base_sl": _rate(o.result.baseline.expected_service_level),
            "new_sl": _rate(o.result.scenario.expected_service_level),
            "base_asa": _rate(o.result.baseline.expected_asa_seconds),
            "new_asa": _rate(o.result.scenario.expected_asa_seconds),
            "daily": _daily(o.result, days),
        }
        for o in outcomes
    ]
    path = reverse("planning:scenario", args=[item.pk])
    context = _page(
        request,
        "planning:scenarios",
        scenario=item,
        outcomes=shown,
        **_week_links(path, week),
    )
    return render(request, "planning/scenario.html", context)


@require_POST
def delete_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    item = selectors.scenario_of(council, pk)
    if item is None:
        raise Http404("scenario")
    actions.do_delete_scenario(actor=request.user, scenario=item)
    messages.success(request, _("The scenario was deleted."))
    return redirect("planning:scenarios")


# --- simulation -----------------------------------------------------------------------------


@require_GET
def simulation(request: HttpRequest) -> HttpResponse:
    """Play a forecast day against its staff, with abandonment and callbacks (SimPy)."""
    council = _council(request)
    queues = selectors.planning_queues(council)
    week = selectors.next_week_start(council)
    asked = "queue" in request.GET
    form = SimulationForm(
        request.GET if asked else None,
        queues=queues,
        initial={
            "queue": queues[0].queue_id if queues else "",
            "day": week.isoformat(),
            "staff_source": "requirement",
            "seed": 1,
            "replications": 5,
        },
    )
    simulated = None
    closed = False
    if asked and form.is_valid():
        data = form.cleaned_data
        rule = None
        if data["callback_after_seconds"] is not None:
            rule = CallbackRule(
                offer_after_seconds=data["callback_after_seconds"],
                accept_share=float(data["callback_share"]) / 100,
            )
        simulated = selectors.simulate_queue_day(
            council,
            data["queue"],
            data["day"],
            staff_source=data["staff_source"],
            callbacks=rule,
            patience_seconds=data["patience_seconds"],
            seed=data["seed"],
            replications=data["replications"],
        )
        closed = simulated is None
    context = _page(
        request,
        "planning:simulation",
        form=form,
        simulated=simulated,
        closed=closed,
        **(_simulation_figures(simulated) if simulated else {}),
    )
    return render(request, "planning/simulation.html", context, status=400 if form.errors else 200)


def _simulation_figures(simulated: selectors.SimulatedDay) -> dict[str, Any]:
    result = simulated.result
    days = result.replications
    rows: list[dict[str, Any]] = []
    for label, item, agents, expected in zip(
        simulated.labels,
        result.intervals,
        simulated.plan.agents,
        simulated.expected_service_level,
        strict=True,
    ):
        rows.append(
            {
                "interval": label,
                "calls": item.calls / days,
                "agents": agents,
                "answered": item.answered / days,
                "service_level": item.service_level,
                "expected": expected,
                "asa": item.asa_seconds,
                "abandon_rate": item.abandon_rate,
                "callbacks": item.callbacks_requested / days,
                "occupancy": item.occupancy,
            }
        )
    chart = interval_chart(
        title=_("Simulated service level per interval, %(queue)s, %(day)s")
        % {
            "queue": simulated.queue.name,
            "day": formats.date_format(simulated.day, "l j F Y"),
        },
        description=_(
            "Bars: the share of calls answered within %(seconds)s seconds in the simulation, as "
            "a percentage. Line: what Erlang's formula expects at the same staff. The table "
            "below gives every figure."
        )
        % {"seconds": f"{simulated.rule.target.within_seconds:g}"},
        labels=simulated.labels,
        bars=[(r["service_level"] or 0.0) * 100 for r in rows],
        bars_label=_("Simulated service level (%)"),
        line=[(r["expected"] if r["expected"] is not None else 1.0) * 100 for r in rows],
        line_label=_("Erlang's expectation (%)"),
        y_top=100.0,
    )
    totals = result.totals
    return {
        "rows": rows,
        "chart": chart,
        "totals": totals,
        "per_day": {
            "calls": totals.calls / days,
            "answered": totals.answered / days,
            "abandoned": totals.abandoned / days,
            "callbacks_requested": totals.callbacks_requested / days,
            "callbacks_returned": totals.callbacks_returned / days,
            "callbacks_outstanding": result.callbacks_outstanding / days,
            "unanswered": totals.unanswered_at_close / days,
        },
    }


# --- rosters --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rosters(request: HttpRequest) -> HttpResponse:
    """Rosters proposed and published; propose one for a week."""
    council = _council(request)
    form = ProposeRosterForm(
        request.POST if request.method == "POST" else None,
        initial={"week_start": selectors.next_week_start(council).isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            roster = actions.do_propose_roster(
                actor=request.user, council=council, week_start=form.cleaned_data["week_start"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("A roster was proposed. Review it before publishing."))
            return redirect("planning:roster", pk=roster.pk)
    context = _page(
        request,
        "planning:rosters",
        form=form,
        rosters=selectors.rosters_of(council),
        patterns=selectors.shift_patterns_of(council).count(),
        profiles=selectors.profiles_of(council).count(),
    )
    return render(request, "planning/rosters.html", context, status=400 if form.errors else 200)


def _shortfall_rows(roster: Any, queues: dict[str, Queue]) -> tuple[list[dict], list[dict]]:
    """Per queue and day: staff-intervals needed, covered and short; and the worst intervals."""
    labels = selectors.interval_labels(roster.interval_minutes)
    days = selectors.week_days(roster.week_start)
    hours = roster.interval_minutes / 60
    summary: list[dict[str, Any]] = []
    worst: list[dict[str, Any]] = []
    for queue_id, need in sorted(roster.requirement.items()):
        need_array = np.array(need)
        short = np.array(roster.shortfall.get(queue_id, np.zeros_like(need_array).tolist()))
        queue = queues.get(queue_id)
        for d, day in enumerate(days):
            if need_array[d].sum() == 0:
                continue
            summary.append(
                {
                    "queue": queue.name if queue else queue_id,
                    "day": day,
                    "needed": float(need_array[d].sum()) * hours,
                    "short": float(short[d].sum()) * hours,
                }
            )
            for i in np.flatnonzero(short[d]):
                worst.append(
                    {
                        "queue": queue.name if queue else queue_id,
                        "day": day,
                        "interval": labels[i],
                        "needed": int(need_array[d, i]),
                        "short": int(short[d, i]),
                    }
                )
    worst.sort(key=lambda r: (-r["short"], r["day"], r["interval"]))
    return summary, worst[:30]


@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """A roster to review: the solver's status, staff hours, how far from the bound, where it
    falls short, and every shift."""
    council = _council(request)
    item = selectors.roster_of(council, pk)
    if item is None:
        raise Http404("roster")
    queues = {q.queue_id: q for q in selectors.planning_queues(council)}
    summary, worst = _shortfall_rows(item, queues)
    context = _page(
        request,
        "planning:rosters",
        roster=item,
        shifts=selectors.roster_shifts(item),
        summary=summary,
        worst=worst,
        can_publish=item.status == RosterStatus.PROPOSED,
    )
    return render(request, "planning/roster.html", context)


@require_POST
def publish_roster(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    item = selectors.roster_of(council, pk)
    if item is None:
        raise Http404("roster")
    try:
        actions.do_publish_roster(actor=request.user, roster=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("planning:roster", pk=item.pk)
    messages.success(
        request,
        _("The roster for the week of %(week)s was published.")
        % {"week": formats.date_format(item.week_start, "j F Y")},
    )
    return redirect("planning:roster", pk=item.pk)


@require_GET
def roster_setup(request: HttpRequest) -> HttpResponse:
    council = _council(request)
    return _roster_setup_page(request, council, ShiftPatternForm())


def _roster_setup_page(
    request: HttpRequest, council: Council, form: ShiftPatternForm, status: int = 200
) -> HttpResponse:
    """Shift patterns and each member of staff's contract and skills, as the roster uses them."""
    staff = []
    for user in selectors.staff_of(council):
        profile = getattr(user, "planning_profile", None)
        staff.append({"user": user, "profile": profile})
    context = _page(
        request,
        "planning:roster-setup",
        form=form,
        patterns=selectors.shift_patterns_of(council),
        staff=staff,
        interval_minutes=selectors.interval_minutes_of(council),
    )
    return render(request, "planning/roster_setup.html", context, status=status)


@require_POST
def add_shift_pattern(request: HttpRequest) -> HttpResponse:
    council = _council(request)
    form = ShiftPatternForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_shift_pattern(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The shift pattern was added."))
            return redirect("planning:roster-setup")
    return _roster_setup_page(request, council, form, status=400)


@require_POST
def remove_shift_pattern(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    pattern = selectors.shift_pattern_of(council, pk)
    if pattern is None:
        raise Http404("shift pattern")
    actions.do_remove_shift_pattern(actor=request.user, pattern=pattern)
    messages.success(request, _("The shift pattern was removed."))
    return redirect("planning:roster-setup")


@require_http_methods(["GET", "POST"])
def staff_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A member of staff's contracted hours, most days a week and queues, for rosters."""
    council = _council(request)
    user = selectors.staff_member_of(council, pk)
    if user is None:
        raise Http404("staff")
    queues = selectors.planning_queues(council)
    profile = getattr(user, "planning_profile", None)
    initial: dict[str, Any] = {"max_days": 5}
    if profile is not None:
        initial = {
            "contracted_hours": profile.contracted_hours,
            "max_days": profile.max_days,
            "skills": [q.queue_id for q in profile.skills.all()],
        }
    form = StaffProfileForm(
        request.POST if request.method == "POST" else None, queues=queues, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_staff_profile(
                actor=request.user,
                council=council,
                user=user,
                contracted_hours=data["contracted_hours"],
                max_days=data["max_days"],
                skills=data["skills"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s's rostering details were saved.") % {"name": user.display_name}
            )
            return redirect("planning:roster-setup")
    context = _page(request, "planning:roster-setup", member=user, form=form)
    return render(
        request, "planning/staff_profile.html", context, status=400 if form.errors else 200
    )


# --- avoidable demand -----------------------------------------------------------------------

# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FAILURE_TYPE_LABELS: dict[str, Callable[[], str]] = {
    "chasing": lambda: _("Chasing"),
    "not_right_first_time": lambda: _("Not right first time"),
    "could_not_complete_online": lambda: _("Could not complete online"),
    "other": lambda: _("Other"),
    "type_not_recorded": lambda: _("Type not recorded"),
}


@dataclass
class Cell:
    """What a table cell shows (`text`) and what the CSV file holds (`export`): the same
    figure, without thousands separators in the file."""

    text: str
    export: str
    numeric: bool = False
    href: str = ""
    hidden: str = ""  # visually hidden words that finish a link's name


@dataclass
class Table:
    key: str
    caption: str
    columns: list[tuple[str, bool]]  # (label, numeric)
    rows: list[list[Cell]]
    totals: list[Cell]

    def csv_rows(self) -> list[list[str]]:
        lines = [[label for label, _ in self.columns]]
        for row in [*self.rows, self.totals]:
            lines.append([cell.export if cell.numeric else _safe(cell.export) for cell in row])
        return lines


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _count(value: int) -> Cell:
    return Cell(f"{value:,}", str(value), numeric=True)


def _decimal(value: float, places: int = 1) -> Cell:
    return Cell(f"{value:,.{places}f}", f"{value:.{places}f}", numeric=True)


def _percent_cell(value: float | None) -> Cell:
    text = "" if value is None else f"{value * 100:.1f}%"
    return Cell(text, text, numeric=True)


def _duration(seconds: float) -> str:
    total = math.floor(seconds + 0.5)
    return f"{total // 60}:{total % 60:02d}"


def avoidable_tables(
    report: selectors.AvoidableReport, reasons_href: Callable[[str], str]
) -> list[Table]:
    """The page's two tables, failure demand by type and the opportunity, with totals rows;
    the CSV files are made from the same cells."""
    totals = report.totals
    types = selectors.FAILURE_TYPES
    failure = Table(
        key="failure",
        caption=_("Failure demand by type, per service"),
        columns=[
            (_("Service"), False),
            (_("Contacts"), True),
            *((FAILURE_TYPE_LABELS[t](), True) for t in types),
            (_("Failure demand"), True),
            (_("Share of contacts"), True),
        ],
        rows=[
            [
                Cell(s.name, s.name),
                _count(s.contacts),
                *(_count(s.failure_by_type.get(t, 0)) for t in types),
                _count(s.failure),
                _percent_cell(s.failure / s.contacts if s.contacts else None),
            ]
            for s in report.services
        ],
        totals=[
            Cell(_("All services"), _("All services")),
            _count(totals["contacts"]),
            *(_count(totals["failure_by_type"][t]) for t in types),
            _count(totals["failure"]),
            _percent_cell(totals["failure"] / totals["contacts"] if totals["contacts"] else None),
        ],
    )
    rows = []
    for s in report.services:
        codes = "; ".join(s.online_codes) or _("None marked")
        aht = _duration(s.aht_seconds)
        if s.aht_source == "assumed":
            aht = _("%(time)s (assumed)") % {"time": aht}
        rows.append(
            [
                Cell(s.name, s.name),
                _count(s.contacts),
                _decimal(s.result.avoidable),
                Cell(
                    codes,
                    codes,
                    href=reasons_href(s.service_id),
                    hidden=_("online-capable reasons of %(service)s") % {"service": s.name},
                ),
                _count(s.online_capable),
                _percent_cell(s.email_share),
                _decimal(s.result.movable_online),
                Cell(aht, aht, numeric=True),
                _decimal(s.result.hours_freed),
                _decimal(s.result.fte_freed, 2),
                _percent_cell(s.result.share_of_demand),
            ]
        )
    opportunity = Table(
        key="opportunity",
        caption=_("Avoidable and movable demand, and the staff time it frees, per service"),
        columns=[
            (_("Service"), False),
            (_("Contacts"), True),
            (_("Avoidable failure demand"), True),
            (_("Online-capable reasons"), False),
            (_("Contacts for those reasons"), True),
            (_("With an email address"), True),
            (_("Movable online"), True),
            (_("Handle time (m:ss)"), True),
            (_("Staff hours freed"), True),
            (_("FTE freed"), True),
            (_("Share of demand"), True),
        ],
        rows=rows,
        totals=[
            Cell(_("All services"), _("All services")),
            _count(totals["contacts"]),
            _decimal(totals["avoidable"]),
            Cell("", ""),
            _count(totals["online_capable"]),
            Cell("", "", numeric=True),
            _decimal(totals["movable_online"]),
            Cell("", "", numeric=True),
            _decimal(totals["hours_freed"]),
            _decimal(totals["fte_freed"], 2),
            _percent_cell(totals["share"]),
        ],
    )
    return [failure, opportunity]


def _avoidable_period(
    request: HttpRequest, council: Council
) -> tuple[AvoidablePeriodForm, dt.date | None, dt.date | None]:
    start, end = selectors.last_twelve_months(council)
    asked = "date_from" in request.GET or "date_to" in request.GET
    form = AvoidablePeriodForm(
        request.GET if asked else None,
        initial={"date_from": start.isoformat(), "date_to": end.isoformat()},
    )
    if not asked:
        return form, start, end
    if form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, None, None


def _period_query(start: dt.date, end: dt.date) -> str:
    return f"date_from={start.isoformat()}&date_to={end.isoformat()}"


@require_GET
def avoidable(request: HttpRequest) -> HttpResponse:
    """The avoidable-demand model per service for a period (default the last 12 months), with
    its assumptions beside it; each table also as CSV (?format=csv&table=KEY)."""
    council = _council(request)
    period_form, start, end = _avoidable_period(request, council)
    if start is None or end is None:
        return _avoidable_page(request, council, period_form, None, None, None, status=400)
    if request.GET.get("format") == "csv":
        report = selectors.avoidable_demand_report(council, start, end)
        tables = avoidable_tables(report, lambda service_id: "")
        table = next((t for t in tables if t.key == request.GET.get("table")), None)
        if table is None:
            raise Http404("table")
        return _csv_response(
            table, f"{council.slug}-avoidable-demand-{table.key}-{start}-to-{end}.csv"
        )
    return _avoidable_page(request, council, period_form, start, end, None)


def _avoidable_page(
    request: HttpRequest,
    council: Council,
    period_form: AvoidablePeriodForm,
    start: dt.date | None,
    end: dt.date | None,
    assumptions_form: AvoidableAssumptionsForm | None,
    status: int = 200,
) -> HttpResponse:
    report = None
    tables: list[dict[str, Any]] = []
    if start is not None and end is not None:
        report = selectors.avoidable_demand_report(council, start, end)
        period = _period_query(start, end)
        path = reverse("planning:avoidable")

        def reasons_href(service_id: str) -> str:
            return f"{reverse('planning:online-reasons', args=[service_id])}?{period}"

        tables = [
            {"table": table, "csv_href": f"{path}?{period}&format=csv&table={table.key}"}
            for table in avoidable_tables(report, reasons_href)
        ]
    stored = report.stored if report else selectors.avoidable_settings_of(council)
    if assumptions_form is None:
        assumptions_form = AvoidableAssumptionsForm.for_settings(stored)
    shown_form = period_form if period_form.errors else assumptions_form
    context = _page(
        request,
        "planning:avoidable",
        form=shown_form,
        period_form=period_form,
        assumptions_form=assumptions_form,
        report=report,
        stored=stored,
        shares=[
            (FAILURE_TYPE_LABELS[t](), getattr(stored, f"share_{t}"))
            for t in selectors.FAILURE_TYPES
        ],
        tables=tables,
        date_from=start,
        date_to=end,
    )
    return render(request, "planning/avoidable.html", context, status=status)


def _csv_response(table: Table, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(table.csv_rows())
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def avoidable_assumptions(request: HttpRequest) -> HttpResponse:
    """Change the council's avoidable-demand assumptions, then show the figures again."""
    council = _council(request)
    period_form = AvoidablePeriodForm(
        {"date_from": request.POST.get("date_from"), "date_to": request.POST.get("date_to")}
    )
    start, end = selectors.last_twelve_months(council)
    if period_form.is_valid():
        start, end = period_form.cleaned_data["date_from"], period_form.cleaned_data["date_to"]
    else:
        period_form = AvoidablePeriodForm(
            initial={"date_from": start.isoformat(), "date_to": end.isoformat()}
        )
    stored = selectors.avoidable_settings_of(council)
    form = AvoidableAssumptionsForm.for_settings(stored, request.POST)
    if form.is_valid():
        try:
            actions.do_update_avoidable_assumptions(
                actor=request.user, council=council, values=form.values()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The assumptions were saved."))
            return redirect(f"{reverse('planning:avoidable')}?{_period_query(start, end)}")
    return _avoidable_page(request, council, period_form, start, end, form, status=400)


@require_http_methods(["GET", "POST"])
def online_reasons(request: HttpRequest, service_id: str) -> HttpResponse:
    """Mark which of a service's contact reasons (wrap codes) a resident could do online."""
    council = _council(request)
    service = selectors.service_of(council, service_id)
    if service is None:
        raise Http404("service")
    _period, start, end = _avoidable_period(request, council)
    if start is None or end is None:
        start, end = selectors.last_twelve_months(council)
    report = selectors.avoidable_demand_report(council, start, end)
    found = next((s for s in report.services if s.service_id == service_id), None)
    counts = dict(found.value_by_reason) if found else {}
    stored = list((report.stored.online_reasons or {}).get(service_id, []))
    for code in stored:
        counts.setdefault(code, 0)
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    choices = [
        (
            code,
            _("%(code)s (%(count)s contacts)") % {"code": code, "count": f"{counts[code]:,}"},
        )
        for code in ordered
    ]
    form = OnlineReasonsForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"wrap_codes": stored},
    )
    back = f"{reverse('planning:avoidable')}?{_period_query(start, end)}"
    if request.method == "POST" and form.is_valid():
        actions.do_set_online_reasons(
            actor=request.user,
            council=council,
            service=service,
            wrap_codes=form.cleaned_data["wrap_codes"],
        )
        messages.success(
            request,
            _("The online-capable reasons of %(service)s were saved.") % {"service": service.name},
        )
        return redirect(back)
    context = _page(
        request,
        "planning:avoidable",
        service=service,
        form=form,
        has_reasons=bool(choices),
        back=back,
        date_from=start,
        date_to=end,
    )
    return render(
        request, "planning/online_reasons.html", context, status=400 if form.errors else 200
    )


# --- outbound campaigns ---------------------------------------------------------------------


def _response_rows(responses: dict[str, selectors.LearntResponse]) -> list[dict[str, Any]]:
    labels = dict(CampaignChannel.choices)
    return [
        {
            "channel": labels[channel],
            "used": len(response.used),
            "calls_per_thousand": response.calls_per_thousand,
            "lasts_minutes": response.lasts_minutes,
            "horizon_hours": selectors.RESPONSE_HOURS[channel],
        }
        for channel, response in responses.items()
    ]


@require_http_methods(["GET", "POST"])
def outbound(request: HttpRequest) -> HttpResponse:
    """Outbound campaigns, planned and sent; what the sent ones taught; enter a campaign."""
    council = _council(request)
    queues = selectors.planning_queues(council)
    form = CampaignForm(
        request.POST if request.method == "POST" else None,
        queues=queues,
        initial={"queue": queues[0].queue_id if queues else "", "send_time": "10:00"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = actions.do_add_campaign(
                actor=request.user, council=council, values=form.values(council.zone)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": campaign.name})
            return redirect("planning:campaign", pk=campaign.pk)
    interval = selectors.interval_minutes_of(council)
    responses = selectors.learn_responses(council, interval)
    past = {p.campaign.pk: p for r in responses.values() for p in r.past}
    campaigns: list[dict[str, Any]] = [
        {"campaign": c, "send": selectors.local_send(council, c), "learnt": past.get(c.pk)}
        for c in selectors.campaigns_of(council)
    ]
    context = _page(
        request,
        "planning:outbound",
        form=form,
        planned=[c for c in campaigns if not c["campaign"].sent],
        sent=[c for c in campaigns if c["campaign"].sent],
        responses=_response_rows(responses),
        interval_minutes=interval,
    )
    return render(request, "planning/outbound.html", context, status=400 if form.errors else 200)


def _plan_figures(plan: selectors.CampaignPlan) -> dict[str, Any]:
    """Rows, charts and the staggering's sends of a campaign plan, for the page."""
    shown = list(plan.shown)
    labels = plan.labels()
    staggered = plan.staggering.calls if plan.staggering is not None else None
    rows = [
        {
            "interval": labels[i],
            "baseline": float(plan.baseline[i]),
            "extra": float(plan.extra[i]),
            "calls": float(plan.planned_calls[i]),
            "capacity": float(plan.capacity[i]),
            "agents": plan.agents[i],
            "over": bool(plan.extra[i] > 1e-9 and plan.planned_calls[i] > plan.capacity[i] + 1e-9),
            "staggered": None if staggered is None else float(staggered[i]),
            "send": i == plan.send_index,
        }
        for i in shown
    ]
    figures: dict[str, Any] = {"rows": rows}
    if not shown:
        return figures
    day_text = formats.date_format(plan.send_local.date(), "l j F Y")
    top = max(
        [float(plan.planned_calls[i]) for i in shown]
        + [float(plan.capacity[i]) for i in shown]
        + ([float(staggered[i]) for i in shown] if staggered is not None else [])
    )
    names = {"name": plan.campaign.name, "day": day_text}
    figures["chart"] = interval_chart(
        title=_("Expected calls with %(name)s sent at once, %(day)s") % names,
        description=_(
            "Bars: the calls expected in each %(minutes)s-minute interval of opening, the "
            "forecast plus the campaign's response. Red line: the calls the staff can take "
            "and still meet the queue's target. Where a bar rises above the line, the wait "
            "target is breached. The table below gives every figure."
        )
        % {"minutes": plan.interval_minutes},
        labels=[labels[i] for i in shown],
        bars=[float(plan.planned_calls[i]) for i in shown],
        bars_label=_("Calls expected, sent at once"),
        line=[float(plan.capacity[i]) for i in shown],
        line_label=_("Calls the staff can take at the target"),
        step_line=True,
        y_top=top,
    )
    if plan.staggering is not None and staggered is not None and plan.staggering.feasible:
        figures["staggered_chart"] = interval_chart(
            title=_("Expected calls with %(name)s staggered as suggested, %(day)s") % names,
            description=_(
                "Bars: the calls expected in each interval when the batch is sent in the "
                "suggested chunks. Red line: the calls the staff can take and still meet the "
                "queue's target. The table below gives every figure."
            ),
            labels=[labels[i] for i in shown],
            bars=[float(staggered[i]) for i in shown],
            bars_label=_("Calls expected, staggered"),
            line=[float(plan.capacity[i]) for i in shown],
            line_label=_("Calls the staff can take at the target"),
            step_line=True,
            y_top=top,
        )
    if plan.staggering is not None:
        figures["sends"] = [
            {"day": plan.send_label(index)[0], "time": plan.send_label(index)[1], "size": size}
            for index, size in plan.staggering.sends
        ]
    if plan.window:
        first_day, first_time = plan.send_label(plan.window[0])
        figures["window_first"] = first_time
        figures["window_last"] = plan.send_label(plan.window[-1])[1]
        # Sent while the queue is shut, the response starts when it opens.
        slot_start = (plan.send_local.hour * 60 + plan.send_local.minute) // plan.interval_minutes
        if first_day != plan.send_local.date() or plan.slots[plan.window[0]][1] != slot_start:
            figures["opens_at"] = {"day": first_day, "time": first_time}
    return figures


@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    return _campaign_page(request, council, item)


def _campaign_page(
    request: HttpRequest,
    council: Council,
    item: Campaign,
    *,
    response_form: CampaignResponseForm | None = None,
    sent_form: CampaignSentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A campaign against its queue: the expected spike per interval, the capacity of the
    staff at the queue's target, whether the target is breached, and a suggested staggering."""
    asked = request.GET.get("staff")
    plan = selectors.campaign_plan(
        council, item, staff_source=asked if asked in ("rostered", "requirement") else None
    )
    send = plan.send_local
    if response_form is None:
        response_form = CampaignResponseForm(
            initial={
                "assumed_calls_per_thousand": item.assumed_calls_per_thousand,
                "assumed_minutes": item.assumed_minutes,
            }
        )
    if sent_form is None:
        sent_form = CampaignSentForm(
            initial={"sent_date": send.date().isoformat(), "sent_time": send.strftime("%H:%M")}
        )
    path = reverse("planning:campaign", args=[item.pk])
    form = response_form if response_form.errors else sent_form
    context = _page(
        request,
        "planning:outbound",
        campaign=item,
        plan=plan,
        send=send,
        form=form,
        response_form=response_form,
        sent_form=sent_form,
        staff_links=[
            {
                "href": f"{path}?staff={source}",
                "label": label,
                "current": plan.staff_source == source,
            }
            for source, label in (
                ("rostered", _("the staff rostered, less shrinkage")),
                ("requirement", _("the agents the forecast needs")),
            )
        ],
        channel_label=item.get_channel_display(),
        assumed_minutes=selectors.response_minutes(plan.curve, plan.interval_minutes),
        assumed_total=(None if plan.curve is None else float(plan.curve.sum()) * 1000),
        **_plan_figures(plan),
    )
    return render(request, "planning/campaign.html", context, status=status)


@require_POST
def campaign_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The response to assume for a campaign whose channel has nothing to learn from."""
    council = _council(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    form = CampaignResponseForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_campaign_response(
                actor=request.user,
                campaign=item,
                calls_per_thousand=form.cleaned_data["assumed_calls_per_thousand"],
                minutes=form.cleaned_data["assumed_minutes"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The response to assume was saved."))
            return redirect("planning:campaign", pk=item.pk)
    return _campaign_page(request, council, item, response_form=form, status=400)


@require_POST
def campaign_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the campaign went, and when."""
    council = _council(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    form = CampaignSentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_mark_campaign_sent(
                actor=request.user, campaign=item, sent_at=form.sent_at(council.zone)
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is marked as sent.") % {"name": item.name})
            return redirect("planning:campaign", pk=item.pk)
    return _campaign_page(request, council, item, sent_form=form, status=400)


@require_POST
def delete_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    council = _council(request)
    item = selectors.campaign_of(council, pk)
    if item is None:
        raise Http404("campaign")
    actions.do_delete_campaign(actor=request.user, campaign=item)
    messages.success(request, _("The campaign was deleted."))
    return redirect("planning:outbound")
