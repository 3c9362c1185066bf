"""API of cases, handovers between services, service standards and statutory clocks.

The same actions and selectors as the pages, so the same permission checks and access logging:
reading a restricted or safeguarding case needs open_restricted and a reason, sent in the
`X-Access-Reason` header (never the URL, which ends up in server logs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access
from frontdoor.citizens.selectors import parties_visible_to
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Sensitivity, Service
from frontdoor.core.selectors import council_for
from frontdoor.identity.models import Team

from . import actions, policies, selectors
from .models import Case, CaseType, Handover, Priority
from .selectors import due_date_answer

router = Router(tags=["Cases"])

ClockType = Literal[
    "complaint-stage-1",
    "complaint-stage-2",
    "foi",
    "eir",
    "foi-internal-review",
    "eir-internal-review",
    "sar",
    "erasure",
    "rectification",
    "dp-complaint",
    "member-enquiry",
    "service-request",
    "compliment",
    "comment",
]
DivisionName = Literal["england-and-wales", "scotland", "northern-ireland"]


class DueDateQuery(Schema):
    type: ClockType = Field(description="The kind of request")
    received: dt.date = Field(description="The local date the council first got it (YYYY-MM-DD)")
    division: DivisionName | None = Field(
        None, description="Whose bank holidays (default England and Wales; a council's own)"
    )
    policy: str | None = Field(
        None,
        max_length=100,
        description="Complaint procedure (hos-lgsco-2024, spso-mchp, blank or the council's own) "
        "or service standard (5-working-days, 7-calendar-days, 1-calendar-month, or a named one)",
    )
    council: str | None = Field(
        None,
        max_length=63,
        description="A council's slug: its division, closure days and policies",
    )


class DueDateOut(Schema):
    type: str
    received: dt.date
    acknowledge_by: dt.date | None = Field(description="Acknowledge by the end of this day")
    due: dt.date | None = Field(description="Respond by the end of this day")
    provisional: bool = Field(
        description="True when a date relies on bank holidays past GOV.UK's data"
    )


@router.get(
    "/due-date",
    response=DueDateOut,
    summary="When a request received on a day is due (the same answer as `frontdoor due_date`)",
)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> dict[str, object]:
    council = council_for(request.user, query.council) if query.council else None
    try:
        return due_date_answer(
            query.type,
            query.received,
            division=query.division,
            policy=query.policy,
            council=council,
        )
    except ValueError as error:  # PolicyError and ClockError are ValueErrors
        raise HttpError(400, str(error)) from error


# Cases ------------------------------------------------------------------------------------------

REASON_HEADER = "HTTP_X_ACCESS_REASON"
LIST_LIMIT = 200

WorklistName = Literal["all", "mine", "team", "overdue", "due-soon"]
SensitivityName = Literal["normal", "restricted", "safeguarding"]
PriorityName = Literal["low", "normal", "high", "urgent"]
RoleName = Literal["subject", "requester"]


class PartyOut(Schema):
    role: str
    reference: str | None = Field(description="The resident's reference; null when restricted")


class CaseSummaryOut(Schema):
    reference: str
    type: str
    kind: str
    service: str
    summary: str | None = Field(description="Null for a restricted case in a list")
    status: str
    status_label: str
    closed: bool
    priority: str
    sensitivity: str
    received_on: dt.date
    stage: int
    owner_team: str | None
    owner: str | None = Field(description="The owner's username")
    acknowledge_by: dt.date | None
    acknowledged_on: dt.date | None
    due: dt.date | None
    responded_on: dt.date | None
    waiting_for: str | None
    clock_status: str
    acknowledgement_status: str


class TimelineOut(Schema):
    kind: str
    label: str
    at: dt.datetime
    by: str
    text: str


class CaseOut(CaseSummaryOut):
    anonymous: bool
    policy: str
    opened_from_contact: int | None
    parties: list[PartyOut]
    timeline: list[TimelineOut]


class PartyIn(Schema):
    reference: str = Field(max_length=16)
    role: RoleName = "subject"


class CaseIn(Schema):
    type: str = Field(max_length=63, description="The case type's id, e.g. complaint, foi")
    service: str = Field(max_length=63, description="The service's id in the catalogue")
    summary: str = Field(min_length=1, max_length=200)
    details: str = Field("", max_length=10_000, description="Becomes the first note")
    received_on: dt.date | None = Field(
        None, description="The local date the council first got it (default today)"
    )
    contact: int | None = Field(
        None, description="A contact's id: received on its date, with its residents"
    )
    priority: PriorityName = "normal"
    sensitivity: SensitivityName = "normal"
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    anonymous: bool = False
    owner_team: int | None = Field(None, description="A team's id (default: the caller's team)")


class StatusIn(Schema):
    status: str = Field(max_length=40)
    note: str = Field("", max_length=10_000)


class HandoverIn(Schema):
    to_team: int = Field(description="The receiving team's id")
    service: str | None = Field(None, max_length=63, description="A service the team serves")
    note: str = Field("", max_length=10_000)


class BounceIn(Schema):
    reason: str = Field(min_length=1, max_length=10_000)


class HandoverOut(Schema):
    id: int
    case: str
    from_team: str | None
    to_team: str
    service: str
    status: str
    sent_at: dt.datetime
    decided_at: dt.datetime | None
    bounce_reason: str
    reroute_of: int | None


def _summary(case: Case, *, in_list: bool) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "type": case.case_type.type_id,
        "kind": case.case_type.kind,
        "service": case.service.service_id,
        "summary": None if in_list and case.restricted else case.summary,
        "status": case.status,
        "status_label": case.status_label,
        "closed": case.closed,
        "priority": case.priority,
        "sensitivity": case.sensitivity,
        "received_on": case.received_on,
        "stage": case.stage,
        "owner_team": case.owner_team.name if case.owner_team else None,
        "owner": case.owner.username if case.owner else None,
        "acknowledge_by": case.acknowledge_by,
        "acknowledged_on": case.acknowledged_on,
        "due": case.due,
        "responded_on": case.responded_on,
        "waiting_for": case.waiting_for or None,
        "clock_status": case.clock_status,
        "acknowledgement_status": case.acknowledgement_status,
    }


def _detail(page: selectors.CasePage) -> dict[str, Any]:
    case = page.case
    return {
        **_summary(case, in_list=False),
        "anonymous": case.anonymous,
        "policy": case.policy.get("name", ""),
        "opened_from_contact": case.opened_from_id,
        "parties": [
            {"role": party.role, "reference": None if party.hidden else party.reference}
            for party in page.parties
        ],
        "timeline": [
            {"kind": i.kind, "label": i.label, "at": i.at, "by": i.by, "text": i.text}
            for i in page.timeline
        ],
    }


def _handover(handover: Handover) -> dict[str, Any]:
    return {
        "id": handover.pk,
        "case": handover.case.reference,
        "from_team": handover.from_team.name if handover.from_team else None,
        "to_team": handover.to_team.name,
        "service": handover.service.service_id,
        "status": handover.status,
        "sent_at": handover.sent_at,
        "decided_at": handover.decided_at,
        "bounce_reason": handover.bounce_reason,
        "reroute_of": handover.reroute_of_id,
    }


def _reason(request: HttpRequest) -> str:
    return str(request.META.get(REASON_HEADER, ""))[:500]


def _invalid(error: ValidationError) -> HttpError:
    messages = (
        [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
        if hasattr(error, "error_dict")
        else error.messages
    )
    return HttpError(400, "; ".join(messages))


def _open(request: HttpRequest, council: Council, reference: str, view: str) -> Case:
    try:
        return selectors.open_case(
            request.user, council, reference, reason=_reason(request), view=view
        )
    except selectors.ReasonRequired as error:
        raise HttpError(
            403, "This case is restricted: give your reason in the X-Access-Reason header."
        ) from error


def _page(request: HttpRequest, council: Council, reference: str) -> dict[str, Any]:
    try:
        page = selectors.case_page(request.user, council, reference, reason=_reason(request))
    except selectors.ReasonRequired as error:
        raise HttpError(
            403, "This case is restricted: give your reason in the X-Access-Reason header."
        ) from error
    return _detail(page)


@router.get(
    "/councils/{slug}/cases",
    response=list[CaseSummaryOut],
    summary="Cases the caller may see: a worklist, or all of the council's (newest first)",
)
def list_cases(
    request: HttpRequest,
    slug: str,
    worklist: WorklistName = "all",
    status: str | None = None,
) -> list[dict[str, Any]]:
    council = council_for(request.user, slug)
    if worklist == "all":
        cases = selectors.cases_visible_to(request.user, council).select_related(
            "case_type", "service", "owner_team", "owner"
        )
        if status:
            cases = cases.filter(status=status)
        rows = list(cases.order_by("-opened_at", "-pk")[:LIST_LIMIT])
        record_access(
            actor=request.user,
            view="cases.api.list",
            object_type="cases.case",
            council_id=council.pk,
            kind=AccessKind.SEARCH,
            result_ids=[case.pk for case in rows],
        )
    else:
        rows = [row.case for row in selectors.worklist(request.user, council, worklist).rows]
        if status:
            rows = [case for case in rows if case.status == status]
    return [_summary(case, in_list=True) for case in rows]


@router.get(
    "/councils/{slug}/cases/{reference}",
    response=CaseOut,
    summary="One case with its residents and timeline (a restricted one needs X-Access-Reason)",
)
def read_case(request: HttpRequest, slug: str, reference: str) -> dict[str, Any]:
    council = council_for(request.user, slug)
    return _page(request, council, reference)


@router.post(
    "/councils/{slug}/cases",
    response={201: CaseOut},
    summary="Open a case, directly or from a contact",
)
def create_case(request: HttpRequest, slug: str, data: CaseIn) -> Status:
    council = council_for(request.user, slug)
    policies.require_open_cases(request.user, council)
    actions.ensure_case_types(council)
    case_type = CaseType.objects.filter(council=council, type_id=data.type, active=True).first()
    service = Service.objects.filter(council=council, service_id=data.service).first()
    if case_type is None:
        raise HttpError(400, f"type: no case type {data.type!r}")
    if service is None:
        raise HttpError(400, f"service: no service {data.service!r}")
    contact = None
    if data.contact is not None:
        contact = Contact.objects.filter(council=council, pk=data.contact).first()
        if contact is None or (
            contact.sensitivity != Sensitivity.NORMAL
            and not policies.may_open_restricted(request.user, council)
        ):
            raise HttpError(400, "contact: no such contact")
    parties = []
    visible = parties_visible_to(request.user).filter(council=council)
    for wanted in data.parties:
        party = visible.filter(reference=wanted.reference.strip().upper()).first()
        if party is None:
            raise HttpError(400, f"parties: no resident {wanted.reference!r}")
        parties.append(actions.NewParty(party, wanted.role))
    owner_team = None
    if data.owner_team is not None:
        owner_team = Team.objects.filter(council=council, pk=data.owner_team).first()
        if owner_team is None:
            raise HttpError(400, "owner_team: no such team")
    try:
        case = actions.do_open_case(
            actor=request.user,
            council=council,
            case_type=case_type,
            service=service,
            summary=data.summary,
            details=data.details,
            received_on=data.received_on,
            contact=contact,
            priority=Priority(data.priority),
            sensitivity=Sensitivity(data.sensitivity),
            parties=parties,
            anonymous=data.anonymous,
            owner_team=owner_team,
        )
    except ValidationError as error:
        raise _invalid(error) from error
    page = selectors.case_page(
        request.user, council, case.reference, reason="Opened the case through the API"
    )
    return Status(201, _detail(page))


@router.post(
    "/councils/{slug}/cases/{reference}/status",
    response=CaseOut,
    summary="Move a case to another status (only along its type's transitions)",
)
def update_status(
    request: HttpRequest, slug: str, reference: str, data: StatusIn
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    case = _open(request, council, reference, "cases.api.status")
    try:
        actions.do_change_status(actor=request.user, case=case, status=data.status, note=data.note)
    except ValidationError as error:
        raise _invalid(error) from error
    return _page(request, council, reference)


@router.post(
    "/councils/{slug}/cases/{reference}/handovers",
    response={201: HandoverOut},
    summary="Hand a case over to another team",
)
def create_handover(request: HttpRequest, slug: str, reference: str, data: HandoverIn) -> Status:
    council = council_for(request.user, slug)
    case = _open(request, council, reference, "cases.api.hand_over")
    team = Team.objects.filter(council=council, pk=data.to_team).first()
    if team is None:
        raise HttpError(400, "to_team: no such team")
    service = None
    if data.service:
        service = Service.objects.filter(council=council, service_id=data.service).first()
        if service is None:
            raise HttpError(400, f"service: no service {data.service!r}")
    try:
        handover = actions.do_hand_over(
            actor=request.user, case=case, to_team=team, service=service, note=data.note
        )
    except ValidationError as error:
        raise _invalid(error) from error
    return Status(201, _handover(handover))


def _decidable(request: HttpRequest, council: Council, handover_id: int) -> Handover:
    visible = policies.visible_sensitivities(request.user, council)
    handover = (
        Handover.objects.filter(council=council, pk=handover_id, case__sensitivity__in=visible)
        .select_related("case", "from_team", "to_team", "service")
        .first()
    )
    if handover is None:
        raise HttpError(404, "no such handover")
    return handover


@router.post(
    "/councils/{slug}/handovers/{handover_id}/accept",
    response=HandoverOut,
    summary="Accept a handover to one of the caller's teams",
)
def accept_handover(request: HttpRequest, slug: str, handover_id: int) -> dict[str, Any]:
    council = council_for(request.user, slug)
    handover = _decidable(request, council, handover_id)
    try:
        handover = actions.do_accept_handover(actor=request.user, handover=handover)
    except ValidationError as error:
        raise _invalid(error) from error
    return _handover(handover)


@router.post(
    "/councils/{slug}/handovers/{handover_id}/bounce",
    response=HandoverOut,
    summary="Bounce a handover back to the team that sent it, with a reason",
)
def bounce_handover(
    request: HttpRequest, slug: str, handover_id: int, data: BounceIn
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    handover = _decidable(request, council, handover_id)
    try:
        handover = actions.do_bounce_handover(
            actor=request.user, handover=handover, reason=data.reason
        )
    except ValidationError as error:
        raise _invalid(error) from error
    return _handover(handover)


# Case KPIs --------------------------------------------------------------------------------------


class KpiQuery(Schema):
    start: dt.date = Field(description="The first local date of the period")
    end: dt.date = Field(description="The last local date of the period (included)")


class KpiRowOut(Schema):
    key: str = Field(description="The type's, service's or team's id; empty for all cases")
    name: str
    open_at_end: int
    opened: int
    closed: int
    closed_with_clock: int
    met: int
    met_share: float | None
    median_days: int | None
    p90_days: int | None
    ageing: dict[str, int] = Field(description="Open cases at the end by age band (days)")
    chasing: int | None = Field(description="Chasing contacts in the period (services only)")
    average_open: float | None
    chasing_per_open_case: float | None


class CaseKpisOut(Schema):
    start: dt.date
    end: dt.date
    total: KpiRowOut
    by_type: list[KpiRowOut]
    by_service: list[KpiRowOut]
    by_team: list[KpiRowOut]


def _kpi_row(row: selectors.CaseKpiRow, bands: tuple[str, ...]) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": str(row.name),
        "open_at_end": row.open_at_end,
        "opened": row.opened,
        "closed": row.closed,
        "closed_with_clock": row.closed_with_clock,
        "met": row.met,
        "met_share": row.met_share,
        "median_days": row.median_days,
        "p90_days": row.p90_days,
        "ageing": dict(zip(bands, row.ageing, strict=True)) if row.ageing else {},
        "chasing": row.chasing,
        "average_open": row.average_open,
        "chasing_per_open_case": row.chasing_per_open_case,
    }


@router.get(
    "/councils/{slug}/case-kpis",
    response=CaseKpisOut,
    summary="Case KPIs for a period: open, opened, closed, met, time to close, ageing, chasing",
)
def case_kpis(request: HttpRequest, slug: str, query: Query[KpiQuery]) -> dict[str, Any]:
    council = council_for(request.user, slug)
    if query.end < query.start:
        raise HttpError(400, "end: the period ends before it starts")
    if (query.end - query.start).days >= 3660:
        raise HttpError(400, "end: choose a period of at most ten years")
    kpis = selectors.case_kpis(request.user, council, query.start, query.end)
    return {
        "start": kpis.start,
        "end": kpis.end,
        "total": _kpi_row(kpis.total, kpis.bands),
        **{
            f"by_{name}": [_kpi_row(row, kpis.bands) for row in kpis.rows(name)]
            for name in selectors.KPI_DIMENSIONS
        },
    }
