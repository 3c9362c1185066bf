"""Legal holds on residents' records: information-governance officers place them (who asked, the
matter, why, from when, when to review) and lift them with a reason, from the person's page or an
erasure request; every change is audited with the free text sealed under the person's key. A hold
in force blocks approving and carrying out an erasure; the erasure redacts the holds' free text.
The worklist lists the council's holds in force, those due for review marked. Agents get a 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from frontdoor.audit.models import AccessLogEntry, ChangeLogEntry
from frontdoor.audit.sealing import ERASED, subject_ref
from frontdoor.audit.selectors import readable_changes
from frontdoor.citizens import erasure, legal_holds
from frontdoor.citizens.models import ErasureStatus, LegalHold, LegalHoldRequester, Party

RECEIVED = dt.date(2026, 1, 31)


@pytest.fixture
def officers(make_user):
    """Two information-governance officers: one records an erasure request, the other decides."""
    return make_user("ig_officer"), make_user("ig_officer")


@pytest.fixture
def today(council) -> dt.date:
    return council.local_date(timezone.now())


@pytest.fixture
def sarah(make_person):
    return make_person("Sarah", "Jones", postcode="CF10 1EP", phone="07700 900123")


def place(officer, party, **values) -> LegalHold:
    values.setdefault("reason", "Personal injury claim about a fall on council land")
    values.setdefault("requested_by", LegalHoldRequester.LITIGATION)
    values.setdefault("matter_reference", "LIT/2026/017")
    return erasure.do_place_legal_hold(actor=officer, party=party, **values)


def request_erasure(party, officer):
    return erasure.do_record_erasure_request(
        actor=officer,
        party=party,
        requested_by="person",
        received_on=RECEIVED,
        ground="consent_withdrawn",
    )


def test_placing_a_hold_records_it_and_seals_its_free_text_in_the_audit(sarah, ig_officer, today):
    hold = place(ig_officer, sarah, review_on=today + dt.timedelta(days=90))

    assert hold.in_force and hold.placed_by == ig_officer and hold.placed_on == today
    entry = ChangeLogEntry.objects.get(action="legal_hold.place")
    assert entry.subject == subject_ref(sarah)
    # The reason and the matter are sealed, never stored in the clear.
    for name in ("reason", "matter_reference"):
        assert set(entry.changes[name]["new"]) == {"sealed"}
    assert entry.changes["requested_by"]["new"] == "litigation"
    readable = {row["field"]: row["new"] for row in readable_changes(entry)}
    assert readable["reason"] == "Personal injury claim about a fall on council land"
    assert readable["matter_reference"] == "LIT/2026/017"
    assert readable["review_on"] == (today + dt.timedelta(days=90)).isoformat()


def test_placing_a_hold_refuses_bad_values_and_creates_nothing(sarah, ig_officer, today):
    with pytest.raises(ValidationError) as refused:
        place(
            ig_officer,
            sarah,
            reason="   ",
            requested_by="a friend",
            matter_reference="M" * 101,
            placed_on=today + dt.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {
        "reason",
        "requested_by",
        "matter_reference",
        "placed_on",
    }
    with pytest.raises(ValidationError) as refused:
        place(ig_officer, sarah, placed_on=today, review_on=today)
    assert set(refused.value.message_dict) == {"review_on"}
    with pytest.raises(ValidationError):
        place(ig_officer, sarah, reason="x" * 301)
    assert not LegalHold.objects.exists()
    assert not ChangeLogEntry.objects.filter(action="legal_hold.place").exists()


def test_lifting_a_hold_needs_a_reason_is_audited_and_happens_once(sarah, officers):
    hold = place(officers[0], sarah)
    with pytest.raises(ValidationError) as refused:
        erasure.do_lift_legal_hold(actor=officers[1], hold=hold, reason="  ")
    assert set(refused.value.message_dict) == {"reason"}
    assert LegalHold.objects.get(pk=hold.pk).in_force

    lifted = erasure.do_lift_legal_hold(actor=officers[1], hold=hold, reason="Claim settled")
    assert not lifted.in_force and lifted.lifted_by == officers[1]
    assert lifted.lift_reason == "Claim settled"
    entry = ChangeLogEntry.objects.get(action="legal_hold.lift")
    assert set(entry.changes["lift_reason"]["new"]) == {"sealed"}
    assert {r["field"]: r["new"] for r in readable_changes(entry)}["lift_reason"] == (
        "Claim settled"
    )
    # Lifting again changes nothing, not even the reason.
    erasure.do_lift_legal_hold(actor=officers[0], hold=hold, reason="Another reason")
    assert LegalHold.objects.get(pk=hold.pk).lift_reason == "Claim settled"
    assert ChangeLogEntry.objects.filter(action="legal_hold.lift").count() == 1


def test_a_hold_blocks_approving_the_erasure_and_lifting_it_unblocks(sarah, officers):
    request = request_erasure(sarah, officers[0])
    hold = place(officers[0], sarah)
    blockers = erasure.assess_erasure(sarah).blockers
    assert [finding.code for finding in blockers] == ["legal_hold"]
    assert blockers[0].href == reverse("citizens:legal-hold-lift", args=[sarah.reference, hold.pk])
    with pytest.raises(ValidationError, match="legal hold"):
        erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)

    erasure.do_lift_legal_hold(actor=officers[0], hold=hold, reason="Claim settled")
    decided = erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)
    assert decided.status == ErasureStatus.APPROVED

    # A hold placed after the approval still stops the erasure being carried out.
    place(officers[0], sarah, reason="ICO investigation of a complaint")
    with pytest.raises(ValidationError, match="legal hold"):
        erasure.do_execute_erasure(actor=officers[1], request=decided)
    assert Party.objects.get(pk=sarah.pk).erased_at is None


def test_the_erasure_redacts_the_holds_and_their_sealed_audit_values(sarah, officers):
    hold = place(officers[0], sarah)
    erasure.do_lift_legal_hold(actor=officers[0], hold=hold, reason="Claim settled with Sarah")
    request = request_erasure(sarah, officers[0])
    erasure.do_decide_erasure_request(actor=officers[1], request=request, approve=True)
    erasure.do_execute_erasure(actor=officers[1], request=request)

    hold.refresh_from_db()
    assert (hold.reason, hold.matter_reference, hold.lift_reason) == (ERASED, "", ERASED)
    # Dates and who placed and lifted it stay, for the record.
    assert hold.placed_by == officers[0] and hold.lifted_at is not None
    for action in ("legal_hold.place", "legal_hold.lift"):
        for row in readable_changes(ChangeLogEntry.objects.get(action=action)):
            if row["field"] in LegalHold.audit_personal_fields:
                assert row["new"] == ERASED, (action, row)


def test_a_hold_placed_on_a_merged_record_is_placed_on_the_record_that_holds_them(
    make_person, ig_officer
):
    from frontdoor.citizens import merging

    sarah = make_person("Sarah", "Jones")
    sara = make_person("Sara", "Jones")
    merging.do_merge_parties(actor=ig_officer, survivor=sarah, merged=sara)
    hold = place(ig_officer, sara)
    assert hold.party == sarah


def test_an_agent_gets_a_403_on_every_hold_page_and_cannot_place_or_lift(
    sarah, ig_officer, agent, client
):
    hold = place(ig_officer, sarah)
    with pytest.raises(PermissionDenied):
        place(agent, sarah)
    with pytest.raises(PermissionDenied):
        erasure.do_lift_legal_hold(actor=agent, hold=hold, reason="Not needed")
    client.force_login(agent)
    pages = (
        reverse("citizens:legal-holds"),
        reverse("citizens:legal-holds-person", args=[sarah.reference]),
        reverse("citizens:legal-hold-new", args=[sarah.reference]),
        reverse("citizens:legal-hold-lift", args=[sarah.reference, hold.pk]),
    )
    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(pages[2], {"reason": "x", "requested_by": "ico"}).status_code == 403
    assert client.post(pages[3], {"reason": "Not needed"}).status_code == 403
    assert LegalHold.objects.get(pk=hold.pk).in_force
    assert LegalHold.objects.count() == 1
    person = client.get(reverse("citizens:person", args=[sarah.reference])).content.decode()
    assert "legal hold" not in person.lower()


def test_the_worklist_lists_only_this_councils_holds_in_force_the_due_reviews_first(
    make_person, ig_officer, other_council, make_user, client, today
):
    due = make_person("Dewi", "Evans")
    later = make_person("Ffion", "Hughes")
    undated = make_person("Gareth", "Lloyd")
    lifted = make_person("Megan", "Price")
    elsewhere = make_person("Owen", "Rees", on=other_council)
    place(
        ig_officer,
        due,
        placed_on=today - dt.timedelta(days=100),
        review_on=today - dt.timedelta(days=1),
    )
    place(ig_officer, later, review_on=today + dt.timedelta(days=30))
    place(ig_officer, undated, requested_by=LegalHoldRequester.ICO, matter_reference="")
    erasure.do_lift_legal_hold(actor=ig_officer, hold=place(ig_officer, lifted), reason="Done")
    place(make_user("ig_officer", council=other_council), elsewhere)

    found = legal_holds.holds_in_force(ig_officer, ig_officer.council, today=today)
    assert [row.hold.party for row in found.rows] == [due, later, undated]
    assert [row.review_due for row in found.rows] == [True, False, False]
    assert found.due == 1

    client.force_login(ig_officer)
    page = client.get(reverse("citizens:legal-holds")).content.decode()
    for person in (due, later, undated):
        assert person.reference in page
    assert lifted.reference not in page and elsewhere.reference not in page
    assert page.count(">Review due<") == 1 and "1 hold is due for review" in page
    # Reachable from the erasure requests' sub-navigation.
    requests_page = client.get(reverse("citizens:erasure-requests")).content.decode()
    assert reverse("citizens:legal-holds") in requests_page
    # Each listing is logged with what it showed.
    listed = AccessLogEntry.objects.filter(view=legal_holds.WORKLIST_VIEW)
    assert listed.count() == 2 and all(len(entry.result_ids) == 3 for entry in listed)


def test_placing_from_the_person_page_keeps_what_was_typed_when_something_is_wrong(
    sarah, ig_officer, client, today
):
    client.force_login(ig_officer)
    person = client.get(reverse("citizens:person", args=[sarah.reference])).content.decode()
    new = reverse("citizens:legal-hold-new", args=[sarah.reference])
    assert new in person

    typed = {
        "matter_reference": "ICO/RFA0123456",
        "reason": "The ICO is investigating Sarah's complaint about her records",
        "placed_on": today.isoformat(),
        "review_on": "2026-02-30",
    }
    response = client.post(new, typed)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select who asked for the hold" in body and "Enter a real date" in body
    assert "ICO/RFA0123456" in body and "investigating Sarah&#x27;s complaint" in body
    assert not LegalHold.objects.exists()

    # An error from the action (a review date before the hold) shows against its field too.
    response = client.post(new, {**typed, "requested_by": "ico", "review_on": today.isoformat()})
    assert response.status_code == 400
    assert "The review date must be after" in response.content.decode()

    response = client.post(new, {**typed, "requested_by": "ico", "review_on": ""})
    holds = reverse("citizens:legal-holds-person", args=[sarah.reference])
    assert response.status_code == 302 and response.url == holds
    hold = LegalHold.objects.get()
    assert hold.requested_by == "ico" and hold.review_on is None
    page = client.get(holds).content.decode()
    assert "investigating Sarah&#x27;s complaint" in page and "Lift the hold" in page
    person = client.get(reverse("citizens:person", args=[sarah.reference])).content.decode()
    assert "1 legal hold is in force" in person


def test_lifting_from_the_pages_needs_a_reason_and_keeps_the_hold_for_the_record(
    sarah, ig_officer, client
):
    hold = place(ig_officer, sarah)
    client.force_login(ig_officer)
    lift = reverse("citizens:legal-hold-lift", args=[sarah.reference, hold.pk])
    assert "Personal injury claim" in client.get(lift).content.decode()
    response = client.post(lift, {"reason": ""})
    assert response.status_code == 400
    assert "Say why the hold is lifted" in response.content.decode()
    assert LegalHold.objects.get(pk=hold.pk).in_force
    too_long = "Settled " * 40
    response = client.post(lift, {"reason": too_long})
    assert response.status_code == 400 and too_long.strip() in response.content.decode()

    response = client.post(lift, {"reason": "The claim was withdrawn"})
    holds = reverse("citizens:legal-holds-person", args=[sarah.reference])
    assert response.status_code == 302 and response.url == holds
    page = client.get(holds).content.decode()
    assert "The claim was withdrawn" in page and "No hold is in force." in page
    assert escape(ig_officer.display_name) in page
    # A lifted hold's page sends the officer back to the list.
    assert client.get(lift).status_code == 302


def test_from_an_erasure_request_an_officer_places_a_hold_and_comes_back_to_it(
    sarah, officers, client, today
):
    request = request_erasure(sarah, officers[0])
    client.force_login(officers[1])
    page_url = reverse("citizens:erasure-request", args=[request.pk])
    page = client.get(page_url).content.decode()
    new = reverse("citizens:legal-hold-new", args=[sarah.reference]) + f"?request={request.pk}"
    assert new in page.replace("&amp;", "&")
    form = client.get(new).content.decode()
    assert "Back to the erasure request" in form
    response = client.post(
        new,
        {
            "requested_by": "legal_services",
            "reason": "Legal services expect a claim",
            "placed_on": today.isoformat(),
        },
    )
    assert response.status_code == 302 and response.url == page_url
    hold = LegalHold.objects.get()
    decide = client.get(reverse("citizens:erasure-decide", args=[request.pk])).content.decode()
    lift = reverse("citizens:legal-hold-lift", args=[sarah.reference, hold.pk])
    assert f"{lift}?request={request.pk}" in decide and "Lift the hold" in decide
    response = client.post(f"{lift}?request={request.pk}", {"reason": "No claim came"})
    assert response.status_code == 302 and response.url == page_url
    assert "Nothing blocks it." in client.get(page_url).content.decode()
    # Another person's request number is not followed.
    assert (
        "Back to legal holds"
        in client.get(
            reverse("citizens:legal-hold-new", args=[sarah.reference]) + "?request=999999"
        ).content.decode()
    )


def test_only_people_are_held_and_officers_see_the_holds_on_restricted_people(
    council, make_person, ig_officer, make_user, client
):
    from frontdoor.citizens.actions import do_create_organisation
    from frontdoor.identity.roles import ROLE_PERMISSIONS

    charity = do_create_organisation(actor=None, council=council, organisation_name="Food Bank")
    with pytest.raises(ValidationError, match="Only a person"):
        place(ig_officer, charity)
    client.force_login(ig_officer)
    url = reverse("citizens:legal-holds-person", args=[charity.reference])
    assert client.get(url).status_code == 404

    # Officers open restricted people; the role's permissions say so.
    assert "open_restricted" in ROLE_PERMISSIONS["ig_officer"]
    hidden = make_person("Rhys", "Morgan", sensitivity="restricted")
    place(ig_officer, hidden)
    found = legal_holds.holds_in_force(ig_officer, council, today=dt.date(2099, 1, 1))
    assert [row.hold.party for row in found.rows] == [hidden]


def test_reviewing_a_hold_sets_the_next_review_and_is_audited(sarah, ig_officer, today):
    hold = place(ig_officer, sarah, review_on=today + dt.timedelta(days=1))
    later = today + dt.timedelta(days=180)
    hold = erasure.do_review_legal_hold(actor=ig_officer, hold=hold, review_on=later)
    assert hold.review_on == later and hold.in_force
    entry = ChangeLogEntry.objects.filter(action="legal_hold.review").get()
    assert entry.actor == ig_officer
    # No further review is allowed; a date not after today is refused.
    assert (
        erasure.do_review_legal_hold(actor=ig_officer, hold=hold, review_on=None).review_on is None
    )
    with pytest.raises(ValidationError):
        erasure.do_review_legal_hold(actor=ig_officer, hold=hold, review_on=today)


def test_the_review_page_records_a_review_and_refuses_a_lifted_hold(
    sarah, ig_officer, agent, client, today
):
    hold = place(ig_officer, sarah)
    url = reverse("citizens:legal-hold-review", args=[sarah.reference, hold.pk])
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(ig_officer)
    assert "Review the hold" in client.get(url).content.decode()
    response = client.post(url, {"review_on": today.isoformat()})
    assert response.status_code == 400
    assert "The next review must be after today" in response.content.decode()
    next_review = today + dt.timedelta(days=30)
    response = client.post(url, {"review_on": next_review.isoformat()})
    assert response.status_code == 302
    assert LegalHold.objects.get(pk=hold.pk).review_on == next_review
    erasure.do_lift_legal_hold(actor=ig_officer, hold=hold, reason="Claim withdrawn")
    assert client.get(url).status_code == 302
    with pytest.raises(ValidationError):
        erasure.do_review_legal_hold(actor=ig_officer, hold=hold, review_on=None)
