"""Changes to residents' records: each one transaction, one permission check, audited.

`actor` None means the system (the command line run by the council's IT team, imports).
Personal values are sealed in the change log under the party's key (ADR 0002): every entry
about a party, or about a row belonging to it, names the party as its subject. Anything that
changes what a party can be found by rebuilds its search keys in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import created, diff, record_change, snapshot
from frontdoor.audit.sealing import subject_ref
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import require

from .engine.normalise import (
    display_phone,
    format_postcode,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_uprn,
)
from .indexing import reindex_parties
from .models import (
    AccessibilityNeeds,
    Address,
    AddressKind,
    ContactParty,
    ContactPoint,
    ContactPointKind,
    ExternalReference,
    Household,
    HouseholdMember,
    HouseholdRelationship,
    Party,
    PartyKind,
    PartyRoleKind,
    Representation,
    SafetyMarker,
    SafetyStatus,
    VulnerabilityMarker,
)
from .policies import require_change_party, require_manage_safety_markers

PERSON_FIELDS = (
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "preferred_channel",
    "preferred_language",
)
ORGANISATION_FIELDS = (
    "organisation_name",
    "organisation_type",
    "registration_number",
    "preferred_channel",
    "preferred_language",
)
# In a person's creation entry: why they were added although people already recorded may be
# them. Free text, so personal: sealed with the names (Party.audit_personal_fields).
CREATE_REASON = "reason"
# Crockford's base 32 without the letters that read as digits: what residents quote on the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 10


@dataclass(frozen=True)
class NewAddress:
    text: str
    postcode: str = ""
    uprn: str = ""
    usrn: str = ""
    kind: str = AddressKind.HOME


@dataclass(frozen=True)
class NewContactPoint:
    kind: str  # ContactPointKind
    value: str
    label: str = ""
    is_preferred: bool = False


def new_reference() -> str:
    """A fresh party reference: eight characters of Crockford base 32 (2^40 possibilities)
    and two check digits, e.g. "7K3M9QXA42".

    The digits mean a reference always reads as one in the search box (never as a name), and
    a reference mistyped over the phone (one character wrong, or two neighbours swapped) fails
    its check instead of finding someone else.
    """
    bits = secrets.randbits(5 * (REFERENCE_LENGTH - 2))
    body = "".join(_REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(REFERENCE_LENGTH - 2))
    return body + _check_digits(body)


def reference_is_valid(reference: str) -> bool:
    """Whether a CRM reference's check digits hold."""
    value = reference.strip().upper()
    if len(value) != REFERENCE_LENGTH or not value.isalnum():
        return False
    return value[-2:] == _check_digits(value[:-2])


def _check_digits(body: str) -> str:
    """A weighted sum modulo the prime 97: each position has its own weight (powers of 37), so
    changing one character, or swapping two neighbours, always changes the sum.
    """
    total = sum(int(c, 36) * pow(37, len(body) - i, 97) for i, c in enumerate(body)) % 97
    return f"{total:02d}"


def _subject(party: Party) -> str:
    return subject_ref(party)


def _audit(actor: Any, action: str, instance: models.Model, party: Party, changes: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes,
        subject=_subject(party),
        council_id=party.council_id,
    )


def _created(instance: models.Model, fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    """A new record's fields as changes, leaving out the blank ones."""
    return {f: change for f, change in created(instance, fields).items() if change[1] != ""}


def _deleted(instance: models.Model, fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    return {f: (getattr(instance, f), None) for f in fields}


def _today(council: Council) -> dt.date:
    return council.local_date(timezone.now())


# --------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------


def _authorise_create(actor: Any, council: Council, sensitivity: str) -> None:
    if actor is None:
        return
    require(actor, "use_desktop", council)
    if sensitivity != Sensitivity.NORMAL:
        require(actor, "open_restricted", council)


@transaction.atomic
def do_create_person(
    *,
    actor: Any,
    council: Council,
    addresses: Iterable[NewAddress] = (),
    contact_points: Iterable[NewContactPoint] = (),
    external_references: Iterable[tuple[str, str]] = (),
    sensitivity: str = Sensitivity.NORMAL,
    reason: str = "",
    **names: Any,
) -> Party:
    """Record a person with their names, date of birth, preferences and how to reach them.

    `reason`: why they were added although people already recorded may be them (the desktop's
    check before adding); it goes into the audit entry of the creation.
    """
    unknown = set(names) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not a field of a person: {', '.join(sorted(unknown))}")
    return _create_party(
        actor=actor,
        council=council,
        kind=PartyKind.PERSON,
        values=names,
        sensitivity=sensitivity,
        addresses=addresses,
        contact_points=contact_points,
        external_references=external_references,
        reason=reason,
    )


@transaction.atomic
def do_create_organisation(
    *,
    actor: Any,
    council: Council,
    addresses: Iterable[NewAddress] = (),
    contact_points: Iterable[NewContactPoint] = (),
    external_references: Iterable[tuple[str, str]] = (),
    sensitivity: str = Sensitivity.NORMAL,
    **values: Any,
) -> Party:
    """Record an organisation (a business, a landlord, a partner agency...)."""
    unknown = set(values) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not a field of an organisation: {', '.join(sorted(unknown))}")
    return _create_party(
        actor=actor,
        council=council,
        kind=PartyKind.ORGANISATION,
        values=values,
        sensitivity=sensitivity,
        addresses=addresses,
        contact_points=contact_points,
        external_references=external_references,
    )


def _create_party(
    *,
    actor: Any,
    council: Council,
    kind: str,
    values: Mapping[str, Any],
    sensitivity: str,
    addresses: Iterable[NewAddress],
    contact_points: Iterable[NewContactPoint],
    external_references: Iterable[tuple[str, str]],
    reason: str = "",
) -> Party:
    _authorise_create(actor, council, sensitivity)
    party = Party(
        council=council,
        kind=kind,
        sensitivity=sensitivity,
        reference=new_reference(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: ("" if v is None and k != "date_of_birth" else v) for k, v in values.items()},
    )
    _check_party(party)
    party.save()
    fields = PERSON_FIELDS if kind == PartyKind.PERSON else ORGANISATION_FIELDS
    changes = _created(party, (*fields, "kind", "sensitivity"))
    if reason.strip():
        changes[CREATE_REASON] = (None, reason.strip()[:500])
    _audit(actor, "party.create", party, party, changes)
    first = True
    for address in addresses:
        _add_address(actor, party, address, primary=first)
        first = False
    for point in contact_points:
        _add_contact_point(actor, party, point)
    for source, source_id in external_references:
        _add_external_reference(actor, party, source, source_id)
    reindex_parties([party])
    return party


def _check_party(party: Party) -> None:
    """Model validation, plus the rules the database cannot state."""
    party.full_clean(exclude=["council", "reference", "created_by"], validate_constraints=False)
    if party.is_person and not (party.given_name.strip() or party.family_name.strip()):
        raise ValidationError({"family_name": _("A person needs a given or a family name.")})
    if not party.is_person and not party.organisation_name.strip():
        raise ValidationError({"organisation_name": _("An organisation needs a name.")})
    if party.date_of_birth and party.date_of_birth > _today(party.council):
        raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})


@transaction.atomic
def do_update_party(*, actor: Any, party: Party, **values: Any) -> Party:
    """Change a party's names, date of birth, preferences or sensitivity.

    Changing the sensitivity needs open_restricted, whichever way it goes.
    """
    party = Party.objects.select_for_update().get(pk=party.pk)
    require_change_party(actor, party)
    allowed = set(PERSON_FIELDS if party.is_person else ORGANISATION_FIELDS) | {"sensitivity"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    if "sensitivity" in values and values["sensitivity"] != party.sensitivity and actor:
        require(actor, "open_restricted", party)
    before = snapshot(party, values)
    for name, value in values.items():
        setattr(party, name, "" if value is None and name != "date_of_birth" else value)
    _check_party(party)
    changes = diff(before, snapshot(party, values))
    if not changes:
        return party
    party.save()
    _audit(actor, "party.update", party, party, changes)
    reindex_parties([party])
    return party


# --------------------------------------------------------------------------------------------
# Addresses, contact points, references
# --------------------------------------------------------------------------------------------


def clean_address(address: NewAddress) -> dict[str, str]:
    """An address's stored values; ValidationError for a bad postcode or UPRN."""
    errors: dict[str, str] = {}
    text = "\n".join(line.strip() for line in address.text.strip().splitlines() if line.strip())
    if not text:
        errors["text"] = _("Enter the address.")
    postcode = ""
    if address.postcode.strip():
        compact = normalise_postcode(address.postcode)
        if compact is None:
            errors["postcode"] = _("Enter a real postcode, like SW1A 1AA.")
        else:
            postcode = format_postcode(compact)
    uprn = ""
    if address.uprn.strip():
        uprn = normalise_uprn(address.uprn) or ""
        if not uprn:
            errors["uprn"] = _("A UPRN is 1 to 12 digits.")
    if address.kind not in AddressKind.values:
        errors["kind"] = _("Not a kind of address.")
    if errors:
        raise ValidationError(errors)
    return {
        "text": text,
        "postcode": postcode,
        "uprn": uprn,
        "usrn": address.usrn.strip(),
        "kind": address.kind,
    }


def _add_address(actor: Any, party: Party, address: NewAddress, primary: bool) -> Address:
    values = clean_address(address)
    if primary:
        current = Address.objects.filter(party=party, is_primary=True).first()
        if current is not None:
            before = snapshot(current, ("is_primary", "kind", "valid_to"))
            current.is_primary = False
            if current.kind == AddressKind.HOME and values["kind"] == AddressKind.HOME:
                current.kind = AddressKind.PREVIOUS  # they moved
                current.valid_to = _today(party.council)
            current.save(update_fields=["is_primary", "kind", "valid_to"])
            changes = diff(before, snapshot(current, ("is_primary", "kind", "valid_to")))
            _audit(actor, "address.update", current, party, changes)
    row = Address.objects.create(
        party=party, is_primary=primary, valid_from=_today(party.council), **values
    )
    _audit(actor, "address.create", row, party, _created(row, (*values, "is_primary")))
    return row


@transaction.atomic
def do_add_address(
    *, actor: Any, party: Party, address: NewAddress, primary: bool = True
) -> Address:
    """Add an address; as the primary one, a previous home becomes a previous address."""
    require_change_party(actor, party)
    row = _add_address(actor, party, address, primary)
    reindex_parties([party])
    return row


@transaction.atomic
def do_remove_address(*, actor: Any, address: Address) -> None:
    """Remove an address recorded in error (a move is `do_add_address`, which keeps history)."""
    party = address.party
    require_change_party(actor, party)
    _audit(actor, "address.delete", address, party, _deleted(address, ("text", "postcode")))
    address.delete()
    reindex_parties([party])


def clean_contact_point(point: NewContactPoint) -> tuple[str, str]:
    """(value as shown, normalised) of a phone number or email address; else ValidationError."""
    if point.kind == ContactPointKind.PHONE:
        digits = normalise_phone(point.value)
        if digits is None:
            raise ValidationError({"value": _("Enter a phone number, like 01632 960001.")})
        return display_phone(digits), digits
    if point.kind == ContactPointKind.EMAIL:
        email = normalise_email(point.value)
        if email is None:
            raise ValidationError({"value": _("Enter an email address, like name@example.com.")})
        return point.value.strip(), email
    raise ValidationError({"kind": _("A contact point is a phone number or an email address.")})


def _add_contact_point(actor: Any, party: Party, point: NewContactPoint) -> ContactPoint:
    value, normalised = clean_contact_point(point)
    existing = ContactPoint.objects.filter(
        party=party, kind=point.kind, normalised=normalised
    ).first()
    if existing is not None:
        return existing
    if point.is_preferred:
        ContactPoint.objects.filter(party=party, kind=point.kind, is_preferred=True).update(
            is_preferred=False
        )
    row = ContactPoint.objects.create(
        party=party,
        kind=point.kind,
        value=value,
        normalised=normalised,
        label=point.label,
        is_preferred=point.is_preferred,
    )
    _audit(
        actor,
        "contact_point.create",
        row,
        party,
        _created(row, ("kind", "value", "label", "is_preferred")),
    )
    return row


@transaction.atomic
def do_add_contact_point(*, actor: Any, party: Party, point: NewContactPoint) -> ContactPoint:
    """Add a phone number or email address (one already held is left as it is)."""
    require_change_party(actor, party)
    row = _add_contact_point(actor, party, point)
    reindex_parties([party])
    return row


@transaction.atomic
def do_remove_contact_point(*, actor: Any, point: ContactPoint) -> None:
    party = point.party
    require_change_party(actor, party)
    _audit(actor, "contact_point.delete", point, party, _deleted(point, ("kind", "value")))
    point.delete()
    reindex_parties([party])


def _add_external_reference(
    actor: Any, party: Party, source: str, source_id: str
) -> ExternalReference:
    source, source_id = source.strip(), source_id.strip()
    if not source or not source_id or len(source) > 50 or len(source_id) > 100:
        raise ValidationError(
            {"source_id": _("A reference needs a source (50 characters at most) and an id.")}
        )
    taken = ExternalReference.objects.filter(
        council_id=party.council_id, source=source, source_id=source_id
    ).first()
    if taken is not None:
        if taken.party_id == party.pk:
            return taken
        raise ValidationError({"source_id": _("That reference belongs to someone else.")})
    row = ExternalReference.objects.create(
        council_id=party.council_id, party=party, source=source, source_id=source_id
    )
    _audit(actor, "external_reference.create", row, party, _created(row, ("source", "source_id")))
    return row


@transaction.atomic
def do_add_external_reference(
    *, actor: Any, party: Party, source: str, source_id: str
) -> ExternalReference:
    """Record the party's id in another council system (unique per council and source)."""
    require_change_party(actor, party)
    row = _add_external_reference(actor, party, source, source_id)
    reindex_parties([party])
    return row


# --------------------------------------------------------------------------------------------
# Needs, households, representation, roles on contacts
# --------------------------------------------------------------------------------------------


@transaction.atomic
def do_record_needs(*, actor: Any, party: Party, **values: Any) -> AccessibilityNeeds:
    """Set some of a person's accessibility needs (the others stay as they were)."""
    require_change_party(actor, party)
    unknown = set(values) - set(AccessibilityNeeds.FIELDS)
    if unknown:
        raise ValueError(f"not an accessibility need: {', '.join(sorted(unknown))}")
    needs = AccessibilityNeeds.objects.filter(party=party).first()
    creating = needs is None
    if needs is None:
        needs = AccessibilityNeeds(party=party)
    before = {} if creating else snapshot(needs, values)
    for name, value in values.items():
        setattr(needs, name, value if value is not None else "")
    if needs.spoken_language_interpreter and not needs.interpreter_language:
        raise ValidationError(
            {"interpreter_language": _("Say which language the interpreter is for.")}
        )
    needs.full_clean(exclude=["party", "updated_by"])
    changes = diff(before, snapshot(needs, values))
    if not changes and not creating:
        return needs
    needs.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    needs.save()
    _audit(actor, "needs.update" if not creating else "needs.create", needs, party, changes)
    return needs


@transaction.atomic
def do_link_household(
    *,
    actor: Any,
    party: Party,
    other: Party,
    relationship: str = HouseholdRelationship.MEMBER,
    other_relationship: str = HouseholdRelationship.MEMBER,
) -> Household:
    """Put two people in one household (the household of either, or a new one)."""
    require_change_party(actor, party)
    require_change_party(actor, other)
    if party.council_id != other.council_id or party.pk == other.pk:
        raise ValidationError(_("Link two different people of the same council."))
    current = {
        m.party_id: m
        for m in HouseholdMember.objects.filter(
            party__in=[party, other], left_on__isnull=True
        ).select_related("household")
    }
    households = {m.household_id for m in current.values()}
    if len(households) > 1:
        raise ValidationError(_("They are in different households: take one out first."))
    if households:
        household = next(iter(current.values())).household
    else:
        household = Household.objects.create(council_id=party.council_id)
        _audit(actor, "household.create", household, party, {})
    for member, role in ((party, relationship), (other, other_relationship)):
        if member.pk in current:
            continue
        row = HouseholdMember.objects.create(
            household=household, party=member, relationship=role, joined_on=_today(party.council)
        )
        _audit(actor, "household.join", row, member, {"relationship": (None, role)})
    return household


@transaction.atomic
def do_add_representation(
    *,
    actor: Any,
    represented: Party,
    representative: Party,
    evidence: str,
    evidence_reference: str = "",
    verified: bool = False,
    valid_until: dt.date | None = None,
) -> Representation:
    """Record that one party may act for another, and the evidence of that authority."""
    require_change_party(actor, represented)
    if represented.council_id != representative.council_id or represented.pk == representative.pk:
        raise ValidationError(_("A representative is another party of the same council."))
    who = actor if getattr(actor, "is_authenticated", False) else None
    row = Representation(
        council_id=represented.council_id,
        represented=represented,
        representative=representative,
        evidence=evidence,
        evidence_reference=evidence_reference,
        verified_by=who if verified else None,
        verified_at=timezone.now() if verified else None,
        valid_from=_today(represented.council),
        valid_until=valid_until,
        created_by=who,
    )
    row.full_clean(exclude=["council", "represented", "representative", "verified_by"])
    row.save()
    _audit(
        actor,
        "representation.create",
        row,
        represented,
        _created(row, ("representative_id", "evidence", "evidence_reference", "valid_until")),
    )
    return row


@transaction.atomic
def do_link_party_to_contact(
    *,
    actor: Any,
    party: Party,
    contact: Contact,
    role: str,
    representation: Representation | None = None,
) -> ContactParty:
    """Say who a contact was about, who made it, and who acted for whom.

    A representative's link names the representation they act under, which must be theirs
    and in force on the contact's date.
    """
    require_change_party(actor, party)
    if actor is not None:
        require(actor, "use_desktop", contact)
    if party.council_id != contact.council_id:
        raise ValidationError(_("The person and the contact belong to different councils."))
    if role not in PartyRoleKind.values:
        raise ValidationError({"role": _("Not a role on a contact.")})
    if role == PartyRoleKind.REPRESENTATIVE:
        if representation is None or representation.representative_id != party.pk:
            raise ValidationError(
                {"representation": _("A representative acts under their own recorded authority.")}
            )
        on = contact.offered_at.astimezone(party.council.zone).date()
        if (representation.valid_until and on > representation.valid_until) or (
            representation.valid_from and on < representation.valid_from
        ):
            raise ValidationError(
                {"representation": _("That authority was not in force on the contact's date.")}
            )
    elif representation is not None:
        raise ValidationError({"representation": _("Only a representative acts under one.")})
    existing = ContactParty.objects.filter(contact=contact, party=party, role=role).first()
    if existing is not None:
        return existing
    row = ContactParty.objects.create(
        council_id=party.council_id,
        party=party,
        contact=contact,
        role=role,
        representation=representation,
        linked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit(
        actor,
        "contact_party.create",
        row,
        party,
        {"contact_id": (None, contact.pk), "role": (None, role)},
    )
    return row


# --------------------------------------------------------------------------------------------
# Vulnerability markers
# --------------------------------------------------------------------------------------------

VULNERABILITY_FIELDS = (
    "marker_type",
    "guidance",
    "health_detail",
    "lawful_basis",
    "source",
    "source_detail",
    "consent",
    "consent_note",
    "review_by",
)


@transaction.atomic
def do_add_vulnerability_marker(
    *,
    actor: Any,
    party: Party,
    marker_type: str,
    guidance: str,
    lawful_basis: str,
    source: str,
    consent: str,
    review_by: dt.date,
    health_detail: str = "",
    source_detail: str = "",
    consent_note: str = "",
) -> VulnerabilityMarker:
    """Record a vulnerability an agent was told of, with its basis, source, consent and review.

    Agents may record one (they hear of it first); reading its health detail back needs
    view_vulnerability_detail.
    """
    require_change_party(actor, party)
    if review_by <= _today(party.council):
        raise ValidationError({"review_by": _("The review date must be in the future.")})
    marker = VulnerabilityMarker(
        party=party,
        marker_type=marker_type,
        guidance=guidance,
        health_detail=health_detail,
        lawful_basis=lawful_basis,
        source=source,
        source_detail=source_detail,
        consent=consent,
        consent_note=consent_note,
        review_by=review_by,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    marker.full_clean(exclude=["party", "recorded_by"])
    if consent in ("refused", "not_sought", "unable") and lawful_basis == "consent":
        raise ValidationError({"lawful_basis": _("Consent is not the basis when none was given.")})
    marker.save()
    _audit(actor, "vulnerability.create", marker, party, _created(marker, VULNERABILITY_FIELDS))
    return marker


@transaction.atomic
def do_review_vulnerability_marker(
    *, actor: Any, marker: VulnerabilityMarker, next_review_by: dt.date, guidance: str = ""
) -> VulnerabilityMarker:
    """Confirm a marker still applies (optionally with new guidance) and set its next review."""
    party = marker.party
    require_change_party(actor, party)
    if actor is not None:
        require(actor, "view_vulnerability_detail", party)
    if marker.ended_at is not None:
        raise ValidationError(_("That marker has ended."))
    if next_review_by <= _today(party.council):
        raise ValidationError({"review_by": _("The next review must be in the future.")})
    fields = ("review_by", "guidance")
    before = snapshot(marker, fields)
    marker.review_by = next_review_by
    if guidance:
        marker.guidance = guidance
    marker.last_reviewed_at = timezone.now()
    marker.last_reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    marker.save()
    _audit(actor, "vulnerability.review", marker, party, diff(before, snapshot(marker, fields)))
    return marker


@transaction.atomic
def do_end_vulnerability_marker(
    *, actor: Any, marker: VulnerabilityMarker, reason: str
) -> VulnerabilityMarker:
    """A marker that no longer applies ends (it is kept, for the record and the audit)."""
    party = marker.party
    require_change_party(actor, party)
    if actor is not None:
        require(actor, "view_vulnerability_detail", party)
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the marker no longer applies.")})
    marker.ended_at = timezone.now()
    marker.ended_by = actor if getattr(actor, "is_authenticated", False) else None
    marker.end_reason = reason.strip()
    marker.save()
    _audit(actor, "vulnerability.end", marker, party, {"end_reason": (None, marker.end_reason)})
    return marker


# --------------------------------------------------------------------------------------------
# Staff-safety markers
# --------------------------------------------------------------------------------------------


@transaction.atomic
def do_propose_safety_marker(
    *,
    actor: Any,
    party: Party,
    category: str,
    precaution: str,
    detail: str,
    review_by: dt.date,
    incident_date: dt.date | None = None,
    lawful_basis: str = "legal_obligation",
    individual_informed: bool | None = None,
    not_informed_reason: str = "",
) -> SafetyMarker:
    """Propose a staff-safety marker after an incident; it warns no one until approved.

    Any desktop user may propose one (the agent who took the call often does); another person
    with manage_safety_markers approves it.
    """
    require_change_party(actor, party)
    if review_by <= _today(party.council):
        raise ValidationError({"review_by": _("The review date must be in the future.")})
    if individual_informed is False and not not_informed_reason.strip():
        raise ValidationError(
            {"not_informed_reason": _("Say why the person was not told about the marker.")}
        )
    marker = SafetyMarker(
        party=party,
        category=category,
        precaution=precaution,
        detail=detail,
        incident_date=incident_date,
        lawful_basis=lawful_basis,
        individual_informed=individual_informed,
        not_informed_reason=not_informed_reason,
        review_by=review_by,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    marker.full_clean(exclude=["party", "created_by", "approved_by", "last_reviewed_by"])
    marker.save()
    _audit(
        actor,
        "safety_marker.propose",
        marker,
        party,
        _created(marker, ("category", "precaution", "detail", "incident_date", "review_by")),
    )
    return marker


def _decide(actor: Any, marker: SafetyMarker, status: str, note: str, action: str) -> SafetyMarker:
    party = marker.party
    if actor is None:
        raise PermissionDenied("a safety marker is approved by a person")
    require_manage_safety_markers(actor, party)
    if marker.status != SafetyStatus.PENDING:
        raise ValidationError(_("That marker is not awaiting a decision."))
    if marker.created_by_id == actor.pk:
        raise ValidationError(_("Someone other than its author must approve or reject a marker."))
    marker.status = status
    marker.approved_by = actor if status == SafetyStatus.ACTIVE else None
    marker.decided_at = timezone.now()
    marker.decision_note = note
    marker.save()
    _audit(actor, action, marker, party, {"status": (SafetyStatus.PENDING, status)})
    return marker


@transaction.atomic
def do_approve_safety_marker(*, actor: Any, marker: SafetyMarker, note: str = "") -> SafetyMarker:
    """Approve a proposed marker (never one's own): from now on staff see its warning."""
    return _decide(actor, marker, SafetyStatus.ACTIVE, note, "safety_marker.approve")


@transaction.atomic
def do_reject_safety_marker(*, actor: Any, marker: SafetyMarker, note: str) -> SafetyMarker:
    if not note.strip():
        raise ValidationError({"decision_note": _("Say why the marker is rejected.")})
    return _decide(actor, marker, SafetyStatus.REJECTED, note, "safety_marker.reject")


@transaction.atomic
def do_review_safety_marker(
    *, actor: Any, marker: SafetyMarker, next_review_by: dt.date
) -> SafetyMarker:
    """Confirm an active marker still applies and set its next review."""
    party = marker.party
    require_manage_safety_markers(actor, party)
    if marker.status != SafetyStatus.ACTIVE:
        raise ValidationError(_("Only an active marker is reviewed."))
    if next_review_by <= _today(party.council):
        raise ValidationError({"review_by": _("The next review must be in the future.")})
    before = marker.review_by
    marker.review_by = next_review_by
    marker.last_reviewed_at = timezone.now()
    marker.last_reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    marker.save()
    _audit(actor, "safety_marker.review", marker, party, {"review_by": (before, next_review_by)})
    return marker


@transaction.atomic
def do_end_safety_marker(*, actor: Any, marker: SafetyMarker, reason: str) -> SafetyMarker:
    party = marker.party
    require_manage_safety_markers(actor, party)
    if not reason.strip():
        raise ValidationError({"end_reason": _("Say why the marker ends.")})
    before = marker.status
    marker.status = SafetyStatus.ENDED
    marker.ended_at = timezone.now()
    marker.end_reason = reason.strip()
    marker.save()
    _audit(
        actor,
        "safety_marker.end",
        marker,
        party,
        {"status": (before, SafetyStatus.ENDED), "end_reason": (None, marker.end_reason)},
    )
    return marker
