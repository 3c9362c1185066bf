"""The agent desktop's contacts: logging a contact for a person, and what the person page adds
to the CRM's record (cases, notes, early-intervention prompts).

A contact logged at the desktop is the same kind of record as an imported one
(`contact-records-and-kpis.md` section 1): it is checked by the same `RecordValidator`, has source
`desktop`, and links the person as its subject. Where the agent gives the telephony call's id,
logging enriches that call's contact (wrap code, resolution, failure demand, notes, the service
the agent found it was about) instead of adding a second record; a call still in progress (a
live call the queue-events API knows) gets its contact now, under the call's own identity, so
that the platform's record of the call later updates the same row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access, record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import may, require

from .early_intervention import PromptView, evaluate_for_parties, prompts_for_party
from .models import Channel, Contact, ContactNote, EarlyInterventionPrompt
from .records import RecordValidator, ValidRecord
from .selectors import catalogue_lookup

DESKTOP = "desktop"
CONTACT_VIEW = "contacts.contact"
# Channels whose contacts a queue platform records (a call, a chat): the ones a telephony id
# can name.
QUEUED_CHANNELS = ("phone", "webchat")
# Reasons agents most often record; councils use their own codes as well (the field is free).
WRAP_CODES: tuple[tuple[str, Any], ...] = (
    ("council-tax-arrears", gettext_lazy("Council tax arrears")),
    ("council-tax-bill", gettext_lazy("Council tax bill or payment")),
    ("council-tax-discount", gettext_lazy("Council tax discount or exemption")),
    ("rent-arrears", gettext_lazy("Rent arrears")),
    ("rent-payment", gettext_lazy("Rent payment or statement")),
    ("benefits", gettext_lazy("Benefit claim or change")),
    ("welfare-support", gettext_lazy("Welfare support or cost of living help")),
    ("debt-advice", gettext_lazy("Debt advice")),
    ("repair-request", gettext_lazy("Repair request")),
    ("housing-application", gettext_lazy("Housing application")),
    ("homelessness", gettext_lazy("Homeless or at risk")),
    ("missed-bin", gettext_lazy("Missed bin")),
    ("parking-permit", gettext_lazy("Parking permit")),
    ("complaint", gettext_lazy("Complaint")),
    ("chasing", gettext_lazy("Chasing an earlier request")),
    ("general-enquiry", gettext_lazy("General enquiry")),
)


@dataclass(frozen=True)
class LoggedContact:
    contact: Contact
    created: bool  # False: an existing call's contact was enriched
    note: ContactNote | None
    prompts: list[EarlyInterventionPrompt] = field(default_factory=list)


def _errors(rejections: list[Any]) -> ValidationError:
    """The validator's rejections as a ValidationError by field (the form's names)."""
    names = {"service": "service", "failure_demand_type": "failure_demand"}
    errors: dict[str, list[str]] = {}
    for rejection in rejections:
        name = names.get(rejection.column, rejection.column)
        errors.setdefault(name, []).append(f"{rejection.column} {rejection.reason}")
    return ValidationError(errors)


def _decimal(seconds: float | None) -> str:
    return "" if seconds is None else f"{max(seconds, 0.0):.0f}"


@transaction.atomic
def do_log_contact(
    *,
    actor: Any,
    party: Any,
    channel: str,
    service: str,
    outcome: str = "answered",
    resolution: str = "",
    wrap_code: str = "",
    notes: str = "",
    failure_demand: bool | None = None,
    failure_demand_type: str = "",
    sensitivity: str = "",
    telephony_id: str = "",
    offered_at: dt.datetime | None = None,
) -> LoggedContact:
    """Log a contact with a person at the desktop (or enrich the call's own contact), link the
    person as its subject, keep the agent's notes, and evaluate the early-intervention rules.

    `service` is a service id of the council's catalogue; the values are checked with the
    contact-record rules (ValidationError by field). Audited: the contact (created or
    enriched), the note (sealed under the person's key) and any prompt raised.
    """
    from frontdoor.citizens.actions import do_link_party_to_contact
    from frontdoor.citizens.policies import require_change_party

    council: Council = party.council
    if actor is None:
        raise PermissionDenied("a contact is logged by a member of staff")
    require(actor, "use_desktop", council)
    require_change_party(actor, party)
    notes = notes.strip()
    telephony_id = telephony_id.strip()
    catalogue = catalogue_lookup(council)
    validator = RecordValidator(
        catalogue=catalogue, time_zone=council.time_zone, default_source=DESKTOP
    )
    agent_values = {
        "service": service,
        "resolution": resolution,
        "wrap_code": wrap_code.strip(),
        "failure_demand": "" if failure_demand is None else str(failure_demand).lower(),
        "failure_demand_type": failure_demand_type,
        "sensitivity": sensitivity,
    }
    subject = subject_ref(party)
    if telephony_id:
        existing = _call_contact(council, telephony_id)
        if existing is not None:
            contact = _enrich(actor, existing, agent_values, validator, subject)
            created = False
        else:
            contact = _from_live_call(
                actor, council, telephony_id, agent_values, validator, subject
            )
            created = True
    else:
        moment = offered_at or timezone.now()
        raw = {
            "contact_id": f"D{uuid.uuid4().hex[:24]}",
            "source": DESKTOP,
            "channel": channel,
            "direction": "inbound",
            "offered_at": moment.astimezone(dt.UTC).isoformat(),
            "outcome": outcome,
            "citizen_ref": party.reference,  # the CRM's own reference of the person
            "agent_ref": getattr(actor, "username", ""),
            **agent_values,
        }
        checked = validator.validate(1, raw)
        if not isinstance(checked, ValidRecord):
            raise _errors(checked)
        contact = _create(actor, council, checked, catalogue, subject)
        created = True
    note = None
    if notes:
        note = ContactNote.objects.create(
            contact=contact, text=notes, sensitivity=contact.sensitivity, author=actor
        )
        record_change(
            actor=actor,
            action="contact_note.create",
            instance=note,
            changes={"contact_id": (None, contact.pk), "text": (None, notes)},
            subject=subject,
            council_id=council.pk,
        )
    do_link_party_to_contact(actor=actor, party=party, contact=contact, role="subject")
    prompts = evaluate_for_parties(council, [party.pk], actor=actor)
    return LoggedContact(contact=contact, created=created, note=note, prompts=prompts)


def _create(
    actor: Any, council: Council, record: ValidRecord, catalogue: Any, subject: str
) -> Contact:
    values = dict(record.values)
    entry = catalogue.service_by_pk(values["service_id"])
    values.setdefault("queue_id", entry.default_queue_pk)
    values.setdefault("sensitivity", entry.default_sensitivity)
    contact = Contact.objects.create(
        council=council, source=record.source, contact_id=record.contact_id, **values
    )
    record_change(
        actor=actor,
        action="contact.log",
        instance=contact,
        changes={name: (None, value) for name, value in values.items()},
        subject=subject,
    )
    return contact


def _call_contact(council: Council, telephony_id: str) -> Contact | None:
    """The contact a queue platform recorded for this call (ValidationError if several)."""
    found = list(
        Contact.objects.select_for_update()
        .filter(council=council, contact_id=telephony_id, channel__in=QUEUED_CHANNELS)
        .exclude(source=DESKTOP)[:2]
    )
    if len(found) > 1:
        raise ValidationError(
            {"telephony_id": _("Two systems have a call with that id: check it with IT.")}
        )
    return found[0] if found else None


# Values an agent's wrap-up may change on a call's contact; the platform's timings, outcome
# and identity stay as the platform recorded them.
ENRICHED = ("service_id", "resolution", "wrap_code", "failure_demand", "failure_demand_type")


def _enrich(
    actor: Any,
    contact: Contact,
    agent_values: dict[str, str],
    validator: RecordValidator,
    subject: str,
) -> Contact:
    if contact.sensitivity != Sensitivity.NORMAL and not may(actor, "open_restricted", contact):
        raise ValidationError({"telephony_id": _("That call's record is restricted.")})
    raw = {
        "contact_id": contact.contact_id,
        "source": contact.source,
        "channel": contact.channel,
        "direction": contact.direction,
        "offered_at": contact.offered_at.isoformat(),
        "outcome": contact.outcome,
        "wait_seconds": _decimal(contact.wait_seconds),
        **agent_values,
    }
    checked = validator.validate(1, raw)
    if not isinstance(checked, ValidRecord):
        raise _errors(checked)
    wanted = {name: checked.values[name] for name in ENRICHED if name in checked.values}
    if "sensitivity" in checked.values and checked.values["sensitivity"] != Sensitivity.NORMAL:
        # An agent may make a record more sensitive, never less.
        wanted["sensitivity"] = checked.values["sensitivity"]
    changes = {
        name: (getattr(contact, name), value)
        for name, value in wanted.items()
        if getattr(contact, name) != value
    }
    if changes:
        for name, (_old, new) in changes.items():
            setattr(contact, name, new)
        contact.save()
        record_change(
            actor=actor, action="contact.enrich", instance=contact, changes=changes, subject=subject
        )
    return contact


def _from_live_call(
    actor: Any,
    council: Council,
    telephony_id: str,
    agent_values: dict[str, str],
    validator: RecordValidator,
    subject: str,
) -> Contact:
    """A call the platform is still handling: its contact, recorded now under the platform's
    identity, so the platform's own record of it (when the call ends) updates this row."""
    from frontdoor.omnichannel.models import LiveCall

    call = (
        LiveCall.objects.filter(council=council, call_id=telephony_id)
        .select_related("queue", "service")
        .order_by("-queued_at")
        .first()
    )
    if call is None:
        raise ValidationError(
            {
                "telephony_id": _(
                    "There is no call with that id. Check the number, or leave it blank."
                )
            }
        )
    answered = call.answered_at or timezone.now()
    raw = {
        "contact_id": call.call_id,
        "source": call.platform,
        "channel": call.channel,
        "direction": call.direction,
        "queue": call.queue.queue_id,
        "offered_at": call.queued_at.isoformat(),
        "outcome": "answered",
        "wait_seconds": _decimal((answered - call.queued_at).total_seconds()),
        "citizen_ref": call.citizen_ref,
        "agent_ref": call.agent_ref or getattr(actor, "username", ""),
        **agent_values,
    }
    if not raw["service"]:
        raw["service"] = call.service.service_id
    checked = validator.validate(1, raw)
    if not isinstance(checked, ValidRecord):
        raise _errors(checked)
    return _create(actor, council, checked, validator.catalogue, subject)


# --------------------------------------------------------------------------------------------
# Reads for the person page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseEntry:
    """A case the person is a party to, as the timeline shows it."""

    reference: str
    opened_at: dt.datetime
    received_on: dt.date
    service_name: str
    case_type: str
    summary: str
    status: str
    closed: bool
    role: str
    restricted: bool


def _visible(viewer: Any, council: Council) -> tuple[str, ...]:
    if may(viewer, "open_restricted", council):
        return tuple(Sensitivity.values)
    return (Sensitivity.NORMAL,)


def cases_of_party(
    viewer: Any,
    party: Any,
    *,
    service: str | None = None,
    channel: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
) -> tuple[list[CaseEntry], bool]:
    """The cases the person is a party to that the viewer may see, newest first (one statement;
    none when a channel filter is set: cases have no channel, or the viewer reads no cases)."""
    from frontdoor.cases.models import CaseParty
    from frontdoor.cases.selectors import cases_visible_to

    if channel:
        return [], False
    try:
        cases = cases_visible_to(viewer, party.council)
    except PermissionDenied:
        return [], False
    roles = CaseParty.objects.filter(party=party, case__in=cases)
    if service:
        roles = roles.filter(case__service__service_id=service)
    if date_from:
        roles = roles.filter(case__received_on__gte=date_from)
    if date_to:
        roles = roles.filter(case__received_on__lte=date_to)
    rows = list(
        roles.select_related("case__service", "case__case_type").order_by(
            "-case__opened_at", "-case__pk", "role"
        )[: 3 * (limit + 1)]
    )
    seen: dict[int, CaseEntry] = {}
    for row in rows:
        case = row.case
        if case.pk in seen:
            continue
        seen[case.pk] = CaseEntry(
            reference=case.reference,
            opened_at=case.opened_at,
            received_on=case.received_on,
            service_name=case.service.name,
            case_type=case.case_type.name,
            summary=case.summary if case.sensitivity == Sensitivity.NORMAL else "",
            status=case.status_label,
            closed=case.closed,
            role=row.role,
            restricted=case.restricted,
        )
    entries = list(seen.values())
    return entries[:limit], len(entries) > limit


def notes_of(viewer: Any, council: Council, contact_ids: list[int]) -> dict[int, list[ContactNote]]:
    """The notes of some contacts the viewer may see (normal ones only on the person page: a
    restricted contact's notes show once it is opened with a reason). One statement."""
    if not contact_ids:
        return {}
    found: dict[int, list[ContactNote]] = {}
    for note in ContactNote.objects.filter(
        contact_id__in=contact_ids,
        contact__council=council,
        contact__sensitivity=Sensitivity.NORMAL,
        sensitivity=Sensitivity.NORMAL,
    ).select_related("author"):
        found.setdefault(note.contact_id, []).append(note)
    return found


def person_prompts(viewer: Any, party: Any) -> list[PromptView]:
    """The person's open early-intervention prompts (the person page's view logs the opening)."""
    return prompts_for_party(viewer, party)


@dataclass(frozen=True)
class ContactPage:
    contact: Contact
    notes: list[ContactNote]
    restricted: bool


def open_contact(
    viewer: Any, party: Any, pk: int, *, reason: str = "", linked: bool = False
) -> ContactPage:
    """One of the person's contacts with its notes; logged. A restricted contact needs
    open_restricted and a reason (ReasonRequired from the CRM's selectors without one), sealed
    into the access log as a break-glass entry. `linked`: the caller checked the contact is the
    person's (on their timeline); otherwise it is checked here.
    """
    from frontdoor.citizens.models import ContactParty, ExternalReference
    from frontdoor.citizens.selectors import ReasonRequired

    council = party.council
    contact = (
        Contact.objects.filter(council=council, pk=pk, retracted=False)
        .select_related("service", "queue")
        .first()
    )
    if contact is None:
        raise Http404("contact")
    if not linked:
        mine = ContactParty.objects.filter(party=party, contact=contact).exists() or (
            bool(contact.citizen_ref)
            and ExternalReference.objects.filter(
                council=council, party=party, source=contact.source, source_id=contact.citizen_ref
            ).exists()
        )
        if not mine:
            raise Http404("contact")
    restricted = contact.sensitivity != Sensitivity.NORMAL
    subject = subject_ref(party)
    if restricted:
        if not may(viewer, "open_restricted", contact):
            raise Http404("contact")
        if not reason.strip():
            raise ReasonRequired("a reason is needed to open a restricted contact")
        record_access(
            actor=viewer,
            view=CONTACT_VIEW,
            instance=contact,
            subject=subject,
            kind=AccessKind.BREAK_GLASS,
            detail=reason.strip(),
        )
    else:
        record_access(actor=viewer, view=CONTACT_VIEW, instance=contact, subject=subject)
    visible = _visible(viewer, council)
    notes = list(
        ContactNote.objects.filter(contact=contact, sensitivity__in=visible).select_related(
            "author"
        )
    )
    return ContactPage(contact=contact, notes=notes, restricted=restricted)


CHANNEL_LABELS = dict(Channel.choices)
