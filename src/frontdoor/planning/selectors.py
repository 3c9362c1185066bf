"""Reads of planning: forecasts per queue and interval, staffing, the capacity gap, scenarios,
the day simulation, rosters, the avoidable-demand model and outbound campaigns' call spikes,
each for one council (the request's), never across.

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
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from frontdoor.core.calendars.engine import OpeningHours, WorkingCalendar
from frontdoor.core.calendars.selectors import opening_hours_of, working_calendar
from frontdoor.core.models import Council, Queue, Service
from frontdoor.identity.models import User
from frontdoor.insight.engine.arrivals import (
    ArrivalQuery,
    QueueArrivals,
    QueueHandling,
    arrivals_by_interval,
    queue_handling,
)
from frontdoor.insight.engine.demand import (
    DemandQuery,
    facts_connection,
    failure_demand_by_service,
    no_email_contacts_by_service,
)
from frontdoor.insight.engine.facts import FAILURE_DEMAND_TYPES
from frontdoor.insight.engine.kpis import FactSource
from frontdoor.insight.selectors import fact_source, kpi_settings_of

from . import forecast_cache
from .engine.avoidable import (
    Assumptions,
    ServiceDemand,
    ServiceOpportunity,
    avoidable_demand,
)
from .engine.capacity import IntervalGap, IntervalRequirement, capacity_gap, overall_gap
from .engine.day_simulation import CallbackRule, DayPlan, DayResult, simulate_day
from .engine.erlang import Target
from .engine.forecast import DemandForecaster, Event, History
from .engine.outbound import (
    MIN_QUEUE_CAMPAIGNS,
    ChosenCurve,
    PastCampaign,
    QueueCampaign,
    ResponseCurves,
    Staggering,
    capacity_series,
    expected_calls,
    learn_response_curves,
    suggest_staggering,
)
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
    AvoidableDemandSettings,
    Campaign,
    CampaignChannel,
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

    The history is the year of open days before the earlier of today and the week's start.

    Each queue's computed part (history, mean and interval, handling) comes from the cache when
    nothing it was built from has changed (see `forecast_cache`); only the queues missing from
    it are computed, in one pass over the facts. A caller that passes its own `source` (facts
    the database does not describe) bypasses the cache."""
    queues = list(queues) if queues is not None else planning_queues(council)
    interval = interval_minutes or interval_minutes_of(council)
    today = today or today_of(council)
    history_end = min(today, week_start) - dt.timedelta(days=1)
    history_start = history_end - dt.timedelta(weeks=HISTORY_WEEKS) + dt.timedelta(days=1)
    days = week_days(week_start)
    if not queues:
        return []
    kpi = kpi_settings_of(council)
    hours = _hours_by_queue(council, history_start)
    calendar = working_calendar(council, include_closures=True)
    events = _events_by_queue(council, queues, history_start, days[-1])
    span = [
        history_start + dt.timedelta(days=n) for n in range((history_end - history_start).days + 1)
    ]
    # What the opening hours, bank holidays and closures make of each day: the forecast's input,
    # and (being exact) part of its cache key.
    span_masks = {
        queue.pk: np.array([open_mask(hours.get(queue.pk), calendar, d, interval) for d in span])
        for queue in queues
    }
    week_masks = {
        queue.pk: np.array([open_mask(hours.get(queue.pk), calendar, d, interval) for d in days])
        for queue in queues
    }
    use_cache = source is None
    keys: dict[int, str] = {}
    found: dict[int, tuple[History, np.ndarray, np.ndarray, np.ndarray, QueueHandling | None]] = {}
    if use_cache:
        facts = forecast_cache.facts_stamp(council, kpi)
        for queue in queues:
            plan = settings_of(queue)
            keys[queue.pk] = forecast_cache.queue_key(
                council,
                queue,
                facts=facts,
                channels=plan.channels,
                settings_updated_at=plan.updated_at,
                week_start=week_start,
                interval_minutes=interval,
                history_span=(history_start, history_end),
                history_masks=span_masks[queue.pk],
                week_masks=week_masks[queue.pk],
                events=[(e.date, e.kind) for e in events[queue.pk]],
            )
        stored = forecast_cache.cache().get_many(list(keys.values()))
        for queue in queues:
            value = stored.get(keys[queue.pk])
            if value is not None:
                found[queue.pk] = forecast_cache.decode(value)
    missing = [queue for queue in queues if queue.pk not in found]
    if missing:
        computed = _compute_forecasts(
            council,
            missing,
            source=source or fact_source(council, history_start, history_end),
            short=float(kpi.short_abandon_seconds),
            interval=interval,
            history=(history_start, history_end),
            span=span,
            span_masks=span_masks,
            week_masks=week_masks,
            days=days,
            events=events,
        )
        found.update(computed)
        if use_cache:
            forecast_cache.cache().set_many(
                {keys[pk]: forecast_cache.encode(*value) for pk, value in computed.items()},
                timeout=forecast_cache.TIMEOUT_SECONDS,
            )
    result = []
    for queue in queues:
        history, mean, lower, upper, queue_handling_found = found[queue.pk]
        queue_hours = hours.get(queue.pk)
        opened = {d for d, m in zip(span, span_masks[queue.pk], strict=True) if m.any()}
        queue_events = events[queue.pk]
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
                masks=week_masks[queue.pk],
                mean=mean,
                lower=lower,
                upper=upper,
                history=history,
                events=tuple(Event(e.date, e.kind) for e in queue_events),
                coming_events=[e for e in queue_events if e.date >= days[0]],
                learnt_events=learnt,
                handling=queue_handling_found,
                hours_set=queue_hours is not None and any(queue_hours.weekly.values()),
            )
        )
    return result


def _compute_forecasts(
    council: Council,
    queues: Sequence[Queue],
    *,
    source: FactSource,
    short: float,
    interval: int,
    history: tuple[dt.date, dt.date],
    span: Sequence[dt.date],
    span_masks: dict[int, np.ndarray],
    week_masks: dict[int, np.ndarray],
    days: Sequence[dt.date],
    events: dict[int, list[PlannedEvent]],
) -> dict[int, tuple[History, np.ndarray, np.ndarray, np.ndarray, QueueHandling | None]]:
    """The expensive part of `forecasts_for_week` for `queues`: arrivals and handling from the
    facts (one query per channel scope), then each queue's history and forecast days."""
    history_start, history_end = history
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
    computed = {}
    for queue in queues:
        open_days = [d for d, m in zip(span, span_masks[queue.pk], strict=True) if m.any()]
        queue_history = history_of(arrivals.get(queue.queue_id), open_days, interval)
        engine_events = tuple(Event(e.date, e.kind) for e in events[queue.pk])
        mean, lower, upper = forecast_days(queue_history, days, week_masks[queue.pk], engine_events)
        computed[queue.pk] = (queue_history, mean, lower, upper, handling.get(queue.queue_id))
    return computed


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


# --- avoidable demand -----------------------------------------------------------------------

# Failure-demand types as the contact records give them, then failure demand without a type.
FAILURE_TYPES = (*FAILURE_DEMAND_TYPES, "type_not_recorded")
# A year of 365.25 days: a 12-month period of 365 or 366 days is then within 0.1% of one year.
DAYS_PER_YEAR = 365.25


def last_twelve_months(council: Council, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The default period: the 12 months to yesterday (today's contacts are still coming)."""
    today = today or today_of(council)
    end = today - dt.timedelta(days=1)
    try:
        start = end.replace(year=end.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - 1, day=28) + dt.timedelta(days=1)
    return start, end


def avoidable_settings_of(council: Council) -> AvoidableDemandSettings:
    """The council's stored assumptions, or (unsaved) the defaults."""
    stored = AvoidableDemandSettings.objects.filter(council=council).first()
    return stored or AvoidableDemandSettings(council=council)


def assumptions_from(
    stored: AvoidableDemandSettings, date_from: dt.date, date_to: dt.date
) -> Assumptions:
    """The engine's assumptions from the stored ones, for the period's length."""
    return Assumptions(
        avoidable_share={
            "chasing": stored.share_chasing,
            "not_right_first_time": stored.share_not_right_first_time,
            "could_not_complete_online": stored.share_could_not_complete_online,
            "other": stored.share_other,
            "type_not_recorded": stored.share_type_not_recorded,
        },
        online_reasons={k: tuple(v) for k, v in (stored.online_reasons or {}).items()},
        online_take_up=stored.online_take_up,
        period_years=((date_to - date_from).days + 1) / DAYS_PER_YEAR,
        productive_hours_per_fte_year=stored.productive_hours_per_fte_year,
    )


@dataclass
class ServiceAvoidable:
    """One service's row of the avoidable-demand page: what was measured and what the model
    made of it."""

    service_id: str
    name: str
    contacts: int
    failure_by_type: dict[str, int]
    value_by_reason: dict[str, int]  # wrap code -> contacts that were not failure demand
    online_codes: list[str]  # the codes the council marked online-capable for the service
    online_capable: int  # value contacts with one of those codes
    email_share: float | None  # of contacts with an email_known value, those with an email
    aht_seconds: float
    aht_source: str  # "measured" or "assumed"
    result: ServiceOpportunity

    @property
    def failure(self) -> int:
        return sum(self.failure_by_type.values())


@dataclass
class AvoidableReport:
    date_from: dt.date
    date_to: dt.date
    stored: AvoidableDemandSettings
    assumptions: Assumptions
    services: list[ServiceAvoidable]

    @property
    def totals(self) -> dict[str, Any]:
        rows = self.services
        contacts = sum(r.contacts for r in rows)
        avoidable = sum(r.result.avoidable for r in rows)
        movable = sum(r.result.movable_online for r in rows)
        return {
            "contacts": contacts,
            "failure_by_type": {
                t: sum(r.failure_by_type.get(t, 0) for r in rows) for t in FAILURE_TYPES
            },
            "failure": sum(r.failure for r in rows),
            "avoidable": avoidable,
            "online_capable": sum(r.online_capable for r in rows),
            "movable_online": movable,
            "hours_freed": sum(r.result.hours_freed for r in rows),
            "fte_freed": sum(r.result.fte_freed for r in rows),
            "share": (avoidable + movable) / contacts if contacts else None,
        }


# Per service: handle time of answered contacts, and the wrap codes of value demand (contacts
# not marked as failure demand). The insight engine has no per-service wrap-code query, so this
# one runs here over the same `facts` view and the same offered-contact rule (counted, in the
# period, not a short abandon) as `insight.engine.demand`.
_OFFERED = (
    "council_id = $council AND counted "
    "AND offered_local >= $period_start AND offered_local < $period_end "
    "AND NOT coalesce(outcome = 'abandoned' AND wait_seconds < $short, FALSE)"
)
_HANDLING_SQL = f"""
    SELECT service, avg(handle_seconds) FILTER (outcome = 'answered') AS aht
    FROM facts WHERE {_OFFERED} GROUP BY service
"""  # noqa: S608 (a constant; every value is a parameter)
_VALUE_REASONS_SQL = f"""
    SELECT service, wrap_code, count(*) AS contacts
    FROM facts WHERE {_OFFERED} AND NOT coalesce(failure_demand, FALSE) AND wrap_code IS NOT NULL
    GROUP BY ALL ORDER BY service, contacts DESC, wrap_code
"""  # noqa: S608


def avoidable_demand_report(
    council: Council, date_from: dt.date, date_to: dt.date, *, source: FactSource | None = None
) -> AvoidableReport:
    """The avoidable-demand model over the council's offered contacts of the period, per service,
    with the council's stored assumptions."""
    short = float(kpi_settings_of(council).short_abandon_seconds)
    query = DemandQuery(date_from, date_to, None, short)
    source = source or fact_source(council, date_from, date_to)
    values = {
        "council": council.pk,
        "period_start": dt.datetime.combine(date_from, dt.time()),
        "period_end": dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()),
        "short": short,
    }
    with facts_connection(source, council.pk, query) as connection:
        failure_rows = failure_demand_by_service(connection, council.pk, query)
        email_rows = {
            r["service"]: r for r in no_email_contacts_by_service(connection, council.pk, query)
        }
        handling = {
            service: aht for service, aht in connection.execute(_HANDLING_SQL, values).fetchall()
        }
        reasons: dict[str, dict[str, int]] = {}
        for service, code, count in connection.execute(_VALUE_REASONS_SQL, values).fetchall():
            reasons.setdefault(service, {})[code] = int(count)
    stored = avoidable_settings_of(council)
    assumptions = assumptions_from(stored, date_from, date_to)
    names = dict(Service.objects.filter(council=council).values_list("service_id", "name"))
    measured: dict[str, tuple[ServiceDemand, str, float | None]] = {}
    for row in failure_rows:
        service = row["service"]
        email = email_rows.get(service)
        with_value = email["with_value"] if email else 0
        email_share = (
            (with_value - email["without_email"]) / with_value if email and with_value else None
        )
        aht = handling.get(service)
        demand = ServiceDemand(
            service=service,
            contacts=int(row["offered"]),
            aht_seconds=float(aht) if aht else DEFAULT_AHT_SECONDS,
            failure_demand={t: int(row[t]) for t in FAILURE_TYPES},
            value_demand_by_reason=reasons.get(service, {}),
            email_known_share=email_share or 0.0,
        )
        measured[service] = (demand, "measured" if aht else "assumed", email_share)
    results = avoidable_demand([m[0] for m in measured.values()], assumptions)
    services = []
    for result in results:
        demand, aht_source, email_share = measured[result.service]
        codes = sorted(assumptions.online_reasons.get(result.service, ()))
        services.append(
            ServiceAvoidable(
                service_id=result.service,
                name=names.get(result.service, result.service),
                contacts=demand.contacts,
                failure_by_type=dict(demand.failure_demand),
                value_by_reason=dict(demand.value_demand_by_reason),
                online_codes=codes,
                online_capable=sum(demand.value_demand_by_reason.get(c, 0) for c in codes),
                email_share=email_share,
                aht_seconds=demand.aht_seconds,
                aht_source=aht_source,
                result=result,
            )
        )
    return AvoidableReport(date_from, date_to, stored, assumptions, services)


def service_of(council: Council, service_id: str) -> Service | None:
    return Service.objects.filter(council=council, service_id=service_id).first()


# --- outbound campaigns ---------------------------------------------------------------------

# How long a channel's response is followed after the send, in hours of the queue's opening:
# a text prompts calls within the hour, an email over the working day, a letter over the week
# it lands in. Time is counted in opening hours, so calls prompted after closing are taken as
# coming when the lines open.
RESPONSE_HOURS = {"text": 4, "email": 8, "letter": 40}
BASELINE_WEEKS = 4  # a past campaign's day is compared with the same weekday of 4 weeks before
SEARCH_DAYS = 21  # calendar days looked through for enough opening hours
MAX_CHUNKS = 12


def campaigns_of(council: Council) -> QuerySet[Campaign]:
    return Campaign.objects.filter(council=council).select_related("queue", "created_by")


def campaign_of(council: Council, pk: int) -> Campaign | None:
    return campaigns_of(council).filter(pk=pk).first()


def local_send(council: Council, campaign: Campaign) -> dt.datetime:
    """When the campaign went (or is to go), in the council's wall-clock time, without a zone."""
    return campaign.send_time.astimezone(council.zone).replace(tzinfo=None)


def open_slots(
    hours: OpeningHours | None,
    calendar: WorkingCalendar,
    moment: dt.datetime,
    interval_minutes: int,
    after: int,
) -> tuple[list[tuple[dt.date, int]], int | None]:
    """The open intervals (day, interval of the day) from the start of `moment`'s day, whole
    days, until at least `after` of them follow `moment`; and the position of the first open
    interval at or after `moment` (None: no opening in the days looked through)."""
    start_slot = (moment.hour * 60 + moment.minute) // interval_minutes
    slots: list[tuple[dt.date, int]] = []
    send: int | None = None
    day = moment.date()
    for _ in range(SEARCH_DAYS):
        for i in np.flatnonzero(open_mask(hours, calendar, day, interval_minutes)):
            if send is None and (day > moment.date() or i >= start_slot):
                send = len(slots)
            slots.append((day, int(i)))
        if send is not None and len(slots) >= send + after:
            break
        day += dt.timedelta(days=1)
    return slots, send


@dataclass
class PastResponse:
    """A sent campaign as the learning saw it: its extra calls, or why it was left out."""

    campaign: Campaign
    send_local: dt.datetime
    excess: float | None = None  # calls over the baseline in the response window
    skipped: str = ""  # "recent", "closed" or "no_baseline"

    @property
    def per_thousand(self) -> float | None:
        if self.excess is None:
            return None
        return self.excess / self.campaign.size * 1000


@dataclass
class LearntResponse:
    """A channel's response curve (calls per message in each open interval after the send),
    pooled over every queue in `curve`, and per queue with enough campaigns in `curves`."""

    channel: str
    interval_minutes: int
    horizon: int  # intervals followed
    curve: np.ndarray | None
    past: list[PastResponse]
    curves: ResponseCurves | None = None

    @property
    def used(self) -> list[PastResponse]:
        return [p for p in self.past if not p.skipped]

    def for_queue(self, queue_id: str) -> ChosenCurve:
        """The queue's own curve when it has enough campaigns of the channel, else the pooled."""
        if self.curves is None:
            return ChosenCurve(None, "none", 0, 0, MIN_QUEUE_CAMPAIGNS)
        return self.curves.for_queue(queue_id)

    def queue_curves(self) -> list[dict[str, Any]]:
        """The queues with a curve of their own: queue, campaigns, calls per 1,000, 95% within."""
        if self.curves is None:
            return []
        queues = {p.campaign.queue.queue_id: p.campaign.queue for p in self.used}
        return [
            {
                "queue": queues[queue_id],
                "campaigns": self.curves.campaigns_by_queue[queue_id],
                "calls_per_thousand": float(curve.sum()) * 1000,
                "lasts_minutes": response_minutes(curve, self.interval_minutes),
            }
            for queue_id, curve in sorted(self.curves.by_queue.items())
        ]

    @property
    def calls_per_thousand(self) -> float | None:
        return None if self.curve is None else float(self.curve.sum()) * 1000

    @property
    def lasts_minutes(self) -> int | None:
        """Opening minutes until 95% of the response has come."""
        return response_minutes(self.curve, self.interval_minutes)


def response_minutes(curve: np.ndarray | None, interval_minutes: int) -> int | None:
    if curve is None or curve.sum() <= 0:
        return None
    share = np.cumsum(curve) / curve.sum()
    return (int(np.searchsorted(share, 0.95 - 1e-9)) + 1) * interval_minutes


def assumed_curve(calls_per_thousand: float, minutes: int, interval_minutes: int) -> np.ndarray:
    """An entered response: the calls per 1,000 messages spread over `minutes` of opening, most
    in the first interval and tailing off evenly (a triangle), as responses to a send do."""
    count = max(1, math.ceil(minutes / interval_minutes))
    weights = np.arange(count, 0, -1, dtype=float)
    return np.asarray(calls_per_thousand / 1000 * weights / weights.sum())


def learn_responses(
    council: Council, interval_minutes: int, today: dt.date | None = None
) -> dict[str, LearntResponse]:
    """Each channel's response curve from the council's sent campaigns: pooled over every
    queue, and per queue for queues with at least `MIN_QUEUE_CAMPAIGNS` of the channel.

    A campaign's excess calls are its queue's arrivals after the send less a *same-weekday
    baseline*: the mean of the same weekday over the 4 weeks before, leaving out days the queue
    was shut, had no calls, had another campaign or a planned event. Campaigns whose response
    window has not ended (before today) wait; ones with no comparable day are left out."""
    today = today or today_of(council)
    sent = list(campaigns_of(council).filter(sent=True).order_by("sent_at"))
    result = {
        channel: LearntResponse(
            channel, interval_minutes, RESPONSE_HOURS[channel] * 60 // interval_minutes, None, []
        )
        for channel in CampaignChannel.values
    }
    if not sent:
        return result
    sends = {c.pk: local_send(council, c) for c in sent}
    first = min(s.date() for s in sends.values()) - dt.timedelta(weeks=BASELINE_WEEKS)
    hours = _hours_by_queue(council, first)
    calendar = working_calendar(council, include_closures=True)
    windows: dict[int, tuple[list[tuple[dt.date, int]], int | None]] = {}
    for campaign in sent:
        horizon = result[campaign.channel].horizon
        windows[campaign.pk] = open_slots(
            hours.get(campaign.queue_id), calendar, sends[campaign.pk], interval_minutes, horizon
        )
    # Days not to use as a baseline: any campaign's window on the queue, and planned events.
    busy: set[tuple[int, dt.date]] = set()
    for campaign in sent:
        slots, send = windows[campaign.pk]
        if send is not None:
            horizon = result[campaign.channel].horizon
            busy |= {(campaign.queue_id, day) for day, _ in slots[send : send + horizon]}
    events = PlannedEvent.objects.filter(council=council, date__gte=first, date__lte=today)
    all_queues = {c.queue_id for c in sent}
    for event in events:
        targets = all_queues if event.queue_id is None else {event.queue_id}
        busy |= {(q, event.date) for q in targets}
    last = max(
        (slots[-1][0] for slots, send in windows.values() if slots and send is not None),
        default=today,
    )
    arrivals = _campaign_arrivals(council, sent, first, min(last, today), interval_minutes)
    series: dict[str, tuple[list[float], list[float], list[QueueCampaign]]] = {
        channel: ([], [], []) for channel in CampaignChannel.values
    }
    for campaign in sent:
        learnt = result[campaign.channel]
        past = PastResponse(campaign, sends[campaign.pk])
        learnt.past.append(past)
        slots, send = windows[campaign.pk]
        if send is None:
            past.skipped = "closed"
            continue
        window = slots[send : send + learnt.horizon]
        if len(window) < learnt.horizon or window[-1][0] >= today:
            past.skipped = "recent"
            continue
        found = arrivals.get(campaign.queue.queue_id)
        baselines: dict[dt.date, np.ndarray] = {}
        unusual = {d for q, d in busy if q == campaign.queue_id}
        for day in sorted({d for d, _ in window}):
            base = _same_weekday_baseline(
                found, day, hours.get(campaign.queue_id), calendar, interval_minutes, unusual
            )
            if base is None:
                break
            baselines[day] = base
        else:
            actual_part = [_count(found, d, i) for d, i in window]
            base_part = [float(baselines[d][i]) for d, i in window]
            past.excess = float(sum(actual_part) - sum(base_part))
            actual, baseline, campaigns = series[campaign.channel]
            campaigns.append(
                QueueCampaign(campaign.queue.queue_id, PastCampaign(len(actual), campaign.size))
            )
            actual.extend(actual_part)
            baseline.extend(base_part)
            continue
        past.skipped = "no_baseline"
    for channel, (actual, baseline, campaigns) in series.items():
        if campaigns:
            curves = learn_response_curves(
                campaigns, np.array(actual), np.array(baseline), result[channel].horizon
            )
            result[channel].curves = curves
            result[channel].curve = curves.pooled
    return result


def _count(found: QueueArrivals | None, day: dt.date, slot: int) -> float:
    if found is None or day not in found.days:
        return 0.0
    return float(found.days[day][slot])


def _same_weekday_baseline(
    found: QueueArrivals | None,
    day: dt.date,
    hours: OpeningHours | None,
    calendar: WorkingCalendar,
    interval_minutes: int,
    unusual: AbstractSet[dt.date],
) -> np.ndarray | None:
    """The mean arrivals per interval of the same weekday over the weeks before `day`, on
    normal days only (open, with calls, no campaign or event); None without one."""
    if found is None:
        return None
    rows = []
    for weeks in range(1, BASELINE_WEEKS + 1):
        earlier = day - dt.timedelta(weeks=weeks)
        counts = found.days.get(earlier)
        if counts is None or counts.sum() <= 0 or earlier in unusual:
            continue
        if not open_mask(hours, calendar, earlier, interval_minutes).any():
            continue
        rows.append(counts)
    return np.mean(rows, axis=0) if rows else None


def _campaign_arrivals(
    council: Council,
    campaigns: Sequence[Campaign],
    first: dt.date,
    last: dt.date,
    interval_minutes: int,
) -> dict[str, QueueArrivals]:
    """Arrivals of the campaigns' queues, each counted over the channels it is staffed for."""
    if last < first:
        return {}
    source = fact_source(council, first, last)
    short = float(kpi_settings_of(council).short_abandon_seconds)
    queues = {c.queue.queue_id: c.queue for c in campaigns}
    by_scope: dict[str, list[str]] = {}
    for queue_id, queue in queues.items():
        by_scope.setdefault(settings_of(queue).channels, []).append(queue_id)
    found: dict[str, QueueArrivals] = {}
    for scope, ids in sorted(by_scope.items()):
        query = ArrivalQuery(
            first, last, interval_minutes, short, tuple(ids), ChannelScope.channels_of(scope)
        )
        found.update(arrivals_by_interval(source, council.pk, query))
    return found


@dataclass
class CampaignPlan:
    """A planned campaign against its queue: the day's calls without it, the spike it adds,
    the calls the staff can take at the target, and a suggested staggering."""

    campaign: Campaign
    send_local: dt.datetime
    interval_minutes: int
    slots: list[tuple[dt.date, int]]  # open intervals, whole days from the send's day
    send_index: int | None
    response: LearntResponse
    curve_source: str  # "learnt", "assumed" or "none"
    curve: np.ndarray | None
    # Whose campaigns a learnt curve comes from: "queue" (this queue's own) or "pooled"
    # (every queue's, this one having too few); with the counts, for the page to say so.
    chosen: ChosenCurve | None = None
    rule: StaffingRule | None = None
    staff_source: str = "requirement"  # "rostered" or "requirement"
    rostered_any: bool = False
    baseline: np.ndarray = field(default_factory=lambda: np.zeros(0))
    agents: list[int] = field(default_factory=list)
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    extra: np.ndarray = field(default_factory=lambda: np.zeros(0))
    window: list[int] = field(default_factory=list)  # positions a chunk may be sent in
    staggering: Staggering | None = None

    @property
    def planned_calls(self) -> np.ndarray:
        return self.baseline + self.extra

    @property
    def over_as_planned(self) -> int:
        """Intervals the batch, sent at once, takes over what the staff can take at target."""
        return int(np.sum((self.extra > 1e-9) & (self.planned_calls > self.capacity + 1e-9)))

    @property
    def over_without(self) -> int:
        """Intervals shown that are over capacity even without the campaign."""
        shown = slice(self.shown.start, self.shown.stop)
        return int(np.sum(self.baseline[shown] > self.capacity[shown] + 1e-9))

    @property
    def breached(self) -> bool:
        return self.over_as_planned > 0

    @property
    def staggered_extra(self) -> np.ndarray | None:
        if self.staggering is None:
            return None
        return self.staggering.calls - self.baseline

    @property
    def shown(self) -> range:
        """Positions to show: the send's whole day, and after it while the response lasts."""
        if self.send_index is None or not self.slots:
            return range(0)
        send_day = self.slots[self.send_index][0]
        first = next(i for i, (day, _) in enumerate(self.slots) if day == send_day)
        last = max(i for i, (day, _) in enumerate(self.slots) if day == send_day)
        responding = [self.extra]
        if self.staggered_extra is not None:
            responding.append(self.staggered_extra)
        for extra in responding:
            nonzero = np.flatnonzero(extra > 0.005)
            if nonzero.size:
                last = max(last, int(nonzero[-1]))
        return range(first, last + 1)

    def labels(self) -> list[str]:
        """ "HH:MM" of each open interval, with the day when the response spans days."""
        shown = self.shown
        days = {self.slots[i][0] for i in shown}
        out = []
        for day, slot in self.slots:
            minutes = slot * self.interval_minutes
            clock = f"{minutes // 60:02d}:{minutes % 60:02d}"
            out.append(f"{day:%a} {clock}" if len(days) > 1 else clock)
        return out

    def send_label(self, index: int) -> tuple[dt.date, str]:
        day, slot = self.slots[index]
        minutes = slot * self.interval_minutes
        return day, f"{minutes // 60:02d}:{minutes % 60:02d}"


def campaign_plan(
    council: Council,
    campaign: Campaign,
    *,
    staff_source: str | None = None,
    today: dt.date | None = None,
) -> CampaignPlan:
    """The expected spike of a planned campaign on its queue, the capacity of the staff (the
    rostered staff less shrinkage, or the agents the forecast needs), and the fewest equal
    chunks, sent within the queue's opening hours on the day from the planned time, that keep
    every interval within that capacity."""
    interval = interval_minutes_of(council)
    responses = learn_responses(council, interval, today)
    response = responses[campaign.channel]
    chosen_curve = response.for_queue(campaign.queue.queue_id)
    curve: np.ndarray | None = chosen_curve.curve
    source = "learnt" if curve is not None else "none"
    if curve is None and campaign.assumed_calls_per_thousand is not None:
        curve = assumed_curve(
            campaign.assumed_calls_per_thousand, campaign.assumed_minutes or 60, interval
        )
        source = "assumed"
    send = local_send(council, campaign)
    queue = campaign.queue
    queue.plan = settings_of(queue)  # type: ignore[attr-defined]
    hours = _hours_by_queue(council, send.date()).get(queue.pk)
    calendar = working_calendar(council, include_closures=True)
    follow = (len(curve) if curve is not None else response.horizon) + 24 * 60 // interval
    slots, send_index = open_slots(hours, calendar, send, interval, follow)
    plan = CampaignPlan(
        campaign, send, interval, slots, send_index, response, source, curve, chosen_curve
    )
    if send_index is None:
        return plan
    # Chunks go out on the send's day, from the send on; the series then runs as far as the
    # response to the day's last possible send can reach.
    send_day = slots[send_index][0]
    window = [i for i in range(send_index, len(slots)) if slots[i][0] == send_day]
    slots = slots[: window[-1] + (len(curve) if curve is not None else 1)]
    plan.slots, plan.window = slots, window
    days = sorted({day for day, _ in slots})
    baseline_by_day: dict[dt.date, np.ndarray] = {}
    needed_by_day: dict[dt.date, list[int]] = {}
    rostered_by_day: dict[dt.date, np.ndarray] = {}
    for week in sorted({monday_of(day) for day in days}):
        forecast = forecasts_for_week(council, week, queues=[queue], interval_minutes=interval)[0]
        staffing = staffing_for(council, [forecast])[0]
        plan.rule = staffing.rule
        for row, day in enumerate(forecast.days):
            baseline_by_day[day] = forecast.mean[row]
            needed_by_day[day] = [n.agents for n in staffing.needs[row]]
            rostered_by_day[day] = staffing.rostered[row]
    assert plan.rule is not None
    keep = 1 - plan.rule.shrinkage
    rostered = [math.floor(rostered_by_day[d][i] * keep + 1e-9) for d, i in slots]
    plan.rostered_any = any(rostered)
    chosen = staff_source or ("rostered" if plan.rostered_any else "requirement")
    plan.staff_source = chosen
    plan.agents = rostered if chosen == "rostered" else [needed_by_day[d][i] for d, i in slots]
    plan.baseline = np.array([float(baseline_by_day[d][i]) for d, i in slots])
    plan.capacity = capacity_series(
        plan.agents,
        interval * 60,
        plan.rule.aht_seconds,
        plan.rule.target,
        plan.rule.patience_seconds,
    )
    if curve is None:
        plan.extra = np.zeros(len(slots))
        return plan
    plan.extra = expected_calls(curve, campaign.size, send_index, len(slots))
    # Where the queue is over capacity even without the campaign, staggering cannot help; it is
    # asked only to add no calls there (and to keep every other interval within capacity).
    room = np.maximum(plan.capacity, plan.baseline)
    plan.staggering = suggest_staggering(
        curve, campaign.size, plan.baseline, room, plan.window, max_chunks=MAX_CHUNKS
    )
    return plan
