"""Merging two records of one person, and undoing it within the undo window.

`do_merge_parties` keeps the survivor and moves to it everything the other record had: its
contact and case links, vulnerability and staff-safety markers, addresses, phone numbers and
email addresses, external references, household memberships, representations and
early-intervention prompts; accessibility needs are combined (a need either record had, the
survivor has). The merged record's row stays, found by nothing (its search keys go), so that
its audit trail, sealed under its own key, stays readable and an unmerge can give back its rows.
Every value changed is recorded as a `PartyMergeMove`; `do_unmerge_parties` puts exactly those
back, within `UNDO_WINDOW`. Both run in one transaction, are permission-checked and audited.

Merged references resolve to the survivor: the external references move with it, the merged
party's CRM reference becomes one of the survivor's (source `MERGED_SOURCE`, so the search box
finds the survivor by it), `survivor_of` and `resolve_reference` follow merges for any page or
API that is given an old reference, and the KPI snapshots are marked for a full rebuild so that
`frontdoor.insight.merges` maps the merged people's contacts to the survivor's person key.

Who: information-governance officers (govern_information), as for reviewing candidates; a
restricted or safeguarding record also needs open_restricted. Rows a merge left on the merged
record (an identical link the survivor already had) stay there and come back with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.audit.recorder import record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import require

from .indexing import add_vocabulary, reindex_parties
from .models import (
    KEY_KINDS,
    AccessibilityNeeds,
    Address,
    CandidateStatus,
    ContactParty,
    ContactPoint,
    DuplicateCandidate,
    ExternalReference,
    HouseholdMember,
    MergeStatus,
    Party,
    PartyMerge,
    PartyMergeMove,
    Representation,
    SafetyMarker,
    SearchKey,
    VulnerabilityMarker,
)

UNDO_WINDOW = dt.timedelta(days=30)
# The source under which a merged party's CRM reference is kept on the survivor.
MERGED_SOURCE = "frontdoor-merged"
CREATED = "__created__"
_SEVERITY = {Sensitivity.NORMAL: 0, Sensitivity.RESTRICTED: 1, Sensitivity.SAFEGUARDING: 2}
_MAX_CHAIN = 50  # merges of merges: far more than ever happens, and no loop can hang a page


@dataclass(frozen=True)
class UnmergeOutcome:
    merge: PartyMerge
    restored: int  # values put back
    gone: int  # rows deleted since the merge (nothing to put back)


def may_merge(user: Any, target: Any) -> bool:
    """Merging is information governance: who reviews candidates, merges and unmerges."""
    from .duplicates import may_review_duplicates

    return may_review_duplicates(user, target)


def _require_merge(actor: Any, *parties: Party) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("a merge is decided by a member of staff")
    for party in parties:
        require(actor, "govern_information", party)
        if party.sensitivity != Sensitivity.NORMAL:
            require(actor, "open_restricted", party)


# --------------------------------------------------------------------------------------------
# Following merges
# --------------------------------------------------------------------------------------------


def active_merge_of(party: Party) -> PartyMerge | None:
    """The merge that took this party into another, if it is in force."""
    return (
        PartyMerge.objects.filter(merged=party, status=MergeStatus.ACTIVE)
        .select_related("survivor")
        .first()
    )


def survivor_of(party: Party) -> Party:
    """The record that now holds this party: itself unless it was merged (follows chains)."""
    current = party
    for _step in range(_MAX_CHAIN):
        merge = active_merge_of(current)
        if merge is None:
            return current
        current = merge.survivor
    return current


def is_merged_away(party: Party) -> bool:
    return PartyMerge.objects.filter(merged=party, status=MergeStatus.ACTIVE).exists()


def resolve_reference(council: Council, reference: str) -> str | None:
    """The CRM reference that a (possibly merged) reference now stands for; None if unknown.

    Pages and the API call this when a reference opens a merged record, and redirect to the
    survivor's reference.
    """
    party = Party.objects.filter(council=council, reference=reference.strip()).first()
    if party is None:
        return None
    return survivor_of(party).reference


def merged_parties_of(party: Party) -> list[Party]:
    """Every party merged into this one, directly or through earlier merges (in force)."""
    found: list[Party] = []
    frontier = [party.pk]
    seen = {party.pk}
    for _step in range(_MAX_CHAIN):
        if not frontier:
            break
        merges = list(
            PartyMerge.objects.filter(
                survivor_id__in=frontier, status=MergeStatus.ACTIVE
            ).select_related("merged")
        )
        frontier = []
        for merge in merges:
            if merge.merged_id not in seen:
                seen.add(merge.merged_id)
                found.append(merge.merged)
                frontier.append(merge.merged_id)
    return found


def audit_subjects(party: Party) -> list[str]:
    """The data subjects whose audit entries are this person's: their own and those of every
    record merged into them (each sealed under its own key)."""
    return [subject_ref(party), *(subject_ref(p) for p in merged_parties_of(party))]


def audit_trail(viewer: Any, party: Party) -> QuerySet[ChangeLogEntry]:
    """The change log of a person, merged records' entries included, newest first."""
    require(viewer, "view_audit", party)
    return ChangeLogEntry.objects.filter(
        council_id=party.council_id, subject__in=audit_subjects(party)
    ).select_related("actor")


# --------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------


class _Recorder:
    """Collects the values a merge changes, applies them in bulk and keeps them for an undo."""

    def __init__(self, merge: PartyMerge) -> None:
        self.merge = merge
        self.moves: list[PartyMergeMove] = []
        self.counts: dict[str, int] = defaultdict(int)

    def set(
        self, rows: Iterable[models.Model], field: str, value: Any, count_as: str | None = None
    ) -> None:
        """Set `field` (an attname, e.g. "party_id") to `value` on rows; remember the old."""
        by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
        for row in rows:
            old = getattr(row, field)
            if old == value:
                continue
            by_model[type(row)].append(row.pk)
            self.moves.append(
                PartyMergeMove(
                    merge=self.merge,
                    model=row._meta.label_lower,
                    object_id=str(row.pk),
                    field=field,
                    old_value=old,
                    new_value=value,
                )
            )
        for model, ids in by_model.items():
            model._default_manager.filter(pk__in=ids).update(**{field: value})
            if count_as:
                self.counts[count_as] += len(ids)

    def created(self, row: models.Model) -> None:
        self.moves.append(
            PartyMergeMove(
                merge=self.merge,
                model=row._meta.label_lower,
                object_id=str(row.pk),
                field=CREATED,
            )
        )

    def save(self) -> None:
        PartyMergeMove.objects.bulk_create(self.moves, batch_size=1000)


@transaction.atomic
def do_merge_parties(
    *,
    actor: Any,
    survivor: Party,
    merged: Party,
    candidate: DuplicateCandidate | None = None,
    reason: str = "",
) -> PartyMerge:
    """Merge `merged` into `survivor`: one record, every contact, case, marker and detail kept.

    ValidationError when the two cannot be merged (different councils or kinds, the same
    record, one already merged); PermissionDenied without govern_information (and
    open_restricted for a restricted record).
    """
    if survivor.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    locked = {
        p.pk: p
        for p in Party.objects.select_for_update()
        .filter(pk__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(_("One of the records no longer exists."))
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    _require_merge(actor, survivor, merged)
    if survivor.council_id != merged.council_id:
        raise ValidationError(_("Only records of the same council can be merged."))
    if survivor.kind != merged.kind:
        raise ValidationError(_("A person and an organisation cannot be merged."))
    if PartyMerge.objects.filter(
        merged_id__in=[survivor.pk, merged.pk], status=MergeStatus.ACTIVE
    ).exists():
        raise ValidationError(_("One of the records has already been merged into another."))
    now = timezone.now()
    merge = PartyMerge.objects.create(
        council_id=survivor.council_id,
        survivor=survivor,
        merged=merged,
        merged_reference=merged.reference,
        candidate=candidate,
        reason=reason.strip()[:500],
        merged_by=actor,
        merged_at=now,
        undo_until=now + UNDO_WINDOW,
    )
    moves = _Recorder(merge)
    _move_details(moves, survivor, merged)
    _move_links(moves, survivor, merged)
    before: dict[str, Any] = {"sensitivity": survivor.sensitivity}
    before["needs"], before["needs_after"] = _combine_needs(moves, survivor, merged)
    if _SEVERITY[Sensitivity(merged.sensitivity)] > _SEVERITY[Sensitivity(survivor.sensitivity)]:
        # The merged record's protection goes with its history.
        survivor.sensitivity = merged.sensitivity
        survivor.save(update_fields=["sensitivity", "updated_at"])
    before["sensitivity_after"] = survivor.sensitivity
    alias = ExternalReference.objects.create(
        council_id=survivor.council_id,
        party=survivor,
        source=MERGED_SOURCE,
        source_id=merged.reference,
    )
    moves.created(alias)
    _settle_candidates(moves, survivor, merged, candidate, actor, now)
    moves.save()
    merge.survivor_before = before
    merge.moved = dict(sorted(moves.counts.items()))
    merge.save(update_fields=["survivor_before", "moved"])
    _forget_search_keys(merged)
    reindex_parties([survivor])
    _audit_merge(actor, "party.merge", merge, survivor, merged)
    _refresh_kpis(survivor.council_id)
    return merge


def _move_details(moves: _Recorder, survivor: Party, merged: Party) -> None:
    """Addresses, contact points, external references, markers, households, representations."""
    theirs = list(Address.objects.filter(party=merged))
    survivor_has_primary = Address.objects.filter(party=survivor, is_primary=True).exists()
    if survivor_has_primary:
        # The survivor's current address stays current; theirs become other addresses.
        moves.set([a for a in theirs if a.is_primary], "is_primary", False)
    moves.set(theirs, "party_id", survivor.pk, "addresses")

    held = set(ContactPoint.objects.filter(party=survivor).values_list("kind", "normalised"))
    preferred = set(
        ContactPoint.objects.filter(party=survivor, is_preferred=True).values_list(
            "kind", flat=True
        )
    )
    points = [
        p for p in ContactPoint.objects.filter(party=merged) if (p.kind, p.normalised) not in held
    ]
    moves.set([p for p in points if p.is_preferred and p.kind in preferred], "is_preferred", False)
    moves.set(points, "party_id", survivor.pk, "contact_points")

    moves.set(
        ExternalReference.objects.filter(party=merged),
        "party_id",
        survivor.pk,
        "external_references",
    )
    moves.set(
        VulnerabilityMarker.objects.filter(party=merged),
        "party_id",
        survivor.pk,
        "vulnerability_markers",
    )
    moves.set(SafetyMarker.objects.filter(party=merged), "party_id", survivor.pk, "safety_markers")
    households = set(
        HouseholdMember.objects.filter(party=survivor).values_list("household_id", flat=True)
    )
    moves.set(
        HouseholdMember.objects.filter(party=merged).exclude(household_id__in=households),
        "party_id",
        survivor.pk,
        "household_memberships",
    )
    moves.set(
        Representation.objects.filter(represented=merged).exclude(representative=survivor),
        "represented_id",
        survivor.pk,
        "representations",
    )
    moves.set(
        Representation.objects.filter(representative=merged).exclude(represented=survivor),
        "representative_id",
        survivor.pk,
        "representations",
    )


def _move_role_links(
    moves: _Recorder, model: type[models.Model], target: str, survivor: Party, merged: Party
) -> None:
    """Role links (contact or case): each moves unless the survivor holds the same role on the
    same record already."""
    held = set(model._default_manager.filter(party=survivor).values_list(f"{target}_id", "role"))
    rows = [
        row
        for row in model._default_manager.filter(party=merged)
        if (getattr(row, f"{target}_id"), row.role) not in held
    ]
    moves.set(rows, "party_id", survivor.pk, f"{target}_links")


def _move_links(moves: _Recorder, survivor: Party, merged: Party) -> None:
    """Contact and case links, and early-intervention prompts with their triggers."""
    from frontdoor.cases.models import CaseParty
    from frontdoor.contacts.models import EarlyInterventionPrompt, PromptContact, PromptStatus

    _move_role_links(moves, ContactParty, "contact", survivor, merged)
    _move_role_links(moves, CaseParty, "case", survivor, merged)
    open_rules = set(
        EarlyInterventionPrompt.objects.filter(
            party=survivor, status=PromptStatus.OPEN
        ).values_list("rule_id", flat=True)
    )
    # One open prompt of a rule per person: theirs stays behind when the survivor has one.
    prompts = EarlyInterventionPrompt.objects.filter(party=merged).exclude(
        status=PromptStatus.OPEN, rule_id__in=open_rules
    )
    moves.set(prompts, "party_id", survivor.pk, "intervention_prompts")
    counted = set(PromptContact.objects.filter(party=survivor).values_list("rule_id", "contact_id"))
    moves.set(
        [
            t
            for t in PromptContact.objects.filter(party=merged)
            if (t.rule_id, t.contact_id) not in counted
        ],
        "party_id",
        survivor.pk,
    )


def _combine_needs(
    moves: _Recorder, survivor: Party, merged: Party
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Give the survivor every accessibility need either record had. Returns the survivor's
    needs before and after (None before: it had none, and the row was made)."""
    theirs = AccessibilityNeeds.objects.filter(party=merged).first()
    mine = AccessibilityNeeds.objects.filter(party=survivor).first()
    before = _needs_values(mine)
    if theirs is None or not theirs.any:
        return before, before
    if mine is None:
        mine = AccessibilityNeeds.objects.create(party=survivor)
        moves.created(mine)
    for flag in AccessibilityNeeds.FLAGS:
        if getattr(theirs, flag):
            setattr(mine, flag, True)
    if not mine.interpreter_language:
        mine.interpreter_language = theirs.interpreter_language
    notes = [n for n in (mine.notes.strip(), theirs.notes.strip()) if n]
    mine.notes = "\n".join(dict.fromkeys(notes))
    mine.save()
    moves.counts["accessibility_needs"] += 1
    return before, _needs_values(mine)


def _needs_values(needs: AccessibilityNeeds | None) -> dict[str, Any] | None:
    return {f: getattr(needs, f) for f in AccessibilityNeeds.FIELDS} if needs else None


def _settle_candidates(
    moves: _Recorder,
    survivor: Party,
    merged: Party,
    candidate: DuplicateCandidate | None,
    actor: Any,
    now: dt.datetime,
) -> None:
    """The pair is merged; the merged record's other open pairs are replaced by this merge
    (the next run compares the survivor afresh)."""
    pair = DuplicateCandidate.objects.filter(
        first_id=min(survivor.pk, merged.pk), second_id=max(survivor.pk, merged.pk)
    ).first()
    if candidate is not None and (pair is None or pair.pk != candidate.pk):
        raise ValidationError(_("That candidate is not this pair."))
    if pair is not None:
        moves.set([pair], "status", CandidateStatus.MERGED)
        pair.decided_by = actor
        pair.decided_at = now
        pair.save(update_fields=["decided_by", "decided_at"])
    others = DuplicateCandidate.objects.filter(
        Q(first=merged) | Q(second=merged), status=CandidateStatus.OPEN
    )
    if pair is not None:
        others = others.exclude(pk=pair.pk)
    moves.set(others, "status", CandidateStatus.SUPERSEDED)


def _forget_search_keys(party: Party) -> None:
    """The merged record is found by nothing: its keys go, and its names' counts with them."""
    names = list(
        SearchKey.objects.filter(party=party, kind=KEY_KINDS["name"]).values_list("key", flat=True)
    )
    SearchKey.objects.filter(party=party).delete()
    counts: dict[str, int] = defaultdict(int)
    for token in names:
        counts[token] -= 1
    add_vocabulary(party.council_id, counts)


def _audit_merge(
    actor: Any, action: str, merge: PartyMerge, survivor: Party, merged: Party
) -> None:
    """One entry under each person's subject: found from either record's trail."""
    changes = {
        "survivor_id": (None, survivor.pk),
        "merged_id": (None, merged.pk),
        "status": (None, merge.status),
        "moved": (None, dict(merge.moved)),
    }
    for subject_party in (survivor, merged):
        record_change(
            actor=actor,
            action=action,
            instance=merge,
            changes={**changes, "reason": (None, merge.reason)} if merge.reason else changes,
            subject=subject_ref(subject_party),
            council_id=merge.council_id,
        )


def _refresh_kpis(council_id: int) -> None:
    """Person keys change for every contact of the merged person: rebuild the snapshots."""
    from frontdoor.insight.snapshots import mark_for_full_rebuild
    from frontdoor.insight.tasks import refresh_snapshots

    mark_for_full_rebuild(council_id)
    transaction.on_commit(lambda: refresh_snapshots.enqueue(council_id))


# --------------------------------------------------------------------------------------------
# Undoing
# --------------------------------------------------------------------------------------------


def may_undo(merge: PartyMerge, now: dt.datetime | None = None) -> bool:
    """Whether the merge can still be undone (in force, inside its window)."""
    return merge.status == MergeStatus.ACTIVE and (now or timezone.now()) <= merge.undo_until


@transaction.atomic
def do_unmerge_parties(*, actor: Any, merge: PartyMerge, reason: str = "") -> UnmergeOutcome:
    """Undo a merge inside its window: every value it changed is put back, the rows it made are
    deleted, and the two records are found again as before.

    Merges into one survivor are undone newest first (each undo restores the survivor as it
    was just before that merge), and a survivor that was itself merged since is unmerged first.
    Contacts and details recorded on the survivor after the merge stay with the survivor.
    """
    merge = (
        PartyMerge.objects.select_for_update().select_related("survivor", "merged").get(pk=merge.pk)
    )
    survivor, merged = merge.survivor, merge.merged
    _require_merge(actor, survivor, merged)
    if merge.status != MergeStatus.ACTIVE:
        raise ValidationError(_("That merge has already been undone."))
    if timezone.now() > merge.undo_until:
        raise ValidationError(_("The undo window for that merge has closed."))
    later = PartyMerge.objects.filter(
        Q(survivor=survivor, merged_at__gt=merge.merged_at) | Q(merged=survivor),
        status=MergeStatus.ACTIVE,
    ).exclude(pk=merge.pk)
    if later.exists():
        raise ValidationError(_("A later merge involves this record: undo that one first."))
    restored, gone = _put_back(merge)
    _restore_survivor(survivor, merge.survivor_before)
    merge.status = MergeStatus.UNDONE
    merge.undone_by = actor
    merge.undone_at = timezone.now()
    merge.save(update_fields=["status", "undone_by", "undone_at"])
    reindex_parties([survivor, merged])
    changes = {
        "survivor_id": (None, survivor.pk),
        "merged_id": (None, merged.pk),
        "status": (MergeStatus.ACTIVE, MergeStatus.UNDONE),
        "restored": (None, restored),
    }
    if reason.strip():
        changes["reason"] = (None, reason.strip())
    for subject_party in (survivor, merged):
        record_change(
            actor=actor,
            action="party.unmerge",
            instance=merge,
            changes=changes,
            subject=subject_ref(subject_party),
            council_id=merge.council_id,
        )
    _refresh_kpis(merge.council_id)
    return UnmergeOutcome(merge=merge, restored=restored, gone=gone)


def _put_back(merge: PartyMerge) -> tuple[int, int]:
    """Restore every recorded value, newest first; delete the rows the merge made."""
    restored = gone = 0
    moves = list(merge.moves.order_by("-pk"))
    grouped: dict[tuple[str, str, Any], list[str]] = defaultdict(list)
    order: list[tuple[str, str, Any]] = []
    for move in moves:
        model = apps.get_model(move.model)
        if move.field == CREATED:
            deleted, _detail = model._default_manager.filter(pk=move.object_id).delete()
            restored += 1 if deleted else 0
            continue
        key = (move.model, move.field, _hashable(move.old_value))
        if key not in grouped:
            order.append(key)
        grouped[key].append(move.object_id)
    for key in order:
        label, field, old = key
        model = apps.get_model(label)
        ids = grouped[key]
        done = model._default_manager.filter(pk__in=ids).update(**{field: _unhash(old)})
        restored += done
        gone += len(ids) - done
    return restored, gone


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _unhash(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _restore_survivor(survivor: Party, before: dict[str, Any]) -> None:
    """Put back the survivor's own values the merge changed, unless changed again since (an
    agent's later edit to the same value wins)."""
    sensitivity = before.get("sensitivity")
    if sensitivity and survivor.sensitivity == before.get("sensitivity_after") != sensitivity:
        survivor.sensitivity = sensitivity
        survivor.save(update_fields=["sensitivity", "updated_at"])
    needs_before, needs_after = before.get("needs"), before.get("needs_after")
    if needs_before is None or needs_after is None:
        return  # no needs before (the row the merge made is deleted), or none to combine
    needs = AccessibilityNeeds.objects.filter(party=survivor).first()
    if needs is None:
        return
    changed = [
        f
        for f in AccessibilityNeeds.FIELDS
        if needs_before[f] != needs_after[f] and getattr(needs, f) == needs_after[f]
    ]
    for name in changed:
        setattr(needs, name, needs_before[name])
    if changed:
        needs.save(update_fields=[*changed, "updated_at"])
