"""Reads of planning: forecasts per queue and interval, staffing, the capacity gap, scenarios,
the day simulation and rosters, each for one council (the request's), never across.

The route from contacts to a staffing figure, in one place so every page, the roster proposal
and the benchmark take the same one:

1. `insight.engine.arrivals` counts the contacts offered to agents per queue, local day and
   interval from the contact facts (Parquet snapshots plus fresh rows).
2. The queue's opening hours and the council's calendar say which days and intervals were open;
   only open days enter the history (a bank holiday is absent, not a day of zeros) and closed
   intervals of a forecast day are zero.
3. `DemandForecaster` (profile x level, learnt events, calibrated 80% intervals) forecasts each
   open day of the week from that history and the planned events.
4. `capacity.interval_requirements` turns each interval's calls into agents and staff (Erlang A
   with a patience, else C), and `capacity_gap` compares them with the staff rostered.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from frontdoor.core.calendars.engine import OpeningHours, WorkingCalendar
from frontdoor.core.calendars.selectors import opening_hours_of, working_calendar
from frontdoor.core.models import Council, Queue
from frontdoor.identity.models import User
from frontdoor.insight.engine.arrivals import (
    ArrivalQuery,
    QueueArrivals,
    QueueHandling,
    arrivals_by_interval,
    queue_handling,
)
from frontdoor.insight.engine.kpis import FactSource
from frontdoor.insight.selectors import fact_source, kpi_settings_of

from .engine.capacity import IntervalGap, IntervalRequirement, capacity_gap, overall_gap
from .engine.day_simulation import CallbackRule, DayPlan, DayResult, simulate_day
from .engine.erlang import Target
from .engine.forecast import DemandForecaster, Event, History
from .engine.scenarios import (
    BillRun,
    Callbacks,
    Change,
    DemandChange,
    FailureDemandCut,
    QueueDemand,
    ReasonOnline,
    ScenarioResult,
    StaffingRule,
    evaluate,
    performance_at,
    requirements,
)
from .models import (
    DEFAULT_AHT_SECONDS,
    ChannelScope,
    PlannedEvent,
    QueuePlanningSettings,
    Roster,
    RosteredStaff,
    RosterShift,
    RosterStatus,
    Scenario,
    ScenarioKind,
    ShiftPattern,
    StaffProfile,
    TargetKind,
)

PERMISSION = "plan_staffing"
HISTORY_WEEKS = 52  # a year: every weekly pattern, and last year's bill runs to learn from
HANDLING_WEEKS = 12  # recent enough to reflect today's handle times
WEEK = 7


# --- dates ----------------------------------------------------------------------------------


def today_of(council: Council) -> dt.date:
    return council.local_date(timezone.now())


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def next_week_start(council: Council, today: dt.date | None = None) -> dt.date:
    """The Monday after the council's today: the week a planner rosters next."""
    today = today or today_of(council)
    return monday_of(today) + dt.timedelta(days=WEEK)


def week_days(week_start: dt.date) -> list[dt.date]:
    return [week_start + dt.timedelta(days=n) for n in range(WEEK)]


def interval_minutes_of(council: Council) -> int:
    """The council's reporting interval (15 or 30 minutes), used for planning too."""
    return int(kpi_settings_of(council).interval_minutes)


def interval_labels(interval_minutes: int) -> list[str]:
    """ "HH:MM" starts of the day's intervals."""
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, interval_minutes)]


# --- queues and settings --------------------------------------------------------------------


def planning_queues(council: Council) -> list[Queue]:
    """The council's queues, each with `plan` (its stored planning settings or the defaults)."""
    queues = list(
        Queue.objects.filter(council=council).order_by("name").select_related("planning_settings")
    )
    for queue in queues:
        queue.plan = settings_of(queue)  # type: ignore[attr-defined]
    return queues


def queue_of(council: Council, queue_id: str) -> Queue | None:
    """One queue of the council by its id, with `plan`; None for another council's."""
    queue = (
        Queue.objects.filter(council=council, queue_id=queue_id)
        .select_related("planning_settings")
        .first()
    )
    if queue is not None:
        queue.plan = settings_of(queue)  # type: ignore[attr-defined]
    return queue


def settings_of(queue: Queue) -> QueuePlanningSettings:
    """The queue's stored planning settings, or (unsaved) the defaults."""
    try:
        return queue.planning_settings  # type: ignore[attr-defined,no-any-return]
    except QueuePlanningSettings.DoesNotExist:
        return QueuePlanningSettings(council_id=queue.council_id, queue=queue)


def target_of(plan: QueuePlanningSettings) -> Target:
    if plan.target_kind == TargetKind.ASA:
        return Target(
            asa_seconds=plan.target_asa_seconds,
            within_seconds=plan.target_seconds,
            max_occupancy=plan.max_occupancy,
        )
    return Target(
        service_level=plan.target_service_level,
        within_seconds=plan.target_seconds,
        max_occupancy=plan.max_occupancy,
    )


def rule_for(
    plan: QueuePlanningSettings, handling: QueueHandling | None, interval_minutes: int
) -> tuple[StaffingRule, str]:
    """The staffing rule of a queue and where its handle time came from: "entered", "learnt"
    (the history's), or "assumed" (DEFAULT_AHT_SECONDS, when there is neither)."""
    if plan.aht_seconds:
        aht, source = float(plan.aht_seconds), "entered"
    elif handling is not None and handling.aht_seconds:
        aht, source = float(handling.aht_seconds), "learnt"
    else:
        aht, source = DEFAULT_AHT_SECONDS, "assumed"
    rule = StaffingRule(
        interval_minutes=interval_minutes,
        aht_seconds=aht,
        target=target_of(plan),
        patience_seconds=plan.patience_seconds,
        shrinkage=float(plan.shrinkage),
    )
    return rule, source


# --- opening hours --------------------------------------------------------------------------


def open_mask(
    hours: OpeningHours | None, calendar: WorkingCalendar, day: dt.date, interval_minutes: int
) -> np.ndarray:
    """Which intervals of `day` the queue is open (an interval open for any part counts).

    A queue with no weekly hours at all is taken as open all day on the council's working days:
    its history then says when calls come."""
    slots = 24 * 60 // interval_minutes
    if hours is None or not any(hours.weekly.values()):
        return np.full(slots, calendar.is_working_day(day))
    mask = np.zeros(slots, dtype=bool)
    for timerange in hours.ranges_on(day):
        opens = timerange.opens.hour * 60 + timerange.opens.minute
        closes = timerange.closes.hour * 60 + timerange.closes.minute
        first = opens // interval_minutes
        last = math.ceil(closes / interval_minutes)
        mask[first:last] = True
    return mask


# --- forecasts ------------------------------------------------------------------------------


def forecast_days(
    history: History,
    days: Sequence[dt.date],
    masks: np.ndarray,
    events: tuple[Event, ...] = (),
    forecaster: DemandForecaster | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, lower and upper (80%) forecasts for `days` (rows) from an open-day history.

    Pure (no database): the benchmark calls it too. A day with no open interval, or whose
    weekday the history has never seen open, is all zeros; closed intervals are zero."""
    forecaster = forecaster or DemandForecaster()
    width = masks.shape[1]
    mean, lower, upper = (np.zeros((len(days), width)) for _ in range(3))
    # Only the intervals the queue opens (or had calls in) are modelled: the night's certain
    # zeros would otherwise count as perfect forecasts and narrow the calibrated intervals.
    used = masks.any(axis=0)
    if len(history.dates):
        used |= history.counts.sum(axis=0) > 0
    if not used.any():
        return mean, lower, upper
    trimmed = History(history.dates, history.counts[:, used])
    for row, day in enumerate(days):
        if not masks[row].any() or len(trimmed.same_weekday(day, 1)) == 0:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            result = forecaster.forecast(trimmed, day, events)
        for target, values in ((mean, result.mean), (lower, result.lower), (upper, result.upper)):
            target[row, used] = np.nan_to_num(values, nan=0.0)
            target[row] = np.where(masks[row], target[row], 0.0)
    return mean, lower, upper


def history_of(
    found: QueueArrivals | None, open_days: Sequence[dt.date], interval_minutes: int
) -> History:
    """The forecaster's history: the queue's arrivals on its open days.

    An open day without a single arrival is left out as missing data (a queue not yet in use,
    or a gap in the telephony export), never read as a day of no demand: one such day would
    otherwise drag the level down and, having no shape, blank the intraday profile."""
    if found is None:
        return History((), np.zeros((0, 24 * 60 // interval_minutes)))
    counts = found.matrix(open_days)
    keep = counts.sum(axis=1) > 0
    return History(tuple(d for d, k in zip(open_days, keep, strict=True) if k), counts[keep])


@dataclass
class QueueForecast:
    """A queue's forecast week: calls per interval (mean and 80% interval) of each day."""

    queue: Queue
    plan: QueuePlanningSettings
    interval_minutes: int
    days: list[dt.date]
    masks: np.ndarray  # (days, intervals) open
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    history: History
    events: tuple[Event, ...]  # past and coming, for this queue
    coming_events: list[PlannedEvent]
    learnt_events: dict[str, int]  # kind -> past occurrences in the history
    handling: QueueHandling | None
    hours_set: bool

    @property
    def history_days(self) -> int:
        return len(self.history.dates)

    @property
    def total(self) -> float:
        return float(self.mean.sum())

    def day_totals(self) -> list[dict[str, Any]]:
        return [
            {
                "day": day,
                "open": bool(self.masks[i].any()),
                "mean": float(self.mean[i].sum()),
                "lower": float(self.lower[i].sum()),
                "upper": float(self.upper[i].sum()),
                "event": next((e for e in self.coming_events if e.date == day), None),
            }
            for i, day in enumerate(self.days)
        ]


def _hours_by_queue(council: Council, since: dt.date) -> dict[int, OpeningHours]:
    return {item.queue.pk: item.hours for item in opening_hours_of(council, since)}


def _events_by_queue(
    council: Council, queues: Iterable[Queue], start: dt.date, end: dt.date
) -> dict[int, list[PlannedEvent]]:
    events = list(
        PlannedEvent.objects.filter(council=council, date__gte=start, date__lte=end).order_by(
            "date"
        )
    )
    return {
        queue.pk: [e for e in events if e.queue_id is None or e.queue_id == queue.pk]
        for queue in queues
    }


def forecasts_for_week(
    council: Council,
    week_start: dt.date,
    *,
    queues: Sequence[Queue] | None = None,
    interval_minutes: int | None = None,
    today: dt.date | None = None,
    source: FactSource | None = None,
) -> list[QueueForecast]:
    """Forecasts of the week starting `week_start` for `queues` (default: every queue).

    The history is the year of open days before the earlier of today and the week's start."""
    queues = list(queues) if queues is not None else planning_queues(council)
    interval = interval_minutes or interval_minutes_of(council)
    today = today or today_of(council)
    history_end = min(today, week_start) - dt.timedelta(days=1)
    history_start = history_end - dt.timedelta(weeks=HISTORY_WEEKS) + dt.timedelta(days=1)
    days = week_days(week_start)
    if not queues:
        return []
    source = source or fact_source(council, history_start, history_end)
    short = float(kpi_settings_of(council).short_abandon_seconds)
    arrivals: dict[str, QueueArrivals] = {}
    handling: dict[str, QueueHandling] = {}
    scopes = {settings_of(queue).channels for queue in queues}
    for scope in sorted(scopes):
        ids = tuple(q.queue_id for q in queues if settings_of(q).channels == scope)
        channels = ChannelScope.channels_of(scope)
        query = ArrivalQuery(history_start, history_end, interval, short, ids, channels)
        arrivals.update(arrivals_by_interval(source, council.pk, query))
        recent = ArrivalQuery(
            max(history_start, history_end - dt.timedelta(weeks=HANDLING_WEEKS)),
            history_end,
            interval,
            short,
            ids,
            channels,
        )
        handling.update(queue_handling(source, council.pk, recent))
    hours = _hours_by_queue(council, history_start)
    calendar = working_calendar(council, include_closures=True)
    events = _events_by_queue(council, queues, history_start, days[-1])
    result = []
    for queue in queues:
        queue_hours = hours.get(queue.pk)
        span = [
            history_start + dt.timedelta(days=n)
            for n in range((history_end - history_start).days + 1)
        ]
        open_days = [d for d in span if open_mask(queue_hours, calendar, d, interval).any()]
        history = history_of(arrivals.get(queue.queue_id), open_days, interval)
        masks = np.array([open_mask(queue_hours, calendar, d, interval) for d in days])
        queue_events = events[queue.pk]
        engine_events = tuple(Event(e.date, e.kind) for e in queue_events)
        mean, lower, upper = forecast_days(history, days, masks, engine_events)
        opened = set(open_days)
        learnt: dict[str, int] = {}
        for event in queue_events:
            if event.date in opened:
                learnt[event.kind] = learnt.get(event.kind, 0) + 1
        result.append(
            QueueForecast(
                queue=queue,
                plan=settings_of(queue),
                interval_minutes=interval,
                days=days,
                masks=masks,
                mean=mean,
                lower=lower,
                upper=upper,
                history=history,
                events=engine_events,
                coming_events=[e for e in queue_events if e.date >= days[0]],
                learnt_events=learnt,
                handling=handling.get(queue.queue_id),
                hours_set=queue_hours is not None and any(queue_hours.weekly.values()),
            )
        )
    return result


# --- staffing and the gap -------------------------------------------------------------------


@dataclass
class QueueStaffing:
    """Staff needed per interval of the forecast week, staff rostered, and the gap."""

    forecast: QueueForecast
    rule: StaffingRule
    aht_source: str
    needs: list[list[IntervalRequirement]]
    rostered: np.ndarray  # (days, intervals) staff
    rostered_source: str  # "roster", "entered" or "none"
    roster: Roster | None
    gaps: list[list[IntervalGap]] = field(default_factory=list)

    @property
    def required(self) -> np.ndarray:
        return np.array([[n.staff for n in row] for row in self.needs], dtype=np.int64)

    @property
    def agents(self) -> np.ndarray:
        return np.array([[n.agents for n in row] for row in self.needs], dtype=np.int64)

    @property
    def overall_gap(self) -> float | None:
        return overall_gap([g for row in self.gaps for g in row])

    @property
    def staff_hours_required(self) -> float:
        return float(self.required.sum()) * self.rule.hours_per_interval

    @property
    def staff_hours_rostered(self) -> float:
        return float(self.rostered.sum()) * self.rule.hours_per_interval

    @property
    def staff_hours_short(self) -> float:
        short = sum(max(g.short, 0) for row in self.gaps for g in row)
        return short * self.rule.hours_per_interval

    @property
    def peak_required(self) -> int:
        return int(self.required.max()) if self.required.size else 0

    def rows(self, worst_first: bool = False) -> list[dict[str, Any]]:
        """One row per open interval of the week: what a team leader acts on."""
        labels = interval_labels(self.forecast.interval_minutes)
        rows: list[dict[str, Any]] = []
        for d, day in enumerate(self.forecast.days):
            for i, label in enumerate(labels):
                if not self.forecast.masks[d, i]:
                    continue
                need = self.needs[d][i]
                gap = self.gaps[d][i]
                rows.append(
                    {
                        "day": day,
                        "interval": label,
                        "calls": float(self.forecast.mean[d, i]),
                        "agents": need.agents,
                        "required": gap.required,
                        "rostered": gap.rostered,
                        "short": gap.short,
                        "share": gap.share_of_requirement,
                        "service_level": need.service_level,
                    }
                )
        if worst_first:
            rows.sort(key=lambda r: (-r["short"], -(r["share"] or 0.0), r["day"], r["interval"]))
        return rows


def published_roster(council: Council, week_start: dt.date) -> Roster | None:
    return Roster.objects.filter(
        council=council, week_start=week_start, status=RosterStatus.PUBLISHED
    ).first()


def rostered_staff(
    council: Council,
    queues: Sequence[Queue],
    days: Sequence[dt.date],
    interval_minutes: int,
) -> tuple[dict[int, np.ndarray], str, Roster | None]:
    """Staff rostered per queue and interval: the week's published roster when there is one,
    else the figures entered by hand. Returns (queue pk -> (days, intervals) staff, source,
    roster). An interval counts a shift when the shift covers its start and is not on break."""
    slots = 24 * 60 // interval_minutes
    out = {queue.pk: np.zeros((len(days), slots), dtype=np.int64) for queue in queues}
    index = {day: n for n, day in enumerate(days)}
    starts = np.arange(slots) * interval_minutes
    roster = published_roster(council, monday_of(days[0]))
    if roster is not None:
        shifts = RosterShift.objects.filter(
            roster=roster, queue__in=list(queues), date__in=list(days)
        ).values_list("queue_id", "date", "starts", "ends", "break_starts", "break_ends")
        for queue_pk, day, begin, end, pause, resume in shifts:
            working = (starts >= _minutes(begin)) & (starts < _minutes(end))
            if pause is not None and resume is not None:
                working &= ~((starts >= _minutes(pause)) & (starts < _minutes(resume)))
            out[queue_pk][index[day]] += working
        return out, "roster", roster
    entered = RosteredStaff.objects.filter(
        council=council, queue__in=list(queues), date__in=list(days)
    ).values_list("queue_id", "date", "starts", "ends", "staff")
    found = False
    for queue_pk, day, begin, end, staff in entered:
        found = True
        covered = (starts >= _minutes(begin)) & (starts < _minutes(end))
        out[queue_pk][index[day]] += covered * int(staff)
    return out, ("entered" if found else "none"), None


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def staffing_for(council: Council, forecasts: Sequence[QueueForecast]) -> list[QueueStaffing]:
    """Requirement, rostered staff and the gap for each forecast."""
    if not forecasts:
        return []
    first = forecasts[0]
    rostered, source, roster = rostered_staff(
        council, [f.queue for f in forecasts], first.days, first.interval_minutes
    )
    result = []
    for forecast in forecasts:
        rule, aht_source = rule_for(forecast.plan, forecast.handling, forecast.interval_minutes)
        demand = QueueDemand(
            forecast.queue.queue_id, tuple(forecast.days), forecast.mean, rule, forecast.masks
        )
        needs = requirements(np.where(demand.is_open(), demand.calls, 0.0), rule)
        have = rostered[forecast.queue.pk]
        gaps = [
            capacity_gap([n.staff for n in needs[d]], [int(x) for x in have[d]])
            for d in range(len(forecast.days))
        ]
        result.append(QueueStaffing(forecast, rule, aht_source, needs, have, source, roster, gaps))
    return result


def entered_rostered_staff(council: Council, week_start: dt.date) -> QuerySet[RosteredStaff]:
    return RosteredStaff.objects.filter(
        council=council, date__gte=week_start, date__lt=week_start + dt.timedelta(days=WEEK)
    ).select_related("queue")


# --- events and scenarios -------------------------------------------------------------------


def planned_events(council: Council, since: dt.date | None = None) -> QuerySet[PlannedEvent]:
    events = PlannedEvent.objects.filter(council=council).select_related("queue")
    if since is not None:
        events = events.filter(date__gte=since)
    return events.order_by("date", "kind")


def event_of(council: Council, pk: int) -> PlannedEvent | None:
    return PlannedEvent.objects.filter(council=council, pk=pk).first()


def scenarios_of(council: Council) -> QuerySet[Scenario]:
    return Scenario.objects.filter(council=council).select_related("queue", "created_by")


def scenario_of(council: Council, pk: int) -> Scenario | None:
    return scenarios_of(council).filter(pk=pk).first()


def wrap_codes_of(council: Council) -> list[str]:
    """Wrap codes seen in the last weeks' contacts, most used first (for the scenario form)."""
    today = today_of(council)
    start = today - dt.timedelta(weeks=HANDLING_WEEKS)
    end = today - dt.timedelta(days=1)
    source = fact_source(council, start, end)
    short = float(kpi_settings_of(council).short_abandon_seconds)
    handling = queue_handling(source, council.pk, ArrivalQuery(start, end, 30, short))
    totals: dict[str, int] = {}
    for row in handling.values():
        for code, count in row.wrap_codes.items():
            totals[code] = totals.get(code, 0) + count
    return sorted(totals, key=lambda code: (-totals[code], code))


@dataclass
class ScenarioOutcome:
    """A scenario's result for one queue, with what it assumed."""

    queue: Queue
    result: ScenarioResult
    assumption: str = ""


def changes_for(scenario: Scenario, forecast: QueueForecast) -> tuple[list[Change], str]:
    """The engine changes a stored scenario stands for on one queue's forecast, and a note of
    what was assumed (for a bill run: learnt or entered)."""
    share = float(scenario.share) if scenario.share is not None else 0.0
    if scenario.kind == ScenarioKind.DEMAND_CHANGE:
        return [DemandChange(share, scenario.date_from, scenario.date_to)], ""
    if scenario.kind == ScenarioKind.CALLBACKS:
        return [Callbacks(share)], ""
    if scenario.kind == ScenarioKind.REASON_ONLINE:
        return [ReasonOnline(scenario.wrap_code, share)], ""
    if scenario.kind == ScenarioKind.FAILURE_DEMAND:
        return [FailureDemandCut(share or 0.5)], ""
    day = scenario.date_from
    if day is None or day not in forecast.days:
        return [], "outside"
    return [_bill_run(forecast, day, fallback=1 + share)], (
        "learnt" if forecast.learnt_events.get("bill_run") else "entered"
    )


def _bill_run(forecast: QueueForecast, day: dt.date, fallback: float) -> BillRun:
    """A bill run on `day` as the forecaster learnt bill runs (uplift and shape), or, with no
    past bill run to learn from, the planner's entered uplift on the day's usual shape."""
    row = forecast.days.index(day)
    if not forecast.learnt_events.get("bill_run") or not forecast.masks[row].any():
        return BillRun(day, fallback)
    others = tuple(e for e in forecast.events if e.day != day)
    with_event, _, _ = forecast_days(
        forecast.history, [day], forecast.masks[row : row + 1], (*others, Event(day, "bill_run"))
    )
    without, _, _ = forecast_days(forecast.history, [day], forecast.masks[row : row + 1], others)
    if without.sum() <= 0 or with_event.sum() <= 0:
        return BillRun(day, fallback)
    return BillRun(day, float(with_event.sum() / without.sum()), with_event[0] / with_event.sum())


def scenario_outcomes(
    council: Council, scenario: Scenario, week_start: dt.date
) -> list[ScenarioOutcome]:
    """The scenario against the baseline for its queue (or every queue) in the week."""
    queues: list[Queue] = (
        [scenario.queue] if scenario.queue is not None else planning_queues(council)
    )
    if scenario.queue is not None:
        scenario.queue.plan = settings_of(scenario.queue)  # type: ignore[attr-defined]
    forecasts = forecasts_for_week(council, week_start, queues=queues)
    outcomes = []
    for forecast in forecasts:
        rule, _ = rule_for(forecast.plan, forecast.handling, forecast.interval_minutes)
        handling = forecast.handling
        demand = QueueDemand(
            queue=forecast.queue.queue_id,
            days=tuple(forecast.days),
            calls=forecast.mean,
            rule=rule,
            open_mask=forecast.masks,
            wrap_shares=(
                {code: handling.wrap_share(code) for code in handling.wrap_codes}
                if handling
                else {}
            ),
            failure_share=handling.failure_share if handling else 0.0,
        )
        changes, assumption = changes_for(scenario, forecast)
        outcomes.append(ScenarioOutcome(forecast.queue, evaluate(demand, changes), assumption))
    return outcomes


# --- the day simulation ---------------------------------------------------------------------


@dataclass
class SimulatedDay:
    """A simulated day of one queue, with the plan it played and what it was compared with."""

    queue: Queue
    day: dt.date
    staff_source: str  # "rostered" or "requirement"
    labels: list[str]  # the intervals simulated (the queue's open span)
    plan: DayPlan
    result: DayResult
    rule: StaffingRule
    expected_service_level: list[float | None]  # Erlang at the same agents, per interval


def simulate_queue_day(
    council: Council,
    queue: Queue,
    day: dt.date,
    *,
    staff_source: str = "requirement",
    callbacks: CallbackRule | None = None,
    patience_seconds: float | None = None,
    seed: int = 1,
    replications: int = 5,
) -> SimulatedDay | None:
    """Play `day`'s forecast for `queue` against its staff; None when the queue is shut that day.

    Agents on duty are the staff rostered less shrinkage (rounded down: a part of a person
    answers no call), or the agents the requirement asks for."""
    week = monday_of(day)
    forecast = forecasts_for_week(council, week, queues=[queue])[0]
    staffing = staffing_for(council, [forecast])[0]
    row = forecast.days.index(day)
    opened = np.flatnonzero(forecast.masks[row])
    if opened.size == 0:
        return None
    span = range(int(opened[0]), int(opened[-1]) + 1)
    rule = staffing.rule
    if staff_source == "rostered":
        keep = 1 - rule.shrinkage
        agents = [math.floor(staffing.rostered[row, i] * keep + 1e-9) for i in span]
    else:
        agents = [staffing.needs[row][i].agents for i in span]
    patience = patience_seconds if patience_seconds is not None else rule.patience_seconds
    plan = DayPlan(
        arrivals=[float(forecast.mean[row, i]) for i in span],
        agents=agents,
        interval_seconds=rule.interval_minutes * 60,
        aht_seconds=rule.aht_seconds,
        target_seconds=rule.target.within_seconds,
        patience_seconds=patience,
        callbacks=callbacks,
    )
    result = simulate_day(plan, seed=seed, replications=replications)
    performance = performance_at(
        StaffingRule(rule.interval_minutes, rule.aht_seconds, rule.target, patience)
    )
    expected: list[float | None] = [
        performance(n, calls)[0] if calls > 0 else None
        for n, calls in zip(plan.agents, plan.arrivals, strict=True)
    ]
    labels = interval_labels(forecast.interval_minutes)
    return SimulatedDay(
        queue, day, staff_source, [labels[i] for i in span], plan, result, rule, expected
    )


# --- rosters --------------------------------------------------------------------------------


def shift_patterns_of(council: Council) -> QuerySet[ShiftPattern]:
    return ShiftPattern.objects.filter(council=council).order_by("starts", "name")


def shift_pattern_of(council: Council, pk: int) -> ShiftPattern | None:
    return ShiftPattern.objects.filter(council=council, pk=pk).first()


def staff_of(council: Council) -> QuerySet[User]:
    """Active staff of the council, each with their planning profile and its skills."""
    return (
        User.objects.filter(council=council, is_active=True)
        .order_by("last_name", "first_name", "username")
        .prefetch_related(
            Prefetch(
                "planning_profile",
                queryset=StaffProfile.objects.prefetch_related("skills"),
            )
        )
    )


def staff_member_of(council: Council, pk: int) -> User | None:
    return User.objects.filter(council=council, pk=pk, is_active=True).first()


def profiles_of(council: Council) -> QuerySet[StaffProfile]:
    return (
        StaffProfile.objects.filter(council=council, user__is_active=True)
        .select_related("user")
        .prefetch_related("skills")
    )


def rosters_of(council: Council) -> QuerySet[Roster]:
    return Roster.objects.filter(council=council).select_related("created_by", "published_by")


def roster_of(council: Council, pk: int) -> Roster | None:
    return rosters_of(council).filter(pk=pk).first()


def roster_shifts(roster: Roster) -> QuerySet[RosterShift]:
    return roster.shifts.select_related("user", "queue").order_by(
        "date", "starts", "queue__name", "user__last_name"
    )
