"""The right to erasure for residents: a request recorded by one information-governance officer
and decided by another, blocked by open cases, legal holds and staff-safety markers, limited by
retention; carried out in one transaction that redacts the person (and every record merged into
them), crypto-shreds their audit values, keeps the contacts the KPIs rest on, and leaves a
tombstone and a certificate. Running it again does nothing; agents get a 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry, ChangeLogEntry, SubjectKey
from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import ERASED, subject_ref, unseal
from frontdoor.audit.selectors import readable_changes
from frontdoor.cases.actions import NewParty, do_open_case, ensure_case_types
from frontdoor.cases.models import Case, CaseNote, CaseParty, CaseType
from frontdoor.citizens import erasure, merging
from frontdoor.citizens.actions import (
    NewAddress,
    NewContactPoint,
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_create_person,
    do_end_safety_marker,
    do_propose_safety_marker,
    do_record_needs,
)
from frontdoor.citizens.models import (
    AccessibilityNeeds,
    Address,
    ContactParty,
    ContactPoint,
    ErasureRequest,
    ErasureStatus,
    ExternalReference,
    KeyKind,
    Party,
    PartyMerge,
    SearchKey,
    VulnerabilityMarker,
)
from frontdoor.citizens.search import search_parties
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.contacts.models import Contact, ContactNote
from frontdoor.core.models import Queue, Service
from frontdoor.insight.snapshots import fresh_facts
from frontdoor.omnichannel.models import LiveCall

FUTURE = dt.date(2099, 1, 1)
RECEIVED = dt.date(2026, 1, 31)


@pytest.fixture
def officers(make_user):
    """Two information-governance officers: one records, the other decides."""
    return make_user("ig_officer"), make_user("ig_officer")


@pytest.fixture
def resident(catalogued_council, make_user, agent, officers):
    """Sarah Jones, with a record of her merged into her, details of every kind, contacts
    (one imported through her council-tax reference), and an old closed case."""
    council = catalogued_council
    sarah = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        title="Ms",
        date_of_birth=dt.date(1980, 3, 12),
        preferred_language="cy",
        addresses=[NewAddress(text="14 Cathedral Road\nCardiff", postcode="CF10 1EP")],
        contact_points=[
            NewContactPoint("phone", "07700 900123", is_preferred=True),
            NewContactPoint("email", "sarah@example.com"),
        ],
        external_references=[("council-tax", "CT-1001")],
    )
    sara = do_create_person(
        actor=None,
        council=council,
        given_name="Sara",
        family_name="Jones",
        addresses=[NewAddress(text="7 Old Street\nCardiff", postcode="CF24 3AA")],
        contact_points=[NewContactPoint("phone", "029 2087 2087")],
        external_references=[("housing", "H-77")],
    )
    do_record_needs(actor=None, party=sarah, bsl_interpreter=True, notes="Prefers mornings")
    do_add_vulnerability_marker(
        actor=None,
        party=sarah,
        marker_type="mental_health",
        guidance="Allow time",
        health_detail="Anxiety after a bereavement",
        lawful_basis="consent",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    do_log_contact(
        actor=agent,
        party=sarah,
        channel="phone",
        service="council-tax",
        notes="Sarah said she lost her job in March",
    )
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
    Contact.objects.create(
        council=council,
        source="council-tax",
        contact_id="ct-2",
        channel="email",
        service=Service.objects.get(council=council, service_id="council-tax"),
        queue=Queue.objects.filter(council=council).first(),
        offered_at=timezone.now() - dt.timedelta(days=2),
        outcome="answered",
        citizen_ref="CT-1001",
    )
    ensure_case_types(council)
    case = do_open_case(
        actor=make_user("service_officer"),
        council=council,
        case_type=CaseType.objects.get(council=council, type_id="service-request"),
        service=Service.objects.get(council=council, service_id="waste"),
        summary="Sarah Jones wants a replacement bin",
        parties=[NewParty(sara, "subject")],
    )
    CaseNote.objects.create(case=case, text="Called Sarah on 07700 900123")
    close(case, dt.date(2019, 5, 1))
    merging.do_merge_parties(actor=officers[0], survivor=sarah, merged=sara)
    sarah.refresh_from_db()
    return {"sarah": sarah, "sara": sara, "case": case, "council": council}


def close(case: Case, on: dt.date) -> None:
    """Close a case on a day (tests only: the case's own actions would use today)."""
    Case.objects.filter(pk=case.pk).update(
        closed=True,
        closed_on=on,
        closed_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC),
    )


def approved(party: Party, officers) -> ErasureRequest:
    request = erasure.do_record_erasure_request(
        actor=officers[0],
        party=party,
        requested_by="person",
        received_on=RECEIVED,
        ground="consent_withdrawn",
        reason="I no longer want the council to hold my details",
        requester_detail="Sarah Jones by email",
    )
    return erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)


def test_the_deadline_is_one_calendar_month_moved_to_the_next_working_day(council):
    # 31 January 2026 + one month is Saturday 28 February: due Monday 2 March.
    assert erasure.statutory_due(council, RECEIVED) == dt.date(2026, 3, 2)
    # 3 March + one month is Good Friday 3 April; Easter Monday follows: due Tuesday 7 April.
    assert erasure.statutory_due(council, dt.date(2026, 3, 3)) == dt.date(2026, 4, 7)


def test_recording_a_request_sets_its_deadline_and_audits_it(resident, officers):
    request = erasure.do_record_erasure_request(
        actor=officers[0],
        party=resident["sara"],  # the merged record: recorded on the survivor
        requested_by="person",
        received_on=RECEIVED,
        ground="objection",
    )
    assert request.party == resident["sarah"]
    assert request.due_on == dt.date(2026, 3, 2)
    assert request.status == ErasureStatus.PENDING
    assert ChangeLogEntry.objects.filter(action="erasure.record").count() == 1
    with pytest.raises(ValidationError):
        erasure.do_record_erasure_request(
            actor=officers[1],
            party=resident["sarah"],
            requested_by="person",
            received_on=RECEIVED,
            ground="objection",
        )


def test_an_open_case_blocks_approving_and_carrying_out_the_erasure(resident, officers, make_user):
    council = resident["council"]
    case = do_open_case(
        actor=make_user("service_officer"),
        council=council,
        case_type=CaseType.objects.get(council=council, type_id="service-request"),
        service=Service.objects.get(council=council, service_id="waste"),
        summary="Missed collection",
        parties=[NewParty(resident["sarah"], "subject")],
    )
    assessment = erasure.assess_erasure(resident["sarah"])
    assert [f.code for f in assessment.blockers] == ["open_case"]
    assert case.reference in assessment.blockers[0].text
    request = erasure.do_record_erasure_request(
        actor=officers[0],
        party=resident["sarah"],
        requested_by="person",
        received_on=RECEIVED,
        ground="objection",
    )
    with pytest.raises(ValidationError, match=case.reference):
        erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)
    # Approved before the case was opened: carrying it out is still refused.
    close(case, timezone.now().date())
    erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)
    Case.objects.filter(pk=case.pk).update(closed=False)
    with pytest.raises(ValidationError):
        erasure.do_execute_erasure(actor=officers[1], request=request)
    assert Party.objects.get(pk=resident["sarah"].pk).erased_at is None


def test_a_legal_hold_and_a_staff_safety_marker_block_the_erasure(resident, officers, make_user):
    sarah = resident["sarah"]
    hold = erasure.do_place_legal_hold(actor=officers[0], party=sarah, reason="Claim 2026/17")
    marker = do_propose_safety_marker(
        actor=make_user("team_leader"),
        party=sarah,
        category="threats",
        precaution="Two officers for visits",
        detail="Threatened an officer",
        review_by=FUTURE,
    )
    do_approve_safety_marker(actor=make_user("team_leader"), marker=marker)
    codes = {f.code for f in erasure.assess_erasure(sarah).blockers}
    assert codes == {"legal_hold", "safety_marker"}
    erasure.do_lift_legal_hold(actor=officers[0], hold=hold, reason="Claim settled")
    # An information-governance officer (manage_safety_markers) may end it themselves.
    do_end_safety_marker(actor=officers[1], marker=marker, reason="Reviewed: no longer needed")
    assert erasure.assess_erasure(sarah).blockers == []


def test_a_recent_closed_case_is_kept_for_its_retention_period(resident, officers, make_user):
    council = resident["council"]
    complaint_type = CaseType.objects.filter(council=council, kind="complaint").first()
    case = do_open_case(
        actor=make_user("service_officer"),
        council=council,
        case_type=complaint_type,
        service=Service.objects.get(council=council, service_id="waste"),
        summary="Complaint about Sarah's bin",
        parties=[NewParty(resident["sarah"], "subject")],
    )
    close(case, dt.date(2025, 6, 1))
    assessment = erasure.assess_erasure(resident["sarah"])
    retention = [f for f in assessment.limits if f.code == "retention"]
    assert len(retention) == 1 and "01/06/2031" in retention[0].text
    request = approved(resident["sarah"], officers)
    done = erasure.do_execute_erasure(actor=officers[0], request=request)
    assert Case.objects.get(pk=case.pk).summary == "Complaint about Sarah's bin"
    assert Case.objects.get(pk=resident["case"].pk).summary == ERASED
    assert done.certificate["kept"]["cases_in_retention"] == 1


def test_the_officer_who_recorded_a_request_cannot_decide_it(resident, officers, client):
    request = erasure.do_record_erasure_request(
        actor=officers[0],
        party=resident["sarah"],
        requested_by="person",
        received_on=RECEIVED,
        ground="objection",
    )
    with pytest.raises(ValidationError):
        erasure.do_decide_erasure_request(actor=officers[0], request=request, approve=True)
    client.force_login(officers[0])
    response = client.post(
        reverse("citizens:erasure-decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 400
    assert "Another information-governance officer" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ErasureStatus.PENDING
    # The database holds the rule too.
    request.decided_by = officers[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()


def test_refusing_needs_an_exemption_and_a_reason(resident, officers):
    request = erasure.do_record_erasure_request(
        actor=officers[0],
        party=resident["sarah"],
        requested_by="person",
        received_on=RECEIVED,
        ground="objection",
    )
    with pytest.raises(ValidationError) as error:
        erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=False)
    assert set(error.value.message_dict) == {"exemption", "note"}
    refused = erasure.do_decide_erasure_request(
        actor=officers[1],
        request=request,
        approve=False,
        exemption="legal_obligation_or_task",
        note="Council tax records must be kept for six years",
    )
    assert refused.status == ErasureStatus.REFUSED
    with pytest.raises(ValidationError):
        erasure.do_execute_erasure(actor=officers[1], request=refused)


def test_carrying_out_the_erasure_redacts_every_listed_value(resident, officers):
    sarah, sara, council = resident["sarah"], resident["sara"], resident["council"]
    ids = [sarah.pk, sara.pk]
    contact_ids = set(Contact.objects.filter(council=council).values_list("pk", flat=True))
    request = approved(sarah, officers)

    done = erasure.do_execute_erasure(actor=officers[0], request=request)

    for party in Party.objects.filter(pk__in=ids):
        assert party.erased_at is not None
        assert party.display_name == "Erased person"
        for name in erasure.PARTY_FIELDS:
            assert getattr(party, name) in ("", None), name
    assert not Address.objects.filter(party_id__in=ids).exists()
    assert not ContactPoint.objects.filter(party_id__in=ids).exists()
    assert not AccessibilityNeeds.objects.filter(party_id__in=ids).exists()
    assert not VulnerabilityMarker.objects.filter(party_id__in=ids).exists()
    references = list(ExternalReference.objects.filter(party_id__in=ids))
    assert {r.source for r in references} >= {"council-tax", "housing"}
    for reference in references:
        if reference.source != merging.MERGED_SOURCE:
            assert reference.source_id.startswith(erasure.PSEUDONYM_PREFIX)
    assert not Contact.objects.filter(citizen_ref__in=["CT-1001", "H-77"]).exists()
    assert {n.text for n in ContactNote.objects.all()} == {ERASED}
    case = Case.objects.get(pk=resident["case"].pk)
    assert case.summary == ERASED
    assert {n.text for n in CaseNote.objects.filter(case=case)} == {ERASED}
    assert PartyMerge.objects.get().reason == "" and not merging.may_undo(PartyMerge.objects.get())
    # Found by its CRM reference (and the pseudonyms) only: no name, phone or postcode.
    kinds = set(SearchKey.objects.filter(party_id__in=ids).values_list("kind", flat=True))
    assert kinds == {KeyKind.REFERENCE}
    assert search_parties(officers[0], council, "Sarah Jones").results == []
    assert search_parties(officers[0], council, "07700 900123").results == []
    # What stays: contacts and their links, the case and its role, the request's facts.
    assert set(Contact.objects.filter(council=council).values_list("pk", flat=True)) == (
        contact_ids
    )
    assert ContactParty.objects.filter(party=sarah).exists()
    assert CaseParty.objects.filter(case=case, party_id__in=ids).exists()
    assert done.status == ErasureStatus.DONE and done.reason == ""
    assert done.requester_detail == ""
    assert done.certificate["erased"]["identity"] == 2
    assert done.certificate["erased"]["addresses"] == 2
    assert done.certificate["erased"]["contact_notes"] == 1
    assert done.certificate["kept"]["contacts"] == 3
    assert done.certificate["audit_keys_destroyed"] == 2


def test_the_audit_values_sealed_for_the_person_read_erased_afterwards(resident, officers):
    sarah, sara = resident["sarah"], resident["sara"]
    subjects = [subject_ref(sarah), subject_ref(sara)]
    created = ChangeLogEntry.objects.get(action="party.create", object_id=str(sarah.pk))
    assert {c["field"]: c["new"] for c in readable_changes(created)}["given_name"] == "Sarah"
    viewed = record_access(
        actor=officers[0], view="test", instance=sarah, kind="break_glass", detail="Checking"
    )
    assert unseal(viewed.subject, viewed.detail) == "Checking"

    erasure.do_execute_erasure(actor=officers[0], request=approved(sarah, officers))

    sealed = 0
    for entry in ChangeLogEntry.objects.filter(subject__in=subjects):
        for field_name, values in entry.changes.items():
            for side in ("old", "new"):
                if isinstance(values.get(side), dict) and "sealed" in values[side]:
                    sealed += 1
                    assert unseal(entry.subject, values[side]) == ERASED, field_name
    assert sealed > 20  # names, addresses, notes, markers, the request's own text...
    names = {c["field"]: c["new"] for c in readable_changes(created)}
    assert names["given_name"] == ERASED and names["family_name"] == ERASED
    viewed = AccessLogEntry.objects.get(pk=viewed.pk)
    assert unseal(viewed.subject, viewed.detail) == ERASED
    assert not SubjectKey.objects.filter(subject__in=subjects).exists()
    # The certificate entry holds counts only, readable for good.
    certificate = ChangeLogEntry.objects.get(action="erasure.certificate")
    assert "identity" in str(certificate.changes["certificate"]["new"])


def test_contacts_remain_and_the_kpi_facts_still_group_them_by_person(resident, officers):
    council = resident["council"]

    def facts() -> tuple[int, int, list[int]]:
        table = fresh_facts(council, since=None).to_pydict()
        keys = table["person_key"]
        groups: dict[str, list[int]] = {}
        for contact, key in zip(table["contact_key"], keys, strict=True):
            groups.setdefault(key, []).append(contact)
        return len(keys), len(set(keys)), sorted(len(g) for g in groups.values())

    before = facts()
    erasure.do_execute_erasure(actor=officers[0], request=approved(resident["sarah"], officers))
    after = facts()
    assert after == before
    assert after[0] == 3 and None not in fresh_facts(council, since=None)["person_key"].to_pylist()


def test_running_the_erasure_again_changes_nothing(resident, officers):
    request = approved(resident["sarah"], officers)
    first = erasure.do_execute_erasure(actor=officers[0], request=request)
    entries = ChangeLogEntry.objects.count()
    party = Party.objects.get(pk=resident["sarah"].pk)
    again = erasure.do_execute_erasure(actor=officers[1], request=request)
    assert again.certificate == first.certificate
    assert again.executed_by == officers[0]
    assert ChangeLogEntry.objects.count() == entries
    assert Party.objects.get(pk=party.pk).erased_at == party.erased_at
    with pytest.raises(ValidationError):
        erasure.do_record_erasure_request(
            actor=officers[0],
            party=party,
            requested_by="person",
            received_on=RECEIVED,
            ground="objection",
        )


def test_an_agent_may_not_record_decide_or_carry_out_an_erasure(resident, officers, agent, client):
    with pytest.raises(PermissionDenied):
        erasure.do_record_erasure_request(
            actor=agent,
            party=resident["sarah"],
            requested_by="person",
            received_on=RECEIVED,
            ground="objection",
        )
    request = approved(resident["sarah"], officers)
    with pytest.raises(PermissionDenied):
        erasure.do_execute_erasure(actor=agent, request=request)
    client.force_login(agent)
    for url in (
        reverse("citizens:erasure-requests"),
        reverse("citizens:erasure-new", args=[resident["sarah"].reference]),
        reverse("citizens:erasure-request", args=[request.pk]),
        reverse("citizens:erasure-decide", args=[request.pk]),
        reverse("citizens:erasure-execute", args=[request.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("citizens:erasure-execute", args=[request.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert Party.objects.get(pk=resident["sarah"].pk).erased_at is None
    page = client.get(reverse("citizens:person", args=[resident["sarah"].reference]))
    assert "Record an erasure request" not in page.content.decode()


def test_the_pages_take_a_request_from_the_person_to_the_certificate(resident, officers, client):
    sarah = resident["sarah"]
    recorder, approver = officers
    client.force_login(recorder)
    person = client.get(reverse("citizens:person", args=[sarah.reference])).content.decode()
    assert reverse("citizens:erasure-new", args=[sarah.reference]) in person
    response = client.post(
        reverse("citizens:erasure-new", args=[sarah.reference]),
        {
            "requested_by": "person",
            "received_on": "2026-01-31",
            "ground": "consent_withdrawn",
            "reason": "Please delete me",
        },
    )
    request = ErasureRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("citizens:erasure-request", args=[request.pk])
    listing = client.get(reverse("citizens:erasure-requests")).content.decode()
    assert sarah.reference in listing and "2 Mar 2026" in listing

    client.force_login(approver)
    page = client.get(reverse("citizens:erasure-decide", args=[request.pk])).content.decode()
    assert "What will be erased" in page and "Nothing blocks it." in page
    client.post(reverse("citizens:erasure-decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == ErasureStatus.APPROVED

    page = client.get(reverse("citizens:erasure-execute", args=[request.pk]))
    assert "govuk-warning-text" in page.content.decode()
    unconfirmed = client.post(reverse("citizens:erasure-execute", args=[request.pk]), {})
    assert unconfirmed.status_code == 400
    assert Party.objects.get(pk=sarah.pk).erased_at is None
    done = client.post(reverse("citizens:erasure-execute", args=[request.pk]), {"confirm": "on"})
    assert done.status_code == 302
    certificate = client.get(reverse("citizens:erasure-request", args=[request.pk]))
    assert "Erasure certificate" in certificate.content.decode()
    tombstone = client.get(reverse("citizens:person", args=[sarah.reference])).content.decode()
    assert "personal data was erased on" in tombstone
    assert "Sarah" not in tombstone and "Cathedral" not in tombstone


def test_a_call_on_the_live_board_quoting_the_person_gets_the_pseudonym(resident, officers):
    council = resident["council"]
    call = LiveCall.objects.create(
        council=council,
        platform="council-tax",
        call_id="call-1",
        queue=Queue.objects.filter(council=council).first(),
        service=Service.objects.filter(council=council).first(),
        citizen_ref="CT-1001",
        state="waiting",
        queued_at=timezone.now(),
    )
    request = approved(resident["sarah"], officers)
    erasure.do_execute_erasure(actor=officers[0], request=request)
    call.refresh_from_db()
    assert call.citizen_ref.startswith(erasure.PSEUDONYM_PREFIX)
    reference = ExternalReference.objects.get(party=resident["sarah"], source="council-tax")
    assert call.citizen_ref == reference.source_id
    request.refresh_from_db()
    assert request.certificate["erased"]["live_calls"] == 1
