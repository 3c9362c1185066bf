"""Every change planners make: one transaction, a permission check, an audit row each:
queue settings, events, scenarios, rostered staff, shift patterns, staff profiles, rosters,
the avoidable-demand assumptions and outbound campaigns.

Who may: `plan_staffing` (planners and team leaders), for their own council only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import created, record_change, snapshot
from frontdoor.core.models import Council, Queue, Service
from frontdoor.identity.models import User
from frontdoor.identity.policies import require

from . import selectors
from .engine.roster import Agent, RosterProblem, solve_roster
from .engine.roster import ShiftPattern as EngineShift
from .models import (
    AvoidableDemandSettings,
    Campaign,
    EventKind,
    PlannedEvent,
    QueuePlanningSettings,
    Roster,
    RosteredStaff,
    RosterShift,
    RosterStatus,
    Scenario,
    ShiftPattern,
    StaffProfile,
)

PERMISSION = selectors.PERMISSION
SETTINGS_FIELDS = (
    "channels",
    "aht_seconds",
    "target_kind",
    "target_service_level",
    "target_seconds",
    "target_asa_seconds",
    "shrinkage",
    "max_occupancy",
    "patience_seconds",
)
SCENARIO_FIELDS = ("name", "kind", "queue", "share", "date_from", "date_to", "wrap_code")
ROSTER_TIME_LIMIT = 20.0  # seconds the solver may take when a planner asks from the page


def _same_council(council: Council, *records: Any) -> None:
    for record in records:
        if record is not None and record.council_id != council.pk:
            raise ValidationError(_("That belongs to another council."))


def do_update_queue_settings(
    *, actor: Any, queue: Queue, values: Mapping[str, Any]
) -> QueuePlanningSettings:
    """Store how a queue is staffed (target, handle time, shrinkage, occupancy, patience)."""
    require(actor, PERMISSION, queue)
    with transaction.atomic():
        plan, created = QueuePlanningSettings.objects.select_for_update().get_or_create(
            queue=queue, defaults={"council_id": queue.council_id}
        )
        before = {} if created else snapshot(plan, SETTINGS_FIELDS)
        for name in SETTINGS_FIELDS:
            if name in values:
                setattr(plan, name, values[name])
        plan.full_clean()
        plan.save()
        after = snapshot(plan, SETTINGS_FIELDS)
        record_change(
            actor=actor,
            action="planning.update_queue_settings",
            instance=plan,
            changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
        )
    return plan


def do_add_event(
    *,
    actor: Any,
    council: Council,
    date: dt.date,
    kind: str,
    queue: Queue | None,
    description: str = "",
) -> PlannedEvent:
    """Enter a known event (a bill run, a campaign, a letter batch) on a date."""
    require(actor, PERMISSION, council)
    _same_council(council, queue)
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose the kind of event")})
    with transaction.atomic():
        if PlannedEvent.objects.filter(council=council, date=date, kind=kind, queue=queue).exists():
            raise ValidationError({"date": _("That event is already entered for that day")})
        event = PlannedEvent(
            council=council, date=date, kind=kind, queue=queue, description=description.strip()
        )
        event.full_clean()
        event.save()
        record_change(
            actor=actor,
            action="planning.add_event",
            instance=event,
            changes=created(event, ("date", "kind", "queue", "description")),
        )
    return event


def do_remove_event(*, actor: Any, event: PlannedEvent) -> None:
    require(actor, PERMISSION, event)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="planning.remove_event",
            instance=event,
            changes={"date": (event.date, None), "kind": (event.kind, None)},
        )
        event.delete()


def do_save_scenario(*, actor: Any, council: Council, values: Mapping[str, Any]) -> Scenario:
    """Store a named what-if (its result is computed when it is shown)."""
    require(actor, PERMISSION, council)
    _same_council(council, values.get("queue"))
    with transaction.atomic():
        if Scenario.objects.filter(council=council, name=values["name"]).exists():
            raise ValidationError({"name": _("A scenario with that name exists already")})
        scenario = Scenario(council=council, created_by=actor)
        for name in SCENARIO_FIELDS:
            if name in values:
                setattr(scenario, name, values[name])
        scenario.full_clean()
        scenario.save()
        record_change(
            actor=actor,
            action="planning.save_scenario",
            instance=scenario,
            changes={k: (None, v) for k, v in snapshot(scenario, SCENARIO_FIELDS).items()},
        )
    return scenario


def do_delete_scenario(*, actor: Any, scenario: Scenario) -> None:
    require(actor, PERMISSION, scenario)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="planning.delete_scenario",
            instance=scenario,
            changes={"name": (scenario.name, None)},
        )
        scenario.delete()


def do_enter_rostered_staff(
    *,
    actor: Any,
    queue: Queue,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    staff: int,
) -> RosteredStaff:
    """Enter the staff rostered on a queue for part of a day; replaces entries it overlaps."""
    require(actor, PERMISSION, queue)
    if not starts < ends:
        raise ValidationError({"ends": _("The end must be after the start")})
    with transaction.atomic():
        overlapping = RosteredStaff.objects.filter(
            queue=queue, date=date, starts__lt=ends, ends__gt=starts
        )
        for old in overlapping:
            record_change(
                actor=actor,
                action="planning.replace_rostered_staff",
                instance=old,
                changes={"staff": (old.staff, None)},
            )
        overlapping.delete()
        entry = RosteredStaff(
            council_id=queue.council_id,
            queue=queue,
            date=date,
            starts=starts,
            ends=ends,
            staff=staff,
        )
        entry.full_clean()
        entry.save()
        record_change(
            actor=actor,
            action="planning.enter_rostered_staff",
            instance=entry,
            changes=created(entry, ("queue", "date", "starts", "ends", "staff")),
        )
    return entry


def do_add_shift_pattern(
    *,
    actor: Any,
    council: Council,
    name: str,
    starts: dt.time,
    length_minutes: int,
    break_after_minutes: int = 0,
    break_minutes: int = 0,
) -> ShiftPattern:
    """A shift the roster may use."""
    require(actor, PERMISSION, council)
    with transaction.atomic():
        if ShiftPattern.objects.filter(council=council, name=name).exists():
            raise ValidationError({"name": _("A shift pattern with that name exists already")})
        pattern = ShiftPattern(
            council=council,
            name=name,
            starts=starts,
            length_minutes=length_minutes,
            break_after_minutes=break_after_minutes,
            break_minutes=break_minutes,
        )
        pattern.full_clean()
        pattern.save()
        record_change(
            actor=actor,
            action="planning.add_shift_pattern",
            instance=pattern,
            changes=created(
                pattern,
                ("name", "starts", "length_minutes", "break_after_minutes", "break_minutes"),
            ),
        )
    return pattern


def do_remove_shift_pattern(*, actor: Any, pattern: ShiftPattern) -> None:
    require(actor, PERMISSION, pattern)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="planning.remove_shift_pattern",
            instance=pattern,
            changes={"name": (pattern.name, None)},
        )
        pattern.delete()


def do_set_staff_profile(
    *,
    actor: Any,
    council: Council,
    user: User,
    contracted_hours: Decimal,
    max_days: int,
    skills: Iterable[Queue],
) -> StaffProfile:
    """A member of staff's contracted hours, most days a week and skills (queues)."""
    require(actor, PERMISSION, council)
    skills = list(skills)
    if user.council_id != council.pk:
        raise ValidationError(_("That member of staff belongs to another council."))
    _same_council(council, *skills)
    with transaction.atomic():
        profile, created = StaffProfile.objects.select_for_update().get_or_create(
            user=user,
            defaults={"council": council, "contracted_hours": contracted_hours},
        )
        before = (
            {}
            if created
            else {
                "contracted_hours": profile.contracted_hours,
                "max_days": profile.max_days,
                "skills": sorted(q.queue_id for q in profile.skills.all()),
            }
        )
        profile.contracted_hours = contracted_hours
        profile.max_days = max_days
        profile.full_clean()
        profile.save()
        profile.skills.set(skills)
        after = {
            "contracted_hours": profile.contracted_hours,
            "max_days": profile.max_days,
            "skills": sorted(q.queue_id for q in skills),
        }
        record_change(
            actor=actor,
            action="planning.set_staff_profile",
            instance=profile,
            changes={
                k: (before.get(k), ", ".join(v) if isinstance(v, list) else v)
                for k, v in after.items()
                if before.get(k) != v
            },
        )
    return profile


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _time_of(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def do_propose_roster(
    *,
    actor: Any,
    council: Council,
    week_start: dt.date,
    time_limit: float = ROSTER_TIME_LIMIT,
) -> Roster:
    """Propose a roster for the week: the requirement curve of every queue (staff after
    shrinkage, per interval), the council's shift patterns and its staff's contracts and skills
    go to the CP-SAT roster solver; its shifts are stored as a proposed roster to review."""
    require(actor, PERMISSION, council)
    if week_start.weekday() != 0:
        raise ValidationError({"week_start": _("A roster week starts on a Monday")})
    interval = selectors.interval_minutes_of(council)
    slots = 24 * 60 // interval
    forecasts = selectors.forecasts_for_week(council, week_start, interval_minutes=interval)
    staffing = selectors.staffing_for(council, forecasts)
    requirement = {s.forecast.queue.queue_id: s.required.astype(np.int64) for s in staffing}
    queues = {s.forecast.queue.queue_id: s.forecast.queue for s in staffing}
    notes: list[str] = []
    patterns: list[EngineShift] = []
    for pattern in selectors.shift_patterns_of(council):
        parts = (
            _minutes(pattern.starts),
            pattern.length_minutes,
            pattern.break_after_minutes,
            pattern.break_minutes,
        )
        if any(part % interval for part in parts):
            notes.append(
                _("%(name)s was left out: its times are not whole %(minutes)s-minute intervals.")
                % {"name": pattern.name, "minutes": interval}
            )
            continue
        if parts[0] + parts[1] >= 24 * 60:
            notes.append(_("%(name)s was left out: it runs to midnight.") % {"name": pattern.name})
            continue
        patterns.append(
            EngineShift(
                name=pattern.name,
                start=parts[0] // interval,
                length=parts[1] // interval,
                break_offset=parts[2] // interval,
                break_length=parts[3] // interval,
            )
        )
    profiles = [p for p in selectors.profiles_of(council) if {q.queue_id for q in p.skills.all()}]
    if not patterns:
        raise ValidationError(_("Add at least one shift pattern before proposing a roster"))
    if not profiles:
        raise ValidationError(
            _("Give at least one member of staff contracted hours and a queue they can answer")
        )
    agents = tuple(
        Agent(
            name=str(p.user_id),
            skills=frozenset(q.queue_id for q in p.skills.all()),
            contracted_intervals=int(p.contracted_hours * 60 // interval),
            max_days=p.max_days,
        )
        for p in profiles
    )
    problem = RosterProblem(
        days=7,
        intervals_per_day=slots,
        requirement=requirement,
        patterns=tuple(patterns),
        agents=agents,
    )
    result = solve_roster(problem, time_limit=time_limit, workers=2)
    by_name = {p.name: p for p in patterns}
    coverage = {q: np.zeros((7, slots), dtype=np.int64) for q in requirement}
    for shift in result.shifts:
        if shift.skill in coverage:
            coverage[shift.skill][shift.day, by_name[shift.pattern].working()] += 1
    shortfall = {q: np.maximum(requirement[q] - coverage[q], 0) for q in requirement}
    hours = interval / 60
    days = selectors.week_days(week_start)
    with transaction.atomic():
        roster = Roster.objects.create(
            council=council,
            week_start=week_start,
            interval_minutes=interval,
            solver_status=result.status,
            staff_hours=result.staff_intervals * hours,
            lower_bound_hours=result.lower_bound * hours,
            gap=result.gap if np.isfinite(result.gap) else None,
            uncovered_staff_intervals=int(sum(int(s.sum()) for s in shortfall.values())),
            unassigned_shifts=result.unassigned_shifts,
            seconds=result.seconds,
            requirement={q: need.tolist() for q, need in requirement.items()},
            shortfall={q: short.tolist() for q, short in shortfall.items()},
            notes=notes,
            created_by=actor,
        )
        users = {str(p.user_id): p.user for p in profiles}
        RosterShift.objects.bulk_create(
            [
                _roster_shift(
                    roster,
                    users[s.agent],
                    queues[s.skill],
                    days[s.day],
                    by_name[s.pattern],
                    interval,
                )
                for s in result.shifts
            ]
        )
        record_change(
            actor=actor,
            action="planning.propose_roster",
            instance=roster,
            changes={
                "week_start": (None, week_start),
                "solver_status": (None, result.status),
                "shifts": (None, len(result.shifts)),
                "staff_hours": (None, roster.staff_hours),
            },
        )
    return roster


def _roster_shift(
    roster: Roster, user: User, queue: Queue, day: dt.date, pattern: EngineShift, interval: int
) -> RosterShift:
    start = pattern.start * interval
    pause = (pattern.start + pattern.break_offset) * interval if pattern.break_length else None
    return RosterShift(
        roster=roster,
        user=user,
        queue=queue,
        date=day,
        pattern=pattern.name,
        starts=_time_of(start),
        ends=_time_of(start + pattern.length * interval),
        break_starts=_time_of(pause) if pause is not None else None,
        break_ends=(
            _time_of(pause + pattern.break_length * interval) if pause is not None else None
        ),
    )


def do_publish_roster(*, actor: Any, roster: Roster) -> Roster:
    """Publish a proposed roster: its shifts become the week's rostered staff; a roster
    published earlier for the same week is superseded."""
    require(actor, PERMISSION, roster)
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        if roster.status != RosterStatus.PROPOSED:
            raise ValidationError(_("Only a proposed roster can be published"))
        earlier = Roster.objects.select_for_update().filter(
            council_id=roster.council_id,
            week_start=roster.week_start,
            status=RosterStatus.PUBLISHED,
        )
        for old in earlier:
            old.status = RosterStatus.SUPERSEDED
            old.save(update_fields=["status"])
            record_change(
                actor=actor,
                action="planning.supersede_roster",
                instance=old,
                changes={"status": (RosterStatus.PUBLISHED, RosterStatus.SUPERSEDED)},
            )
        roster.status = RosterStatus.PUBLISHED
        roster.published_by = actor
        roster.published_at = timezone.now()
        roster.save(update_fields=["status", "published_by", "published_at"])
        record_change(
            actor=actor,
            action="planning.publish_roster",
            instance=roster,
            changes={"status": (RosterStatus.PROPOSED, RosterStatus.PUBLISHED)},
        )
    return roster


# --- avoidable demand -----------------------------------------------------------------------

AVOIDABLE_FIELDS = (
    "share_chasing",
    "share_not_right_first_time",
    "share_could_not_complete_online",
    "share_other",
    "share_type_not_recorded",
    "online_take_up",
    "productive_hours_per_fte_year",
)


def do_update_avoidable_assumptions(
    *, actor: Any, council: Council, values: Mapping[str, Any]
) -> AvoidableDemandSettings:
    """Store the council's avoidable-demand assumptions (shares as fractions, FTE hours)."""
    require(actor, PERMISSION, council)
    with transaction.atomic():
        stored, created = AvoidableDemandSettings.objects.select_for_update().get_or_create(
            council=council
        )
        before = {} if created else snapshot(stored, AVOIDABLE_FIELDS)
        for name in AVOIDABLE_FIELDS:
            if name in values:
                setattr(stored, name, values[name])
        stored.full_clean()
        stored.save()
        after = snapshot(stored, AVOIDABLE_FIELDS)
        record_change(
            actor=actor,
            action="planning.update_avoidable_assumptions",
            instance=stored,
            changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
        )
    return stored


def do_set_online_reasons(
    *, actor: Any, council: Council, service: Service, wrap_codes: Iterable[str]
) -> AvoidableDemandSettings:
    """Mark which of a service's contact reasons (wrap codes) a resident could deal with online."""
    require(actor, PERMISSION, council)
    _same_council(council, service)
    codes = sorted({code.strip() for code in wrap_codes if code and code.strip()})
    with transaction.atomic():
        stored, _created = AvoidableDemandSettings.objects.select_for_update().get_or_create(
            council=council
        )
        reasons = dict(stored.online_reasons or {})
        before = list(reasons.get(service.service_id, []))
        if codes:
            reasons[service.service_id] = codes
        else:
            reasons.pop(service.service_id, None)
        stored.online_reasons = reasons
        stored.full_clean()
        stored.save()
        if before != codes:
            record_change(
                actor=actor,
                action="planning.set_online_reasons",
                instance=stored,
                changes={
                    f"online_reasons.{service.service_id}": (", ".join(before), ", ".join(codes))
                },
            )
    return stored


# --- outbound campaigns ---------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "queue",
    "channel",
    "size",
    "planned_send_at",
    "sent",
    "sent_at",
    "notes",
    "assumed_calls_per_thousand",
    "assumed_minutes",
)


def _check_response(campaign: Campaign) -> None:
    if (campaign.assumed_calls_per_thousand is None) != (campaign.assumed_minutes is None):
        raise ValidationError(
            {
                "assumed_minutes": _(
                    "Enter both the calls per 1,000 messages and how long, or neither"
                )
            }
        )


def do_add_campaign(*, actor: Any, council: Council, values: Mapping[str, Any]) -> Campaign:
    """Enter an outbound campaign: planned, or sent already (to learn its response from)."""
    require(actor, PERMISSION, council)
    _same_council(council, values.get("queue"))
    campaign = Campaign(council=council, created_by=actor)
    for name in CAMPAIGN_FIELDS:
        if name in values:
            setattr(campaign, name, values[name])
    if campaign.sent and campaign.sent_at is None:
        campaign.sent_at = campaign.planned_send_at
    if not campaign.sent:
        campaign.sent_at = None
    _check_response(campaign)
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        record_change(
            actor=actor,
            action="planning.add_campaign",
            instance=campaign,
            changes={k: (None, v) for k, v in snapshot(campaign, CAMPAIGN_FIELDS).items()},
        )
    return campaign


def do_mark_campaign_sent(*, actor: Any, campaign: Campaign, sent_at: dt.datetime) -> Campaign:
    """Record that a planned campaign went, and when: from then on it teaches the response."""
    require(actor, PERMISSION, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.sent:
            raise ValidationError(_("That campaign is already marked as sent"))
        campaign.sent, campaign.sent_at = True, sent_at
        campaign.full_clean()
        campaign.save(update_fields=["sent", "sent_at"])
        record_change(
            actor=actor,
            action="planning.mark_campaign_sent",
            instance=campaign,
            changes={"sent": (False, True), "sent_at": (None, sent_at)},
        )
    return campaign


def do_set_campaign_response(
    *,
    actor: Any,
    campaign: Campaign,
    calls_per_thousand: float | None,
    minutes: int | None,
) -> Campaign:
    """The response to assume for a campaign whose channel has no sent campaign to learn from."""
    require(actor, PERMISSION, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        fields = ("assumed_calls_per_thousand", "assumed_minutes")
        before = snapshot(campaign, fields)
        campaign.assumed_calls_per_thousand = calls_per_thousand
        campaign.assumed_minutes = minutes
        _check_response(campaign)
        campaign.full_clean()
        campaign.save(update_fields=list(fields))
        after = snapshot(campaign, fields)
        record_change(
            actor=actor,
            action="planning.set_campaign_response",
            instance=campaign,
            changes={k: (before[k], v) for k, v in after.items() if before[k] != v},
        )
    return campaign


def do_delete_campaign(*, actor: Any, campaign: Campaign) -> None:
    require(actor, PERMISSION, campaign)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="planning.delete_campaign",
            instance=campaign,
            changes={"name": (campaign.name, None), "size": (campaign.size, None)},
        )
        campaign.delete()
