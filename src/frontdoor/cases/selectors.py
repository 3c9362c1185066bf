"""Reads of cases: their clocks' calendars and policies, the case page, worklists, handovers.

Clocks: the bank holidays and closure days come from `core.calendars` (one query each); this
module chooses which divisions a clock counts and wraps them with how far GOV.UK's data reaches,
and turns a case type into the clock policies a new case keeps (`case_policies`).

Cases: every read filters on the viewer's councils and on sensitivity (restricted and
safeguarding cases need open_restricted; opening one needs a reason that goes into the access
log), and logs the view. `case_page` reads everything the case page shows in a fixed number of
statements whatever the length of the case's history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import subject_ref
from frontdoor.citizens.models import (
    ContactPoint,
    ContactPointKind,
    PartyRoleKind,
    PreferredChannel,
)
from frontdoor.core.calendars.actions import ensure_bank_holidays
from frontdoor.core.calendars.engine import OpeningHours, TimeRange, WorkingCalendar
from frontdoor.core.calendars.models import BankHoliday, OpeningException, OpeningPattern
from frontdoor.core.calendars.selectors import calendar_horizon, closure_days_of, working_calendar
from frontdoor.core.models import Council, Division, Queue, Sensitivity, Service
from frontdoor.core.selectors import family_on
from frontdoor.identity.models import Team, TeamMembership
from frontdoor.identity.policies import council_ids_for
from frontdoor.notify.models import FINAL_STATUSES, MessageChannel, MessageStatus, OutboundMessage
from frontdoor.notify.selectors import messages_regarding

from . import policies
from .engine import due_date
from .engine import kpis as kpi_engine
from .engine.clocks import (
    Clock,
    ClockCalendar,
    ClockError,
    ClockEvent,
    EventKind,
    Status,
    clock_status,
    compute_clock,
    deadline_status,
)
from .engine.hours import OpeningTime, compute_hour_clock
from .engine.policies import (
    COUNCIL_DAYS,
    DEFAULT_PROCEDURE,
    CalendarRule,
    ClockPolicy,
    ClockSettings,
    PolicyError,
    WaitReason,
    clock_settings_from_data,
    policy_from_data,
    policy_to_data,
)
from .models import (
    Case,
    CaseAttachment,
    CaseClockEvent,
    CaseEscalation,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseParty,
    CaseType,
    ClockEventKind,
    ClockStatus,
    Deadline,
    Handover,
    HandoverStatus,
    ResidentUpdates,
    StatusUpdateRule,
)

logger = logging.getLogger(__name__)

DEFAULT_DIVISION = Division.ENGLAND_AND_WALES.value
# The key of the council's settings JSON that holds its clock settings.
SETTINGS_KEY = "clocks"


def clock_settings_of(council: Council | None) -> ClockSettings:
    """The council's clock settings (complaint procedure, member-enquiry standard, named service
    standards, due-soon days), or the install's defaults. Raises PolicyError when the stored
    settings are malformed, naming the key.

    A council that has chosen no complaint procedure gets its division's preset (the SPSO's
    model procedure in Scotland, where it is mandatory); with no council the default is
    hos-lgsco-2024 whatever the division, as the issue specifies for `frontdoor due_date`.
    """
    if council is None:
        return ClockSettings(complaint_procedure=DEFAULT_PROCEDURE)
    return clock_settings_from_data((council.settings or {}).get(SETTINGS_KEY))


# The key of the council's settings JSON for escalations: {"digest_over": 5}.
ESCALATION_SETTINGS_KEY = "escalations"
# One run of the check emails a member of staff about at most this many escalations one by one;
# more, and they get one digest instead (the first import of a council's cases escalates hundreds).
DEFAULT_DIGEST_OVER = 5


def escalation_digest_over(council: Council) -> int:
    """How many escalation emails one run of the check may send a member of staff before it
    sends them one digest instead: the council's `escalations.digest_over`, or 5.

    A malformed setting falls back to the default (and is logged) rather than stopping the
    escalation emails altogether.
    """
    stored = (council.settings or {}).get(ESCALATION_SETTINGS_KEY) or {}
    raw = stored.get("digest_over") if isinstance(stored, dict) else None
    if raw is None or raw == "":
        return DEFAULT_DIGEST_OVER
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raw = "not a number"
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        logger.warning(
            "council %s: escalations.digest_over %r is not a whole number of 0 or more; using %s",
            council,
            raw,
            DEFAULT_DIGEST_OVER,
        )
        return DEFAULT_DIGEST_OVER
    return value


def clock_calendar(
    rule: CalendarRule,
    *,
    division: str,
    council: Council | None = None,
    horizon: dt.date | None = None,
) -> ClockCalendar:
    """The working days a clock with `rule` counts for a council of `division`.

    With no council there are no closure days. `horizon` (GOV.UK's last date) may be passed in
    when already known, saving its query.
    """
    # working_calendar reads only the division from the council when closures are left out, so
    # an unsaved council stands for "a council of this division" when none is named.
    holder = council if council is not None else Council(division=division)
    holidays = working_calendar(holder, include_closures=False, divisions=rule.divisions(division))
    covers = None
    if holidays.holidays:
        covers = (
            dt.date(holidays.holidays[0].year, 1, 1),
            dt.date(holidays.holidays[-1].year, 12, 31),
        )
    working = holidays
    if rule.closures and council is not None:
        closures = closure_days_of(council).values_list("date", flat=True)
        working = holidays.union(WorkingCalendar.of(closures))
    return ClockCalendar(
        working=working,
        confirmed_until=horizon if horizon is not None else calendar_horizon(),
        covers=covers,
    )


def calendar_source(*, division: str, council: Council | None = None) -> due_date.CalendarSource:
    """A function from a calendar rule to its calendar, reading each rule's days once."""
    built: dict[CalendarRule, ClockCalendar] = {}
    horizon: list[dt.date | None] = []

    def calendar_for(rule: CalendarRule) -> ClockCalendar:
        if rule not in built:
            if not horizon:
                horizon.append(calendar_horizon())
            built[rule] = clock_calendar(
                rule, division=division, council=council, horizon=horizon[0]
            )
        return built[rule]

    return calendar_for


def due_date_answer(
    clock_type: str,
    received: dt.date,
    *,
    division: str | None = None,
    policy: str | None = None,
    council: Council | None = None,
) -> dict[str, Any]:
    """Exactly what `frontdoor due_date` prints and GET /api/due-date returns.

    With a council: its division, closure days and clock settings. Without: `division`
    (England and Wales by default), no closure days and the default policies. A division that
    contradicts the council's is refused rather than silently ignored. Raises PolicyError or
    ClockError (both ValueErrors) with a message for the user.
    """
    if council is not None:
        if division is not None and division != council.division:
            raise ValueError(
                f"{council.slug} is in {council.division}; leave out the division or give "
                f"{council.division}"
            )
        division = council.division
    division = division or DEFAULT_DIVISION
    if division not in Division.values:
        raise ValueError(f"unknown division {division!r}; expected one of {Division.values}")
    return due_date.answer(
        clock_type,
        received,
        division=division,
        settings=clock_settings_of(council),
        calendars=calendar_source(division=division, council=council),
        policy=policy,
    )


# Cases ------------------------------------------------------------------------------------------
# Everything below reads cases, filtered to what the viewer may see, and logs each view.

CASE_VIEW = "cases.case"
WORKLIST_VIEW = "cases.worklist"
INBOX_VIEW = "cases.handovers"

# A worklist shows at most this many cases (the oldest deadlines first); counts cover them all.
WORKLIST_LIMIT = 200


class ReasonRequired(PermissionDenied):
    """A restricted case opens only with a reason (the viewer may open it, but must say why)."""


# The clock each kind of case keeps --------------------------------------------------------------

# The `due_date` clock type of each kind whose clock the law (or the council's settings) sets.
KIND_CLOCK_TYPES = {
    CaseKind.FOI: "foi",
    CaseKind.EIR: "eir",
    CaseKind.SAR: "sar",
    CaseKind.ERASURE: "erasure",
    CaseKind.RECTIFICATION: "rectification",
    CaseKind.DP_COMPLAINT: "dp-complaint",
    CaseKind.MEMBER_ENQUIRY: "member-enquiry",
    CaseKind.COMPLIMENT: "compliment",
    CaseKind.COMMENT: "comment",
}


def case_policies(council: Council, case_type: CaseType, service: Service) -> dict[str, Any]:
    """The clock a new case of `case_type` for `service` keeps: {"name", "stages": [policy data]}.

    A complaint keeps every stage of its procedure; a service request keeps the standard named
    after its service in the council's settings, or else its type's; the statutory kinds keep
    the law's clock for the council's division; compliments and comments keep none. Raises
    PolicyError for a policy the council's settings cannot give (a case cannot be opened then).
    """
    if case_type.clock_params:
        policy = policy_from_data(case_type.clock_params, f"case type {case_type.type_id}")
        return _snapshot(policy.name, [policy])
    settings = clock_settings_of(council)
    division = council.division
    if case_type.kind == CaseKind.COMPLAINT:
        procedure = settings.procedure(case_type.clock_policy or None, division)
        return _snapshot(procedure.name, list(procedure.stages))
    if case_type.kind == CaseKind.SERVICE_REQUEST:
        standard = (
            service.service_id if service.service_id in settings.standards else ""
        ) or case_type.clock_policy
        if not standard:
            return {"name": "no-clock", "stages": []}
        policy = due_date.policy_for(
            "service-request", division=division, settings=settings, policy=standard
        )
    else:
        policy = due_date.policy_for(
            KIND_CLOCK_TYPES[CaseKind(case_type.kind)], division=division, settings=settings
        )
    if policy.respond is None and policy.acknowledge is None:
        return {"name": policy.name, "stages": []}
    return _snapshot(policy.name, [policy])


def _snapshot(name: str, stages: list[ClockPolicy]) -> dict[str, Any]:
    if len(stages) > 1 and any(policy.hour_based for policy in stages):
        # Only a one-stage service standard counts hours (a complaint stage counts days).
        raise PolicyError(f"{name}: only a service standard may count hours")
    return {"name": name, "stages": [policy_to_data(policy) for policy in stages]}


# Hours within opening hours ---------------------------------------------------------------------


def queue_of_service(council: Council, service: Service, day: dt.date) -> Queue | None:
    """The queue that answers `service` on `day`: its family's own queue (the one carrying the
    family's id), else the family's first queue; None when the service has no family or queue."""
    memberships = list(service.memberships.select_related("family").order_by("valid_from"))
    family = family_on(memberships, day)
    if family is None:
        return None
    queues = list(Queue.objects.filter(council=council, family=family).order_by("pk"))
    for queue in queues:
        if queue.queue_id == family.family_id:
            return queue
    return queues[0] if queues else None


def service_opening_hours(
    council: Council, service: Service, start: dt.date, *, closures: bool = True
) -> OpeningHours | None:
    """The opening hours an hour-based standard of `service` counts, from `start` on: its
    queue's current weekly pattern and its exceptions, closed on the bank holidays of the
    council's division and (with `closures`) on the council's closure days unless an exception
    opens them. None when the service has no queue. A few queries whatever the dates."""
    queue = queue_of_service(council, service, start)
    if queue is None:
        return None
    ensure_bank_holidays()
    weekly: dict[int, list[TimeRange]] = {day: [] for day in range(1, 8)}
    for pattern in OpeningPattern.objects.filter(queue=queue):
        weekly[pattern.weekday].append(TimeRange(pattern.opens, pattern.closes))
    exceptions: dict[dt.date, list[TimeRange]] = {}
    for exception in OpeningException.objects.filter(queue=queue, date__gte=start):
        ranges = exceptions.setdefault(exception.date, [])
        if not exception.closed and exception.opens is not None and exception.closes is not None:
            ranges.append(TimeRange(exception.opens, exception.closes))
    closed = set(
        BankHoliday.objects.filter(division=council.division, date__gte=start).values_list(
            "date", flat=True
        )
    )
    if closures:
        closed |= set(closure_days_of(council, start=start).values_list("date", flat=True))
    return OpeningHours(
        zone=council.zone,
        weekly={day: tuple(ranges) for day, ranges in weekly.items()},
        exceptions={day: tuple(ranges) for day, ranges in exceptions.items()},
        closed_dates=frozenset(closed),
    )


def received_moment(case: Case, council: Council) -> dt.datetime:
    """When the case was received: its stored moment, else its contact's, else the start of its
    local receipt date (before any opening time, so the whole of that day's hours count)."""
    if case.received_at is not None:
        return case.received_at
    return dt.datetime.combine(case.received_on, dt.time(), tzinfo=council.zone)


def _hour_clock(
    case: Case, council: Council, policy: ClockPolicy, events: Iterable[CaseClockEvent]
) -> Clock:
    """The hour-based standard of a case, over its service's queue's opening hours."""
    received_at = received_moment(case, council)
    start = received_at.astimezone(council.zone).date()
    hours = service_opening_hours(council, case.service, start, closures=policy.calendar.closures)
    if hours is None:
        raise ClockError(
            f"{case.service.service_id} has no queue with opening hours to count hours over"
        )
    engine = []
    for event in engine_events(events):
        if event.kind is EventKind.RESPONDED and event.at is None:
            # A response recorded for a past day without a time counts at that day's end:
            # never earlier than it may have been.
            end = dt.datetime.combine(event.on, dt.time(23, 59, 59), tzinfo=council.zone)
            event = dataclasses.replace(event, at=end)
        engine.append(event)
    return compute_hour_clock(policy, received_at, engine, OpeningTime(hours))


def stage_policy(case: Case, stage: int | None = None) -> ClockPolicy | None:
    """The clock policy the case keeps for `stage` (its current stage by default)."""
    stages = case.policy.get("stages") or []
    number = stage or case.stage
    if not 1 <= number <= len(stages):
        return None
    return policy_from_data(stages[number - 1], f"{case.reference} stage {number}")


@dataclass(frozen=True)
class CaseClock:
    """A case's current-stage clock replayed, with its statuses on a day."""

    policy: ClockPolicy
    clock: Clock
    status: Status
    acknowledgement: Status


def engine_events(events: Iterable[CaseClockEvent]) -> list[ClockEvent]:
    """Stored clock events as the engine's, in date order (same-day ones in recorded order)."""
    # An event not yet saved (being checked before it is recorded) comes after the others.
    ordered = sorted(events, key=lambda e: (e.on, e.recorded_at, e.pk is None, e.pk or 0))
    return [
        ClockEvent(
            kind=EventKind(e.kind),
            on=e.on,
            reason=WaitReason(e.reason) if e.reason else None,
            amount=e.amount,
            note=e.note,
            at=e.at,
        )
        for e in ordered
    ]


def replay_clock(
    case: Case,
    council: Council,
    events: Iterable[CaseClockEvent],
    *,
    today: dt.date,
    calendars: due_date.CalendarSource | None = None,
    now: dt.datetime | None = None,
) -> CaseClock | None:
    """The case's current-stage clock from `events`; None when the case keeps no clock.

    Raises ClockError (a ValueError) when the events are a history the policy does not allow.
    """
    policy = stage_policy(case)
    if policy is None:
        return None
    calendars = calendars or calendar_source(division=council.division, council=council)
    calendar = calendars(policy.calendar)
    if policy.hour_based:
        clock = _hour_clock(case, council, policy, events)
    else:
        clock = compute_clock(policy, case.stage_received_on, engine_events(events), calendar)
    due_soon = clock_settings_of(council).due_soon_working_days
    return CaseClock(
        policy=policy,
        clock=clock,
        status=clock_status(
            clock,
            today=today,
            calendar=calendar.working,
            due_soon_working_days=due_soon,
            now=now or timezone.now(),
        ),
        # A response sent before any acknowledgement answers both.
        acknowledgement=deadline_status(
            clock.acknowledge_by,
            clock.acknowledged_on or clock.responded_on,
            today=today,
            calendar=calendar.working,
            due_soon_working_days=due_soon,
        ),
    )


def live_status(
    cached: str, deadline: dt.date | None, done_on: dt.date | None, today: dt.date
) -> str:
    """A cached status brought up to `today` without a calendar: an open deadline that has
    passed is overdue even if the daily check has not run yet."""
    if deadline is None or done_on is not None or cached == ClockStatus.WAITING:
        return cached
    if today > deadline:
        return ClockStatus.OVERDUE
    return cached


def local_today(council: Council) -> dt.date:
    return council.local_date(timezone.now())


def due_soon_limit(council: Council, today: dt.date, working: WorkingCalendar) -> dt.date:
    """The last date that is "due soon" on `today`: within the council's due-soon working days
    (non-working days before the next working day count with it)."""
    days = clock_settings_of(council).due_soon_working_days
    return working.add_working_days(today, days + 1) - dt.timedelta(days=1)


def overdue_filter(today: dt.date, now: dt.datetime | None = None) -> Q:
    """Open deadlines past: a response not given by its due date, or an acknowledgement not
    sent by its date (a late acknowledgement is its own breach). Waiting stops the response.
    With `now`, an hour-based standard is overdue from its due moment, not the next day."""
    past = Q(due__lt=today)
    if now is not None:
        past |= Q(due_at__lt=now)
    response = Q(responded_on__isnull=True) & past & ~Q(waiting_for__gt="")
    acknowledgement = Q(
        acknowledged_on__isnull=True, responded_on__isnull=True, acknowledge_by__lt=today
    )
    return response | acknowledgement


def due_soon_filter(today: dt.date, limit: dt.date, now: dt.datetime | None = None) -> Q:
    """Open deadlines from today to `limit` (and none already past)."""
    response = Q(responded_on__isnull=True, due__gte=today, due__lte=limit) & ~Q(waiting_for__gt="")
    acknowledgement = Q(
        acknowledged_on__isnull=True,
        responded_on__isnull=True,
        acknowledge_by__gte=today,
        acknowledge_by__lte=limit,
    )
    return (response | acknowledgement) & ~overdue_filter(today, now)


# Which cases the viewer may see -----------------------------------------------------------------


def cases_visible_to(viewer: Any, council: Council) -> QuerySet[Case]:
    """The council's cases at the sensitivities the viewer may open (PermissionDenied when the
    viewer may not read cases of the council at all)."""
    policies.require_read_cases(viewer, council)
    if council.pk not in council_ids_for(viewer):
        raise PermissionDenied("council")
    return Case.objects.filter(
        council=council, sensitivity__in=policies.visible_sensitivities(viewer, council)
    )


def team_ids_of(viewer: Any, council: Council, *, leading: bool = False) -> set[int]:
    """The viewer's teams in the council (those they lead, with `leading`)."""
    if not getattr(viewer, "is_authenticated", False):
        return set()
    memberships = TeamMembership.objects.filter(user=viewer, team__council=council)
    if leading:
        memberships = memberships.filter(is_leader=True)
    return set(memberships.values_list("team_id", flat=True))


def teams_of(viewer: Any, council: Council) -> list[Team]:
    """The viewer's teams in the council, by name."""
    return list(Team.objects.filter(council=council, teammembership__user=viewer).order_by("name"))


def case_types_of(council: Council, *, active_only: bool = True) -> QuerySet[CaseType]:
    types = CaseType.objects.filter(council=council)
    return types.filter(active=True) if active_only else types


def configurable_case_type(viewer: Any, council: Council, type_id: str) -> CaseType:
    """One of the council's case types, for an administrator to configure (404 otherwise)."""
    policies.require_configure(viewer, council)
    case_type = CaseType.objects.filter(council=council, type_id=type_id).first()
    if case_type is None:
        raise Http404("case type")
    return case_type


def configurable_case_types(viewer: Any, council: Council) -> list[CaseType]:
    """All the council's case types, active or not, for its administrators."""
    policies.require_configure(viewer, council)
    return list(CaseType.objects.filter(council=council).order_by("name"))


def procedure_choices(council: Council) -> list[tuple[str, str]]:
    """The complaints procedures a case type may follow: the council's chosen one by default,
    the presets, and the council's own."""
    from .engine.policies import PRESET_PROCEDURES, default_procedure_for

    settings = clock_settings_of(council)
    default = settings.complaint_procedure or default_procedure_for(council.division)
    choices = [("", _("The council's procedure (%(name)s)") % {"name": default})]
    for name in sorted({*PRESET_PROCEDURES, *settings.procedures}):
        choices.append((name, name))
    return choices


def clock_summary(case_type: CaseType) -> str:
    """A case type's clock in a few words, for the list of types."""
    if case_type.clock_params:
        try:
            return str(policy_from_data(case_type.clock_params).respond or _("No limit"))
        except PolicyError:
            return _("Not valid")
    if case_type.clock_policy:
        return case_type.clock_policy
    if case_type.kind == CaseKind.SERVICE_REQUEST:
        return _("Set per service, or none")
    if case_type.kind in (CaseKind.COMPLIMENT, CaseKind.COMMENT):
        return _("No clock")
    if case_type.kind == CaseKind.COMPLAINT:
        return _("The council's procedure")
    return _("Set by law")


def case_subject(case: Case, roles: Iterable[CaseParty] | None = None) -> str:
    """Whose key seals free text about the case in the logs: its subject (or requester) party,
    else the case itself (an anonymous case)."""
    roles = list(case.party_roles.all()) if roles is None else list(roles)
    for wanted in (PartyRoleKind.SUBJECT, PartyRoleKind.REQUESTER, PartyRoleKind.REPRESENTATIVE):
        for role in roles:
            if role.role == wanted:
                return f"citizens.party:{role.party_id}"
    return subject_ref(case)


def open_case(
    viewer: Any,
    council: Council,
    reference: str,
    *,
    reason: str = "",
    view: str = CASE_VIEW,
    queryset: QuerySet[Case] | None = None,
) -> Case:
    """The case with `reference` if the viewer may open it; logs the opening.

    A restricted or safeguarding case needs open_restricted and a `reason` (ReasonRequired
    without one), sealed into the access log as a break-glass entry. Anyone else gets a 404,
    never a hint that the case exists.
    """
    policies.require_read_cases(viewer, council)
    base = queryset if queryset is not None else _case_queryset()
    case = base.filter(council=council, reference=reference.upper()).first()
    if case is None or council.pk not in council_ids_for(viewer):
        raise Http404("case")
    if case.restricted:
        if not policies.may_open_restricted(viewer, case):
            raise Http404("case")
        if not reason.strip():
            raise ReasonRequired("a reason is needed to open a restricted case")
        record_access(
            actor=viewer,
            view=view,
            instance=case,
            subject=case_subject(case),
            kind=AccessKind.BREAK_GLASS,
            detail=reason.strip(),
        )
    else:
        record_access(actor=viewer, view=view, instance=case, subject=case_subject(case))
    return case


def _case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "council",
        "case_type",
        "service",
        "owner_team",
        "owner",
        "opened_by",
        "opened_from",
        "stage_1_handler",
    ).prefetch_related(
        Prefetch("party_roles", queryset=CaseParty.objects.select_related("party").order_by("pk"))
    )


# The case page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyView:
    """A party on the case as the viewer may see it (a restricted party's name hidden)."""

    role: str
    role_label: str
    name: str
    reference: str
    party_id: int
    hidden: bool


@dataclass(frozen=True)
class TimelineItem:
    """An entry of the MOJ timeline: a label, a byline, a time and a description."""

    kind: str
    label: str
    at: dt.datetime
    by: str
    text: str
    restricted: bool = False


@dataclass(frozen=True)
class CasePage:
    case: Case
    today: dt.date
    parties: list[PartyView]
    timeline: list[TimelineItem]
    attachments: list[CaseAttachment]
    handovers: list[Handover]
    pending_handover: Handover | None
    escalations: Sequence[CaseEscalation]
    allowed_statuses: list[tuple[str, str]]
    may_work: bool
    may_note: bool
    may_decide_handover: bool
    acknowledgement_status: str
    response_status: str
    viewer_team_ids: set[int] = field(default_factory=set)
    # The escalations of the case (by id) the viewer may acknowledge.
    may_acknowledge_ids: frozenset[int] = frozenset()

    @property
    def acknowledgement_label(self) -> str:
        return str(ClockStatus(self.acknowledgement_status).label)

    @property
    def response_label(self) -> str:
        return str(ClockStatus(self.response_status).label)


def case_page(viewer: Any, council: Council, reference: str, *, reason: str = "") -> CasePage:
    """Everything the case page shows, as the viewer may see it, in a fixed number of reads.

    Restricted notes, files and timeline entries are left out for viewers without
    open_restricted (on a normal case; a restricted case opens only for them anyway).
    """
    case = open_case(viewer, council, reference, reason=reason)
    visible = policies.visible_sensitivities(viewer, council)
    may_restricted = policies.may_open_restricted(viewer, case)
    parties = [
        PartyView(
            role=role.role,
            role_label=str(PartyRoleKind(role.role).label),
            name=role.party.display_name if _party_visible(role, may_restricted) else "",
            reference=role.party.reference if _party_visible(role, may_restricted) else "",
            party_id=role.party_id,
            hidden=not _party_visible(role, may_restricted),
        )
        for role in case.party_roles.all()
    ]
    events = list(
        CaseEvent.objects.filter(case=case, sensitivity__in=visible)
        .select_related(
            "actor",
            "person",
            "note",
            "attachment",
            "clock_event",
            "handover__from_team",
            "handover__to_team",
            "handover__service",
        )
        .order_by("-at", "-pk")
    )
    handovers = list(
        Handover.objects.filter(case=case)
        .select_related("from_team", "to_team", "service", "sent_by", "decided_by")
        .order_by("-sent_at", "-pk")
    )
    attachments = list(case.attachments.filter(sensitivity__in=visible).order_by("-uploaded_at"))
    # Whether each escalation went to the viewer is read with it, not per escalation.
    escalations = list(
        case.escalations.select_related("team", "acknowledged_by")
        .annotate(to_viewer=_escalated_to(viewer))
        .order_by("-escalated_at", "-pk")
    )
    memberships = _memberships_of(viewer, council)
    team_ids = set(memberships)
    leading = {team_id for team_id, leader in memberships.items() if leader}
    pending = next((h for h in handovers if h.status == HandoverStatus.PENDING), None)
    may_work = policies.may_work(viewer, case)
    today = local_today(council)
    # The outbox is read (once) only when the timeline has updates to the resident on it.
    messages = (
        {message.pk: message for message in messages_regarding(council, f"case:{case.pk}")}
        if any((event.data or {}).get("message") for event in events)
        else {}
    )
    timeline = [
        item
        for event in events
        for item in (
            _message_items(event, messages.get(int((event.data or {}).get("message") or 0)))
            if event.kind == CaseEventKind.MESSAGE
            else [_timeline_item(event)]
        )
    ]
    # A message's later steps (sent, delivered) happen after the entries recorded with it.
    timeline.sort(key=lambda item: item.at, reverse=True)
    return CasePage(
        case=case,
        today=today,
        parties=parties,
        timeline=timeline,
        attachments=attachments,
        handovers=handovers,
        pending_handover=pending,
        escalations=escalations,
        allowed_statuses=[
            (code, case.case_type.status_label(code))
            for code in case.case_type.allowed_from(case.status)
        ],
        may_work=may_work,
        may_note=policies.may_note(viewer, case),
        may_decide_handover=pending is not None and may_work and pending.to_team_id in team_ids,
        acknowledgement_status=live_status(
            case.acknowledgement_status,
            case.acknowledge_by,
            case.acknowledged_on or case.responded_on,
            today,
        ),
        response_status=(
            ClockStatus.OVERDUE
            if case.due_at is not None
            and case.responded_on is None
            and timezone.now() > case.due_at
            else live_status(case.clock_status, case.due, case.responded_on, today)
        ),
        viewer_team_ids=team_ids,
        may_acknowledge_ids=frozenset(
            escalation.pk
            for escalation in escalations
            if escalation.acknowledged_at is None
            and policies.may_acknowledge_escalation(
                viewer, escalation, recipient=escalation.to_viewer, leading_team_ids=leading
            )
        ),
    )


def _escalated_to(viewer: Any) -> Exists:
    """Whether an escalation went to the viewer, as a column of the escalation's own query."""
    return Exists(
        CaseEscalation.escalated_to.through.objects.filter(
            caseescalation_id=OuterRef("pk"),
            # Nobody signed in: 0, an id no user has.
            user_id=int(getattr(viewer, "pk", None) or 0),
        )
    )


def _memberships_of(viewer: Any, council: Council) -> dict[int, bool]:
    """The viewer's teams in the council, each with whether they lead it (one query)."""
    if not getattr(viewer, "is_authenticated", False):
        return {}
    return dict(
        TeamMembership.objects.filter(user=viewer, team__council=council).values_list(
            "team_id", "is_leader"
        )
    )


def _party_visible(role: CaseParty, may_restricted: bool) -> bool:
    return role.party.sensitivity == Sensitivity.NORMAL or may_restricted


def _day(value: Any) -> str:
    from django.utils.formats import date_format

    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "j F Y")


CLOCK_WORDS: dict[tuple[str, str], Any] = {
    (ClockEventKind.WAIT_STARTED, "clarification"): gettext_lazy("Asked the requester to clarify"),
    (ClockEventKind.WAIT_ENDED, "clarification"): gettext_lazy("Clarification received"),
    (ClockEventKind.WAIT_STARTED, "fee"): gettext_lazy("Fee asked for"),
    (ClockEventKind.WAIT_ENDED, "fee"): gettext_lazy("Fee paid"),
    (ClockEventKind.WAIT_STARTED, "identity"): gettext_lazy("Identity evidence asked for"),
    (ClockEventKind.WAIT_ENDED, "identity"): gettext_lazy("Identity evidence received"),
}


def clock_event_label(kind: str, reason: str = "", amount: int | None = None) -> str:
    """How a clock event reads on the timeline: "Fee paid", "Extended by 10 days"."""
    if (kind, reason) in CLOCK_WORDS:
        return str(CLOCK_WORDS[(kind, reason)])
    if kind == ClockEventKind.EXTENDED and amount:
        return _("Extended by %(amount)s days") % {"amount": amount}
    return str(ClockEventKind(kind).label)


def _timeline_item(event: CaseEvent) -> TimelineItem:
    data = event.data or {}
    by = event.actor.display_name if event.actor else _("Frontdoor")
    kind = CaseEventKind(event.kind)
    label, text = str(kind.label), ""
    if kind is CaseEventKind.OPENED:
        text = _("Received on %(day)s.") % {"day": _day(data["received_on"])}
        if data.get("contact"):
            text += " " + _("Opened from contact %(contact)s.") % {"contact": data["contact"]}
        if data.get("imported"):
            text += " " + _("Imported from %(source)s (%(id)s).") % {
                "source": data["imported"],
                "id": data.get("source_id", ""),
            }
    elif kind is CaseEventKind.STATUS_CHANGED:
        label = _("Status changed to %(status)s") % {"status": data.get("to_label", "")}
        text = _("It was %(status)s.") % {"status": data.get("from_label", "")}
    elif kind is CaseEventKind.ASSIGNED:
        if event.person is not None:
            label = _("Assigned to %(name)s") % {"name": event.person.display_name}
        else:
            label = _("Unassigned")
        if data.get("team"):
            text = _("Team: %(team)s.") % {"team": data["team"]}
    elif kind is CaseEventKind.NOTE and event.note is not None:
        text = event.note.text
    elif kind is CaseEventKind.ATTACHMENT and event.attachment is not None:
        text = event.attachment.name
    elif kind in (
        CaseEventKind.HANDOVER_SENT,
        CaseEventKind.HANDOVER_ACCEPTED,
        CaseEventKind.HANDOVER_BOUNCED,
    ) and (handover := event.handover):
        names = {
            "to": handover.to_team.name,
            "from": handover.from_team.name if handover.from_team else _("no team"),
            "service": handover.service.name,
        }
        if kind is CaseEventKind.HANDOVER_SENT:
            label = _("Handed over to %(to)s (%(service)s)") % names
            text = handover.note
            if data.get("reroute"):
                text = (_("Re-routed after a bounce.") + " " + text).strip()
        elif kind is CaseEventKind.HANDOVER_ACCEPTED:
            label = _("Accepted by %(to)s") % names
        else:
            label = _("Bounced by %(to)s back to %(from)s") % names
            text = handover.bounce_reason
    elif kind is CaseEventKind.CLOCK and (clock := event.clock_event):
        label = clock_event_label(clock.kind, clock.reason, clock.amount)
        text = _("On %(day)s (stage %(stage)s).") % {"day": _day(clock.on), "stage": clock.stage}
        if clock.note:
            text += " " + clock.note
    elif kind is CaseEventKind.STAGE:
        label = _("Stage %(stage)s") % {"stage": data.get("stage")}
        text = _("Asked for on %(day)s.") % {"day": _day(data["requested_on"])}
    elif kind is CaseEventKind.OMBUDSMAN:
        text = _("Referred on %(day)s.") % {"day": _day(data["referred_on"])}
    elif kind is CaseEventKind.ESCALATION:
        deadline = data.get("deadline", "")
        label = _("%(deadline)s overdue: escalated") % {
            "deadline": Deadline(deadline).label if deadline in Deadline.values else deadline
        }
        text = _("Due on %(day)s; escalated to the leaders of %(team)s.") % {
            "day": _day(data["due_on"]),
            "team": data.get("team") or _("no team"),
        }
    elif kind is CaseEventKind.ESCALATION_ACKNOWLEDGED:
        deadline = data.get("deadline", "")
        label = _("Escalation acknowledged: %(deadline)s overdue") % {
            "deadline": Deadline(deadline).label if deadline in Deadline.values else deadline
        }
        text = _("The deadline was %(day)s.") % {"day": _day(data["due_on"])}
    return TimelineItem(
        kind=event.kind,
        label=label,
        at=event.at,
        by=by,
        text=text,
        restricted=event.sensitivity != Sensitivity.NORMAL,
    )


ROLE_WORDS: dict[str, Any] = {
    PartyRoleKind.REPRESENTATIVE: gettext_lazy("the representative"),
    PartyRoleKind.REQUESTER: gettext_lazy("the requester"),
    PartyRoleKind.SUBJECT: gettext_lazy("the resident"),
}
CHANNEL_WORDS: dict[str, Any] = {
    MessageChannel.EMAIL: gettext_lazy("email"),
    MessageChannel.SMS: gettext_lazy("text message"),
}


def _message_items(event: CaseEvent, message: OutboundMessage | None) -> list[TimelineItem]:
    """An update to the resident on the timeline: queued, then sent, then delivered or not
    (with Notify's reason), each at its own time; or why no update could be sent."""
    data = event.data or {}
    by = event.actor.display_name if event.actor else _("Frontdoor")
    restricted = event.sensitivity != Sensitivity.NORMAL
    words = {
        "status": data.get("status_label", ""),
        "role": ROLE_WORDS.get(data.get("role", ""), _("the resident")),
        "channel": CHANNEL_WORDS.get(data.get("channel", ""), data.get("channel", "")),
    }

    def item(label: str, at: dt.datetime, text: str = "", kind: str = "message") -> TimelineItem:
        return TimelineItem(kind=kind, label=label, at=at, by=by, text=text, restricted=restricted)

    if data.get("problem") or message is None:
        reason = UPDATE_PROBLEMS.get(data.get("problem", ""), _("The message was not kept."))
        return [
            item(
                _("Update not sent"),
                event.at,
                _("The case moved to %(status)s. %(reason)s") % {**words, "reason": reason},
                "message-not-sent",
            )
        ]
    words["address"] = message.recipient
    items = [
        item(
            _("Update queued: %(channel)s to %(role)s") % words,
            event.at,
            _("The case moved to %(status)s. To %(address)s.") % words,
            "message-queued",
        )
    ]
    status = MessageStatus(message.status)
    if status == MessageStatus.RETRYING:
        items[0] = item(
            items[0].label,
            event.at,
            items[0].text
            + " "
            + _("GOV.UK Notify could not take it yet (%(error)s): it will be tried again.")
            % {"error": message.last_error},
            "message-queued",
        )
    if message.sent_at is not None:
        items.append(item(_("Update sent to GOV.UK Notify"), message.sent_at, kind="message-sent"))
    if message.finished_at is not None and status in FINAL_STATUSES:
        if status == MessageStatus.DELIVERED:
            items.append(item(_("Update delivered"), message.finished_at, kind="message-delivered"))
        else:
            reason = str(status.label)
            if message.last_error:
                reason += ": " + message.last_error
            items.append(
                item(_("Update failed"), message.finished_at, reason, kind="message-failed")
            )
    return items


# Worklists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """A case in a list, with its next deadline and that deadline's status today."""

    case: Case
    deadline: dt.date | None
    deadline_kind: str  # "acknowledge", "respond" or ""
    status: str

    @property
    def status_label(self) -> str:
        return str(ClockStatus(self.status).label)


@dataclass(frozen=True)
class DeadlineCount:
    """Overdue and due-soon cases of one team, or of one person in it."""

    team_id: int | None
    team: str
    owner_id: int | None
    owner: str
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Worklist:
    name: str
    rows: list[CaseRow]
    more: bool
    teams: list[Team]
    team: Team | None
    counts: list[DeadlineCount]
    escalated: list[CaseRow]
    today: dt.date
    due_soon_until: dt.date


WORKLISTS = ("mine", "team", "overdue", "due-soon")


def worklist(
    viewer: Any,
    council: Council,
    name: str,
    *,
    team_id: int | None = None,
    mine_only: bool = False,
    today: dt.date | None = None,
) -> Worklist:
    """One of the viewer's worklists: their open cases ("mine"), their teams' ("team"), and
    the overdue and due-soon cases of their teams or their own.

    `team_id` narrows the team lists to one of the viewer's teams; `mine_only` the overdue and
    due-soon lists to the viewer's own cases. The overdue and due-soon lists also count the
    cases per team and per person, and show team leaders the breaches escalated to them.
    """
    if name not in WORKLISTS:
        raise Http404("worklist")
    # The moment hour-based standards are judged at (only when judging the real today).
    now = timezone.now() if today is None else None
    today = today or local_today(council)
    visible = cases_visible_to(viewer, council).filter(closed=False)
    teams = teams_of(viewer, council)
    team_ids = {team.pk for team in teams}
    team = next((t for t in teams if t.pk == team_id), None)
    if team_id is not None and team is None:
        raise Http404("team")
    scope_teams = {team.pk} if team else team_ids
    working = clock_calendar(COUNCIL_DAYS, division=council.division, council=council).working
    limit = due_soon_limit(council, today, working)
    if name == "mine" or mine_only:
        scoped = visible.filter(owner=viewer)
    elif name == "team" or team is not None:
        scoped = visible.filter(owner_team_id__in=scope_teams)
    else:
        # Their teams' cases, and their own wherever they sit.
        scoped = visible.filter(Q(owner_team_id__in=scope_teams) | Q(owner=viewer))
    if name == "overdue":
        scoped = scoped.filter(overdue_filter(today, now))
    elif name == "due-soon":
        scoped = scoped.filter(due_soon_filter(today, limit, now))
    cases = list(
        scoped.select_related("case_type", "service", "owner_team", "owner").order_by(
            F("due").asc(nulls_last=True), "opened_at", "pk"
        )[: WORKLIST_LIMIT + 1]
    )
    more = len(cases) > WORKLIST_LIMIT
    rows = [case_row(case, today, limit, now) for case in cases[:WORKLIST_LIMIT]]
    rows.sort(key=lambda row: (row.deadline is None, row.deadline or today, row.case.pk))
    counts: list[DeadlineCount] = []
    escalated: list[CaseRow] = []
    if name in ("overdue", "due-soon"):
        counts = deadline_counts(visible.filter(owner_team_id__in=scope_teams), today, limit)
        escalated = [
            case_row(case, today, limit, now)
            for case in visible.filter(overdue_filter(today, now), escalations__escalated_to=viewer)
            .select_related("case_type", "service", "owner_team", "owner")
            .distinct()
            .order_by("due", "pk")[:WORKLIST_LIMIT]
        ]
    record_access(
        actor=viewer,
        view=f"{WORKLIST_VIEW}.{name}",
        object_type="cases.case",
        council_id=council.pk,
        kind=AccessKind.SEARCH,
        result_ids=[row.case.pk for row in rows],
    )
    return Worklist(
        name=name,
        rows=rows,
        more=more,
        teams=teams,
        team=team,
        counts=counts,
        escalated=escalated,
        today=today,
        due_soon_until=limit,
    )


def case_row(case: Case, today: dt.date, limit: dt.date, now: dt.datetime | None = None) -> CaseRow:
    """The case's next open deadline (the acknowledgement first) and its status today (an
    hour-based standard's at `now`, when given)."""
    if case.closed or case.responded_on is not None:
        return CaseRow(case, None, "", case.clock_status)
    if case.due_at is not None and now is not None and now > case.due_at:
        return CaseRow(case, case.due, "respond", ClockStatus.OVERDUE)
    if case.acknowledge_by and case.acknowledged_on is None and case.acknowledge_by < today:
        return CaseRow(case, case.acknowledge_by, "acknowledge", ClockStatus.OVERDUE)
    if case.waiting_for:
        return CaseRow(case, None, "", ClockStatus.WAITING)
    deadline, kind = case.due, "respond"
    if (
        case.acknowledge_by
        and case.acknowledged_on is None
        and (deadline is None or case.acknowledge_by <= deadline)
    ):
        deadline, kind = case.acknowledge_by, "acknowledge"
    if deadline is None:
        return CaseRow(case, None, "", ClockStatus.NO_CLOCK)
    if deadline < today:
        status = ClockStatus.OVERDUE
    elif deadline <= limit:
        status = ClockStatus.DUE_SOON
    else:
        status = ClockStatus.ON_TRACK
    return CaseRow(case, deadline, kind, status)


def deadline_counts(cases: QuerySet[Case], today: dt.date, limit: dt.date) -> list[DeadlineCount]:
    """Overdue and due-soon open cases per team and, within it, per owner (one query)."""
    rows = (
        cases.values(
            "owner_team_id",
            "owner_team__name",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .annotate(
            overdue=Count("pk", filter=overdue_filter(today)),
            due_soon=Count("pk", filter=due_soon_filter(today, limit)),
        )
        .order_by("owner_team__name", "owner__last_name", "owner__username")
    )
    result = []
    for row in rows:
        if not row["overdue"] and not row["due_soon"]:
            continue
        if row["owner_id"] is None:
            owner = _("Unassigned")
        else:
            owner = (
                f"{row['owner__first_name']} {row['owner__last_name']}".strip()
                or row["owner__username"]
            )
        result.append(
            DeadlineCount(
                team_id=row["owner_team_id"],
                team=row["owner_team__name"] or _("No team"),
                owner_id=row["owner_id"],
                owner=owner,
                overdue=row["overdue"],
                due_soon=row["due_soon"],
            )
        )
    return result


def team_totals(counts: list[DeadlineCount]) -> list[DeadlineCount]:
    """The per-person counts added up per team."""
    totals: dict[int | None, DeadlineCount] = {}
    for count in counts:
        prior = totals.get(count.team_id)
        totals[count.team_id] = DeadlineCount(
            team_id=count.team_id,
            team=count.team,
            owner_id=None,
            owner="",
            overdue=count.overdue + (prior.overdue if prior else 0),
            due_soon=count.due_soon + (prior.due_soon if prior else 0),
        )
    return list(totals.values())


# Escalations waiting for the viewer -------------------------------------------------------------

ESCALATIONS_VIEW = "cases.escalations"


def escalations_awaiting(viewer: Any, council: Council) -> QuerySet[CaseEscalation]:
    """The escalations sent to the viewer that nobody has acknowledged yet, on the council's
    open cases at sensitivities the viewer may see; none when they may not read its cases.

    Once anyone acknowledges an escalation it leaves every recipient's list; a closed case
    needs no acknowledgement, so its escalations leave the list too.
    """
    if not policies.may_read_cases(viewer, council) or council.pk not in council_ids_for(viewer):
        return CaseEscalation.objects.none()
    return CaseEscalation.objects.filter(
        case__council=council,
        case__closed=False,
        case__sensitivity__in=policies.visible_sensitivities(viewer, council),
        acknowledged_at__isnull=True,
        escalated_to=viewer,
    )


def escalations_awaiting_count(viewer: Any, council: Council) -> int:
    """How many escalations wait for the viewer to acknowledge them (one query, or none)."""
    return escalations_awaiting(viewer, council).count()


@dataclass(frozen=True)
class EscalationList:
    """The escalations waiting for the viewer, oldest deadline first (the first 200)."""

    escalations: list[CaseEscalation]
    count: int
    more: bool


def escalation_list(viewer: Any, council: Council) -> EscalationList:
    """The viewer's unacknowledged escalations on open cases, with their cases, in a fixed
    number of queries; the listing is logged like a worklist."""
    cases_visible_to(viewer, council)  # PermissionDenied for staff who may not read cases
    awaiting = escalations_awaiting(viewer, council)
    escalations = list(
        awaiting.select_related(
            "case__case_type", "case__service", "case__owner_team", "case__owner", "team"
        ).order_by("due_on", "case__reference", "pk")[: WORKLIST_LIMIT + 1]
    )
    more = len(escalations) > WORKLIST_LIMIT
    escalations = escalations[:WORKLIST_LIMIT]
    record_access(
        actor=viewer,
        view=ESCALATIONS_VIEW,
        object_type="cases.case",
        council_id=council.pk,
        kind=AccessKind.SEARCH,
        result_ids=[escalation.case_id for escalation in escalations],
    )
    return EscalationList(
        escalations=escalations,
        count=awaiting.count() if more else len(escalations),
        more=more,
    )


def escalation_to_acknowledge(viewer: Any, council: Council, pk: int) -> CaseEscalation:
    """One escalation of a case the viewer may see, for them to acknowledge (404 otherwise)."""
    visible = cases_visible_to(viewer, council)
    escalation = (
        CaseEscalation.objects.filter(pk=pk, case__in=visible)
        .select_related("case__council", "case__case_type", "team", "acknowledged_by")
        .first()
    )
    if escalation is None:
        raise Http404("escalation")
    return escalation


# Handovers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverInbox:
    teams: list[Team]
    waiting: list[Handover]  # sent to the viewer's teams, to accept or bounce
    bounced: list[Handover]  # bounced back to the viewer's teams and not yet sent on


def handover_inbox(viewer: Any, council: Council) -> HandoverInbox:
    """Handovers waiting for the viewer's teams, and those bounced back to them."""
    policies.require_read_cases(viewer, council)
    teams = teams_of(viewer, council)
    team_ids = [team.pk for team in teams]
    visible = policies.visible_sensitivities(viewer, council)
    base = Handover.objects.filter(council=council, case__sensitivity__in=visible).select_related(
        "case__case_type", "from_team", "to_team", "service", "sent_by", "decided_by"
    )
    waiting = list(
        base.filter(to_team_id__in=team_ids, status=HandoverStatus.PENDING).order_by("sent_at")
    )
    bounced = list(
        base.filter(
            from_team_id__in=team_ids,
            status=HandoverStatus.BOUNCED,
            reroutes__isnull=True,
            case__closed=False,
            case__owner_team_id=F("from_team_id"),
        )
        .exclude(case__handovers__status=HandoverStatus.PENDING)
        .distinct()
        .order_by("-decided_at")
    )
    record_access(
        actor=viewer,
        view=INBOX_VIEW,
        object_type="cases.case",
        council_id=council.pk,
        kind=AccessKind.SEARCH,
        result_ids=[h.case_id for h in [*waiting, *bounced]],
    )
    return HandoverInbox(teams=teams, waiting=waiting, bounced=bounced)


@dataclass(frozen=True)
class ServiceHandovers:
    """A service's handovers in a period: how many it received, accepted and bounced, how many
    of its bounces were re-routed, and how long cases stayed with it."""

    service_id: int
    service: str
    received: int
    accepted: int
    bounced: int
    pending: int
    rerouted: int
    stays: int  # handovers whose case has left the service: the median's sample
    median_days: float | None

    @property
    def bounce_rate(self) -> float | None:
        """Bounced over decided (accepted or bounced); None before any decision."""
        decided = self.accepted + self.bounced
        return self.bounced / decided if decided else None


def handover_report(
    viewer: Any, council: Council, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[ServiceHandovers]:
    """Per service, the handovers sent to it from `start` to `end` (local dates, both included):
    received, accepted, bounced, pending, re-routed after a bounce, and the median time in
    service (from the handover to the case leaving: bounced, handed on or closed), in days."""
    policies.require_read_cases(viewer, council)
    handovers = Handover.objects.filter(council=council)
    zone = council.zone
    if start is not None:
        handovers = handovers.filter(
            sent_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        )
    if end is not None:
        handovers = handovers.filter(
            sent_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    rows = handovers.values(
        "pk", "service_id", "service__name", "status", "sent_at", "left_at"
    ).annotate(rerouted=Count("reroutes"))
    by_service: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"name": "", "counts": defaultdict(int), "stays": []}
    )
    for row in rows:
        entry = by_service[row["service_id"]]
        entry["name"] = row["service__name"]
        counts = entry["counts"]
        counts["received"] += 1
        counts[row["status"]] += 1
        if row["rerouted"]:
            counts["rerouted"] += 1
        if row["left_at"] is not None:
            entry["stays"].append((row["left_at"] - row["sent_at"]).total_seconds() / 86400)
    result = []
    for service_id, entry in by_service.items():
        counts = entry["counts"]
        stays = entry["stays"]
        result.append(
            ServiceHandovers(
                service_id=service_id,
                service=entry["name"],
                received=counts["received"],
                accepted=counts[HandoverStatus.ACCEPTED],
                bounced=counts[HandoverStatus.BOUNCED],
                pending=counts[HandoverStatus.PENDING],
                rerouted=counts["rerouted"],
                stays=len(stays),
                median_days=statistics.median(stays) if stays else None,
            )
        )
    return sorted(result, key=lambda r: r.service)


# Keeping residents informed ---------------------------------------------------------------------

# Who is told about a case, in order: the one acting for the resident, the one who asked, the
# one it is about.
RECIPIENT_ROLES = (PartyRoleKind.REPRESENTATIVE, PartyRoleKind.REQUESTER, PartyRoleKind.SUBJECT)
# Why an update could not be sent, as stored on the timeline (codes, worded when shown).
UPDATE_PROBLEMS: dict[str, Any] = {
    "anonymous": gettext_lazy("The resident asked to stay anonymous."),
    "safeguarding": gettext_lazy("Updates are not sent on safeguarding cases."),
    "no-party": gettext_lazy("No resident is linked to the case."),
    "no-address": gettext_lazy("The resident has no email address or mobile number."),
    "no-wording": gettext_lazy("There is no wording for this status in the resident's language."),
}


@dataclass(frozen=True)
class UpdateRecipient:
    """Who an update about a case goes to, how, and in which language; or why nobody."""

    role: str = ""
    party_id: int | None = None
    name: str = ""
    channel: str = ""  # "email" or "sms"
    address: str = ""
    language: str = "en"
    problem: str = ""  # a key of UPDATE_PROBLEMS; empty when the update can be sent


def resident_updates_of(council: Council) -> ResidentUpdates:
    """The council's switch for updates to residents (off, unsaved, when never set)."""
    found = ResidentUpdates.objects.filter(council=council).first()
    return found if found is not None else ResidentUpdates(council=council, on=False)


def language_chain(language: str) -> list[str]:
    """The languages to try for a resident, best first: "pt-BR" gives pt-BR, pt, en."""
    chain: list[str] = []
    language = (language or "").strip()
    if language:
        chain.append(language)
        primary = language.split("-")[0].lower()
        if primary not in chain:
            chain.append(primary)
    if "en" not in chain:
        chain.append("en")
    return chain


def update_rule_for(case_type: CaseType, status: str, language: str) -> StatusUpdateRule | None:
    """The active wording of the update for `status` in the resident's language, falling back
    to the language without its region, then English."""
    rules = {
        rule.language: rule
        for rule in StatusUpdateRule.objects.filter(case_type=case_type, status=status, active=True)
    }
    return next((rules[lang] for lang in language_chain(language) if lang in rules), None)


def _mobile(points: list[ContactPoint]) -> str:
    """The party's mobile number as Notify takes it (07...), the preferred one first."""
    for point in sorted(points, key=lambda p: (not p.is_preferred, p.pk)):
        digits = point.normalised
        if point.kind == ContactPointKind.PHONE and digits.startswith("447") and len(digits) == 12:
            return "0" + digits[2:]
    return ""


def _email(points: list[ContactPoint]) -> str:
    for point in sorted(points, key=lambda p: (not p.is_preferred, p.pk)):
        if point.kind == ContactPointKind.EMAIL:
            return point.value.strip()
    return ""


def update_recipient(case: Case) -> UpdateRecipient:
    """Who is told when the case changes: a representative acting on it, else the requester,
    else the subject. By text when they prefer texts, by email when they prefer email, else by
    email if they have an address and by text if they have a mobile; in their language."""
    if case.anonymous:
        return UpdateRecipient(problem="anonymous")
    if case.sensitivity == Sensitivity.SAFEGUARDING:
        return UpdateRecipient(problem="safeguarding")
    roles = list(
        CaseParty.objects.filter(case=case)
        .select_related("party")
        .prefetch_related("party__contact_points")
        .order_by("pk")
    )
    chosen = next(
        (role for wanted in RECIPIENT_ROLES for role in roles if role.role == wanted), None
    )
    if chosen is None:
        return UpdateRecipient(problem="no-party")
    party = chosen.party
    base = UpdateRecipient(
        role=chosen.role,
        party_id=party.pk,
        name=(party.preferred_name or party.given_name or party.full_name)
        if party.is_person
        else party.organisation_name,
        language=party.preferred_language or "en",
    )
    if party.sensitivity == Sensitivity.SAFEGUARDING:
        return dataclasses.replace(base, problem="safeguarding")
    points = list(party.contact_points.all())
    email, mobile = _email(points), _mobile(points)
    if party.preferred_channel == PreferredChannel.SMS:
        order = [("sms", mobile), ("email", email)]
    else:
        order = [("email", email), ("sms", mobile)]
    for channel, address in order:
        if address:
            return dataclasses.replace(base, channel=channel, address=address)
    return dataclasses.replace(base, problem="no-address")


# Case KPIs --------------------------------------------------------------------------------------
# Counted in SQL: one grouped aggregate over the period's cases (rolled up per dimension in
# Python over its few hundred groups, never over cases), one window query per dimension for the
# nearest-rank percentiles, one aggregate for the average of open cases. Restricted cases are
# counted like any other: the figures carry no personal data.

KPI_DIMENSIONS = ("type", "service", "team")
_DIMENSION_FIELDS = {"type": "case_type_id", "service": "service_id", "team": "owner_team_id"}


@dataclass(frozen=True)
class CaseKpiRow:
    """The KPIs of one type, service or team (or all cases) for a period."""

    key: str
    name: str
    open_at_end: int = 0
    opened: int = 0
    closed: int = 0
    closed_with_clock: int = 0
    met: int = 0
    median_days: int | None = None
    p90_days: int | None = None
    ageing: tuple[int, ...] = ()  # open cases at the end, per AGEING_BANDS
    chasing: int | None = None  # chasing contacts in the period (services only)
    average_open: float | None = None  # the average of open cases over the period's days

    @property
    def met_share(self) -> float | None:
        return kpi_engine.share(self.met, self.closed_with_clock)

    @property
    def met_percent(self) -> float | None:
        share = self.met_share
        return None if share is None else share * 100

    @property
    def chasing_per_open_case(self) -> float | None:
        if self.chasing is None or self.average_open is None:
            return None
        return kpi_engine.chasing_per_open_case(self.chasing, self.average_open)


@dataclass(frozen=True)
class CaseKpis:
    start: dt.date
    end: dt.date
    total: CaseKpiRow
    by_type: list[CaseKpiRow]
    by_service: list[CaseKpiRow]
    by_team: list[CaseKpiRow]
    bands: tuple[str, ...] = tuple(band for band, _low, _high in kpi_engine.AGEING_BANDS)

    def rows(self, dimension: str) -> list[CaseKpiRow]:
        return {"type": self.by_type, "service": self.by_service, "team": self.by_team}[dimension]


def may_view_case_kpis(viewer: Any, council: Council) -> bool:
    return policies.may_view_kpis(viewer, council)


def _period_cases(council: Council, start: dt.date, end: dt.date) -> QuerySet[Case]:
    """The cases any KPI of the period counts: received by its end, not closed before it."""
    return Case.objects.filter(council=council, received_on__lte=end).exclude(closed_on__lt=start)


def _open_at(day: dt.date) -> Q:
    """Open at the end of `day`: received by then and not closed by then."""
    return Q(received_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _kpi_counts(council: Council, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """One row per (type, service, team) with every additive count of the period."""
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    with_clock = closed & Q(due__isnull=False)
    met = with_clock & (
        Q(responded_on__isnull=False, responded_on__lte=F("due"))
        | Q(responded_on__isnull=True, closed_on__lte=F("due"))
    )
    counts: dict[str, Any] = {
        # Added up per service for the average of open cases (a case closed on the period's
        # first day, kept by the filter, adds nothing).
        "open_days": Sum(_open_days(start, end)),
        "open_at_end": Count("pk", filter=_open_at(end)),
        "opened": Count("pk", filter=Q(received_on__gte=start, received_on__lte=end)),
        "closed": Count("pk", filter=closed),
        "closed_with_clock": Count("pk", filter=with_clock),
        "met": Count("pk", filter=met),
    }
    for band, _low, _high in kpi_engine.AGEING_BANDS:
        first, last = kpi_engine.band_received_range(band, end)
        within = Q(received_on__lte=last)
        if first is not None:
            within &= Q(received_on__gte=first)
        counts[f"band_{band}"] = Count("pk", filter=_open_at(end) & within)
    grouped = (
        _period_cases(council, start, end)
        .values("case_type_id", "service_id", "owner_team_id")
        .annotate(**counts)
        .order_by()
    )
    return [dict(row) for row in grouped]


def _distributions(
    council: Council, start: dt.date, end: dt.date
) -> dict[str | None, dict[Any, list[tuple[int, int]]]]:
    """How many cases closed in the period took each number of days, per type, service and
    team and in total: one grouped query (a row per combination and number of days, however
    many cases), added up per dimension."""
    rows = (
        Case.objects.filter(
            council=council, closed_on__gte=start, closed_on__lte=end, days_to_close__isnull=False
        )
        .values("case_type_id", "service_id", "owner_team_id", "days_to_close")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str | None, dict[Any, Counter[int]]] = {
        dimension: defaultdict(Counter) for dimension in (None, *KPI_DIMENSIONS)
    }
    for row in rows:
        days, n = int(row["days_to_close"] or 0), row["n"]  # never null: filtered above
        counts[None][None][days] += n
        counts["type"][row["case_type_id"]][days] += n
        counts["service"][row["service_id"]][days] += n
        counts["team"][row["owner_team_id"]][days] += n
    return {
        dimension: {key: list(counter.items()) for key, counter in by_key.items()}
        for dimension, by_key in counts.items()
    }


class DayNumber(Func):
    """A date as a whole number of days, so date differences add up as integers in the
    database itself (SQLite's julianday; PostgreSQL's date subtraction), never through a
    function called back in Python for each row."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '2000-01-01')", **extra
        )


def _nearest(percentile: int, counts: list[tuple[int, int]] | None) -> int | None:
    value = kpi_engine.percentile_of_counts(percentile, counts or [])
    return None if value is None else int(value)


def _open_days(start: dt.date, end: dt.date) -> Any:
    """The days a case was open at a day's end within the period, as a database expression:
    from its receipt (or the period's start) to its closing day (or past the period's end)."""
    after_end = Value(end + dt.timedelta(days=1), output_field=DateField())
    first_day = Greatest(DayNumber(F("received_on")), DayNumber(Value(start, DateField())))
    past_last = Least(
        DayNumber(Coalesce(F("closed_on"), after_end, output_field=DateField())),
        DayNumber(after_end),
    )
    return past_last - first_day


def average_open_cases(
    council: Council, start: dt.date, end: dt.date, by: str = "service"
) -> dict[Any, float]:
    """The average number of open cases over the period's days, per service (or type, team):
    the days each case was open at a day's end within the period, added up in SQL, over the
    number of days."""
    rows = (
        Case.objects.filter(council=council, received_on__lte=end)
        .exclude(closed_on__lte=start)
        .values(_DIMENSION_FIELDS[by])
        .annotate(days=Sum(_open_days(start, end)))
        .order_by()
    )
    period_days = (end - start).days + 1
    return {
        row[_DIMENSION_FIELDS[by]]: row["days"] / period_days
        for row in rows
        if row["days"] is not None
    }


def case_kpis(
    viewer: Any, council: Council, start: dt.date, end: dt.date, *, chasing: bool = True
) -> CaseKpis:
    """The council's case KPIs for the period (local dates, both included), in total and by
    type, service and team (the team that owns each case now); chasing contacts per open case
    by service when `chasing` (read from the contact facts insight keeps)."""
    if not may_view_case_kpis(viewer, council):
        raise PermissionDenied("view_performance")
    if end < start:
        raise ValueError("the period ends before it starts")
    groups = _kpi_counts(council, start, end)
    distributions = _distributions(council, start, end)
    names = {
        "type": dict(CaseType.objects.filter(council=council).values_list("pk", "name")),
        "service": dict(Service.objects.filter(council=council).values_list("pk", "name")),
        "team": dict(Team.objects.filter(council=council).values_list("pk", "name")),
    }
    chasing_counts: dict[str, int] = {}
    averages: dict[Any, float] = {}
    service_ids: dict[int, str] = {}
    if chasing:
        from frontdoor.insight.dashboards import chasing_contacts_by_service

        service_ids = dict(Service.objects.filter(council=council).values_list("pk", "service_id"))
        chasing_counts = chasing_contacts_by_service(council, start, end)
        period_days = (end - start).days + 1
        open_days: dict[Any, int] = defaultdict(int)
        for group in groups:
            open_days[group["service_id"]] += group["open_days"] or 0
        averages = {key: days / period_days for key, days in open_days.items()}

    def rows(dimension: str | None) -> list[CaseKpiRow]:
        field_name = _DIMENSION_FIELDS[dimension] if dimension else None
        sums: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for group in groups:
            key = group[field_name] if field_name else None
            for name, value in group.items():
                if name not in _DIMENSION_FIELDS.values():
                    sums[key][name] += value or 0
        spread = distributions[dimension]
        result = []
        for key, counts in sums.items():
            chased: int | None = None
            average: float | None = None
            if chasing and dimension == "service":
                chased = chasing_counts.get(service_ids.get(key, ""), 0)
                average = averages.get(key, 0.0)
            elif chasing and dimension is None:
                chased = sum(chasing_counts.values())
                average = sum(averages.values())
            result.append(
                CaseKpiRow(
                    key=str(key) if key is not None else "",
                    name=(
                        names[dimension].get(key) or _("No team")
                        if dimension
                        else str(_("All cases"))
                    ),
                    open_at_end=counts["open_at_end"],
                    opened=counts["opened"],
                    closed=counts["closed"],
                    closed_with_clock=counts["closed_with_clock"],
                    met=counts["met"],
                    median_days=_nearest(50, spread.get(key)),
                    p90_days=_nearest(90, spread.get(key)),
                    ageing=tuple(
                        counts[f"band_{band}"] for band, _low, _high in kpi_engine.AGEING_BANDS
                    ),
                    chasing=chased,
                    average_open=average,
                )
            )
        return sorted(result, key=lambda row: str(row.name).casefold())

    totals = rows(None)
    return CaseKpis(
        start=start,
        end=end,
        total=totals[0] if totals else CaseKpiRow(key="", name=str(_("All cases"))),
        by_type=rows("type"),
        by_service=rows("service"),
        by_team=rows("team"),
    )
