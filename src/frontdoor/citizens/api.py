"""API of the CRM: find, read, create and update people, and log and list their contacts, with
the desktop's permission checks and access logging (every search is one access entry, every read
a view of the record and of its markers). A merged record's reference answers for the record it
was merged into.

A restricted or safeguarding person opens only for staff who may open restricted records, and
only with a reason, sent in the `X-Access-Reason` header (kept out of URLs and server logs); the
reason is sealed into the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.contacts.desktop import do_log_contact
from frontdoor.core.selectors import council_for

from .actions import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    NewAddress,
    NewContactPoint,
    do_create_person,
    do_update_party,
)
from .merging import resolve_reference
from .models import ContactPointKind, Party
from .policies import require_read_people
from .search import search_parties
from .selectors import (
    PersonPage,
    ReasonRequired,
    TimelineFilters,
    _timeline,
    open_party,
    person_page,
)

router = Router(tags=["Residents"])
REASON_HEADER = "X-Access-Reason"


class SearchQueryIn(Schema):
    q: str = Field(..., max_length=200, description="a name, phone, email, postcode, UPRN or ref")
    limit: int = Field(20, ge=1, le=50)


class SearchResultOut(Schema):
    reference: str
    kind: str
    display_name: str
    date_of_birth: dt.date | None
    postcode: str
    address_hint: str
    restricted: bool
    score: float


class SearchOut(Schema):
    query: str
    understood_as: list[str]
    more: bool
    results: list[SearchResultOut]


class AddressIn(Schema):
    text: str = Field(..., max_length=500)
    postcode: str = Field("", max_length=10)
    uprn: str = Field("", max_length=12)
    kind: str = "home"


class ExternalReferenceIn(Schema):
    source: str = Field(..., max_length=50)
    source_id: str = Field(..., max_length=100)


class PersonIn(Schema):
    title: str = Field("", max_length=30)
    given_name: str = Field("", max_length=100)
    middle_names: str = Field("", max_length=200)
    family_name: str = Field("", max_length=100)
    preferred_name: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    preferred_channel: str = ""
    preferred_language: str = Field("", max_length=35)
    sensitivity: str = "normal"
    addresses: list[AddressIn] = Field(default_factory=list, max_length=10)
    phones: list[str] = Field(default_factory=list, max_length=10)
    emails: list[str] = Field(default_factory=list, max_length=10)
    external_references: list[ExternalReferenceIn] = Field(default_factory=list, max_length=20)


class PersonPatch(Schema):
    title: str | None = Field(None, max_length=30)
    given_name: str | None = Field(None, max_length=100)
    middle_names: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=100)
    preferred_name: str | None = Field(None, max_length=100)
    date_of_birth: dt.date | None = None
    preferred_channel: str | None = None
    preferred_language: str | None = Field(None, max_length=35)
    sensitivity: str | None = None


class AddressOut(Schema):
    kind: str
    text: str
    postcode: str
    uprn: str
    is_primary: bool


class ContactPointOut(Schema):
    kind: str
    value: str
    label: str
    is_preferred: bool


class MarkerOut(Schema):
    label: str
    guidance: str
    review_by: dt.date
    overdue: bool
    health_detail: str | None = None


class TimelineEntryOut(Schema):
    contact_id: int
    offered_at: dt.datetime
    channel: str
    service_id: str
    service_name: str
    outcome: str
    resolution: str
    wrap_code: str
    role: str
    restricted: bool


class PersonOut(Schema):
    reference: str
    kind: str
    display_name: str
    title: str
    given_name: str
    middle_names: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    organisation_name: str
    preferred_channel: str
    preferred_language: str
    sensitivity: str
    needs: dict[str, Any] | None
    addresses: list[AddressOut]
    contact_points: list[ContactPointOut]
    external_references: list[ExternalReferenceIn]
    vulnerabilities: list[MarkerOut]
    safety_warnings: list[str]
    household: list[str]
    timeline: list[TimelineEntryOut]
    timeline_more: bool


def person_out(page: PersonPage) -> dict[str, Any]:
    """The person page as the API shows it (what the viewer may see, nothing more)."""
    party = page.party
    needs = None
    if page.needs is not None:
        needs = {f: getattr(page.needs, f) for f in page.needs.FIELDS}
    return {
        "reference": party.reference,
        "kind": party.kind,
        "display_name": party.display_name,
        **{f: getattr(party, f) for f in (*PERSON_FIELDS, *ORGANISATION_FIELDS)},
        "sensitivity": party.sensitivity,
        "needs": needs,
        "addresses": page.addresses,
        "contact_points": page.contact_points,
        "external_references": page.external_references,
        "vulnerabilities": [
            {
                "label": v.label,
                "guidance": v.guidance,
                "review_by": v.review_by,
                "overdue": v.overdue,
                "health_detail": v.detail.health_detail if v.detail else None,
            }
            for v in page.vulnerabilities
        ],
        "safety_warnings": [w.precaution for w in page.safety_warnings],
        "household": [m.party.display_name for m in page.household],
        "timeline": [{**e.__dict__, "restricted": e.restricted} for e in page.timeline],
        "timeline_more": page.timeline_more,
    }


def _page(request: HttpRequest, council: Any, reference: str, reason: str, **filters: Any) -> Any:
    # A merged record's reference reads the record it was merged into.
    reference = resolve_reference(council, reference) or reference
    try:
        return person_page(
            request.user,
            reference,
            council=council,
            reason=reason,
            filters=TimelineFilters(**filters),
        )
    except ReasonRequired as error:
        raise HttpError(
            403, f"This record is restricted: give your reason in the {REASON_HEADER} header."
        ) from error


@router.get(
    "/councils/{slug}/people",
    response=SearchOut,
    summary="Find people: one box for a name (typos, partial), phone, email, postcode, UPRN or "
    "reference; logged as one access entry",
)
def search(request: HttpRequest, slug: str, query: Query[SearchQueryIn]) -> dict[str, Any]:
    council = council_for(request.user, slug)
    outcome = search_parties(request.user, council, query.q, limit=query.limit)
    return {
        "query": outcome.query,
        "understood_as": list(outcome.understood_as),
        "more": outcome.more,
        "results": [r.__dict__ for r in outcome.results],
    }


class TimelineQueryIn(Schema):
    service: str | None = None
    channel: str | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/councils/{slug}/people/{reference}",
    response=PersonOut,
    summary="A person's record: identity, needs, markers as you may see them, and the timeline",
)
def read(
    request: HttpRequest,
    slug: str,
    reference: str,
    query: Query[TimelineQueryIn],
    x_access_reason: Header[str] = "",
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    page = _page(
        request,
        council,
        reference,
        x_access_reason,
        service=query.service,
        channel=query.channel,
        date_from=query.date_from,
        date_to=query.date_to,
        limit=query.limit,
    )
    return person_out(page)


@router.post(
    "/councils/{slug}/people",
    response={201: PersonOut},
    summary="Record a person (with addresses, phone numbers, emails and references)",
)
def create(request: HttpRequest, slug: str, body: PersonIn) -> Status[dict[str, Any]]:
    council = council_for(request.user, slug)
    require_read_people(request.user, council)
    points = [NewContactPoint(ContactPointKind.PHONE, p) for p in body.phones]
    points += [NewContactPoint(ContactPointKind.EMAIL, e) for e in body.emails]
    party = do_create_person(
        actor=request.user,
        council=council,
        sensitivity=body.sensitivity,
        addresses=[NewAddress(a.text, a.postcode, a.uprn, kind=a.kind) for a in body.addresses],
        contact_points=points,
        external_references=[(r.source, r.source_id) for r in body.external_references],
        **{f: getattr(body, f) for f in PERSON_FIELDS},
    )
    reason = "" if not party.restricted else "Recorded this person"
    return Status(201, person_out(_page(request, council, party.reference, reason)))


@router.patch(
    "/councils/{slug}/people/{reference}",
    response=PersonOut,
    summary="Change a person's names, date of birth, preferences or sensitivity",
)
def update(
    request: HttpRequest,
    slug: str,
    reference: str,
    body: PersonPatch,
    x_access_reason: Header[str] = "",
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    reference = resolve_reference(council, reference) or reference
    try:
        party: Party = open_party(
            request.user, reference, council=council, reason=x_access_reason, log=False
        )
    except ReasonRequired as error:
        raise HttpError(
            403, f"This record is restricted: give your reason in the {REASON_HEADER} header."
        ) from error
    values = body.model_dump(exclude_unset=True)
    do_update_party(actor=request.user, party=party, **values)
    return person_out(_page(request, council, party.reference, x_access_reason))


# --------------------------------------------------------------------------------------------
# A person's contacts: log one, list them
# --------------------------------------------------------------------------------------------


class ContactIn(Schema):
    channel: str = Field(..., max_length=20, description="phone, email, webchat, face_to_face...")
    service: str = Field(..., max_length=63, description="a service id of the council's catalogue")
    outcome: str = Field("answered", max_length=20)
    resolution: str = Field("", max_length=30)
    wrap_code: str = Field("", max_length=100)
    notes: str = Field("", max_length=5000)
    failure_demand: bool | None = None
    failure_demand_type: str = Field("", max_length=40)
    sensitivity: str = Field("", max_length=15)
    telephony_id: str = Field(
        "", max_length=100, description="the call's id: enriches that call's contact instead"
    )
    offered_at: dt.datetime | None = None


class ContactOut(Schema):
    contact_id: int
    offered_at: dt.datetime
    channel: str
    service_id: str
    service_name: str
    outcome: str
    resolution: str
    wrap_code: str
    source: str
    role: str
    restricted: bool


class LoggedContactOut(Schema):
    reference: str
    created: bool
    contact: ContactOut
    prompts: list[str]


class ContactListOut(Schema):
    reference: str
    contacts: list[ContactOut]
    more: bool


def _person(request: HttpRequest, council: Any, reference: str, reason: str) -> Party:
    """The person a contacts endpoint works on, opened (and logged) as the desktop's pages open
    them. A merged record's reference stands for the record it was merged into."""
    reference = resolve_reference(council, reference) or reference
    try:
        return open_party(request.user, reference, council=council, reason=reason)
    except ReasonRequired as error:
        raise HttpError(
            403, f"This record is restricted: give your reason in the {REASON_HEADER} header."
        ) from error


def _contact_out(contact: Any, role: str) -> dict[str, Any]:
    restricted = contact.sensitivity != "normal"
    return {
        "contact_id": contact.pk,
        "offered_at": contact.offered_at,
        "channel": contact.channel,
        "service_id": contact.service.service_id,
        "service_name": contact.service.name,
        "outcome": contact.outcome,
        "resolution": contact.resolution,
        "wrap_code": "" if restricted else contact.wrap_code,
        "source": contact.source,
        "role": role,
        "restricted": restricted,
    }


@router.post(
    "/councils/{slug}/people/{reference}/contacts",
    response={201: LoggedContactOut},
    summary="Log a contact with a person (or complete the call's record, given its telephony "
    "id), as the desktop does: checked, audited, early-intervention rules evaluated",
)
def log_contact(
    request: HttpRequest,
    slug: str,
    reference: str,
    body: ContactIn,
    x_access_reason: Header[str] = "",
) -> Status[dict[str, Any]]:
    council = council_for(request.user, slug)
    party = _person(request, council, reference, x_access_reason)
    logged = do_log_contact(actor=request.user, party=party, **body.model_dump())
    contact = logged.contact
    contact.refresh_from_db()
    return Status(
        201,
        {
            "reference": party.reference,
            "created": logged.created,
            "contact": _contact_out(contact, "subject"),
            "prompts": [p.text for p in logged.prompts],
        },
    )


@router.get(
    "/councils/{slug}/people/{reference}/contacts",
    response=ContactListOut,
    summary="A person's contacts across every service and channel you may see, newest first "
    "(filter by service, channel and local dates); logged as a view of the record",
)
def list_contacts(
    request: HttpRequest,
    slug: str,
    reference: str,
    query: Query[TimelineQueryIn],
    x_access_reason: Header[str] = "",
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    party = _person(request, council, reference, x_access_reason)
    references = list(party.external_references.all())
    filters = TimelineFilters(
        service=query.service,
        channel=query.channel,
        date_from=query.date_from,
        date_to=query.date_to,
        limit=query.limit,
    )
    # The person page's own timeline read (one statement): the same contacts, same filtering.
    entries, more = _timeline(request.user, party, references, filters)
    return {
        "reference": party.reference,
        "contacts": [
            {
                "contact_id": e.contact_id,
                "offered_at": e.offered_at,
                "channel": e.channel,
                "service_id": e.service_id,
                "service_name": e.service_name,
                "outcome": e.outcome,
                "resolution": e.resolution,
                "wrap_code": e.wrap_code,
                "source": e.source,
                "role": e.role,
                "restricted": e.restricted,
            }
            for e in entries
        ],
        "more": more,
    }
