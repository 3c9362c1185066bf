"""Every change to a case, each in one transaction with a permission check and an audit entry.

Views, the API and the command line call these, so a case behaves the same wherever it is
worked. Problems a person can fix are `ValidationError`s with a message for them; side effects
for other apps (`case_status_changed`, `case_escalated`) are signals sent once the transaction
commits, so a listener never acts on a change that was rolled back.

Clock events are append-only; after each one the case's current-stage clock is replayed from
its whole history (`selectors.replay_clock`) and the dates and statuses cached on the case for
the worklists. `do_check_case_clocks` refreshes those statuses each day and escalates each
missed deadline once to the owning team's leaders; `do_acknowledge_escalation` records that
one of them has seen it and is dealing with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import record_batch, record_change
from frontdoor.citizens.models import (
    LANGUAGE,
    ContactParty,
    Party,
    PartyRoleKind,
    Representation,
)
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Sensitivity, Service
from frontdoor.identity.models import Team, TeamMembership, User
from frontdoor.identity.policies import may
from frontdoor.notify.actions import do_queue_message

from . import policies
from .engine import kpis as kpi_engine
from .engine.clocks import ClockError, Status, deadline_status
from .engine.policies import PolicyError
from .models import (
    STATUS_UPDATE_TEMPLATE,
    Case,
    CaseAttachment,
    CaseClockEvent,
    CaseCounter,
    CaseEscalation,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseNote,
    CaseParty,
    CaseType,
    ClockEventKind,
    ClockStatus,
    Deadline,
    Handover,
    HandoverStatus,
    Priority,
    ResidentUpdates,
    StatusUpdateRule,
    WaitReason,
    most_sensitive,
)
from .selectors import (
    calendar_source,
    case_policies,
    case_subject,
    clock_settings_of,
    replay_clock,
    resident_updates_of,
    stage_policy,
    team_ids_of,
    update_recipient,
    update_rule_for,
)

# Sent after the transaction commits: case, old (status code), new, actor.
case_status_changed = Signal()
# Sent after the daily check commits, once per new escalation: escalation.
case_escalated = Signal()
# Sent after the daily check commits, once per council with new escalations: escalations (all
# of that run's, so their staff can be told in one go: a digest when there are many).
case_escalations_raised = Signal()

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CLOCK_FIELDS = (
    "acknowledge_by",
    "acknowledged_on",
    "due",
    "due_at",
    "responded_on",
    "responded_at",
    "waiting_for",
    "clock_status",
    "acknowledgement_status",
    "clock_checked_on",
    "clock_error",
)


def _now() -> dt.datetime:
    return timezone.now()


def _person(actor: Any) -> Any:
    """The actor as stored on rows: a signed-in user, or None for the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(
    actor: Any,
    action: str,
    instance: models.Model,
    case: Case,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    record_change(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes,
        subject=case_subject(case),
        council_id=case.council_id,
    )


def _event(case: Case, kind: str, actor: Any, **values: Any) -> CaseEvent:
    values.setdefault("at", _now())
    return CaseEvent.objects.create(case=case, kind=kind, actor=_person(actor), **values)


def _locked(case: Case) -> Case:
    """The case re-read under a row lock, so two changes to it never interleave."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("council", "case_type", "service", "owner_team")
        .get(pk=case.pk)
    )


# Case types -------------------------------------------------------------------------------------

# The workflow of most built-in types: a case is new, worked, may wait for the requester, is
# answered and closed; it may be withdrawn, and reopened.
STANDARD_STATUSES = [
    {"code": "new", "label": "New", "closed": False},
    {"code": "in-progress", "label": "In progress", "closed": False},
    {"code": "waiting", "label": "Waiting for the requester", "closed": False},
    {"code": "responded", "label": "Responded", "closed": False},
    {"code": "closed", "label": "Closed", "closed": True},
    {"code": "withdrawn", "label": "Withdrawn", "closed": True},
]
STANDARD_TRANSITIONS = {
    "new": ["in-progress", "withdrawn"],
    "in-progress": ["waiting", "responded", "withdrawn"],
    "waiting": ["in-progress", "withdrawn"],
    "responded": ["closed", "in-progress"],
    "closed": ["in-progress"],
    "withdrawn": ["in-progress"],
}
# Compliments and comments are recorded, passed on and closed.
NOTED_STATUSES = [
    {"code": "new", "label": "New", "closed": False},
    {"code": "passed-on", "label": "Passed on", "closed": False},
    {"code": "closed", "label": "Closed", "closed": True},
]
NOTED_TRANSITIONS = {"new": ["passed-on", "closed"], "passed-on": ["closed"], "closed": ["new"]}

BUILT_IN_TYPES: tuple[tuple[str, str, str], ...] = (
    ("complaint", "Complaint", CaseKind.COMPLAINT),
    ("foi", "Freedom of Information request", CaseKind.FOI),
    ("eir", "Environmental information request", CaseKind.EIR),
    ("sar", "Subject access request", CaseKind.SAR),
    ("erasure", "Erasure request", CaseKind.ERASURE),
    ("rectification", "Rectification request", CaseKind.RECTIFICATION),
    ("dp-complaint", "Data protection complaint", CaseKind.DP_COMPLAINT),
    ("member-enquiry", "Member enquiry", CaseKind.MEMBER_ENQUIRY),
    ("service-request", "Service request", CaseKind.SERVICE_REQUEST),
    ("compliment", "Compliment", CaseKind.COMPLIMENT),
    ("comment", "Comment", CaseKind.COMMENT),
)


def workflow_problems(statuses: Any, initial_status: str, transitions: Any) -> list[str]:
    """What is wrong with a workflow (statuses, the first one, transitions); empty when fine."""
    problems: list[str] = []
    if not isinstance(statuses, list) or not statuses:
        return [_("A case type needs at least one status.")]
    codes: list[str] = []
    for status in statuses:
        if (
            not isinstance(status, dict)
            or not isinstance(status.get("code"), str)
            or not status["code"]
            or not isinstance(status.get("label"), str)
            or not status["label"]
        ):
            problems.append(_('Each status is {"code": ..., "label": ..., "closed": true|false}.'))
            continue
        codes.append(status["code"])
    if len(codes) != len(set(codes)):
        problems.append(_("Each status code may appear once."))
    if initial_status not in codes:
        problems.append(_("The first status must be one of the statuses."))
    if not isinstance(transitions, dict):
        problems.append(_("Transitions map a status to the statuses it may move to."))
        return problems
    for source, targets in transitions.items():
        if source not in codes or not isinstance(targets, list):
            problems.append(_("Transitions from %(status)s are not valid.") % {"status": source})
            continue
        unknown = [target for target in targets if target not in codes or target == source]
        if unknown:
            problems.append(
                _("%(status)s cannot move to %(targets)s.")
                % {"status": source, "targets": ", ".join(map(str, unknown))}
            )
    if problems:
        return problems
    # A workflow in which a new case can never close is wrong (a status not yet reachable is
    # allowed: an administrator adds a status, then the moves to it).
    closing = {status["code"] for status in statuses if status.get("closed")}
    if not closing:
        problems.append(_("Mark at least one status as closing the case."))
        return problems
    reached = {initial_status}
    frontier = [initial_status]
    while frontier:
        for target in transitions.get(frontier.pop(), []):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    if not closing & reached:
        first = next(s["label"] for s in statuses if s["code"] == initial_status)
        problems.append(
            _("A case starting as %(first)s can never reach a closing status: allow a way there.")
            % {"first": first}
        )
    return problems


def check_clock(council: Council, kind: str, clock_policy: str, clock_params: Any) -> None:
    """Refuse a clock the council's settings cannot give, before any case is opened with it."""
    settings = clock_settings_of(council)
    try:
        if clock_params:
            from .engine.policies import policy_from_data

            # Hours within opening hours need a service's queue: service requests only.
            if (
                policy_from_data(clock_params, "clock_params").hour_based
                and kind != CaseKind.SERVICE_REQUEST
            ):
                raise PolicyError(_("only a service request may count hours within opening hours"))
        elif kind == CaseKind.COMPLAINT:
            settings.procedure(clock_policy or None, council.division)
        elif kind == CaseKind.SERVICE_REQUEST and clock_policy:
            settings.standard(clock_policy)
        elif clock_policy:
            raise PolicyError(_("the law sets this kind's clock; leave the clock policy empty"))
    except PolicyError as error:
        raise ValidationError({"clock_policy": str(error)}) from error


@transaction.atomic
def do_configure_case_type(
    *,
    actor: Any,
    council: Council,
    type_id: str,
    name: str,
    kind: str,
    statuses: list[dict[str, Any]],
    initial_status: str,
    transitions: dict[str, list[str]],
    clock_policy: str = "",
    clock_params: dict[str, Any] | None = None,
    active: bool = True,
) -> CaseType:
    """Create or change a council's case type (by its type_id), its workflow and its clock.

    Cases already open keep the clock they were opened under; a status they are in that the
    new workflow drops is refused.
    """
    policies.require_configure(actor, council)
    if kind not in CaseKind.values:
        raise ValidationError({"kind": _("Not a kind of case.")})
    problems = workflow_problems(statuses, initial_status, transitions)
    if problems:
        raise ValidationError({"statuses": problems})
    check_clock(council, kind, clock_policy, clock_params)
    existing = CaseType.objects.select_for_update().filter(council=council, type_id=type_id).first()
    values = {
        "name": name,
        "kind": kind,
        "statuses": statuses,
        "initial_status": initial_status,
        "transitions": transitions,
        "clock_policy": clock_policy,
        "clock_params": clock_params or None,
        "active": active,
    }
    if existing is None:
        case_type = CaseType.objects.create(council=council, type_id=type_id, **values)
        changes = {key: (None, value) for key, value in values.items()}
    else:
        codes = {status["code"] for status in statuses}
        in_use = set(
            existing.cases.filter(closed=False).values_list("status", flat=True).distinct()
        )
        if in_use - codes:
            raise ValidationError(
                {
                    "statuses": _("Open cases are in %(codes)s: keep those statuses.")
                    % {"codes": ", ".join(sorted(in_use - codes))}
                }
            )
        changes = {
            key: (getattr(existing, key), value)
            for key, value in values.items()
            if getattr(existing, key) != value
        }
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        case_type = existing
    record_change(
        actor=actor,
        action="case_type.configure",
        instance=case_type,
        changes={
            key: (workflow_text(old), workflow_text(new)) for key, (old, new) in changes.items()
        },
    )
    return case_type


def workflow_text(value: Any) -> Any:
    """Workflow data as text for the change log (no personal data in it)."""
    return value if isinstance(value, (str, int, bool)) or value is None else repr(value)


@transaction.atomic
def do_seed_case_types(*, actor: Any, council: Council) -> list[CaseType]:
    """Create the built-in case types a council lacks (idempotent): called on first use.

    Complaints follow the council's chosen procedure; service requests the standard the council
    named after each service (none by default); the statutory kinds the law's clocks.
    """
    if actor is not None and not (
        policies.may_read_cases(actor, council) or may(actor, "configure_cases", council)
    ):
        raise PermissionDenied("configure_cases")
    have = set(CaseType.objects.filter(council=council).values_list("type_id", flat=True))
    created = []
    for type_id, name, kind in BUILT_IN_TYPES:
        if type_id in have:
            continue
        noted = kind in (CaseKind.COMPLIMENT, CaseKind.COMMENT)
        case_type = CaseType.objects.create(
            council=council,
            type_id=type_id,
            name=name,
            kind=kind,
            statuses=NOTED_STATUSES if noted else STANDARD_STATUSES,
            initial_status="new",
            transitions=NOTED_TRANSITIONS if noted else STANDARD_TRANSITIONS,
            built_in=True,
        )
        record_change(
            actor=actor,
            action="case_type.seed",
            instance=case_type,
            changes={"type_id": (None, type_id), "kind": (None, kind)},
        )
        created.append(case_type)
    return created


def ensure_case_types(council: Council) -> None:
    """Seed the built-in types the first time a council's cases are used."""
    if not CaseType.objects.filter(council=council).exists():
        do_seed_case_types(actor=None, council=council)


# Opening ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewParty:
    """A party to put on a new case, in a role (a representative with their authority)."""

    party: Party
    role: str
    representation: Representation | None = None


def next_reference(council: Council, year: int) -> str:
    """The council's next case reference for `year`, like CAS-2026-000123 (inside a transaction).

    An UPDATE ... SET last = last + 1 takes the counter's row lock, so two openings never get
    the same number; the year's first opening creates the row (in a savepoint, so a racing
    opener that created it first just makes this one count on from it).
    """
    counters = CaseCounter.objects.filter(council=council, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CaseCounter.objects.create(council=council, year=year, last=1)
        except IntegrityError:
            counters.update(last=F("last") + 1)
    last = counters.values_list("last", flat=True).get()
    return f"CAS-{year}-{last:06d}"


def _default_team(actor: Any, council: Council, service: Service) -> Team | None:
    """The opener's team serving the service, else the opener's first team."""
    if _person(actor) is None:
        return None
    teams = list(
        Team.objects.filter(council=council, teammembership__user=actor)
        .prefetch_related("services")
        .order_by("name")
    )
    for team in teams:
        if any(s.pk == service.pk for s in team.services.all()):
            return team
    return teams[0] if teams else None


def _is_member(user: Any, team: Team | None) -> bool:
    return team is not None and TeamMembership.objects.filter(team=team, user=user).exists()


@transaction.atomic
def _received_at(
    council: Council, received_on: dt.date, contact: Contact | None, now: dt.datetime
) -> dt.datetime:
    """The moment a case was received: its contact's offer, else now when received today, else
    the start of the local receipt date (an hour-based standard counts that day's hours)."""
    if contact is not None:
        return contact.offered_at
    if council.local_date(now) == received_on:
        return now
    return dt.datetime.combine(received_on, dt.time(), tzinfo=council.zone)


def do_open_case(
    *,
    actor: Any,
    council: Council,
    case_type: CaseType,
    service: Service,
    summary: str,
    received_on: dt.date | None = None,
    contact: Contact | None = None,
    details: str = "",
    priority: str = Priority.NORMAL,
    sensitivity: str = Sensitivity.NORMAL,
    parties: Sequence[NewParty] = (),
    anonymous: bool = False,
    owner_team: Team | None = None,
    owner: User | None = None,
) -> Case:
    """Open a case, directly or from a contact, with the clock its type gives it.

    From a contact, it is received on the contact's local date (whatever `received_on` says),
    is at least as sensitive as the contact, and takes the contact's parties unless others are
    given. It keeps a snapshot of its clock policy so a later change of procedure never moves
    its dates. Owned by the opener's team serving the service (else the opener's first team).
    """
    policies.require_open_cases(actor, council)
    now = _now()
    today = council.local_date(now)
    errors: dict[str, str] = {}
    if case_type.council_id != council.pk or not case_type.active:
        errors["case_type"] = _("Choose a type of case")
    if service.council_id != council.pk:
        errors["service"] = _("Choose a service")
    summary = summary.strip()
    if not summary:
        errors["summary"] = _("Enter a summary of the case")
    if contact is not None:
        if contact.council_id != council.pk:
            raise PermissionDenied("contact")
        received_on = council.local_date(contact.offered_at)
        sensitivity = most_sensitive(sensitivity, contact.sensitivity)
        if not parties and not anonymous:
            parties = [
                NewParty(role.party, role.role, role.representation)
                for role in ContactParty.objects.filter(contact=contact).select_related(
                    "party", "representation"
                )
            ]
    received_on = received_on or today
    if received_on > today:
        errors["received_on"] = _("The date received must be today or in the past")
    if anonymous and parties:
        errors["anonymous"] = _("An anonymous case has no named parties")
    for new in parties:
        if new.party.council_id != council.pk or new.role not in PartyRoleKind.values:
            errors["parties"] = _("A party is not of this council or not in a known role")
        elif new.role == PartyRoleKind.REPRESENTATIVE and (
            new.representation is None or new.representation.representative_id != new.party.pk
        ):
            errors["parties"] = _("A representative acts under their own recorded authority")
    if owner_team is not None and owner_team.council_id != council.pk:
        errors["owner_team"] = _("Choose one of the council's teams")
    if errors:
        raise ValidationError(errors)
    try:
        policy = case_policies(council, case_type, service)
    except PolicyError as error:
        raise ValidationError({"case_type": str(error)}) from error
    sensitivity = most_sensitive(sensitivity, service.default_sensitivity)
    owner_team = owner_team or _default_team(actor, council, service)
    if owner is not None and not _is_member(owner, owner_team):
        raise ValidationError({"owner": _("The owner must be a member of the owning team")})
    case = Case.objects.create(
        council=council,
        reference=next_reference(council, today.year),
        case_type=case_type,
        service=service,
        summary=summary,
        status=case_type.initial_status,
        closed=case_type.is_closed_status(case_type.initial_status),
        owner_team=owner_team,
        owner=owner,
        priority=priority,
        sensitivity=sensitivity,
        anonymous=anonymous,
        received_on=received_on,
        received_at=_received_at(council, received_on, contact, now),
        opened_at=now,
        opened_by=_person(actor),
        opened_from=contact,
        policy=policy,
        stage=1,
        stage_received_on=received_on,
    )
    seen = set()
    for new in parties:
        if (new.party.pk, new.role) in seen:
            continue
        seen.add((new.party.pk, new.role))
        CaseParty.objects.create(
            council=council,
            case=case,
            party=new.party,
            role=new.role,
            representation=new.representation,
            linked_by=_person(actor),
        )
    _event(
        case,
        CaseEventKind.OPENED,
        actor,
        at=now,
        data={
            "received_on": received_on.isoformat(),
            "contact": contact.contact_id if contact is not None else "",
            "type": case_type.type_id,
            "policy": policy.get("name", ""),
        },
    )
    _recompute(case, council, today, events=[])
    _audit(
        actor,
        "case.open",
        case,
        case,
        {
            "reference": (None, case.reference),
            "case_type": (None, case_type.pk),
            "service": (None, service.pk),
            "summary": (None, summary),
            "received_on": (None, received_on),
            "sensitivity": (None, sensitivity),
            "opened_from": (None, contact.pk if contact else None),
            "parties": (None, len(seen)),
        },
    )
    if details.strip():
        _add_note(actor, case, details.strip(), case.sensitivity, now)
    return case


# Clocks -----------------------------------------------------------------------------------------


def _recompute(
    case: Case,
    council: Council,
    today: dt.date,
    *,
    events: Iterable[CaseClockEvent] | None = None,
    save: bool = True,
) -> None:
    """Replay the case's current-stage clock and cache its dates and statuses on the case."""
    if events is None:
        events = list(CaseClockEvent.objects.filter(case=case, stage=case.stage))
    events = list(events)
    case.clock_error = ""
    try:
        result = replay_clock(case, council, events, today=today)
    except (ClockError, PolicyError) as error:
        # A calendar that cannot answer (a year past the bank-holiday data): keep the last
        # dates and say why, rather than losing the event that was recorded.
        case.clock_error = str(error)[:300]
        result = None
        if save:
            case.save(update_fields=["clock_error", "updated_at"])
        return
    if result is None:
        case.acknowledge_by = case.acknowledged_on = case.due = case.responded_on = None
        case.responded_at = case.due_at = None
        case.waiting_for = ""
        case.clock_status = case.acknowledgement_status = ClockStatus.NO_CLOCK
    else:
        clock = result.clock
        case.acknowledge_by = clock.acknowledge_by
        case.acknowledged_on = clock.acknowledged_on
        case.due = clock.due
        case.due_at = clock.due_at
        case.responded_on = clock.responded_on
        responses = [e for e in events if e.kind == ClockEventKind.RESPONDED]
        case.responded_at = (responses[-1].at or responses[-1].recorded_at) if responses else None
        case.waiting_for = str(clock.waiting_for or "")
        case.clock_status = str(result.status)
        case.acknowledgement_status = str(result.acknowledgement)
    case.clock_checked_on = today
    if save:
        case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])


def allowed_clock_events(case: Case) -> list[tuple[str, str]]:
    """The (kind, reason) pairs the case's current clock allows, for forms: acknowledge,
    each wait it knows (asked, answered), extend, respond."""
    policy = stage_policy(case)
    if policy is None:
        return []
    allowed = []
    if policy.acknowledge is not None or case.case_type.is_complaint:
        allowed.append((ClockEventKind.ACKNOWLEDGED.value, ""))
    for reason, _effect in policy.waits:
        allowed.append((ClockEventKind.WAIT_STARTED.value, str(reason)))
        allowed.append((ClockEventKind.WAIT_ENDED.value, str(reason)))
    if policy.extension is not None:
        allowed.append((ClockEventKind.EXTENDED.value, ""))
    allowed.append((ClockEventKind.RESPONDED.value, ""))
    return allowed


@transaction.atomic
def do_record_clock_event(
    *,
    actor: Any,
    case: Case,
    kind: str,
    on: dt.date,
    reason: str = "",
    amount: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> CaseClockEvent:
    """Record what happened to the case's clock (acknowledged; clarification, identity evidence
    or a fee asked for and received; extended with a reason; responded) and recompute it.

    Refused (ValidationError) when the policy does not allow it: a wait it does not know, an
    extension past its cap or after the due date, a date before the receipt or in the future,
    or a complaint's stage 2 answered by its stage 1 handler.
    """
    policies.require_work(actor, case)
    case = _locked(case)
    council = case.council
    now = _now()
    today = council.local_date(now)
    if kind not in ClockEventKind.values:
        raise ValidationError({"kind": _("Choose what happened")})
    if reason and reason not in WaitReason.values:
        raise ValidationError({"kind": _("Choose what happened")})
    if stage_policy(case) is None:
        raise ValidationError({"kind": _("This case keeps no clock")})
    if on > today:
        raise ValidationError({"on": _("The date must be today or in the past")})
    if on < case.stage_received_on:
        raise ValidationError(
            {"on": _("The date must be on or after the day the request was received")}
        )
    if kind == ClockEventKind.EXTENDED and not note.strip():
        raise ValidationError({"note": _("Enter the reason for the extension")})
    if (
        kind == ClockEventKind.RESPONDED
        and case.stage >= 2
        and _person(actor) is not None
        and actor.pk == case.stage_1_handler_id
    ):
        raise ValidationError(
            {"kind": _("Stage 2 must be answered by someone other than the stage 1 handler")}
        )
    events = list(CaseClockEvent.objects.filter(case=case, stage=case.stage))
    new = CaseClockEvent(
        case=case,
        stage=case.stage,
        kind=kind,
        on=on,
        at=at or (now if on == today else None),
        reason=reason,
        amount=amount,
        note=note.strip(),
        recorded_by=_person(actor),
        recorded_at=now,
    )
    try:
        replay_clock(case, council, [*events, new], today=today)
    except (ClockError, PolicyError) as error:
        raise ValidationError({"kind": str(error)}) from error
    new.save()
    _event(case, CaseEventKind.CLOCK, actor, at=now, clock_event=new)
    if kind == ClockEventKind.RESPONDED and case.stage == 1 and case.stage_count >= 2:
        case.stage_1_handler = case.owner or _person(actor)
        case.save(update_fields=["stage_1_handler", "updated_at"])
    _recompute(case, council, today, events=[*events, new])
    _audit(
        actor,
        "case.clock_event",
        new,
        case,
        {
            "case": (None, case.pk),
            "stage": (None, case.stage),
            "kind": (None, kind),
            "on": (None, on),
            "reason": (None, reason),
            "amount": (None, amount),
            "note": (None, new.note),
        },
    )
    return new


@transaction.atomic
def do_start_stage_two(*, actor: Any, case: Case, requested_on: dt.date) -> Case:
    """Move an answered stage 1 complaint to stage 2, received on the day it was asked for.

    Its stage 1 handler stops owning it: stage 2 is answered by someone else.
    """
    policies.require_work(actor, case)
    case = _locked(case)
    council = case.council
    today = council.local_date(_now())
    if not case.case_type.is_complaint or case.stage_count < 2 or case.stage != 1:
        raise ValidationError({"requested_on": _("This case has no next stage")})
    if case.responded_on is None:
        raise ValidationError({"requested_on": _("Stage 1 must be answered first")})
    if requested_on > today or requested_on < case.responded_on:
        raise ValidationError(
            {"requested_on": _("The date must be between the stage 1 answer and today")}
        )
    old_owner = case.owner_id
    case.stage = 2
    case.stage_received_on = requested_on
    if case.owner_id is not None and case.owner_id == case.stage_1_handler_id:
        case.owner = None
    old_status = case.status
    case.status = case.case_type.initial_status
    case.closed = case.case_type.is_closed_status(case.status)
    case.closed_at = None
    case.closed_on = case.days_to_close = None
    case.save()
    _recompute(case, council, today, events=[])
    _event(
        case,
        CaseEventKind.STAGE,
        actor,
        data={"stage": 2, "requested_on": requested_on.isoformat()},
    )
    _audit(
        actor,
        "case.stage",
        case,
        case,
        {
            "stage": (1, 2),
            "stage_received_on": (case.received_on, requested_on),
            "owner": (old_owner, case.owner_id),
            "status": (old_status, case.status),
        },
    )
    return case


@transaction.atomic
def do_record_ombudsman_referral(
    *, actor: Any, case: Case, referred_on: dt.date, reference: str = ""
) -> Case:
    """Record that the resident took the case to the ombudsman (or the ICO) and when."""
    policies.require_work(actor, case)
    case = _locked(case)
    today = case.council.local_date(_now())
    if referred_on > today or referred_on < case.received_on:
        raise ValidationError({"referred_on": _("The date must be between the receipt and today")})
    old = (case.ombudsman_referred_on, case.ombudsman_reference)
    case.ombudsman_referred_on = referred_on
    case.ombudsman_reference = reference.strip()
    case.save(update_fields=["ombudsman_referred_on", "ombudsman_reference", "updated_at"])
    _event(case, CaseEventKind.OMBUDSMAN, actor, data={"referred_on": referred_on.isoformat()})
    _audit(
        actor,
        "case.ombudsman",
        case,
        case,
        {
            "ombudsman_referred_on": (old[0], referred_on),
            "ombudsman_reference": (old[1], case.ombudsman_reference),
        },
    )
    return case


# Status, owner, notes and files -----------------------------------------------------------------


@transaction.atomic
def do_change_status(*, actor: Any, case: Case, status: str, note: str = "") -> Case:
    """Move the case to `status`, if its type allows that from where it is.

    Closing ends its stay with the team that has it (for time in service); a note, when given,
    goes on the timeline with the change. Listeners of `case_status_changed` hear of it once
    the change is committed (e.g. to tell the requester).
    """
    policies.require_work(actor, case)
    case = _locked(case)
    case_type = case.case_type
    old = case.status
    if status == old:
        raise ValidationError({"status": _("The case is already %(status)s") % {"status": old}})
    if status not in case_type.allowed_from(old):
        raise ValidationError(
            {
                "status": _("A case that is %(old)s cannot move to %(new)s")
                % {
                    "old": case_type.status_label(old),
                    "new": case_type.status_label(status),
                }
            }
        )
    now = _now()
    was_closed = case.closed
    if (
        case_type.is_closed_status(status)
        and Handover.objects.filter(case=case, status=HandoverStatus.PENDING).exists()
    ):
        raise ValidationError(
            {"status": _("The case is waiting to be accepted: accept or bounce it first")}
        )
    case.status = status
    case.closed = case_type.is_closed_status(status)
    if case.closed and not was_closed:
        case.closed_at = now
        _set_time_to_close(case, case.council.local_date(now))
        Handover.objects.filter(
            case=case, left_at__isnull=True, status=HandoverStatus.ACCEPTED
        ).update(left_at=now)
    elif not case.closed:
        case.closed_at = None
        case.closed_on = case.days_to_close = None
    case.save(
        update_fields=[
            "status",
            "closed",
            "closed_at",
            "closed_on",
            "paused_days",
            "days_to_close",
            "updated_at",
        ]
    )
    _event(
        case,
        CaseEventKind.STATUS_CHANGED,
        actor,
        at=now,
        data={
            "from": old,
            "to": status,
            "from_label": case_type.status_label(old),
            "to_label": case_type.status_label(status),
        },
    )
    _audit(actor, "case.status", case, case, {"status": (old, status)})
    if note.strip():
        _add_note(actor, case, note.strip(), case.sensitivity, now)
    transaction.on_commit(
        lambda: case_status_changed.send(
            sender=Case, case=case, old=old, new=status, actor=_person(actor)
        )
    )
    return case


def _set_time_to_close(case: Case, closed_on: dt.date) -> None:
    """Record when the case closed and its time to close for the KPIs: elapsed days from
    receipt less the days spent waiting for the requester (every stage's waits)."""
    waits = [
        ("started" if kind == ClockEventKind.WAIT_STARTED else "ended", on)
        for kind, on in CaseClockEvent.objects.filter(
            case=case, kind__in=[ClockEventKind.WAIT_STARTED, ClockEventKind.WAIT_ENDED]
        )
        .order_by("stage", "on", "pk")
        .values_list("kind", "on")
    ]
    case.closed_on = closed_on
    case.paused_days = kpi_engine.paused_days(waits, closed_on)
    case.days_to_close = kpi_engine.days_to_close(case.received_on, closed_on, case.paused_days)


@transaction.atomic
def do_assign(*, actor: Any, case: Case, owner: User | None) -> Case:
    """Give the case to a member of its owning team (None: back to the team's queue)."""
    policies.require_work(actor, case)
    case = _locked(case)
    if owner is not None:
        if not _is_member(owner, case.owner_team):
            raise ValidationError({"owner": _("Choose a member of the owning team")})
        if case.stage >= 2 and owner.pk == case.stage_1_handler_id:
            raise ValidationError(
                {"owner": _("Stage 2 must be handled by someone other than the stage 1 handler")}
            )
    old = case.owner_id
    if old == (owner.pk if owner else None):
        return case
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    _event(
        case,
        CaseEventKind.ASSIGNED,
        actor,
        person=owner,
        data={"team": case.owner_team.name if case.owner_team else ""},
    )
    _audit(actor, "case.assign", case, case, {"owner": (old, owner.pk if owner else None)})
    return case


def _add_note(actor: Any, case: Case, text: str, sensitivity: str, at: dt.datetime) -> CaseNote:
    note = CaseNote.objects.create(
        case=case, text=text, sensitivity=sensitivity, author=_person(actor), created_at=at
    )
    _event(
        case,
        CaseEventKind.NOTE,
        actor,
        at=at,
        note=note,
        sensitivity=most_sensitive(sensitivity, case.sensitivity),
    )
    _audit(
        actor,
        "case.note",
        note,
        case,
        {"case": (None, case.pk), "text": (None, text), "sensitivity": (None, sensitivity)},
    )
    return note


@transaction.atomic
def do_add_note(
    *, actor: Any, case: Case, text: str, sensitivity: str = Sensitivity.NORMAL
) -> CaseNote:
    """Add a note; a restricted or safeguarding note needs open_restricted to write or read."""
    policies.require_note(actor, case)
    if not text.strip():
        raise ValidationError({"text": _("Enter the note")})
    if sensitivity not in Sensitivity.values:
        raise ValidationError({"sensitivity": _("Choose how sensitive the note is")})
    if actor is not None and not policies.may_see(actor, case, sensitivity):
        raise PermissionDenied("open_restricted")
    return _add_note(actor, case, text.strip(), sensitivity, _now())


# What a file's first bytes must be for each type we accept, and the names it may have.
SIGNATURES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    (b"PK\x03\x04", "application/vnd.oasis.opendocument.text", (".odt",)),
)
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
ACCEPTED_EXTENSIONS = sorted(
    {ext for _sig, _type, exts in SIGNATURES for ext in exts} | set(TEXT_TYPES)
)


def sniff_type(name: str, head: bytes) -> str | None:
    """The content type of a file from its name and first bytes; None when we do not accept it.

    The browser's declared type is ignored: a renamed executable is refused.
    """
    extension = os.path.splitext(name.lower())[1]
    for signature, content_type, extensions in SIGNATURES:
        if extension in extensions and head.startswith(signature):
            return content_type
    if extension in TEXT_TYPES and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start < len(head) - 4:
                return None
        return TEXT_TYPES[extension]
    return None


@transaction.atomic
def do_attach(
    *,
    actor: Any,
    case: Case,
    upload: UploadedFile,
    sensitivity: str = Sensitivity.NORMAL,
) -> CaseAttachment:
    """Attach a file, checked: at most 10 MB, and a PDF, image, office document or text file
    by its content, not by what the browser says it is."""
    policies.require_note(actor, case)
    if sensitivity not in Sensitivity.values:
        raise ValidationError({"sensitivity": _("Choose how sensitive the file is")})
    if actor is not None and not policies.may_see(actor, case, sensitivity):
        raise PermissionDenied("open_restricted")
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The selected file is empty")})
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The selected file must be smaller than 10 MB")})
    name = os.path.basename((upload.name or "file").replace("\\", "/"))[:200] or "file"
    upload.seek(0)
    head = upload.read(2048)
    content_type = sniff_type(name, head)
    if content_type is None:
        raise ValidationError(
            {
                "file": _("The selected file must be a %(types)s")
                % {"types": ", ".join(ACCEPTED_EXTENSIONS)}
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    now = _now()
    attachment = CaseAttachment(
        case=case,
        name=name,
        size=size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        sensitivity=sensitivity,
        uploaded_by=_person(actor),
        uploaded_at=now,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(
        case,
        CaseEventKind.ATTACHMENT,
        actor,
        at=now,
        attachment=attachment,
        sensitivity=most_sensitive(sensitivity, case.sensitivity),
    )
    _audit(
        actor,
        "case.attach",
        attachment,
        case,
        {
            "case": (None, case.pk),
            "name": (None, name),
            "size": (None, size),
            "content_type": (None, content_type),
            "sha256": (None, attachment.sha256),
        },
    )
    return attachment


# Handovers --------------------------------------------------------------------------------------


def _maybe_follow_service(case: Case, service: Service) -> None:
    """A service request that moves service takes the new service's standard, while nothing
    has yet been recorded on its clock (its receipt stays the same)."""
    if case.case_type.kind != CaseKind.SERVICE_REQUEST or service.pk == case.service_id:
        return
    if CaseClockEvent.objects.filter(case=case).exists():
        return
    try:
        case.policy = case_policies(case.council, case.case_type, service)
    except PolicyError as error:
        raise ValidationError({"service": str(error)}) from error


@transaction.atomic
def do_hand_over(
    *,
    actor: Any,
    case: Case,
    to_team: Team,
    service: Service | None = None,
    note: str = "",
) -> Handover:
    """Pass the case to another team for one of the services it serves (by default the case's
    own service when the team serves it). It waits in that team's inbox to be accepted or
    bounced; a handover that follows a bounce back to this team counts as a re-route."""
    policies.require_note(actor, case)
    case = _locked(case)
    if case.closed:
        raise ValidationError({"to_team": _("A closed case cannot be handed over")})
    if to_team.council_id != case.council_id:
        raise ValidationError({"to_team": _("Choose one of the council's teams")})
    if to_team.pk == case.owner_team_id:
        raise ValidationError(
            {"to_team": _("The case is already with %(team)s") % {"team": to_team.name}}
        )
    pending = Handover.objects.filter(case=case, status=HandoverStatus.PENDING).first()
    if pending is not None:
        raise ValidationError({"to_team": _("The case is already waiting to be accepted")})
    served = list(to_team.services.all())
    if service is None:
        service = case.service if any(s.pk == case.service_id for s in served) else None
        service = service or (served[0] if served else None)
    if service is None or all(s.pk != service.pk for s in served):
        raise ValidationError(
            {"service": _("Choose a service that %(team)s serves") % {"team": to_team.name}}
        )
    now = _now()
    last = Handover.objects.filter(case=case).order_by("-sent_at", "-pk").first()
    reroute_of = None
    if (
        last is not None
        and last.status == HandoverStatus.BOUNCED
        and last.from_team_id == case.owner_team_id
    ):
        reroute_of = last
    Handover.objects.filter(case=case, status=HandoverStatus.ACCEPTED, left_at__isnull=True).update(
        left_at=now
    )
    handover = Handover.objects.create(
        council_id=case.council_id,
        case=case,
        from_team=case.owner_team,
        to_team=to_team,
        from_service=case.service,
        service=service,
        note=note.strip(),
        sent_by=_person(actor),
        sent_at=now,
        reroute_of=reroute_of,
    )
    old = (case.owner_team_id, case.owner_id, case.service_id)
    _maybe_follow_service(case, service)
    case.owner_team = to_team
    case.owner = None
    case.service = service
    case.save()
    if old[2] != service.pk:
        _recompute(case, case.council, case.council.local_date(now))
    _event(
        case,
        CaseEventKind.HANDOVER_SENT,
        actor,
        at=now,
        handover=handover,
        data={"reroute": reroute_of is not None},
    )
    _audit(
        actor,
        "case.hand_over",
        handover,
        case,
        {
            "case": (None, case.pk),
            "from_team": (None, old[0]),
            "to_team": (None, to_team.pk),
            "service": (old[2], service.pk),
            "note": (None, handover.note),
            "reroute_of": (None, reroute_of.pk if reroute_of else None),
        },
    )
    return handover


def _locked_handover(handover: Handover) -> Handover:
    return (
        Handover.objects.select_for_update(of=("self",))
        .select_related("case__council", "case__case_type", "to_team", "from_team")
        .get(pk=handover.pk)
    )


@transaction.atomic
def do_accept_handover(*, actor: Any, handover: Handover) -> Handover:
    """The receiving team takes the case; the person who accepts it owns it (unless they
    handled stage 1 of a complaint now at stage 2)."""
    handover = _locked_handover(handover)
    case = handover.case
    team_ids = team_ids_of(actor, case.council) if _person(actor) else set()
    policies.require_decide_handover(actor, handover, team_ids)
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"handover": _("This handover was already decided")})
    now = _now()
    handover.status = HandoverStatus.ACCEPTED
    handover.decided_by = _person(actor)
    handover.decided_at = now
    handover.save(update_fields=["status", "decided_by", "decided_at"])
    person = _person(actor)
    case = _locked(case)
    if person is not None and not (case.stage >= 2 and person.pk == case.stage_1_handler_id):
        case.owner = person
        case.save(update_fields=["owner", "updated_at"])
    _event(case, CaseEventKind.HANDOVER_ACCEPTED, actor, at=now, handover=handover)
    _audit(actor, "case.accept_handover", handover, case, {"status": ("pending", "accepted")})
    return handover


@transaction.atomic
def do_bounce_handover(*, actor: Any, handover: Handover, reason: str) -> Handover:
    """The receiving team sends the case back, saying why: it returns to the sending team's
    queue (to the person who sent it, if still in that team) and its former service."""
    handover = _locked_handover(handover)
    case = handover.case
    team_ids = team_ids_of(actor, case.council) if _person(actor) else set()
    policies.require_decide_handover(actor, handover, team_ids)
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"handover": _("This handover was already decided")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the case is bounced")})
    now = _now()
    handover.status = HandoverStatus.BOUNCED
    handover.decided_by = _person(actor)
    handover.decided_at = now
    handover.bounce_reason = reason.strip()
    handover.left_at = now
    handover.save(update_fields=["status", "decided_by", "decided_at", "bounce_reason", "left_at"])
    case = _locked(case)
    from_service = Service.objects.get(pk=handover.from_service_id)
    _maybe_follow_service(case, from_service)
    case.owner_team = handover.from_team
    sender = handover.sent_by
    case.owner = sender if sender is not None and _is_member(sender, handover.from_team) else None
    case.service = from_service
    case.save()
    _recompute(case, case.council, case.council.local_date(now))
    _event(case, CaseEventKind.HANDOVER_BOUNCED, actor, at=now, handover=handover)
    _audit(
        actor,
        "case.bounce_handover",
        handover,
        case,
        {"status": ("pending", "bounced"), "bounce_reason": (None, handover.bounce_reason)},
    )
    return handover


# The daily check --------------------------------------------------------------------------------


@dataclass
class ClockCheck:
    """What a run of the daily check did."""

    checked: int = 0
    status_changed: int = 0
    escalated: int = 0
    escalations: list[CaseEscalation] = field(default_factory=list)


def do_check_case_clocks(
    *, actor: Any = None, council: Council | None = None, today: dt.date | None = None
) -> ClockCheck:
    """Bring every open case's clock statuses up to today, and escalate each missed deadline
    (an acknowledgement or a response) to the leaders of the team that owns the case.

    Idempotent: a deadline is escalated once (the escalation is unique per case, stage,
    deadline and due date); running it again the same day changes nothing. Cases are read in
    bulk, one calendar per council and rule, and written per council in one transaction.
    """
    # The system runs it daily; a person may run it for a council whose teams they lead.
    if actor is not None and (council is None or not may(actor, "lead_team", council)):
        raise PermissionDenied("lead_team")
    report = ClockCheck()
    councils = [council] if council is not None else list(Council.objects.all())
    for each in councils:
        _check_council(actor, each, today or each.local_date(_now()), report)
    return report


def _check_council(actor: Any, council: Council, today: dt.date, report: ClockCheck) -> None:
    calendars = calendar_source(division=council.division, council=council)
    due_soon = clock_settings_of(council).due_soon_working_days
    with_clock = Case.objects.filter(council=council, closed=False).filter(
        Q(due__isnull=False) | Q(acknowledge_by__isnull=False)
    )
    cases = list(with_clock.select_related("owner_team"))
    changed: list[Case] = []
    wanted: list[tuple[Case, str, dt.date]] = []
    for case in cases:
        report.checked += 1
        policy = stage_policy(case)
        if policy is None:
            continue
        try:
            working = calendars(policy.calendar).working
        except ClockError:
            continue
        if case.responded_on is not None:
            status = case.clock_status
        elif case.waiting_for:
            status = ClockStatus.WAITING
        else:
            status = str(
                deadline_status(
                    case.due, None, today=today, calendar=working, due_soon_working_days=due_soon
                )
            )
        acknowledgement = str(
            deadline_status(
                case.acknowledge_by,
                case.acknowledged_on or case.responded_on,
                today=today,
                calendar=working,
                due_soon_working_days=due_soon,
            )
        )
        if (status, acknowledgement) != (case.clock_status, case.acknowledgement_status):
            case.clock_status, case.acknowledgement_status = status, acknowledgement
            changed.append(case)
        case.clock_checked_on = today
        if acknowledgement == Status.OVERDUE and case.acknowledge_by is not None:
            wanted.append((case, Deadline.ACKNOWLEDGE, case.acknowledge_by))
        if status == Status.OVERDUE and case.due is not None:
            wanted.append((case, Deadline.RESPOND, case.due))
    with transaction.atomic():
        if changed:
            Case.objects.bulk_update(
                changed, ["clock_status", "acknowledgement_status"], batch_size=500
            )
            report.status_changed += len(changed)
        with_clock.update(clock_checked_on=today)
        new = _escalate(actor, council, wanted)
        report.escalated += len(new)
        report.escalations.extend(new)
        for escalation in new:
            transaction.on_commit(
                partial(case_escalated.send, sender=CaseEscalation, escalation=escalation)
            )
        if new:
            transaction.on_commit(
                partial(case_escalations_raised.send, sender=CaseEscalation, escalations=new)
            )


def _escalate(
    actor: Any, council: Council, wanted: list[tuple[Case, str, dt.date]]
) -> list[CaseEscalation]:
    if not wanted:
        return []
    existing = set(
        CaseEscalation.objects.filter(case_id__in={case.pk for case, _d, _o in wanted}).values_list(
            "case_id", "stage", "deadline", "due_on"
        )
    )
    leaders: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in TeamMembership.objects.filter(
        team_id__in={case.owner_team_id for case, _d, _o in wanted if case.owner_team_id},
        is_leader=True,
    ).values_list("team_id", "user_id"):
        leaders[team_id].append(user_id)
    created = []
    for case, deadline, due_on in wanted:
        key = (case.pk, case.stage, deadline, due_on)
        if key in existing:
            continue
        existing.add(key)
        escalation = CaseEscalation.objects.create(
            case=case, stage=case.stage, deadline=deadline, due_on=due_on, team=case.owner_team
        )
        recipients = leaders.get(case.owner_team_id or 0, [])
        escalation.escalated_to.set(recipients)
        _event(
            case,
            CaseEventKind.ESCALATION,
            actor,
            data={
                "deadline": deadline,
                "deadline_label": str(Deadline(deadline).label),
                "due_on": due_on.isoformat(),
                "stage": case.stage,
                "team": case.owner_team.name if case.owner_team else "",
                "leaders": len(recipients),
            },
        )
        record_change(
            actor=actor,
            action="case.escalate",
            instance=escalation,
            changes={
                "case": (None, case.pk),
                "deadline": (None, deadline),
                "due_on": (None, due_on),
                "escalated_to": (None, len(recipients)),
            },
            council_id=council.pk,
        )
        created.append(escalation)
    return created


@transaction.atomic
def do_acknowledge_escalation(*, actor: Any, escalation: CaseEscalation) -> CaseEscalation:
    """Say "I've seen this escalation and I'm dealing with it", for everyone it went to.

    Open to a member of staff who may read the case and who received the escalation or leads
    the case's team. Idempotent: an escalation already acknowledged keeps who did it first and
    when, and nothing more is recorded.
    """
    escalation = (
        CaseEscalation.objects.select_for_update(of=("self",))
        .select_related("case__council", "case__case_type", "team", "acknowledged_by")
        .get(pk=escalation.pk)
    )
    case = escalation.case
    person = _person(actor)
    recipient = person is not None and escalation.escalated_to.filter(pk=person.pk).exists()
    leading = team_ids_of(person, case.council, leading=True) if person is not None else set()
    policies.require_acknowledge_escalation(
        actor, escalation, recipient=recipient, leading_team_ids=leading
    )
    if escalation.acknowledged_at is not None:
        return escalation
    now = _now()
    escalation.acknowledged_at = now
    escalation.acknowledged_by = person
    escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _event(
        case,
        CaseEventKind.ESCALATION_ACKNOWLEDGED,
        actor,
        at=now,
        data={
            "escalation": escalation.pk,
            "deadline": escalation.deadline,
            "deadline_label": str(Deadline(escalation.deadline).label),
            "due_on": escalation.due_on.isoformat(),
            "stage": escalation.stage,
        },
    )
    _audit(
        actor,
        "case.acknowledge_escalation",
        escalation,
        case,
        {"acknowledged_at": (None, now), "acknowledged_by": (None, person.pk)},
    )
    return escalation


# Keeping residents informed ---------------------------------------------------------------------

# The English wording of the updates a council starts with (`do_use_default_updates`): for each
# workflow's statuses, how the status reads to the resident and what happens next.
DEFAULT_UPDATES: dict[str, tuple[str, str]] = {
    "in-progress": (
        "being looked at",
        "An officer is looking into it. We will tell you when there is news.",
    ),
    "waiting": (
        "waiting for information from you",
        "We have asked you for some information. We will carry on as soon as we have it.",
    ),
    "responded": ("answered", "We have sent you our response."),
    "passed-on": ("passed to the service", "We have passed it to the service it is about."),
    "closed": ("closed", "The case is closed. Thank you for contacting us."),
}


@transaction.atomic
def do_switch_resident_updates(*, actor: Any, council: Council, on: bool) -> ResidentUpdates:
    """Switch status updates to residents on or off for the council.

    Switching on records the local date, which the chasing measure compares before and after;
    switching off keeps that date. Switching to where it already is changes nothing.
    """
    policies.require_configure(actor, council)
    switch, _created = ResidentUpdates.objects.select_for_update().get_or_create(council=council)
    if switch.on == on and not _created:
        return switch
    old = (switch.on, switch.switched_on)
    now = _now()
    switch.on = on
    if on and not old[0]:
        switch.switched_on = council.local_date(now)
    switch.changed_by = _person(actor)
    switch.changed_at = now
    switch.save()
    record_change(
        actor=actor,
        action="cases.resident_updates",
        instance=switch,
        changes={"on": (old[0], on), "switched_on": (old[1], switch.switched_on)},
        council_id=council.pk,
    )
    return switch


@transaction.atomic
def do_set_status_update(
    *,
    actor: Any,
    case_type: CaseType,
    status: str,
    language: str = "en",
    status_text: str = "",
    next_steps: str = "",
    active: bool = True,
) -> StatusUpdateRule:
    """Say that moving a case of `case_type` to `status` sends the resident an update, with the
    wording for one language (how the status reads to them, and what happens next)."""
    policies.require_configure(actor, case_type.council)
    errors: dict[str, str] = {}
    if status not in {s["code"] for s in case_type.statuses}:
        errors["status"] = _("Choose one of the type's statuses")
    language = language.strip()
    try:
        LANGUAGE(language)
    except ValidationError:
        errors["language"] = _("Use a language code such as en, cy, pl or pt-BR.")
    if errors:
        raise ValidationError(errors)
    values = {
        "status_text": status_text.strip()[:200],
        "next_steps": next_steps.strip(),
        "active": active,
    }
    rule = StatusUpdateRule.objects.filter(
        case_type=case_type, status=status, language=language
    ).first()
    if rule is None:
        rule = StatusUpdateRule.objects.create(
            council_id=case_type.council_id,
            case_type=case_type,
            status=status,
            language=language,
            **values,
        )
        changes = {key: (None, value) for key, value in values.items()}
    else:
        changes = {k: (getattr(rule, k), v) for k, v in values.items() if getattr(rule, k) != v}
        if not changes:
            return rule
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
    record_change(
        actor=actor,
        action="cases.status_update_rule",
        instance=rule,
        changes={"case_type": (None, case_type.type_id), "status": (None, status), **changes},
        council_id=case_type.council_id,
    )
    return rule


def do_use_default_updates(*, actor: Any, council: Council) -> list[StatusUpdateRule]:
    """Give each case type that has no update rules yet the default English ones, for the
    statuses of its workflow that have a default wording (idempotent)."""
    policies.require_configure(actor, council)
    ensure_case_types(council)
    created = []
    with transaction.atomic():
        for case_type in CaseType.objects.filter(council=council).prefetch_related("update_rules"):
            if case_type.update_rules.all():
                continue
            for status in case_type.statuses:
                if status["code"] in DEFAULT_UPDATES:
                    text, steps = DEFAULT_UPDATES[status["code"]]
                    created.append(
                        do_set_status_update(
                            actor=actor,
                            case_type=case_type,
                            status=status["code"],
                            status_text=text,
                            next_steps=steps,
                        )
                    )
    return created


@transaction.atomic
def do_send_status_update(*, actor: Any, case: Case, old: str, new: str) -> CaseEvent | None:
    """Tell the resident that their case moved to `new`, if the council's updates are on and the
    case type's rules say this status is worth telling.

    The message goes to the representative acting on the case, else the requester, else the
    subject; by email or text as they prefer and as their contact points allow; in their
    language where the council has the wording and the Notify template. It is queued in the
    outbox (sent once this transaction commits, retried if Notify is down) and put on the
    timeline; when nobody can be told (an anonymous or safeguarding case, no email address or
    mobile number) the timeline says why. Returns the timeline entry, or None when no update
    was due.
    """
    case = Case.objects.select_related("council", "case_type").get(pk=case.pk)
    council = case.council
    if not resident_updates_of(council).on:
        return None
    if not StatusUpdateRule.objects.filter(
        case_type=case.case_type, status=new, active=True
    ).exists():
        return None
    recipient = update_recipient(case)
    rule = update_rule_for(case.case_type, new, recipient.language)
    data: dict[str, Any] = {
        "status": new,
        "status_label": case.case_type.status_label(new),
        "role": recipient.role,
        "channel": recipient.channel,
        "language": rule.language if rule else "",
    }
    if recipient.problem or rule is None:
        data["problem"] = recipient.problem or "no-wording"
        return _event(case, CaseEventKind.MESSAGE, actor, data=data, sensitivity=case.sensitivity)
    message = do_queue_message(
        actor=actor,
        council=council,
        channel=recipient.channel,
        recipient=recipient.address,
        template_key=STATUS_UPDATE_TEMPLATE,
        personalisation={
            "name": recipient.name,
            "council": council.name,
            "case_type": case.case_type.name.lower(),
            "reference": case.reference,
            "status": rule.status_text or case.case_type.status_label(new).lower(),
            "next_steps": rule.next_steps,
        },
        language=rule.language,
        regarding=f"case:{case.pk}",
        subject=case_subject(case),
    )
    data["message"] = message.pk
    return _event(case, CaseEventKind.MESSAGE, actor, data=data, sensitivity=case.sensitivity)


# Imports ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    """A validated row of another system's export, to become (or update) a case."""

    row_number: int
    source_id: str
    received_on: dt.date
    closed_on: dt.date | None
    service_id: str
    service_name: str
    team: str
    summary: str


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


def authorise_case_import(actor: Any, council: Council) -> None:
    """Imports are run by the system (the command line) or an administrator of cases."""
    policies.require_configure(actor, council)


def _import_services(
    actor: Any, council: Council, rows: Sequence[ImportRow], mapping: Any
) -> dict[str, Service]:
    """The council's services by id, adding (through the catalogue's action) those the rows
    name that it lacks, in the mapping's family."""
    from frontdoor.core.actions import SINCE_ALWAYS, do_load_catalogue
    from frontdoor.core.catalogue import FamilyRow, ParsedCatalogue, ServiceRow

    services = {s.service_id: s for s in Service.objects.filter(council=council)}
    missing = {row.service_id: row.service_name for row in rows if row.service_id not in services}
    if missing:
        parsed = ParsedCatalogue(
            families=[FamilyRow(mapping.family_id, mapping.family_name)],
            services=[
                ServiceRow(service_id, name[:200], mapping.family_id, "")
                for service_id, name in sorted(missing.items())
            ],
        )
        do_load_catalogue(actor=actor, council=council, parsed=parsed, effective_from=SINCE_ALWAYS)
        services = {s.service_id: s for s in Service.objects.filter(council=council)}
    return services


def _import_teams(actor: Any, council: Council, rows: Sequence[ImportRow]) -> dict[str, Team]:
    """The council's teams by name, adding the back-office teams the rows name that it lacks."""
    from frontdoor.identity.models import TeamKind

    teams = {team.name: team for team in Team.objects.filter(council=council)}
    for name in sorted({row.team for row in rows if row.team and row.team not in teams}):
        team = Team.objects.create(council=council, name=name, kind=TeamKind.BACK_OFFICE)
        record_change(
            actor=actor,
            action="team.create",
            instance=team,
            changes={"name": (None, name), "kind": (None, team.kind)},
            council_id=council.pk,
        )
        teams[name] = team
    return teams


def _reserve_references(council: Council, years: Iterable[int]) -> dict[int, Iterator[str]]:
    """Case references for a batch: one UPDATE per year moves the counter on by the number of
    cases of that year, reserving a block nobody else can be given."""
    wanted: dict[int, int] = defaultdict(int)
    for year in years:
        wanted[year] += 1
    blocks: dict[int, Iterator[str]] = {}
    for year, count in wanted.items():
        counters = CaseCounter.objects.filter(council=council, year=year)
        if not counters.update(last=F("last") + count):
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(council=council, year=year, last=count)
            except IntegrityError:
                counters.update(last=F("last") + count)
        last = counters.values_list("last", flat=True).get()
        # A list, not a generator: a generator would read `year` when iterated, by then the
        # loop's last year.
        blocks[year] = iter([f"CAS-{year}-{n:06d}" for n in range(last - count + 1, last + 1)])
    return blocks


class _ImportClock:
    """The clock an imported case keeps, worked out once per policy and day of receipt."""

    def __init__(self, council: Council, case_type: CaseType) -> None:
        self.council = council
        self.case_type = case_type
        self.calendars = calendar_source(division=council.division, council=council)
        self.due_soon = clock_settings_of(council).due_soon_working_days
        self.today = council.local_date(_now())
        self.policies: dict[int, dict[str, Any]] = {}
        self.dates: dict[tuple[str, dt.date], tuple[dt.date | None, dt.date | None, Any, str]] = {}

    def policy(self, service: Service) -> dict[str, Any]:
        if service.pk not in self.policies:
            try:
                self.policies[service.pk] = case_policies(self.council, self.case_type, service)
            except PolicyError as error:
                raise ValidationError({"case_type": str(error)}) from error
        return self.policies[service.pk]

    def _dates(
        self, policy: dict[str, Any], received: dt.date
    ) -> tuple[dt.date | None, dt.date | None, Any, str]:
        """(acknowledge by, due, working calendar, error) of the first stage."""
        key = (policy.get("name", ""), received)
        if key not in self.dates:
            from .engine.clocks import compute_clock
            from .engine.policies import policy_from_data

            stage = policy_from_data(policy["stages"][0], policy.get("name", "import"))
            try:
                calendar = self.calendars(stage.calendar)
                clock = compute_clock(stage, received, [], calendar)
                self.dates[key] = (clock.acknowledge_by, clock.due, calendar.working, "")
            except (ClockError, PolicyError) as error:
                self.dates[key] = (None, None, None, str(error)[:300])
        return self.dates[key]

    def fields(
        self, policy: dict[str, Any], received: dt.date, closed: dt.date | None
    ) -> dict[str, Any]:
        """The clock fields of a case received on `received` and closed on `closed` (or open):
        met or breached by its closing date, or its status today."""
        if not policy.get("stages"):
            return {}
        acknowledge_by, due, working, error = self._dates(policy, received)
        if error:
            return {"clock_error": error}

        def status(deadline: dt.date | None) -> str:
            return str(
                deadline_status(
                    deadline,
                    closed,
                    today=self.today,
                    calendar=working,
                    due_soon_working_days=self.due_soon,
                )
            )

        return {
            "acknowledge_by": acknowledge_by,
            "due": due,
            "clock_status": status(due),
            "acknowledgement_status": status(acknowledge_by),
            "clock_checked_on": self.today,
        }


def _local_midnight(council: Council, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=council.zone)


@transaction.atomic
def do_import_cases(
    *,
    actor: Any,
    council: Council,
    rows: Sequence[ImportRow],
    mapping: Any,
    case_import: Any,
    rejections: Sequence[Any] = (),
) -> ImportOutcome:
    """Write one batch of imported cases in one transaction, idempotently.

    A row whose (source, id) the council already has updates that case only if the row closes
    or reopens it and the case is still where the import left it (nobody has worked it here);
    otherwise it is unchanged. New cases get references reserved in one step per year, the
    clock of their type, an "opened" entry on their timeline (and a "closed" one when the row
    closes them), all written in bulk. The batch gets one audit entry with its counts; each
    case it changes gets its own. The batch's rejected rows are stored with its report.
    """
    authorise_case_import(actor, council)
    ensure_case_types(council)
    case_type = CaseType.objects.filter(council=council, type_id=mapping.case_type).first()
    if case_type is None:
        raise ValidationError({"case_type": f"the council has no case type {mapping.case_type!r}"})
    codes = {status["code"] for status in case_type.statuses}
    for status in (mapping.open_status, mapping.closed_status):
        if status not in codes:
            raise ValidationError({"status": f"{case_type.type_id} has no status {status!r}"})
    if not case_type.is_closed_status(mapping.closed_status) or case_type.is_closed_status(
        mapping.open_status
    ):
        raise ValidationError({"status": "the closed status must close cases, the open one not"})
    services = _import_services(actor, council, rows, mapping)
    teams = _import_teams(actor, council, rows)
    existing = {
        case.source_id: case
        for case in Case.objects.filter(
            council=council, source=mapping.source, source_id__in=[row.source_id for row in rows]
        )
    }
    clock = _ImportClock(council, case_type)
    labels = {code: case_type.status_label(code) for code in codes}
    now = _now()
    fresh = [row for row in rows if row.source_id not in existing]
    references = _reserve_references(council, (row.received_on.year for row in fresh))
    created: list[Case] = []
    for row in fresh:
        service = services[row.service_id]
        policy = clock.policy(service)
        closed = row.closed_on is not None
        created.append(
            Case(
                council=council,
                reference=next(references[row.received_on.year]),
                case_type=case_type,
                service=service,
                summary=row.summary,
                status=mapping.closed_status if closed else mapping.open_status,
                closed=closed,
                closed_at=_local_midnight(council, row.closed_on) if row.closed_on else None,
                closed_on=row.closed_on,
                days_to_close=(
                    kpi_engine.days_to_close(row.received_on, row.closed_on)
                    if row.closed_on
                    else None
                ),
                owner_team=teams.get(row.team),
                sensitivity=most_sensitive(Sensitivity.NORMAL, service.default_sensitivity),
                received_on=row.received_on,
                opened_at=_local_midnight(council, row.received_on),
                policy=policy,
                stage=1,
                stage_received_on=row.received_on,
                source=mapping.source,
                source_id=row.source_id,
                **clock.fields(policy, row.received_on, row.closed_on),
            )
        )
    Case.objects.bulk_create(created, batch_size=500)
    events: list[CaseEvent] = []
    for case in created:
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEventKind.OPENED,
                at=case.opened_at,
                sensitivity=case.sensitivity,
                data={
                    "received_on": case.received_on.isoformat(),
                    "contact": "",
                    "type": case_type.type_id,
                    "policy": case.policy.get("name", ""),
                    "imported": mapping.source,
                    "source_id": case.source_id,
                },
            )
        )
        if case.closed:
            events.append(_closed_event(case, mapping, labels))
    updated = 0
    for row in rows:
        found = existing.get(row.source_id)
        if found is None or found.closed_on == row.closed_on:
            continue
        case = found
        if case.status not in (mapping.open_status, mapping.closed_status):
            continue  # worked here since it was imported: the other system no longer leads
        old = (case.status, case.closed_on)
        case.closed = row.closed_on is not None
        case.status = mapping.closed_status if case.closed else mapping.open_status
        case.closed_on = row.closed_on
        case.closed_at = _local_midnight(council, row.closed_on) if row.closed_on else None
        case.days_to_close = (
            kpi_engine.days_to_close(case.received_on, row.closed_on, case.paused_days)
            if row.closed_on
            else None
        )
        case.save(update_fields=["status", "closed", "closed_on", "closed_at", "days_to_close"])
        if case.closed:
            events.append(_closed_event(case, mapping, labels))
        record_change(
            actor=actor,
            action="case.import_update",
            instance=case,
            changes={"status": (old[0], case.status), "closed_on": (old[1], case.closed_on)},
            council_id=council.pk,
        )
        updated += 1
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    if rejections:
        from .models import CaseImportRejection

        CaseImportRejection.objects.bulk_create(rejections, batch_size=1000)
    outcome = ImportOutcome(
        created=len(created), updated=updated, unchanged=len(rows) - len(created) - updated
    )
    record_batch(
        actor=actor,
        action="cases.import",
        object_type="cases.case",
        council_id=council.pk,
        summary={
            "import": case_import.pk,
            "source": mapping.source,
            "mapping": mapping.name,
            "file_sha256": case_import.file_sha256,
            "rows": len(rows),
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "not_taken": len(rejections),
            "at": now.isoformat(),
        },
    )
    return outcome


def _closed_event(case: Case, mapping: Any, labels: dict[str, str]) -> CaseEvent:
    return CaseEvent(
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        at=case.closed_at or _now(),
        sensitivity=case.sensitivity,
        data={
            "from": mapping.open_status,
            "to": mapping.closed_status,
            "from_label": labels.get(mapping.open_status, mapping.open_status),
            "to_label": labels.get(mapping.closed_status, mapping.closed_status),
            "imported": mapping.source,
        },
    )
