"""The right to erasure (UK GDPR Art. 17) for residents: requests, the check of what blocks or
limits them, four-eyes decisions, and the erasure itself.

An information-governance officer (govern_information; a restricted record also needs
open_restricted) records a request on a person: who asked, when it was received, the ground of
Art. 17(1) and what they said. `assess_erasure` lists what blocks it (an open case, a legal hold,
a staff-safety marker the council must keep), what limits it (cases still within their retention
period, other people's cases, the pseudonymous contact records the KPIs rest on) and what will be
erased. Another officer approves or refuses it with a reason (never the one who recorded it).
The same officers place and lift legal holds here (who asked, why, from when, when to review
it); their pages and reads are in `legal_hold_views.py` and `legal_holds.py`.

`do_execute_erasure` then erases the person, and every record merged into them, in one
transaction:

- the person's names, date of birth, preferences and language are blanked; the row stays as a
  tombstone (`Party.erased_at`) so that contacts, cases and references still resolve;
- addresses, phone numbers, email addresses, accessibility needs, vulnerability markers, ended or
  declined staff-safety markers, household memberships, early-intervention prompts and duplicate
  candidates are deleted; authority evidence on representations is blanked;
- external references keep their source but their id becomes a random pseudonym, and the
  contacts that quoted the old id quote the pseudonym: the KPI person keys still group those
  contacts together, and nothing links them to the other system's record any more;
- notes on the person's own contacts, and the summary, notes, files, handover and clock notes and
  message recipients of their own closed cases past retention are redacted;
- the free text of merges and of the request itself is blanked, and a merge can no longer be
  undone; legal holds (all lifted by then) keep their dates and who placed and lifted them, but
  their reasons and matter references are redacted;
- the audit keys of the person and of each merged record are destroyed, so every personal value
  the change and access logs sealed for them reads "[erased]" (crypto-shredding, ADR 0002);
- the KPI snapshots are rebuilt (contacts stay, so past figures do not change).

The request keeps a certificate: counts of what was erased and kept, never values. Running the
erasure again changes nothing.

Contacts and cases belong to other apps; this module changes their rows through the ORM only
inside `do_execute_erasure`, as the erasure must be one transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import record_access, record_change
from frontdoor.audit.sealing import ERASED, destroy_key, subject_ref
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import may, require

from .indexing import reindex_parties
from .merging import MERGED_SOURCE, merged_parties_of, survivor_of
from .models import (
    KEY_KINDS,
    AccessibilityNeeds,
    Address,
    ContactParty,
    ContactPoint,
    DuplicateCandidate,
    ErasureExemption,
    ErasureGround,
    ErasureRequest,
    ErasureRequester,
    ErasureStatus,
    ExternalReference,
    Household,
    HouseholdMember,
    LegalHold,
    LegalHoldRequester,
    NameVocabulary,
    Party,
    PartyKind,
    PartyMerge,
    PartyRoleKind,
    Representation,
    SafetyMarker,
    SafetyStatus,
    SearchKey,
    VulnerabilityMarker,
)

ERASURE_VIEW = "citizens.erasure"
WORKLIST_VIEW = "citizens.worklist.erasure_requests"
# The prefix of the pseudonym an erased external reference gets.
PSEUDONYM_PREFIX = "erased-"
# The personal values of a party that the erasure blanks.
PARTY_FIELDS = (
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "organisation_name",
    "organisation_type",
    "registration_number",
    "preferred_channel",
    "preferred_language",
)
# Years a closed case is kept after it closes, by kind of case: defaults in the spirit of the
# IRMS local-government retention guidelines. Periods differ by council, so each council may set
# its own in its settings: {"retention": {"case_years": {"complaint": 6, ...}}}.
DEFAULT_CASE_RETENTION_YEARS: dict[str, int] = {
    "complaint": 6,
    "dp-complaint": 6,
    "foi": 3,
    "eir": 3,
    "sar": 2,
    "erasure": 2,
    "rectification": 2,
    "member-enquiry": 2,
    "service-request": 2,
    "compliment": 1,
    "comment": 1,
}
FALLBACK_RETENTION_YEARS = 6
# The longest reason for placing or lifting a legal hold, and matter reference (the model's).
REASON_LENGTH = LegalHold._meta.get_field("reason").max_length or 300
MATTER_REFERENCE_LENGTH = LegalHold._meta.get_field("matter_reference").max_length or 100


# --------------------------------------------------------------------------------------------
# Who may
# --------------------------------------------------------------------------------------------


def may_handle_erasure(user: Any, target: Any) -> bool:
    """Erasure requests are information governance (govern_information)."""
    return may(user, "govern_information", target)


def require_handle_erasure(user: Any, party: Party | None = None, council: Any = None) -> None:
    """govern_information on the council (and open_restricted for a restricted person)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("an erasure is decided by a member of staff")
    require(user, "govern_information", party if party is not None else council)
    if party is not None and party.sensitivity != Sensitivity.NORMAL:
        require(user, "open_restricted", party)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def statutory_due(council: Council, received_on: dt.date) -> dt.date:
    """One calendar month from receipt, moved to the next working day (UK GDPR Art. 12(3)),
    from the cases app's statutory clock for erasure requests."""
    from frontdoor.cases.engine.clocks import add_months
    from frontdoor.cases.selectors import due_date_answer

    try:
        due = due_date_answer("erasure", received_on, council=council)["due"]
    except ValueError:
        # A calendar the clock cannot read: the plain calendar month is still the law's date.
        return add_months(received_on, 1)
    return dt.date.fromisoformat(due)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_years(council: Council, kind: str) -> int:
    """How many years after closing the council keeps a case of `kind`."""
    configured = (council.settings or {}).get("retention", {}).get("case_years", {})
    value = configured.get(kind, DEFAULT_CASE_RETENTION_YEARS.get(kind))
    return int(value) if value is not None else FALLBACK_RETENTION_YEARS


def _today(council: Council) -> dt.date:
    return council.local_date(timezone.now())


# --------------------------------------------------------------------------------------------
# What an erasure would do
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing that blocks or limits an erasure, in words, with a link when there is one."""

    code: str
    text: str
    href: str = ""
    # The words of the link (a case's when not given).
    link: str = ""


@dataclass(frozen=True)
class ErasureItem:
    """One kind of thing the erasure erases, and how many."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Assessment:
    """What blocks, limits and would be erased by erasing a person (and their merged records)."""

    parties: list[Party]
    blockers: list[Finding] = field(default_factory=list)
    limits: list[Finding] = field(default_factory=list)
    erases: list[ErasureItem] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)


@dataclass(frozen=True)
class _CasePlan:
    """The person's cases sorted by what the erasure does with them."""

    open_cases: list[Any]
    kept: list[tuple[Any, dt.date]]  # their own cases within retention, with the date kept to
    others: list[Any]  # other people's cases they have a role on
    redact: list[Any]  # their own closed cases past retention


def _group(party: Party) -> list[Party]:
    """The person and every record merged into them."""
    return [party, *merged_parties_of(party)]


def _case_plan(council: Council, ids: set[int], today: dt.date) -> _CasePlan:
    from frontdoor.cases.models import Case, CaseKind, CaseParty
    from frontdoor.cases.selectors import case_subject

    case_ids = set(CaseParty.objects.filter(party_id__in=ids).values_list("case_id", flat=True))
    cases = list(
        Case.objects.filter(pk__in=case_ids, council=council)
        .select_related("case_type")
        .prefetch_related("party_roles")
        .order_by("opened_at", "pk")
    )
    refs = {f"citizens.party:{pk}" for pk in ids}
    plan = _CasePlan([], [], [], [])
    for case in cases:
        theirs = case_subject(case, case.party_roles.all()) in refs
        kind = case.case_type.kind
        if not case.closed:
            if kind == CaseKind.ERASURE and theirs:
                # The request's own case: a record of the request, kept.
                plan.kept.append((case, _add_years(today, retention_years(council, kind))))
            else:
                plan.open_cases.append(case)
            continue
        if not theirs:
            plan.others.append(case)
            continue
        closed_on = case.closed_on or (
            council.local_date(case.closed_at) if case.closed_at else today
        )
        kept_until = _add_years(closed_on, retention_years(council, kind))
        if kept_until > today:
            plan.kept.append((case, kept_until))
        else:
            plan.redact.append(case)
    return plan


def _their_contact_ids(council: Council, parties: list[Party]) -> tuple[set[int], set[int]]:
    """(ids of every contact linked to the person, ids of those that are theirs).

    A contact is linked by a role or by a source's citizen_ref that is one of their external
    references; it is theirs unless someone else is its subject.
    """
    from frontdoor.contacts.models import Contact

    ids = {p.pk for p in parties}
    linked = Q(pk__in=ContactParty.objects.filter(party_id__in=ids).values("contact_id"))
    for source, source_id in ExternalReference.objects.filter(party_id__in=ids).values_list(
        "source", "source_id"
    ):
        linked |= Q(source=source, citizen_ref=source_id)
    contact_ids = set(Contact.objects.filter(linked, council=council).values_list("pk", flat=True))
    someone_else = set(
        ContactParty.objects.filter(contact_id__in=contact_ids, role=PartyRoleKind.SUBJECT)
        .exclude(party_id__in=ids)
        .values_list("contact_id", flat=True)
    )
    return contact_ids, contact_ids - someone_else


def _case_link(case: Any) -> str:
    return reverse("cases:case", kwargs={"reference": case.reference})


def assess_erasure(party: Party, *, today: dt.date | None = None) -> Assessment:
    """What blocks, limits and would be erased if the person were erased now."""
    from frontdoor.cases.models import CaseAttachment, CaseNote
    from frontdoor.contacts.models import ContactNote, EarlyInterventionPrompt

    council = party.council
    today = today or _today(council)
    parties = _group(party)
    ids = {p.pk for p in parties}
    blockers: list[Finding] = []
    limits: list[Finding] = []

    plan = _case_plan(council, ids, today)
    for case in plan.open_cases:
        blockers.append(
            Finding(
                "open_case",
                _("Case %(reference)s is open: close it, or wait until it closes.")
                % {"reference": case.reference},
                _case_link(case),
            )
        )
    for hold in LegalHold.objects.filter(party_id__in=ids, lifted_at__isnull=True).order_by(
        "placed_on", "pk"
    ):
        blockers.append(
            Finding(
                "legal_hold",
                _("A legal hold placed on %(day)s is in force. Asked for by: %(asked_by)s.")
                % {
                    "day": hold.placed_on.strftime("%d/%m/%Y"),
                    "asked_by": hold.get_requested_by_display(),
                },
                reverse("citizens:legal-hold-lift", args=[party.reference, hold.pk]),
                _("Lift the hold"),
            )
        )
    keep_markers = SafetyMarker.objects.filter(
        party_id__in=ids, status__in=[SafetyStatus.PENDING, SafetyStatus.ACTIVE]
    ).count()
    if keep_markers:
        blockers.append(
            Finding(
                "safety_marker",
                _(
                    "%(count)s staff-safety marker(s) are active or awaiting approval. The council "
                    "must keep them to protect staff (Health and Safety at Work etc. Act 1974): "
                    "review and end them first, or refuse under Art. 17(3)(b)."
                )
                % {"count": keep_markers},
            )
        )
    for case, kept_until in plan.kept:
        limits.append(
            Finding(
                "retention",
                _(
                    "Case %(reference)s is kept until %(day)s (its retention period): its "
                    "summary, notes and files are not erased."
                )
                % {"reference": case.reference, "day": kept_until.strftime("%d/%m/%Y")},
                _case_link(case),
            )
        )
    if plan.others:
        limits.append(
            Finding(
                "others_cases",
                _(
                    "%(count)s case(s) about other people, where they had a role, are kept; the "
                    "role stays, pointing to the erased record."
                )
                % {"count": len(plan.others)},
            )
        )
    contact_ids, theirs = _their_contact_ids(council, parties)
    if contact_ids:
        limits.append(
            Finding(
                "contacts",
                _(
                    "%(count)s contact record(s) are kept without personal data: performance "
                    "figures rest on them."
                )
                % {"count": len(contact_ids)},
            )
        )

    redact_ids = [c.pk for c in plan.redact]
    counts = [
        ("identity", _("Names, date of birth and preferences (records)"), len(parties)),
        ("addresses", _("Addresses"), Address.objects.filter(party_id__in=ids).count()),
        (
            "contact_points",
            _("Phone numbers and email addresses"),
            ContactPoint.objects.filter(party_id__in=ids).count(),
        ),
        (
            "external_references",
            _("References in other systems (replaced by a pseudonym)"),
            ExternalReference.objects.filter(party_id__in=ids)
            .exclude(source=MERGED_SOURCE)
            .count(),
        ),
        (
            "needs",
            _("Accessibility needs"),
            AccessibilityNeeds.objects.filter(party_id__in=ids).count(),
        ),
        (
            "vulnerability_markers",
            _("Vulnerability markers"),
            VulnerabilityMarker.objects.filter(party_id__in=ids).count(),
        ),
        (
            "safety_markers",
            _("Ended or declined staff-safety markers"),
            SafetyMarker.objects.filter(party_id__in=ids)
            .exclude(status__in=[SafetyStatus.PENDING, SafetyStatus.ACTIVE])
            .count(),
        ),
        (
            "households",
            _("Household memberships"),
            HouseholdMember.objects.filter(party_id__in=ids).count(),
        ),
        (
            "representations",
            _("Evidence of authority to act for or through them"),
            Representation.objects.filter(
                Q(represented_id__in=ids) | Q(representative_id__in=ids)
            ).count(),
        ),
        (
            "contact_notes",
            _("Notes on their contacts"),
            ContactNote.objects.filter(contact_id__in=theirs).count(),
        ),
        ("cases", _("Their closed cases past retention (summaries)"), len(redact_ids)),
        (
            "case_notes",
            _("Notes on those cases"),
            CaseNote.objects.filter(case_id__in=redact_ids).count(),
        ),
        (
            "case_files",
            _("Files on those cases"),
            CaseAttachment.objects.filter(case_id__in=redact_ids).count(),
        ),
        (
            "prompts",
            _("Early-intervention prompts"),
            EarlyInterventionPrompt.objects.filter(party_id__in=ids).count(),
        ),
        (
            "duplicate_candidates",
            _("Likely-duplicate pairs"),
            DuplicateCandidate.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).count(),
        ),
        ("audit_keys", _("Audit keys (sealed values in the logs read “[erased]”)"), len(parties)),
    ]
    erases = [ErasureItem(code, str(label), count) for code, label, count in counts]
    return Assessment(parties=parties, blockers=blockers, limits=limits, erases=erases)


# --------------------------------------------------------------------------------------------
# Recording and deciding
# --------------------------------------------------------------------------------------------


def _audit(actor: Any, action: str, request: ErasureRequest, changes: dict[str, Any]) -> None:
    record_change(
        actor=actor,
        action=action,
        instance=request,
        changes=changes,
        subject=subject_ref(request.party),
        council_id=request.council_id,
    )


@transaction.atomic
def do_record_erasure_request(
    *,
    actor: Any,
    party: Party,
    requested_by: str,
    received_on: dt.date,
    ground: str,
    reason: str = "",
    requester_detail: str = "",
) -> ErasureRequest:
    """Record a request to erase a person (the record that now holds them, if merged).

    The deadline is set from the day of receipt. ValidationError for an organisation, an erased
    person, a person with a request in progress, or a receipt date in the future.
    """
    party = survivor_of(party)
    require_handle_erasure(actor, party)
    party = Party.objects.select_for_update().get(pk=party.pk)
    if party.kind != PartyKind.PERSON:
        raise ValidationError(_("Only a person's data can be erased."))
    if party.is_erased:
        raise ValidationError(_("This person's data has already been erased."))
    if ErasureRequest.objects.filter(
        party=party, status__in=[ErasureStatus.PENDING, ErasureStatus.APPROVED]
    ).exists():
        raise ValidationError(_("An erasure request for this person is already in progress."))
    if received_on > _today(party.council):
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if requested_by not in ErasureRequester.values:
        raise ValidationError({"requested_by": _("Select who asked.")})
    if ground not in ErasureGround.values:
        raise ValidationError({"ground": _("Select the ground of the request.")})
    request = ErasureRequest.objects.create(
        council_id=party.council_id,
        party=party,
        requested_by=requested_by,
        requester_detail=requester_detail.strip()[:200],
        received_on=received_on,
        due_on=statutory_due(party.council, received_on),
        ground=ground,
        reason=reason.strip(),
        recorded_by=actor,
    )
    _audit(
        actor,
        "erasure.record",
        request,
        {
            "requested_by": (None, request.requested_by),
            "requester_detail": (None, request.requester_detail),
            "received_on": (None, request.received_on),
            "due_on": (None, request.due_on),
            "ground": (None, request.ground),
            "reason": (None, request.reason),
        },
    )
    return request


@transaction.atomic
def do_decide_erasure_request(
    *,
    actor: Any,
    request: ErasureRequest,
    approve: bool,
    note: str = "",
    exemption: str = "",
) -> ErasureRequest:
    """Approve or refuse a pending request: never by the officer who recorded it.

    Approving needs nothing to block the erasure; refusing needs the Art. 17(3) exemption (or
    that no ground applies) and the reason, which the resident must be given.
    """
    request = ErasureRequest.objects.select_for_update().select_related("party").get(pk=request.pk)
    require_handle_erasure(actor, request.party)
    if request.status != ErasureStatus.PENDING:
        raise ValidationError(_("That request is not awaiting a decision."))
    if request.recorded_by_id == actor.pk:
        raise ValidationError(
            _("Another information-governance officer must decide a request you recorded.")
        )
    note = note.strip()
    if approve:
        blockers = assess_erasure(request.party).blockers
        if blockers:
            raise ValidationError(
                [_("The erasure cannot be approved while something blocks it:")]
                + [finding.text for finding in blockers]
            )
        exemption = ""
    else:
        errors = {}
        if exemption not in ErasureExemption.values:
            errors["exemption"] = _("Select why the council refuses.")
        if not note:
            errors["note"] = _("Give the reason for refusing: the resident must be told it.")
        if errors:
            raise ValidationError(errors)
    before = request.status
    request.status = ErasureStatus.APPROVED if approve else ErasureStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.exemption = exemption
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "exemption", "decision_note"])
    _audit(
        actor,
        "erasure.approve" if approve else "erasure.refuse",
        request,
        {
            "status": (before, request.status),
            "exemption": (None, exemption or None),
            "decision_note": (None, note or None),
        },
    )
    return request


@transaction.atomic
def do_place_legal_hold(
    *,
    actor: Any,
    party: Party,
    reason: str,
    requested_by: str = LegalHoldRequester.OTHER,
    matter_reference: str = "",
    placed_on: dt.date | None = None,
    review_on: dt.date | None = None,
) -> LegalHold:
    """Put a legal hold on a person (the record that now holds them, if merged): nothing of
    theirs is erased while it is in force.

    `placed_on` is the day the hold took effect (today when not given); `review_on`, when given,
    is after it. The reason and the matter reference are sealed in the audit under the person's
    key. ValidationError for an organisation, an erased person, a blank or too long reason, an
    unknown requester, a date in the future or a review date not after the day it was placed.
    """
    party = survivor_of(party)
    require_handle_erasure(actor, party)
    if not party.is_person:
        # Holds exist to stop an erasure, and only people are erased.
        raise ValidationError(_("Only a person's records can be held."))
    if party.is_erased:
        raise ValidationError(
            _("This person's data has already been erased: nothing is left to hold.")
        )
    today = _today(party.council)
    placed_on = placed_on or today
    reason = reason.strip()
    matter_reference = matter_reference.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why the records are held")
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = _("The reason must be %(count)s characters or fewer") % {
            "count": REASON_LENGTH
        }
    if len(matter_reference) > MATTER_REFERENCE_LENGTH:
        errors["matter_reference"] = _(
            "The matter reference must be %(count)s characters or fewer"
        ) % {"count": MATTER_REFERENCE_LENGTH}
    if requested_by not in LegalHoldRequester.values:
        errors["requested_by"] = _("Select who asked for the hold")
    if placed_on > today:
        errors["placed_on"] = _("The date the hold was placed cannot be in the future")
    if review_on is not None and review_on <= placed_on:
        errors["review_on"] = _("The review date must be after the date the hold was placed")
    if errors:
        raise ValidationError(errors)
    hold = LegalHold.objects.create(
        council_id=party.council_id,
        party=party,
        reason=reason,
        matter_reference=matter_reference,
        requested_by=requested_by,
        placed_on=placed_on,
        review_on=review_on,
        placed_by=actor,
    )
    record_change(
        actor=actor,
        action="legal_hold.place",
        instance=hold,
        changes={
            "reason": (None, hold.reason),
            "matter_reference": (None, hold.matter_reference or None),
            "requested_by": (None, hold.requested_by),
            "placed_on": (None, hold.placed_on),
            "review_on": (None, hold.review_on),
        },
        subject=subject_ref(party),
        council_id=party.council_id,
    )
    return hold


@transaction.atomic
def do_lift_legal_hold(*, actor: Any, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a legal hold, saying why (the hold is kept, for the record). Lifting a hold already
    lifted changes nothing. The reason is sealed in the audit under the person's key."""
    hold = LegalHold.objects.select_for_update().select_related("party").get(pk=hold.pk)
    require_handle_erasure(actor, hold.party)
    if hold.lifted_at is not None:
        return hold
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hold is lifted")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("The reason must be %(count)s characters or fewer")
                % {"count": REASON_LENGTH}
            }
        )
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record_change(
        actor=actor,
        action="legal_hold.lift",
        instance=hold,
        changes={"lifted_at": (None, hold.lifted_at), "lift_reason": (None, hold.lift_reason)},
        subject=subject_ref(hold.party),
        council_id=hold.council_id,
    )
    return hold


@transaction.atomic
def do_review_legal_hold(*, actor: Any, hold: LegalHold, review_on: dt.date | None) -> LegalHold:
    """Record that a hold in force was reviewed and is still needed: the next review date (after
    today), or none. The review itself is the audit entry (who, when, the dates before and
    after). ValidationError for a lifted hold or a next review not after today."""
    hold = LegalHold.objects.select_for_update().select_related("party").get(pk=hold.pk)
    require_handle_erasure(actor, hold.party)
    if not hold.in_force:
        raise ValidationError(_("That hold was lifted: there is nothing to review."))
    if review_on is not None and review_on <= _today(hold.party.council):
        raise ValidationError({"review_on": _("The next review must be after today")})
    before = hold.review_on
    hold.review_on = review_on
    hold.save(update_fields=["review_on"])
    record_change(
        actor=actor,
        action="legal_hold.review",
        instance=hold,
        changes={"review_on": (before, review_on)},
        subject=subject_ref(hold.party),
        council_id=hold.council_id,
    )
    return hold


# --------------------------------------------------------------------------------------------
# Erasing
# --------------------------------------------------------------------------------------------


@transaction.atomic
def do_execute_erasure(*, actor: Any, request: ErasureRequest) -> ErasureRequest:
    """Erase an approved request's person and every record merged into them (see the module's
    docstring for what is erased and what is kept). Idempotent: a request already carried out
    is returned as it is.
    """
    request = (
        ErasureRequest.objects.select_for_update()
        .select_related("party", "party__council")
        .get(pk=request.pk)
    )
    require_handle_erasure(actor, request.party)
    if request.status == ErasureStatus.DONE:
        return request
    if request.status != ErasureStatus.APPROVED:
        raise ValidationError(_("Only an approved request can be carried out."))
    party = Party.objects.select_for_update().select_related("council").get(pk=request.party_id)
    assessment = assess_erasure(party)
    if assessment.blocked:
        raise ValidationError(
            [_("The erasure cannot be carried out while something blocks it:")]
            + [finding.text for finding in assessment.blockers]
        )
    council = party.council
    now = timezone.now()
    parties = assessment.parties
    ids = {p.pk for p in parties}
    erased: Counter[str] = Counter()
    kept: Counter[str] = Counter()

    name_tokens = list(
        SearchKey.objects.filter(party_id__in=ids, kind=KEY_KINDS["name"]).values_list(
            "key", flat=True
        )
    )
    _erase_cases(council, ids, erased, kept)
    _erase_contacts(council, parties, erased, kept)
    _erase_details(ids, erased)
    _erase_merges(ids, now)
    # Earlier requests about them (refused ones, say) keep their dates and the council's
    # decisions; what the resident said goes.
    ErasureRequest.objects.filter(party_id__in=ids).exclude(pk=request.pk).update(
        requester_detail="", reason=""
    )
    # Legal holds stay (dates, who asked, who placed and lifted them); what was said about
    # the person, and the matter that would lead back to them, goes.
    LegalHold.objects.filter(party_id__in=ids).update(reason=ERASED, matter_reference="")
    LegalHold.objects.filter(party_id__in=ids).exclude(lift_reason="").update(lift_reason=ERASED)
    for member in parties:
        _erase_identity(actor, member, now)
        erased["identity"] += 1
    reindex_parties([party])  # found by its CRM reference only: the page says it was erased
    SearchKey.objects.filter(party_id__in=ids - {party.pk}).delete()
    _forget_vocabulary(council.pk, name_tokens)

    before = {f: getattr(request, f) for f in ("status", *ErasureRequest.audit_personal_fields)}
    request.status = ErasureStatus.DONE
    request.executed_by = actor
    request.executed_at = now
    request.requester_detail = ""
    request.reason = ""
    request.decision_note = ""
    request.certificate = {
        "erased": dict(sorted((k, v) for k, v in erased.items() if v)),
        "kept": dict(sorted((k, v) for k, v in kept.items() if v)),
        "records": [p.reference for p in parties],
        "audit_keys_destroyed": 0,
        "executed_on": council.local_date(now).isoformat(),
    }
    # The last sealed entry: its old values go with the keys destroyed below.
    _audit(
        actor,
        "erasure.execute",
        request,
        {name: (old, getattr(request, name)) for name, old in before.items()},
    )
    destroyed = sum(1 for member in parties if destroy_key(subject_ref(member)))
    request.certificate["audit_keys_destroyed"] = destroyed
    request.save()
    # The certificate, readable for good: counts only, nothing sealed.
    record_change(
        actor=actor,
        action="erasure.certificate",
        instance=request,
        changes={"certificate": (None, request.certificate)},
        subject=subject_ref(party),
        council_id=council.pk,
    )
    _refresh_kpis(council.pk)
    return request


def _erase_identity(actor: Any, party: Party, now: dt.datetime) -> None:
    before = {name: getattr(party, name) for name in PARTY_FIELDS}
    for name in PARTY_FIELDS:
        setattr(party, name, None if name == "date_of_birth" else "")
    party.erased_at = now
    party.save(update_fields=[*PARTY_FIELDS, "erased_at", "updated_at"])
    changes: dict[str, Any] = {
        name: (old, getattr(party, name)) for name, old in before.items() if old not in ("", None)
    }
    changes["erased_at"] = (None, now)
    record_change(
        actor=actor,
        action="party.erase",
        instance=party,
        changes=changes,
        subject=subject_ref(party),
        council_id=party.council_id,
    )


def _erase_details(ids: set[int], erased: Counter[str]) -> None:
    """Rows that only describe the person: deleted (evidence of authority blanked)."""
    from frontdoor.contacts.models import EarlyInterventionPrompt, PromptContact

    erased["addresses"] += Address.objects.filter(party_id__in=ids).delete()[0]
    erased["contact_points"] += ContactPoint.objects.filter(party_id__in=ids).delete()[0]
    erased["needs"] += AccessibilityNeeds.objects.filter(party_id__in=ids).delete()[0]
    erased["vulnerability_markers"] += VulnerabilityMarker.objects.filter(
        party_id__in=ids
    ).delete()[0]
    erased["safety_markers"] += (
        SafetyMarker.objects.filter(party_id__in=ids)
        .exclude(status__in=[SafetyStatus.PENDING, SafetyStatus.ACTIVE])
        .delete()[0]
    )
    households = set(
        HouseholdMember.objects.filter(party_id__in=ids).values_list("household_id", flat=True)
    )
    erased["households"] += HouseholdMember.objects.filter(party_id__in=ids).delete()[0]
    # A household with no one left in it says only where the person lived.
    Household.objects.filter(pk__in=households).annotate(left=Count("members")).filter(
        left=0
    ).delete()
    erased["representations"] += (
        Representation.objects.filter(Q(represented_id__in=ids) | Q(representative_id__in=ids))
        .exclude(evidence_reference="")
        .update(evidence_reference="")
    )
    PromptContact.objects.filter(party_id__in=ids).delete()
    erased["prompts"] += EarlyInterventionPrompt.objects.filter(party_id__in=ids).delete()[0]
    erased["duplicate_candidates"] += DuplicateCandidate.objects.filter(
        Q(first_id__in=ids) | Q(second_id__in=ids)
    ).delete()[0]


def _erase_contacts(
    council: Council, parties: list[Party], erased: Counter[str], kept: Counter[str]
) -> None:
    """Contacts stay (the KPIs rest on them); the notes on the person's own are redacted and the
    external ids they and any live call quote become pseudonyms."""
    from frontdoor.contacts.models import Contact, ContactNote
    from frontdoor.omnichannel.models import LiveCall

    ids = {p.pk for p in parties}
    contact_ids, theirs = _their_contact_ids(council, parties)
    kept["contacts"] += len(contact_ids)
    erased["contact_notes"] += (
        ContactNote.objects.filter(contact_id__in=theirs).exclude(text=ERASED).update(text=ERASED)
    )
    now = timezone.now()
    for reference in ExternalReference.objects.filter(party_id__in=ids).exclude(
        source=MERGED_SOURCE
    ):
        pseudonym = PSEUDONYM_PREFIX + secrets.token_hex(10)
        # updated_at moves so the KPI refresh reads these contacts afresh.
        Contact.objects.filter(
            council=council, source=reference.source, citizen_ref=reference.source_id
        ).update(citizen_ref=pseudonym, updated_at=now)
        # A call still on the live board (the platform is the contacts' source) quotes it too.
        erased["live_calls"] += LiveCall.objects.filter(
            council=council, platform=reference.source, citizen_ref=reference.source_id
        ).update(citizen_ref=pseudonym)
        reference.source_id = pseudonym
        reference.save(update_fields=["source_id"])
        erased["external_references"] += 1


def _erase_cases(council: Council, ids: set[int], erased: Counter[str], kept: Counter[str]) -> None:
    """Their own closed cases past retention: the case row stays (case KPIs rest on it), its
    free text, files and the addresses messages went to are redacted."""
    from frontdoor.cases.models import (
        Case,
        CaseAttachment,
        CaseClockEvent,
        CaseNote,
        Handover,
    )
    from frontdoor.notify.models import OutboundMessage

    plan = _case_plan(council, ids, _today(council))
    kept["cases_in_retention"] += len(plan.kept)
    kept["other_peoples_cases"] += len(plan.others)
    redact = [case.pk for case in plan.redact]
    if not redact:
        return
    erased["cases"] += Case.objects.filter(pk__in=redact).update(
        summary=ERASED, ombudsman_reference=""
    )
    erased["case_notes"] += CaseNote.objects.filter(case_id__in=redact).update(text=ERASED)
    files = [str(a.file.name) for a in CaseAttachment.objects.filter(case_id__in=redact) if a.file]
    erased["case_files"] += CaseAttachment.objects.filter(case_id__in=redact).update(
        name=ERASED, sha256="", file=""
    )
    if files:
        storage = CaseAttachment._meta.get_field("file").storage
        # Files are not transactional: delete them once the erasure is committed.
        transaction.on_commit(lambda: _delete_files(storage, files))
    Handover.objects.filter(case_id__in=redact).update(note="", bounce_reason="")
    # Clock events refuse changes through the model; their notes are free text about the
    # person. Kind, dates and amounts (all the clock replays) stay exactly as they were.
    CaseClockEvent.objects.filter(case_id__in=redact).exclude(note="").update(note="")
    OutboundMessage.objects.filter(
        council=council, regarding__in=[f"case:{pk}" for pk in redact]
    ).update(recipient="", personalisation={})


def _delete_files(storage: Any, names: Iterable[str]) -> None:
    for name in names:
        storage.delete(name)


def _erase_merges(ids: set[int], now: dt.datetime) -> None:
    """Merges stay (references and KPI person keys resolve through them); their free text and
    the survivor's values before the merge go, and none can be undone any more."""
    merges = PartyMerge.objects.filter(Q(survivor_id__in=ids) | Q(merged_id__in=ids))
    merges.update(reason="", survivor_before={})
    merges.filter(undo_until__gt=now).update(undo_until=now)


def _forget_vocabulary(council_id: int, tokens: Iterable[str]) -> None:
    """Name tokens no one holds any more leave the vocabulary (a rare name would identify)."""
    tokens = sorted(set(tokens))
    if tokens:
        NameVocabulary.objects.filter(
            council_id=council_id, token__in=tokens, people__lte=0
        ).delete()


def _refresh_kpis(council_id: int) -> None:
    """The contacts' person keys were recomputed from pseudonyms: rebuild the snapshots."""
    from frontdoor.insight.snapshots import mark_for_full_rebuild
    from frontdoor.insight.tasks import refresh_snapshots

    mark_for_full_rebuild(council_id)
    transaction.on_commit(lambda: refresh_snapshots.enqueue(council_id))


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Worklist:
    status: str
    rows: list[ErasureRequest]
    counts: dict[str, int]


def _visible_requests(viewer: Any, council: Council) -> QuerySet[ErasureRequest]:
    sensitivities = (
        tuple(Sensitivity.values)
        if may(viewer, "open_restricted", council)
        else (Sensitivity.NORMAL,)
    )
    return ErasureRequest.objects.filter(council=council, party__sensitivity__in=sensitivities)


def erasure_worklist(viewer: Any, council: Council, *, status: str) -> Worklist:
    """The council's erasure requests of one status, the nearest deadline first (logged)."""
    require_handle_erasure(viewer, council=council)
    if status not in ErasureStatus.values:
        status = ErasureStatus.PENDING
    visible = _visible_requests(viewer, council)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
    rows = list(
        visible.filter(status=status)
        .select_related("party", "recorded_by", "decided_by")
        .order_by("due_on" if status in ("pending", "approved") else "-recorded_at", "pk")
    )
    if rows:
        record_access(
            actor=viewer,
            view=WORKLIST_VIEW,
            object_type="citizens.erasurerequest",
            council_id=council.pk,
            result_ids=[r.pk for r in rows],
        )
    return Worklist(status=status, rows=rows, counts=counts)


def open_erasure_request(viewer: Any, council: Council, pk: int) -> ErasureRequest:
    """One erasure request the viewer may handle (a 404 otherwise); the view is logged."""
    require_handle_erasure(viewer, council=council)
    request = (
        _visible_requests(viewer, council)
        .select_related("party", "party__council", "recorded_by", "decided_by", "executed_by")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("erasure request")
    record_access(
        actor=viewer,
        view=ERASURE_VIEW,
        instance=request,
        subject=subject_ref(request.party),
    )
    return request


def person_for_erasure(viewer: Any, council: Council, reference: str) -> Party:
    """The person (the record holding them, if merged) an officer records a request on; the
    opening is logged with the erasure as its purpose."""
    require_handle_erasure(viewer, council=council)
    party = (
        Party.objects.select_related("council")
        .filter(council=council, reference=reference.strip())
        .first()
    )
    if party is None:
        raise Http404("party")
    party = survivor_of(party)
    if party.restricted and not may(viewer, "open_restricted", party):
        raise Http404("party")
    record_access(actor=viewer, view=ERASURE_VIEW, instance=party)
    return party


def request_in_progress(party: Party) -> ErasureRequest | None:
    """The person's pending or approved request, if any."""
    return (
        ErasureRequest.objects.filter(
            party=party, status__in=[ErasureStatus.PENDING, ErasureStatus.APPROVED]
        )
        .order_by("-pk")
        .first()
    )


def overdue(request: ErasureRequest, today: dt.date) -> bool:
    """A request still in progress past its statutory deadline."""
    return request.status in (ErasureStatus.PENDING, ErasureStatus.APPROVED) and (
        request.due_on < today
    )
