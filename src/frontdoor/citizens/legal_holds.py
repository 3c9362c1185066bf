"""Reads of legal holds on residents' records, for information-governance officers
(govern_information; a restricted person also needs open_restricted).

A legal hold (litigation, an ICO or ombudsman investigation, a court order) stops a person's
records being erased while it is in force. Placing and lifting a hold are actions of
`erasure.py` (`do_place_legal_hold`, `do_lift_legal_hold`), beside the erasure they block; this
module holds the selectors the pages and the person page's template tag use. Every opening is
logged in the access log with the hold as its purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.http import Http404

from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council

from . import policies
from .erasure import may_handle_erasure, require_handle_erasure
from .merging import merged_parties_of, survivor_of
from .models import ErasureRequest, LegalHold, Party

HOLDS_VIEW = "citizens.legal_holds"
WORKLIST_VIEW = "citizens.worklist.legal_holds"


def _group_ids(party: Party) -> list[int]:
    """The person and every record merged into them: a hold on any of them holds the person."""
    return [party.pk, *(p.pk for p in merged_parties_of(party))]


def person_for_holds(viewer: Any, council: Council, reference: str) -> Party:
    """The person (the record holding them, if merged) whose holds an officer opens; a 404 for
    an unknown reference, an organisation or a restricted person the viewer may not open. The
    opening is logged."""
    require_handle_erasure(viewer, council=council)
    party = (
        Party.objects.select_related("council")
        .filter(council=council, reference=reference.strip())
        .first()
    )
    if party is None or not party.is_person:  # only people are erased, so only people held
        raise Http404("party")
    party = survivor_of(party)
    if party.restricted and not policies.may_open_restricted(viewer, party):
        raise Http404("party")
    record_access(actor=viewer, view=HOLDS_VIEW, instance=party)
    return party


def holds_of(party: Party) -> list[LegalHold]:
    """Every hold on the person and their merged records: those in force first, then the
    lifted ones, the latest placed first."""
    return list(
        LegalHold.objects.filter(party_id__in=_group_ids(party))
        .select_related("party", "placed_by", "lifted_by")
        .order_by(F("lifted_at").desc(nulls_first=True), "-placed_on", "-pk")
    )


def hold_of_person(viewer: Any, party: Party, pk: int) -> LegalHold:
    """One hold on the person (or a record merged into them); a 404 otherwise. Logged."""
    require_handle_erasure(viewer, party)
    hold = (
        LegalHold.objects.select_related("party", "placed_by", "lifted_by")
        .filter(pk=pk, council_id=party.council_id, party_id__in=_group_ids(party))
        .first()
    )
    if hold is None:
        raise Http404("legal hold")
    record_access(actor=viewer, view=HOLDS_VIEW, instance=hold, subject=subject_ref(party))
    return hold


def erasure_request_of(party: Party, pk: Any) -> ErasureRequest | None:
    """The person's erasure request `pk`, when it is one (the page an officer came from)."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    return ErasureRequest.objects.filter(pk=number, party=party).first()


@dataclass(frozen=True)
class HoldCounts:
    """How many holds a person has, for the person page."""

    in_force: int
    total: int


def hold_counts(viewer: Any, party: Party) -> HoldCounts | None:
    """The person's holds in force and in all, or None when the viewer may not handle them."""
    if viewer is None or not may_handle_erasure(viewer, party):
        return None
    counts = LegalHold.objects.filter(party_id__in=_group_ids(party)).aggregate(
        total=Count("pk"), in_force=Count("pk", filter=Q(lifted_at__isnull=True))
    )
    return HoldCounts(in_force=counts["in_force"], total=counts["total"])


@dataclass(frozen=True)
class WorklistRow:
    hold: LegalHold
    review_due: bool


@dataclass(frozen=True)
class HoldWorklist:
    """The council's holds in force, the nearest review first (holds with no review date last)."""

    rows: list[WorklistRow]

    @property
    def due(self) -> int:
        return sum(1 for row in self.rows if row.review_due)


def review_due(hold: LegalHold, today: dt.date) -> bool:
    """A hold in force whose review date has come."""
    return hold.in_force and hold.review_on is not None and hold.review_on <= today


def holds_in_force(viewer: Any, council: Council, *, today: dt.date) -> HoldWorklist:
    """Every hold in force in the viewer's council that they may see (restricted people only
    with open_restricted); the listing is logged."""
    require_handle_erasure(viewer, council=council)
    holds = list(
        LegalHold.objects.filter(
            council=council,
            lifted_at__isnull=True,
            party__sensitivity__in=policies.visible_sensitivities(viewer, council),
        )
        .select_related("party", "placed_by")
        .order_by(F("review_on").asc(nulls_last=True), "placed_on", "pk")
    )
    if holds:
        record_access(
            actor=viewer,
            view=WORKLIST_VIEW,
            object_type="citizens.legalhold",
            council_id=council.pk,
            result_ids=[hold.pk for hold in holds],
        )
    return HoldWorklist(rows=[WorklistRow(hold, review_due(hold, today)) for hold in holds])
