"""API of the CRM: find, read, create and update people, with the desktop's permission checks
and access logging (every search is one access entry, every read a view of the record and of
its markers).

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

from frontdoor.core.selectors import council_for

from .actions import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    NewAddress,
    NewContactPoint,
    do_create_person,
    do_update_party,
)
from .models import ContactPointKind, Party
from .policies import require_read_people
from .search import search_parties
from .selectors import PersonPage, ReasonRequired, TimelineFilters, open_party, person_page

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
