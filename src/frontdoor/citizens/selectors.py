"""Reads of residents' records, filtered to what the viewer may see, and logged.

`person_page` is everything the person page shows (identity, needs, markers as the viewer may
see them, household, representatives, and the timeline of contacts across every service and
channel, newest first, filterable) in a fixed number of statements whatever the history's size.
Opening a record is logged in the read-access log; so is every view of a marker. A restricted
or safeguarding party opens only for open_restricted, with a reason (break-glass).

A page given the reference of a record merged into another asks `open_party` to follow merges:
whether the record was merged away is read with the record itself (no statement of its own),
and only a merged record costs one more read, for its survivor's reference (`MergedAway`).

Single markers (to end, review or decide one) are read here too, with the same permission and
sensitivity filtering as the page that lists them.

The search box lives in `search.py` (`search_parties`, and `likely_matches` for the check
before a new person is added), re-exported here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import subject_ref
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import council_ids_for, may, require

from .merging import MERGED_SOURCE, survivor_of
from .models import (
    AccessibilityNeeds,
    Address,
    ContactParty,
    ContactPoint,
    ExternalReference,
    HouseholdMember,
    MergeStatus,
    Party,
    PartyMerge,
    Representation,
    SafetyMarker,
    SafetyStatus,
    VulnerabilityMarker,
    VulnerabilityType,
)
from .policies import (
    may_lead,
    may_manage_safety_markers,
    may_open_restricted,
    may_see_vulnerability_detail,
    require_read_people,
    visible_sensitivities,
)
from .search import (
    MatchCheck,
    PossibleMatch,
    SearchOutcome,
    SearchResult,
    likely_matches,
    search_parties,
)

__all__ = [
    "MatchCheck",
    "MergedAway",
    "PersonPage",
    "PossibleMatch",
    "ReasonRequired",
    "SearchOutcome",
    "SearchResult",
    "TimelineEntry",
    "TimelineFilters",
    "active_safety_marker_of",
    "likely_matches",
    "party_for_citizen_ref",
    "person_page",
    "safety_marker_to_decide",
    "safety_markers_awaiting_approval",
    "search_parties",
    "vulnerability_marker_of",
    "vulnerability_reviews_due",
]

PERSON_VIEW = "citizens.person"
MARKERS_VIEW = "citizens.person.markers"
# One marker opened on its own page (reviewing, ending, approving it).
MARKER_VIEW = "citizens.marker"
HEALTH_LABEL = _("Health-related: see guidance")


class ReasonRequired(PermissionDenied):
    """A restricted record opens only with a reason (the viewer may open it, but must say why)."""


class MergedAway(Exception):
    """The reference is of a record merged into another: pages go to `survivor` instead."""

    def __init__(self, survivor: str) -> None:
        super().__init__(survivor)
        self.survivor = survivor


@dataclass(frozen=True)
class TimelineFilters:
    """Which of a person's contacts to list: by service (its id), channel and local dates."""

    service: str | None = None
    channel: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 50


@dataclass(frozen=True)
class TimelineEntry:
    contact_id: int
    offered_at: dt.datetime
    channel: str
    service_id: str
    service_name: str
    outcome: str
    resolution: str
    wrap_code: str
    source: str
    role: str  # subject, requester, representative; "" when linked by the source's citizen_ref
    sensitivity: str

    @property
    def restricted(self) -> bool:
        return self.sensitivity != Sensitivity.NORMAL


@dataclass(frozen=True)
class VulnerabilityView:
    """A vulnerability marker as the viewer may see it (`detail` None without the permission)."""

    id: int
    label: str
    guidance: str
    review_by: dt.date
    overdue: bool
    detail: VulnerabilityMarker | None


@dataclass(frozen=True)
class SafetyWarning:
    """What everyone who may see the person sees of an approved staff-safety marker."""

    id: int
    precaution: str


@dataclass(frozen=True)
class PersonPage:
    party: Party
    needs: AccessibilityNeeds | None
    addresses: list[Address]
    contact_points: list[ContactPoint]
    external_references: list[ExternalReference]
    vulnerabilities: list[VulnerabilityView]
    safety_warnings: list[SafetyWarning]
    # Full markers (pending, active, ended) for those who manage them; empty for everyone else.
    safety_markers: list[SafetyMarker]
    household: list[HouseholdMember]
    representatives: list[Representation]
    timeline: list[TimelineEntry]
    timeline_more: bool
    filters: TimelineFilters = field(default_factory=TimelineFilters)

    @property
    def primary_address(self) -> Address | None:
        return next((a for a in self.addresses if a.is_primary), None)


def parties_visible_to(viewer: Any) -> QuerySet[Party]:
    """Parties of the viewer's councils, at the sensitivities they may open."""
    parties = Party.objects.filter(council_id__in=council_ids_for(viewer))
    if not may(viewer, "open_restricted"):
        parties = parties.filter(sensitivity=Sensitivity.NORMAL)
    return parties


def open_party(
    viewer: Any,
    party_id: int | str,
    *,
    council: Council,
    reason: str = "",
    log: bool = True,
    follow_merges: bool = False,
) -> Party:
    """The party (by id, or by CRM reference when a string) if the viewer may open it; logs
    the opening (`log=False` only for a caller that logs the view itself straight after).

    Restricted parties need open_restricted and a `reason` (ReasonRequired without one); the
    reason is sealed into the access log as a break-glass entry. Anyone else gets a 404, never
    a hint that the record exists.

    With `follow_merges`, a record merged into another is not opened (nor logged): MergedAway
    names the survivor's reference, for the page to go there (as a bookmark or an old link to
    a merged record would).
    """
    require_read_people(viewer, council)
    lookup = Q(pk=party_id) if isinstance(party_id, int) else Q(reference=party_id.strip())
    parties = Party.objects.select_related("needs", "council").filter(lookup, council=council)
    if follow_merges:
        # Read with the record itself: a page of someone never merged pays nothing for it.
        active = PartyMerge.objects.filter(merged=OuterRef("pk"), status=MergeStatus.ACTIVE)
        parties = parties.annotate(merged_away=Exists(active))
    party = parties.first()
    if party is None:
        raise Http404("party")
    if follow_merges and getattr(party, "merged_away", False):
        raise MergedAway(_survivor_reference(party))
    if party.restricted:
        if not may_open_restricted(viewer, party):
            raise Http404("party")
        if not reason.strip():
            raise ReasonRequired("a reason is needed to open a restricted record")
        if log:
            record_access(
                actor=viewer,
                view=PERSON_VIEW,
                instance=party,
                kind=AccessKind.BREAK_GLASS,
                detail=reason.strip(),
            )
    elif log:
        record_access(actor=viewer, view=PERSON_VIEW, instance=party)
    return party


def _survivor_reference(party: Party) -> str:
    """The reference of the record a merged party now lives on: one read.

    A merge gives the survivor the merged reference as an external reference (MERGED_SOURCE),
    and a later merge of the survivor moves its external references on, so whoever holds the
    alias is the end of the chain. Should the alias be missing, the merges are followed.
    """
    holder = (
        ExternalReference.objects.filter(
            council_id=party.council_id, source=MERGED_SOURCE, source_id=party.reference
        )
        .values_list("party__reference", flat=True)
        .first()
    )
    return holder or survivor_of(party).reference


def person_page(
    viewer: Any,
    party_id: int | str,
    *,
    council: Council,
    reason: str = "",
    filters: TimelineFilters | None = None,
    follow_merges: bool = False,
) -> PersonPage:
    """Everything the person page shows, as the viewer may see it, in a fixed number of reads.

    `follow_merges`: see `open_party` (MergedAway for a record merged into another).
    """
    filters = filters or TimelineFilters()
    party = open_party(
        viewer, party_id, council=council, reason=reason, follow_merges=follow_merges
    )
    needs = _needs_of(party)
    addresses = list(party.addresses.all())
    points = list(party.contact_points.all())
    references = list(party.external_references.all())
    today = council.local_date(timezone.now())
    vulnerabilities, safety_warnings, safety_markers, shown = _markers(viewer, party, today)
    household = list(
        HouseholdMember.objects.filter(
            household__members__party=party,
            household__members__left_on__isnull=True,
            left_on__isnull=True,
        )
        .exclude(party=party)
        .select_related("party")
        .order_by("party__given_name", "pk")
    )
    representatives = list(
        Representation.objects.filter(represented=party).select_related("representative")
    )
    timeline, more = _timeline(viewer, party, references, filters)
    if shown:
        record_access(
            actor=viewer,
            view=MARKERS_VIEW,
            object_type="citizens.marker",
            object_id=str(party.pk),
            council_id=party.council_id,
            subject=subject_ref(party),
            result_ids=shown,
        )
    return PersonPage(
        party=party,
        needs=needs,
        addresses=addresses,
        contact_points=points,
        external_references=references,
        vulnerabilities=vulnerabilities,
        safety_warnings=safety_warnings,
        safety_markers=safety_markers,
        household=household,
        representatives=representatives,
        timeline=timeline,
        timeline_more=more,
        filters=filters,
    )


def _needs_of(party: Party) -> AccessibilityNeeds | None:
    try:
        return party.needs
    except AccessibilityNeeds.DoesNotExist:
        return None


def _markers(
    viewer: Any, party: Party, today: dt.date
) -> tuple[list[VulnerabilityView], list[SafetyWarning], list[SafetyMarker], list[str]]:
    """Markers as the viewer may see them, and the ids of those shown (for the access log)."""
    detail = may_see_vulnerability_detail(viewer, party)
    manage = may_manage_safety_markers(viewer, party)
    vulnerabilities = []
    shown: list[str] = []
    for marker in VulnerabilityMarker.objects.filter(party=party).select_related(
        "recorded_by", "last_reviewed_by"
    ):
        if marker.ended_at is not None and not detail:
            continue
        label = (
            str(HEALTH_LABEL)
            if marker.is_health and not detail
            else str(VulnerabilityType(marker.marker_type).label)
        )
        vulnerabilities.append(
            VulnerabilityView(
                id=marker.pk,
                label=label,
                guidance=marker.guidance,
                review_by=marker.review_by,
                overdue=marker.active and marker.review_by < today,
                detail=marker if detail else None,
            )
        )
        shown.append(f"vulnerability:{marker.pk}")
    warnings = []
    full = []
    for safety in SafetyMarker.objects.filter(party=party).select_related(
        "created_by", "approved_by"
    ):
        if safety.status == SafetyStatus.ACTIVE:
            warnings.append(SafetyWarning(id=safety.pk, precaution=safety.precaution))
        if manage:
            full.append(safety)
        if manage or safety.status == SafetyStatus.ACTIVE:
            shown.append(f"safety:{safety.pk}")
    return vulnerabilities, warnings, full, shown


def _timeline(
    viewer: Any, party: Party, references: list[ExternalReference], filters: TimelineFilters
) -> tuple[list[TimelineEntry], bool]:
    """The person's contacts, newest first: those linked to them in a role, and those whose
    source's citizen_ref is one of their external references. One statement.
    """
    linked = Q(pk__in=ContactParty.objects.filter(party=party).values("contact_id"))
    for ref in references:
        linked |= Q(source=ref.source, citizen_ref=ref.source_id)
    contacts = Contact.objects.filter(linked, council_id=party.council_id, retracted=False).filter(
        sensitivity__in=visible_sensitivities(viewer, party)
    )
    if filters.service:
        contacts = contacts.filter(service__service_id=filters.service)
    if filters.channel:
        contacts = contacts.filter(channel=filters.channel)
    zone = party.council.zone
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
        contacts = contacts.filter(offered_at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        contacts = contacts.filter(offered_at__lt=end)
    role = ContactParty.objects.filter(contact=OuterRef("pk"), party=party).order_by("role")
    rows = list(
        contacts.annotate(party_role=Subquery(role.values("role")[:1]))
        .select_related("service")
        .order_by("-offered_at", "-pk")[: filters.limit + 1]
    )
    entries = [
        TimelineEntry(
            contact_id=c.pk,
            offered_at=c.offered_at,
            channel=c.channel,
            service_id=c.service.service_id,
            service_name=c.service.name,
            outcome=c.outcome,
            resolution=c.resolution,
            wrap_code="" if c.sensitivity != Sensitivity.NORMAL else c.wrap_code,
            source=c.source,
            role=c.party_role or "",
            sensitivity=c.sensitivity,
        )
        for c in rows[: filters.limit]
    ]
    return entries, len(rows) > filters.limit


def party_for_citizen_ref(council: Council, source: str, citizen_ref: str) -> Party | None:
    """The party a contact's citizen_ref (from its source) refers to, through external refs."""
    reference = (
        ExternalReference.objects.filter(council=council, source=source, source_id=citizen_ref)
        .select_related("party")
        .first()
    )
    return reference.party if reference else None


def vulnerability_marker_of(
    viewer: Any, party: Party, pk: int, *, active_only: bool = False
) -> VulnerabilityMarker:
    """One of an opened person's vulnerability markers, for a page that works on its detail
    (reviewing or ending it): view_vulnerability_detail, else PermissionDenied; 404 when it is
    not theirs (or, with `active_only`, has ended).
    """
    if not may_see_vulnerability_detail(viewer, party):
        raise PermissionDenied("view_vulnerability_detail")
    _require_visible(viewer, party)
    markers = VulnerabilityMarker.objects.filter(party=party, pk=pk)
    if active_only:
        markers = markers.filter(ended_at__isnull=True)
    marker = markers.first()
    if marker is None:
        raise Http404("marker")
    _log_marker_view(viewer, party, marker)
    return marker


def _require_visible(viewer: Any, party: Party) -> None:
    """The person's markers are read only at a sensitivity the viewer may see (a 404 else).

    The pages open the person first (which asks the same), so this holds for any caller.
    """
    if party.sensitivity not in visible_sensitivities(viewer, party):
        raise Http404("marker")


def active_safety_marker_of(viewer: Any, party: Party, pk: int) -> SafetyMarker:
    """One of an opened person's approved (active) staff-safety markers, for reviewing it:
    manage_safety_markers, else PermissionDenied; 404 when it is not theirs or not active.
    """
    if not may_manage_safety_markers(viewer, party):
        raise PermissionDenied("manage_safety_markers")
    _require_visible(viewer, party)
    marker = SafetyMarker.objects.filter(party=party, pk=pk, status=SafetyStatus.ACTIVE).first()
    if marker is None:
        raise Http404("marker")
    _log_marker_view(viewer, party, marker)
    return marker


def safety_marker_to_decide(viewer: Any, council: Council, pk: int) -> SafetyMarker:
    """A staff-safety marker of the council the viewer may decide on (approve or decline):
    manage_safety_markers, else PermissionDenied; 404 when it is not the council's or its
    person is more sensitive than the viewer may see.
    """
    if not may_manage_safety_markers(viewer, council):
        raise PermissionDenied("manage_safety_markers")
    marker = (
        SafetyMarker.objects.select_related("party", "created_by")
        .filter(
            pk=pk,
            party__council=council,
            party__sensitivity__in=visible_sensitivities(viewer, council),
        )
        .first()
    )
    if marker is None:
        raise Http404("marker")
    _log_marker_view(viewer, marker.party, marker)
    return marker


def _log_marker_view(viewer: Any, party: Party, marker: Any) -> None:
    """Every view of a marker is logged against its person (so erasure covers the entry)."""
    record_access(
        actor=viewer,
        view=MARKER_VIEW,
        instance=marker,
        council_id=party.council_id,
        subject=subject_ref(party),
    )


def vulnerability_reviews_due(
    viewer: Any, council: Council, on: dt.date | None = None
) -> list[VulnerabilityMarker]:
    """Active vulnerability markers whose review date has come: a team leader's worklist."""
    if not may_lead(viewer, council):
        raise PermissionDenied("lead_team")
    on = on or council.local_date(timezone.now())
    markers = list(
        VulnerabilityMarker.objects.filter(
            party__council=council,
            party__sensitivity__in=visible_sensitivities(viewer, council),
            ended_at__isnull=True,
            review_by__lte=on,
        ).select_related("party")
    )
    view = "citizens.worklist.vulnerability_reviews"
    _log_worklist(viewer, council, view, markers, "vulnerability")
    return markers


def safety_markers_awaiting_approval(viewer: Any, council: Council) -> list[SafetyMarker]:
    """Proposed staff-safety markers the viewer may decide (not their own)."""
    require(viewer, "manage_safety_markers", council)
    markers = list(
        SafetyMarker.objects.filter(
            party__council=council,
            party__sensitivity__in=visible_sensitivities(viewer, council),
            status=SafetyStatus.PENDING,
        )
        .exclude(created_by=viewer)
        .select_related("party", "created_by")
    )
    _log_worklist(viewer, council, "citizens.worklist.safety_approvals", markers, "safety")
    return markers


def _log_worklist(viewer: Any, council: Council, view: str, markers: list[Any], kind: str) -> None:
    if markers:
        record_access(
            actor=viewer,
            view=view,
            object_type="citizens.marker",
            council_id=council.pk,
            result_ids=[f"{kind}:{m.pk}" for m in markers],
        )
