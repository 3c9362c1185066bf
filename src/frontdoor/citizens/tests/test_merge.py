"""Merging two records of one person: everything moves to the survivor, merged references
resolve to it (search, imports' references, the timeline, the KPIs' person keys), the audit
trail stays findable, and an unmerge inside the window puts back exactly what moved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.audit.sealing import subject_ref
from frontdoor.cases.actions import NewParty, do_open_case, ensure_case_types
from frontdoor.cases.models import CaseParty, CaseType
from frontdoor.citizens import merging
from frontdoor.citizens.actions import (
    NewAddress,
    NewContactPoint,
    do_add_representation,
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_create_person,
    do_link_household,
    do_propose_safety_marker,
    do_record_needs,
)
from frontdoor.citizens.models import (
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
    Representation,
    SafetyMarker,
    SearchKey,
    VulnerabilityMarker,
)
from frontdoor.citizens.search import search_parties
from frontdoor.citizens.selectors import party_for_citizen_ref, person_page
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.contacts.models import Contact, EarlyInterventionPrompt, PromptContact
from frontdoor.core.models import Queue, Service
from frontdoor.insight.merges import canonical_ref, person_ref_aliases
from frontdoor.insight.models import SnapshotState
from frontdoor.insight.snapshots import fresh_facts

FUTURE = dt.date(2099, 1, 1)


@pytest.fixture
def records(catalogued_council, make_user, agent):
    """Sarah Jones recorded twice: `survivor` by the desktop, `merged` by a legacy import; each
    with its own details, contacts, a case, markers, needs, a household and a representative."""
    council = catalogued_council
    survivor = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        date_of_birth=dt.date(1980, 3, 12),
        addresses=[NewAddress(text="14 Cathedral Road\nCardiff", postcode="CF10 1EP")],
        contact_points=[
            NewContactPoint("phone", "07700 900123", is_preferred=True),
            NewContactPoint("email", "sarah@example.com"),
        ],
        external_references=[("telephony", "caller-77")],
    )
    merged = do_create_person(
        actor=None,
        council=council,
        given_name="Sara",
        family_name="Jones",
        date_of_birth=dt.date(1980, 3, 12),
        addresses=[NewAddress(text="7 Old Street\nCardiff", postcode="CF24 3AA")],
        contact_points=[
            NewContactPoint("phone", "07700 900123"),  # the same number: stays behind
            NewContactPoint("phone", "029 2087 2087", is_preferred=True),
        ],
        external_references=[("council-tax", "CT-1001")],
    )
    partner = do_create_person(actor=None, council=council, given_name="Dai", family_name="Jones")
    do_link_household(actor=None, party=merged, other=partner)
    advocate = do_create_person(
        actor=None, council=council, given_name="Alex", family_name="Advocate"
    )
    do_add_representation(
        actor=None, represented=merged, representative=advocate, evidence="written_consent"
    )
    do_record_needs(actor=None, party=merged, bsl_interpreter=True, notes="Prefers mornings")
    do_record_needs(actor=None, party=survivor, large_print=True)
    do_add_vulnerability_marker(
        actor=None,
        party=merged,
        marker_type="financial_hardship",
        guidance="Offer the hardship fund",
        lawful_basis="consent",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    marker = do_propose_safety_marker(
        actor=make_user("team_leader"),
        party=merged,
        category="threats",
        precaution="Two officers for visits",
        detail="Threatened an officer",
        review_by=FUTURE,
    )
    do_approve_safety_marker(actor=make_user("team_leader"), marker=marker)
    # Two money worries in different services within a month: a prompt on the merged record.
    do_log_contact(
        actor=agent,
        party=merged,
        channel="phone",
        service="council-tax",
        wrap_code="council-tax-arrears",
        resolution="first_contact",
    )
    do_log_contact(
        actor=agent,
        party=merged,
        channel="phone",
        service="rents",
        wrap_code="rent-arrears",
        resolution="first_contact",
    )
    do_log_contact(actor=agent, party=survivor, channel="phone", service="waste")
    # A contact imported from council tax's system, found through the reference there.
    Contact.objects.create(
        council=council,
        source="council-tax",
        contact_id="ct-1",
        channel="phone",
        service=Service.objects.get(council=council, service_id="council-tax"),
        queue=Queue.objects.filter(council=council).first(),
        offered_at=timezone.now() - dt.timedelta(days=3),
        outcome="answered",
        citizen_ref="CT-1001",
    )
    ensure_case_types(council)
    do_open_case(
        actor=make_user("service_officer"),
        council=council,
        case_type=CaseType.objects.get(council=council, type_id="service-request"),
        service=Service.objects.get(council=council, service_id="waste"),
        summary="Replacement bin",
        parties=[NewParty(merged, "subject")],
    )
    candidate = DuplicateCandidate.objects.create(
        council=council,
        first_id=min(survivor.pk, merged.pk),
        second_id=max(survivor.pk, merged.pk),
        probability=0.99,
        match_weight=12.0,
        evidence=[],
    )
    assert EarlyInterventionPrompt.objects.filter(party=merged).count() == 1
    return {"survivor": survivor, "merged": merged, "candidate": candidate, "council": council}


def state(*parties: Party) -> dict[str, object]:
    """Everything a merge touches, as comparable values."""
    ids = [p.pk for p in parties]

    def rows(model, *fields, key="party_id"):
        return sorted(model.objects.filter(**{f"{key}__in": ids}).values_list("pk", *fields))

    return {
        "addresses": rows(Address, "party_id", "is_primary", "kind"),
        "points": rows(ContactPoint, "party_id", "is_preferred", "normalised"),
        "references": rows(ExternalReference, "party_id", "source", "source_id"),
        "vulnerability": rows(VulnerabilityMarker, "party_id"),
        "safety": rows(SafetyMarker, "party_id", "status"),
        "households": rows(HouseholdMember, "party_id", "household_id"),
        "represented": rows(
            Representation, "represented_id", "representative_id", key="represented_id"
        ),
        "contacts": rows(ContactParty, "party_id", "contact_id", "role"),
        "cases": rows(CaseParty, "party_id", "case_id", "role"),
        "prompts": rows(EarlyInterventionPrompt, "party_id", "status"),
        "triggers": rows(PromptContact, "party_id", "contact_id"),
        "needs": sorted(
            AccessibilityNeeds.objects.filter(party_id__in=ids).values_list(
                "party_id", *AccessibilityNeeds.FIELDS
            )
        ),
        "sensitivity": sorted(Party.objects.filter(pk__in=ids).values_list("pk", "sensitivity")),
        "keys": sorted(
            SearchKey.objects.filter(party_id__in=ids).values_list("party_id", "kind", "key")
        ),
        "candidates": sorted(DuplicateCandidate.objects.values_list("pk", "status")),
    }


def test_a_merge_moves_everything_to_the_survivor(records, ig_officer):
    survivor, merged = records["survivor"], records["merged"]
    moved_contacts = set(
        ContactParty.objects.filter(party=merged).values_list("contact_id", flat=True)
    )

    merge = merging.do_merge_parties(
        actor=ig_officer, survivor=survivor, merged=merged, candidate=records["candidate"]
    )

    assert merge.status == MergeStatus.ACTIVE and merge.merged_reference == merged.reference
    assert merge.undo_until - merge.merged_at == merging.UNDO_WINDOW
    for model in (VulnerabilityMarker, SafetyMarker, Address, EarlyInterventionPrompt, CaseParty):
        assert not model.objects.filter(party=merged).exists(), model.__name__
        assert model.objects.filter(party=survivor).exists(), model.__name__
    assert (
        set(ContactParty.objects.filter(party=survivor).values_list("contact_id", flat=True))
        >= moved_contacts
    )
    assert PromptContact.objects.filter(party=survivor).count() == 2
    assert HouseholdMember.objects.filter(party=survivor).count() == 1
    assert Representation.objects.get().represented == survivor
    # Addresses: the survivor's current one stays current, the other is kept beside it.
    assert Address.objects.filter(party=survivor).count() == 2
    assert Address.objects.get(party=survivor, is_primary=True).postcode == "CF10 1EP"
    # Contact points: the number both had stays behind once; the other moves, not preferred.
    landline = ContactPoint.objects.get(normalised="442920872087")
    assert landline.party == survivor and not landline.is_preferred
    assert ContactPoint.objects.filter(party=merged).count() == 1
    # Needs combined: a need either record had, the survivor has.
    needs = AccessibilityNeeds.objects.get(party=survivor)
    assert needs.bsl_interpreter and needs.large_print and needs.notes == "Prefers mornings"
    assert merge.moved["contact_links"] == 2 and merge.moved["case_links"] == 1
    records["candidate"].refresh_from_db()
    assert records["candidate"].status == CandidateStatus.MERGED


def test_merged_references_resolve_to_the_survivor(records, ig_officer, agent):
    survivor, merged, council = records["survivor"], records["merged"], records["council"]
    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)

    # The other system's reference (and so its imported contacts) now finds the survivor.
    assert party_for_citizen_ref(council, "council-tax", "CT-1001") == survivor
    # The merged record's own reference finds the survivor in the search box and in code.
    found = search_parties(agent, council, merged.reference)
    assert [r.reference for r in found.results] == [survivor.reference]
    assert merging.resolve_reference(council, merged.reference) == survivor.reference
    assert merging.survivor_of(merged) == survivor
    # The merged record is found by nothing else.
    assert not SearchKey.objects.filter(party=merged).exists()
    assert [r.reference for r in search_parties(agent, council, "sara jones").results] == [
        survivor.reference
    ]
    # One history: the merged record's desktop contacts, its imported one and the survivor's.
    page = person_page(agent, survivor.reference, council=council)
    services = sorted(e.service_id for e in page.timeline)
    assert services == ["council-tax", "council-tax", "rents", "waste"]


def test_the_kpis_person_key_of_the_merged_person_becomes_the_survivors(records, ig_officer):
    survivor, merged, council = records["survivor"], records["merged"], records["council"]
    SnapshotState.objects.update_or_create(council=council, defaults={"needs_full_rebuild": False})
    assert person_ref_aliases(council.pk) == {}

    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)

    assert SnapshotState.objects.get(council=council).needs_full_rebuild
    aliases = person_ref_aliases(council.pk)
    refs = set(Contact.objects.filter(council=council).values_list("source", "citizen_ref"))
    assert {canonical_ref(aliases, source, ref) for source, ref in refs} == {survivor.reference}
    assert canonical_ref(aliases, "desktop", "SOMEONE-ELSE") == "SOMEONE-ELSE"
    # The facts the KPIs are computed from now carry one person key for both records.
    facts = fresh_facts(council, since=None)
    keys = {key for key in facts.column("person_key").to_pylist() if key is not None}
    assert len(keys) == 1


def test_the_merged_records_audit_trail_is_found_from_the_survivor(records, ig_officer, make_user):
    survivor, merged = records["survivor"], records["merged"]
    merge = merging.do_merge_parties(
        actor=ig_officer, survivor=survivor, merged=merged, reason="Same person: checked by phone"
    )
    auditor = make_user("ig_officer", "administrator")

    trail = merging.audit_trail(auditor, survivor)

    subjects = set(trail.values_list("subject", flat=True))
    assert subjects == {subject_ref(survivor), subject_ref(merged)}
    actions = set(trail.values_list("action", flat=True))
    assert {"party.create", "vulnerability.create", "contact.log", "party.merge"} <= actions
    logged = ChangeLogEntry.objects.filter(action="party.merge", object_id=str(merge.pk))
    assert set(logged.values_list("subject", flat=True)) == {
        subject_ref(survivor),
        subject_ref(merged),
    }
    with pytest.raises(PermissionDenied):
        merging.audit_trail(make_user("agent"), survivor)


def test_unmerge_puts_back_exactly_what_moved(records, ig_officer):
    survivor, merged = records["survivor"], records["merged"]
    before = state(survivor, merged)
    merge = merging.do_merge_parties(
        actor=ig_officer, survivor=survivor, merged=merged, candidate=records["candidate"]
    )
    assert state(survivor, merged) != before

    outcome = merging.do_unmerge_parties(actor=ig_officer, merge=merge, reason="Two people")

    assert state(survivor, merged) == before
    assert outcome.gone == 0 and outcome.restored > 10
    merge.refresh_from_db()
    assert merge.status == MergeStatus.UNDONE and merge.undone_by == ig_officer
    assert merging.survivor_of(merged) == merged
    assert not ExternalReference.objects.filter(source=merging.MERGED_SOURCE).exists()
    assert ChangeLogEntry.objects.filter(action="party.unmerge").count() == 2
    with pytest.raises(ValidationError):
        merging.do_unmerge_parties(actor=ig_officer, merge=merge)


def test_unmerge_keeps_what_was_recorded_on_the_survivor_since(records, ig_officer, agent):
    survivor, merged = records["survivor"], records["merged"]
    merge = merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    later = do_log_contact(actor=agent, party=survivor, channel="email", service="libraries")
    do_record_needs(actor=None, party=survivor, needs_more_time=True)

    merging.do_unmerge_parties(actor=ig_officer, merge=merge)

    assert ContactParty.objects.filter(party=survivor, contact=later.contact).exists()
    needs = AccessibilityNeeds.objects.get(party=survivor)
    assert needs.needs_more_time and needs.large_print and not needs.bsl_interpreter


def test_the_undo_window_closes(records, ig_officer):
    merge = merging.do_merge_parties(
        actor=ig_officer, survivor=records["survivor"], merged=records["merged"]
    )
    PartyMerge.objects.filter(pk=merge.pk).update(undo_until=timezone.now() - dt.timedelta(1))
    merge.refresh_from_db()
    assert not merging.may_undo(merge)
    with pytest.raises(ValidationError):
        merging.do_unmerge_parties(actor=ig_officer, merge=merge)


def test_merges_into_one_survivor_are_undone_newest_first(records, ig_officer, make_person):
    survivor, merged = records["survivor"], records["merged"]
    third = make_person("Sarah", "Jones", born=dt.date(1980, 3, 12), phone="07700 900999")
    first = merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    second = merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=third)
    with pytest.raises(ValidationError):
        merging.do_unmerge_parties(actor=ig_officer, merge=first)
    merging.do_unmerge_parties(actor=ig_officer, merge=second)
    merging.do_unmerge_parties(actor=ig_officer, merge=first)
    assert not PartyMerge.objects.filter(status=MergeStatus.ACTIVE).exists()


def test_a_chain_of_merges_resolves_to_the_last_survivor(records, ig_officer, make_person):
    survivor, merged, council = records["survivor"], records["merged"], records["council"]
    last = make_person("Sarah", "Jones", born=dt.date(1980, 3, 12))
    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    merging.do_merge_parties(actor=ig_officer, survivor=last, merged=survivor)
    assert merging.resolve_reference(council, merged.reference) == last.reference
    aliases = person_ref_aliases(council.pk)
    assert canonical_ref(aliases, "desktop", merged.reference) == last.reference
    assert canonical_ref(aliases, "council-tax", "CT-1001") == last.reference
    assert party_for_citizen_ref(council, "council-tax", "CT-1001") == last


def test_a_restricted_record_passes_its_protection_to_the_survivor(records, ig_officer):
    survivor, merged = records["survivor"], records["merged"]
    Party.objects.filter(pk=merged.pk).update(sensitivity="safeguarding")
    merged.refresh_from_db()
    merge = merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert survivor.sensitivity == "safeguarding"
    merging.do_unmerge_parties(actor=ig_officer, merge=merge)
    survivor.refresh_from_db()
    assert survivor.sensitivity == "normal"


def test_who_may_merge(records, agent, team_leader, make_user, other_council):
    survivor, merged = records["survivor"], records["merged"]
    elsewhere = make_user("ig_officer", council=other_council)
    for user in (agent, team_leader, elsewhere, None):
        with pytest.raises(PermissionDenied):
            merging.do_merge_parties(actor=user, survivor=survivor, merged=merged)
    assert not PartyMerge.objects.exists()


def test_what_cannot_be_merged(records, ig_officer, make_person):
    survivor, merged = records["survivor"], records["merged"]
    with pytest.raises(ValidationError):
        merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=survivor)
    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    with pytest.raises(ValidationError):  # already merged away
        merging.do_merge_parties(
            actor=ig_officer, survivor=make_person("Sarah", "Jones"), merged=merged
        )


def test_a_merge_is_all_or_nothing(records, ig_officer, monkeypatch):
    survivor, merged = records["survivor"], records["merged"]
    before = state(survivor, merged)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merging, "reindex_parties", fail)
    with pytest.raises(RuntimeError):
        merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    assert state(survivor, merged) == before
    assert not PartyMerge.objects.exists()


def test_merging_and_undoing_through_the_pages(client, records, ig_officer):
    survivor, merged, candidate = records["survivor"], records["merged"], records["candidate"]
    client.force_login(ig_officer)
    page = client.get(reverse("citizens:duplicate", args=[candidate.pk])).content.decode()
    assert "7 Old Street" in page and "14 Cathedral Road" in page
    assert "3 contacts, 1 case" in page or "2 contacts, 1 case" in page

    response = client.post(
        reverse("citizens:duplicate-decide", args=[candidate.pk]),
        {"decision": "merge", "merge-survivor": str(survivor.pk), "merge-reason": "Same DOB"},
    )
    merge = PartyMerge.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "citizens:merge", args=[merge.pk]
    )
    shown = client.get(response["Location"]).content.decode()
    assert "Undo the merge" in shown and "Contacts: 2" in shown
    listing = client.get(reverse("citizens:merges")).content.decode()
    assert merged.reference in listing

    undone = client.post(reverse("citizens:merge", args=[merge.pk]), {"reason": "Mistake"})
    assert undone.status_code == 302
    merge.refresh_from_db()
    assert merge.status == MergeStatus.UNDONE


def test_a_merge_without_choosing_the_survivor_shows_an_error(client, records, ig_officer):
    client.force_login(ig_officer)
    response = client.post(
        reverse("citizens:duplicate-decide", args=[records["candidate"].pk]),
        {"decision": "merge", "merge-survivor": ""},
    )
    assert response.status_code == 400
    assert "Choose the record that should stay" in response.content.decode()
    assert not PartyMerge.objects.exists()


def test_a_merged_records_page_sends_you_to_the_survivor(client, records, ig_officer, agent):
    survivor, merged = records["survivor"], records["merged"]
    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    client.force_login(agent)

    response = client.get(reverse("citizens:person", args=[merged.reference]))

    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:person", args=[survivor.reference])
