"""Likely duplicates: finding them, reviewing them, and remembering "not a duplicate".

`do_find_duplicates` reads a council's people (those not merged away) into the linkage engine
(`engine/linkage.py`: Splink's Fellegi-Sunter model on DuckDB, trained without labels, with
term-frequency adjustments), and stores every pair at or above the threshold as a
`DuplicateCandidate` with its match probability and the evidence for it: for each field, whether
it agreed, partly agreed, disagreed or was missing, how (the level), and its weight. A pair
someone decided is not a duplicate stays decided: later runs count it as remembered and leave
it alone. Open candidates a run no longer finds are cleared (nothing was decided on them).

It runs from `frontdoor find_duplicates [--council SLUG] [--threshold 0.9]`, from the task
`find_duplicates_task` (queued from the candidates page), never inside a web request.

Who reviews: information-governance officers (govern_information). Deciding that two records
are one person, and merging them, changes whose history every service sees and what a subject
access or erasure request covers: a data-governance decision, made by the people who answer for
the record's accuracy. Team leaders keep their worklists; they do not see two residents' records
side by side. Restricted or safeguarding records also need open_restricted, and opening a pair
with one asks for a reason (break-glass), as the person page does. Every list and every opened
pair is in the read-access log; runs and decisions are in the change log.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access, record_batch, record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import council_ids_for, may, require

from .engine.linkage import (
    AGREE,
    DISAGREE,
    MISSING,
    NICKNAME_LEVEL,
    PARTIAL,
    LinkageResult,
    LinkageSettings,
    LinkRecord,
    find_duplicates,
)
from .models import (
    AccessibilityNeeds,
    Address,
    CandidateStatus,
    ContactParty,
    ContactPoint,
    ContactPointKind,
    DuplicateCandidate,
    DuplicateRun,
    ExternalReference,
    MergeStatus,
    Party,
    PartyKind,
    PartyMerge,
    SafetyMarker,
    VulnerabilityMarker,
)
from .policies import visible_sensitivities
from .selectors import ReasonRequired

DEFAULT_THRESHOLD = 0.9
LIST_VIEW = "citizens.duplicates"
CANDIDATE_VIEW = "citizens.duplicates.candidate"
_CHUNK = 900

FIELD_LABELS = {
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "postcode": gettext_lazy("Postcode"),
    "address": gettext_lazy("Address"),
    "locality": gettext_lazy("Town or district"),
    "phones": gettext_lazy("Phone numbers"),
    "emails": gettext_lazy("Email addresses"),
}
VERDICT_LABELS = {
    AGREE: gettext_lazy("Agrees"),
    PARTIAL: gettext_lazy("Partly agrees"),
    DISAGREE: gettext_lazy("Disagrees"),
    MISSING: gettext_lazy("Missing on one or both"),
}
# The engine's level labels, for translation (the engine itself is plain English, no Django).
LEVEL_LABELS = {
    "Same": gettext_lazy("Same"),
    NICKNAME_LEVEL: gettext_lazy("One a nickname of the other"),
    "Nearly the same": gettext_lazy("Nearly the same"),
    "Sounds alike": gettext_lazy("Sounds alike"),
    "Similar": gettext_lazy("Similar"),
    "Same initial": gettext_lazy("Same initial"),
    "Different": gettext_lazy("Different"),
    "One digit different or two swapped": gettext_lazy("One digit different or two swapped"),
    "Day and month swapped": gettext_lazy("Day and month swapped"),
    "Within a year": gettext_lazy("Within a year"),
    "One character different": gettext_lazy("One character different"),
    "Same sector": gettext_lazy("Same postcode sector"),
    "Same district": gettext_lazy("Same postcode district"),
    "A number in common": gettext_lazy("A number in common"),
    "An address in common": gettext_lazy("An address in common"),
    "None in common": gettext_lazy("None in common"),
}


# --------------------------------------------------------------------------------------------
# Who
# --------------------------------------------------------------------------------------------


def may_review_duplicates(user: Any, target: Any) -> bool:
    """Reviewing candidates, deciding them and merging: information governance."""
    return may(user, "govern_information", target)


def require_review_duplicates(user: Any, target: Any) -> None:
    if not may_review_duplicates(user, target):
        raise PermissionDenied("govern_information")


# --------------------------------------------------------------------------------------------
# Finding
# --------------------------------------------------------------------------------------------


def person_records(council: Council) -> list[LinkRecord]:
    """The council's people as the engine compares them: names, date of birth, the current
    (else the latest) address, phone numbers and emails. People merged away, and erased people
    (tombstones with no personal data left to compare), are left out."""
    merged_away = PartyMerge.objects.filter(council=council, status=MergeStatus.ACTIVE).values(
        "merged_id"
    )
    people = (
        Party.objects.filter(council=council, kind=PartyKind.PERSON, erased_at__isnull=True)
        .exclude(pk__in=merged_away)
        .values_list("pk", "given_name", "family_name", "date_of_birth")
        .order_by("pk")
    )
    addresses: dict[int, tuple[str, str]] = {}
    for party_id, text, postcode in (
        Address.objects.filter(party__council=council, party__kind=PartyKind.PERSON)
        .order_by("party_id", "-is_primary", "-created_at", "-pk")
        .values_list("party_id", "text", "postcode")
    ):
        addresses.setdefault(party_id, (text, postcode))
    phones: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, list[str]] = defaultdict(list)
    for party_id, kind, value in ContactPoint.objects.filter(
        party__council=council, party__kind=PartyKind.PERSON
    ).values_list("party_id", "kind", "normalised"):
        (phones if kind == ContactPointKind.PHONE else emails)[party_id].append(value)
    records = []
    for pk, given, family, born in people:
        text, postcode = addresses.get(pk, ("", ""))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        records.append(
            LinkRecord(
                record_id=str(pk),
                given_name=given,
                family_name=family,
                date_of_birth=born.isoformat() if born else "",
                postcode=postcode,
                address=lines[0] if lines else "",
                locality=lines[-1] if len(lines) > 1 else "",
                phones=tuple(phones.get(pk, ())),
                emails=tuple(emails.get(pk, ())),
            )
        )
    return records


def do_find_duplicates(
    *,
    actor: Any,
    council: Council,
    threshold: float = DEFAULT_THRESHOLD,
    settings: LinkageSettings | None = None,
) -> DuplicateRun:
    """Find a council's likely duplicates and store them for review (see the module's doc).

    The model runs outside any transaction (minutes for a large council); what it found is
    written in one. `actor` None is the system (the command line, a scheduled task).
    """
    if actor is not None:
        require_review_duplicates(actor, council)
    if not 0.0 < threshold < 1.0:
        raise ValidationError({"threshold": _("The threshold is a probability between 0 and 1.")})
    run = DuplicateRun.objects.create(
        council=council,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        threshold=threshold,
    )
    try:
        records = person_records(council)
        result = find_duplicates(
            records, dataclasses.replace(settings or LinkageSettings(), threshold=threshold)
        )
        with transaction.atomic():
            _store(actor, run, result)
    except Exception as error:
        run.status = DuplicateRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


def _store(actor: Any, run: DuplicateRun, result: LinkageResult) -> None:
    council_id = run.council_id
    now = timezone.now()
    found: dict[tuple[int, int], Any] = {}
    for pair in result.pairs:
        a, b = int(pair.left_id), int(pair.right_id)
        found[(min(a, b), max(a, b))] = pair
    existing = {
        (c.first_id, c.second_id): c
        for c in DuplicateCandidate.objects.select_for_update().filter(council_id=council_id)
    }
    new, seen, remembered = [], [], 0
    for key, pair in found.items():
        evidence = [dataclasses.asdict(e) for e in pair.evidence]
        current = existing.get(key)
        if current is None:
            new.append(
                DuplicateCandidate(
                    council_id=council_id,
                    first_id=key[0],
                    second_id=key[1],
                    probability=pair.probability,
                    match_weight=pair.match_weight,
                    evidence=evidence,
                    run=run,
                    last_seen_at=now,
                )
            )
        elif current.status == CandidateStatus.OPEN:
            current.probability = pair.probability
            current.match_weight = pair.match_weight
            current.evidence = evidence
            current.run = run
            current.last_seen_at = now
            seen.append(current)
        elif current.status == CandidateStatus.NOT_DUPLICATE:
            remembered += 1
    DuplicateCandidate.objects.bulk_create(new, batch_size=1000)
    DuplicateCandidate.objects.bulk_update(
        seen, ["probability", "match_weight", "evidence", "run", "last_seen_at"], batch_size=1000
    )
    # Open pairs this run did not find (records corrected since): nothing was decided on them.
    stale = [
        c.pk for key, c in existing.items() if c.status == CandidateStatus.OPEN and key not in found
    ]
    for start in range(0, len(stale), _CHUNK):
        DuplicateCandidate.objects.filter(pk__in=stale[start : start + _CHUNK]).delete()
    run.status = DuplicateRun.Status.COMPLETED
    run.finished_at = timezone.now()
    run.records = result.records
    run.pairs_found = len(found)
    run.new_candidates = len(new)
    run.remembered = remembered
    run.prior = result.prior
    run.fields_used = list(result.fields_used)
    run.model = result.model
    run.seconds = result.seconds
    run.save()
    record_batch(
        actor=actor,
        action="duplicates.find",
        object_type="citizens.duplicaterun",
        council_id=council_id,
        summary={
            "run": run.pk,
            "threshold": run.threshold,
            "records": run.records,
            "pairs_found": run.pairs_found,
            "new": len(new),
            "updated": len(seen),
            "remembered": remembered,
            "cleared": len(stale),
            "seconds": round(result.seconds, 2),
        },
    )


@task()
def find_duplicates_task(
    council_id: int, threshold: float = DEFAULT_THRESHOLD, requested_by: int | None = None
) -> dict[str, object]:
    """Find a council's likely duplicates in the background (queued from the candidates page
    with the id of who asked, who is checked again here)."""
    from django.contrib.auth import get_user_model

    council = Council.objects.get(pk=council_id)
    actor = get_user_model().objects.filter(pk=requested_by).first() if requested_by else None
    if requested_by and actor is None:
        raise PermissionDenied("the user who asked for the run no longer exists")
    run = do_find_duplicates(actor=actor, council=council, threshold=threshold)
    return {"run": run.pk, "pairs": run.pairs_found, "new": run.new_candidates}


def request_run(*, actor: Any, council: Council, threshold: float = DEFAULT_THRESHOLD) -> None:
    """Queue a run for the council (after the current transaction commits)."""
    require_review_duplicates(actor, council)
    transaction.on_commit(
        lambda: find_duplicates_task.enqueue(council.pk, threshold, requested_by=actor.pk)
    )


def last_run(council: Council) -> DuplicateRun | None:
    return DuplicateRun.objects.filter(council=council).order_by("-started_at", "-pk").first()


# --------------------------------------------------------------------------------------------
# Reviewing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    field: str
    label: str
    verdict: str
    verdict_label: str
    level: str
    weight: float


@dataclass(frozen=True)
class CandidateRow:
    candidate: DuplicateCandidate
    first: Party
    second: Party
    agreeing: list[str]  # the fields that agree, for the list's summary

    @property
    def restricted(self) -> bool:
        return self.first.restricted or self.second.restricted

    @property
    def percent(self) -> str:
        # One decimal, never rounded up to a certainty: 0.9996 shows as 99.9.
        return f"{int(self.candidate.probability * 1000) / 10:.1f}"


@dataclass(frozen=True)
class Worklist:
    status: str
    rows: list[CandidateRow]
    counts: dict[str, int]
    more: bool
    last_run: DuplicateRun | None


def evidence_rows(candidate: DuplicateCandidate) -> list[EvidenceRow]:
    rows = []
    for item in candidate.evidence:
        level = str(item.get("level", ""))
        rows.append(
            EvidenceRow(
                field=item["field"],
                label=str(FIELD_LABELS.get(item["field"], item["field"])),
                verdict=item["verdict"],
                verdict_label=str(VERDICT_LABELS.get(item["verdict"], item["verdict"])),
                level=str(LEVEL_LABELS.get(level, level)),
                weight=float(item.get("weight") or 0.0),
            )
        )
    return rows


def _visible_candidates(viewer: Any, council: Council) -> Any:
    require_review_duplicates(viewer, council)
    if council.pk not in council_ids_for(viewer):
        raise PermissionDenied("govern_information")
    visible = visible_sensitivities(viewer, council)
    return DuplicateCandidate.objects.filter(
        council=council, first__sensitivity__in=visible, second__sensitivity__in=visible
    )


def duplicate_worklist(
    viewer: Any, council: Council, *, status: str = CandidateStatus.OPEN, limit: int = 100
) -> Worklist:
    """Candidates of a status, most probable first; logged as one access entry listing the
    people shown."""
    base = _visible_candidates(viewer, council)
    if status not in CandidateStatus.values:
        status = CandidateStatus.OPEN
    counts = dict.fromkeys(CandidateStatus.values, 0)
    for row_status, count in (
        base.values("status").annotate(n=Count("pk")).values_list("status", "n")
    ):
        counts[row_status] = count
    found = list(
        base.filter(status=status)
        .select_related("first", "second", "decided_by")
        .order_by("-probability", "pk")[: limit + 1]
    )
    shown = found[:limit]
    if shown:
        record_access(
            actor=viewer,
            view=LIST_VIEW,
            object_type="citizens.party",
            council_id=council.pk,
            result_ids=sorted({p for c in shown for p in (c.first_id, c.second_id)}),
        )
    rows = [
        CandidateRow(
            candidate=c,
            first=c.first,
            second=c.second,
            agreeing=[
                str(FIELD_LABELS.get(e["field"], e["field"]))
                for e in c.evidence
                if e.get("verdict") == AGREE
            ],
        )
        for c in shown
    ]
    return Worklist(status, rows, counts, len(found) > limit, last_run(council))


@dataclass(frozen=True)
class PartySide:
    """One record of a pair as the reviewer compares it."""

    party: Party
    addresses: list[Address]
    contact_points: list[ContactPoint]
    external_references: list[ExternalReference]
    contacts: int
    cases: int
    vulnerability_markers: int
    safety_markers: int
    needs: list[str]


@dataclass(frozen=True)
class CandidatePage:
    candidate: DuplicateCandidate
    first: PartySide
    second: PartySide
    evidence: list[EvidenceRow]
    # The record suggested to keep: the one with more history (the older one on a tie).
    suggested_survivor: Party


def open_candidate(viewer: Any, council: Council, pk: int, *, reason: str = "") -> CandidatePage:
    """A pair side by side with the evidence; logged as a view of each record (break-glass,
    with the reason, for a restricted one; ReasonRequired without a reason)."""
    candidate = (
        _visible_candidates(viewer, council).filter(pk=pk).select_related("first", "second").first()
    )
    if candidate is None:
        raise Http404("candidate")
    parties = (candidate.first, candidate.second)
    if any(p.restricted for p in parties) and not reason.strip():
        raise ReasonRequired("a reason is needed to open a restricted record")
    for party in parties:
        if party.restricted:
            record_access(
                actor=viewer,
                view=CANDIDATE_VIEW,
                instance=party,
                kind=AccessKind.BREAK_GLASS,
                detail=reason.strip(),
            )
        else:
            record_access(actor=viewer, view=CANDIDATE_VIEW, instance=party)
    first, second = (_side(p) for p in parties)
    history = {
        s.party.pk: (s.contacts + s.cases, -s.party.created_at.timestamp()) for s in (first, second)
    }
    suggested = max(parties, key=lambda p: history[p.pk])
    return CandidatePage(candidate, first, second, evidence_rows(candidate), suggested)


def _side(party: Party) -> PartySide:
    from frontdoor.cases.models import CaseParty

    references = list(ExternalReference.objects.filter(party=party))
    linked = Q(pk__in=ContactParty.objects.filter(party=party).values("contact_id"))
    for ref in references:
        linked |= Q(source=ref.source, citizen_ref=ref.source_id)
    from frontdoor.contacts.models import Contact

    needs = AccessibilityNeeds.objects.filter(party=party).first()
    return PartySide(
        party=party,
        addresses=list(Address.objects.filter(party=party)),
        contact_points=list(ContactPoint.objects.filter(party=party)),
        external_references=references,
        contacts=Contact.objects.filter(linked, council_id=party.council_id).count(),
        cases=CaseParty.objects.filter(party=party).values("case_id").distinct().count(),
        vulnerability_markers=VulnerabilityMarker.objects.filter(
            party=party, ended_at__isnull=True
        ).count(),
        safety_markers=SafetyMarker.objects.filter(party=party, status="active").count(),
        needs=[str(AccessibilityNeeds._meta.get_field(f).verbose_name) for f in needs.flags_set()]
        if needs
        else [],
    )


def candidate_for_decision(viewer: Any, council: Council, pk: int) -> DuplicateCandidate:
    """An open candidate the viewer may decide (404 otherwise)."""
    candidate = (
        _visible_candidates(viewer, council)
        .filter(pk=pk, status=CandidateStatus.OPEN)
        .select_related("first", "second")
        .first()
    )
    if candidate is None:
        raise Http404("candidate")
    return candidate


@transaction.atomic
def do_decide_not_duplicate(
    *, actor: Any, candidate: DuplicateCandidate, note: str = ""
) -> DuplicateCandidate:
    """Record that the pair are two different people: remembered by every later run."""
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("first", "second")
        .get(pk=candidate.pk)
    )
    require_review_duplicates(actor, candidate)
    for party in (candidate.first, candidate.second):
        if party.sensitivity != Sensitivity.NORMAL:
            require(actor, "open_restricted", party)
    if candidate.status != CandidateStatus.OPEN:
        raise ValidationError(_("That pair has already been decided."))
    candidate.status = CandidateStatus.NOT_DUPLICATE
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.decision_note = note.strip()[:500]
    candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    changes: dict[str, tuple[Any, Any]] = {
        "status": (CandidateStatus.OPEN, CandidateStatus.NOT_DUPLICATE),
        "first_id": (None, candidate.first_id),
        "second_id": (None, candidate.second_id),
    }
    if candidate.decision_note:
        changes["decision_note"] = (None, candidate.decision_note)
    record_change(
        actor=actor,
        action="duplicate.not_duplicate",
        instance=candidate,
        changes=changes,
        subject=subject_ref(candidate.first),
        council_id=candidate.council_id,
    )
    return candidate


def recent_merges(viewer: Any, council: Council, *, limit: int = 50) -> list[PartyMerge]:
    """The council's merges, newest first, for those who may undo them."""
    require_review_duplicates(viewer, council)
    visible = visible_sensitivities(viewer, council)
    merges = list(
        PartyMerge.objects.filter(
            council=council,
            survivor__sensitivity__in=visible,
            merged__sensitivity__in=visible,
        )
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .order_by("-merged_at", "-pk")[:limit]
    )
    if merges:
        record_access(
            actor=viewer,
            view="citizens.duplicates.merges",
            object_type="citizens.party",
            council_id=council.pk,
            result_ids=sorted({p for m in merges for p in (m.survivor_id, m.merged_id)}),
        )
    return merges


def merge_of(viewer: Any, council: Council, pk: int) -> PartyMerge:
    """One merge, for its page (404 when not the viewer's to see)."""
    require_review_duplicates(viewer, council)
    visible = visible_sensitivities(viewer, council)
    merge = (
        PartyMerge.objects.filter(
            council=council,
            pk=pk,
            survivor__sensitivity__in=visible,
            merged__sensitivity__in=visible,
        )
        .select_related("survivor", "merged", "merged_by", "undone_by")
        .first()
    )
    if merge is None:
        raise Http404("merge")
    record_access(actor=viewer, view="citizens.duplicates.merge", instance=merge.survivor)
    return merge
