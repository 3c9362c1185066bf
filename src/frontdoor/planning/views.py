"""Pages of planning: forecasts, staffing and the capacity gap, scenarios, the day simulation
and rosters. Views stay thin: parse, call a selector or an action, render. The SVG charts'
coordinates are worked out here (each chart has a title and a description as its accessible
name, and every chart's figures are also in a table)."""

from __future__ import annotations

import datetime as dt
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
    EventForm,
    ProposeRosterForm,
    QueueSettingsForm,
    RosteredStaffForm,
    ScenarioForm,
    ShiftPatternForm,
    SimulationForm,
    StaffProfileForm,
)
from .models import RosterStatus

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


@require_GET
def stylesheet(request: HttpRequest) -> HttpResponse:
    response = render(request, "planning/planning.css", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=3600"
    return response


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
