"""The contacts API: log a contact with a person and list their contacts, with the desktop's
permission checks and access logging; a merged record's reference answers for the survivor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from frontdoor.audit.models import AccessKind, AccessLogEntry, ChangeLogEntry
from frontdoor.citizens import merging
from frontdoor.citizens.actions import do_update_party
from frontdoor.citizens.models import ContactParty
from frontdoor.contacts.models import Contact, ContactNote
from frontdoor.identity.actions import do_issue_api_token


def client_for(user) -> Client:
    _token, raw = do_issue_api_token(actor=None, user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def sarah(catalogued_council, make_person):
    return make_person(
        "Sarah", "Jones", born=dt.date(1980, 3, 12), postcode="CF10 1EP", phone="07700 900123"
    )


def url(person, suffix: str = "contacts") -> str:
    return f"/api/councils/northshire/people/{person.reference}/{suffix}"


def test_logging_a_contact_records_it_like_the_desktop(agent, sarah):
    api = client_for(agent)
    response = api.post(
        url(sarah),
        {
            "channel": "phone",
            "service": "council-tax",
            "wrap_code": "council-tax-arrears",
            "resolution": "first_contact",
            "notes": "Asked for a payment plan",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["contact"]["contact_id"])
    assert body["created"] and body["reference"] == sarah.reference
    assert (contact.source, contact.citizen_ref, contact.service.service_id) == (
        "desktop",
        sarah.reference,
        "council-tax",
    )
    assert ContactParty.objects.filter(contact=contact, party=sarah, role="subject").exists()
    assert ContactNote.objects.get(contact=contact).text == "Asked for a payment plan"
    assert ChangeLogEntry.objects.filter(action="contact.log", object_id=str(contact.pk)).exists()
    opened = AccessLogEntry.objects.filter(view="citizens.person", object_id=str(sarah.pk))
    assert opened.count() == 1 and opened.get().actor == agent


def test_a_second_money_worry_raises_a_prompt_through_the_api(agent, sarah):
    api = client_for(agent)
    for service, wrap in (("council-tax", "council-tax-arrears"), ("rents", "rent-arrears")):
        body = api.post(
            url(sarah),
            {"channel": "phone", "service": service, "wrap_code": wrap},
            content_type="application/json",
        ).json()
    assert body["prompts"] == [
        "Possible financial hardship: consider a referral to welfare support."
    ]


def test_a_bad_contact_is_refused_with_the_reason(agent, sarah):
    response = client_for(agent).post(
        url(sarah),
        {"channel": "phone", "service": "no-such-service"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "service" in response.content.decode()
    assert not Contact.objects.exists()


def test_listing_a_persons_contacts_newest_first_with_filters(agent, sarah):
    api = client_for(agent)
    now = dt.datetime.now(dt.UTC)
    for days, channel, service in ((3, "phone", "council-tax"), (1, "email", "waste")):
        api.post(
            url(sarah),
            {
                "channel": channel,
                "service": service,
                "offered_at": (now - dt.timedelta(days=days)).isoformat(),
            },
            content_type="application/json",
        )
    before = AccessLogEntry.objects.count()
    body = api.get(url(sarah)).json()
    assert [c["service_id"] for c in body["contacts"]] == ["waste", "council-tax"]
    assert body["more"] is False and body["contacts"][0]["role"] == "subject"
    assert AccessLogEntry.objects.count() == before + 1  # one view of the record
    phone_only = api.get(url(sarah), {"channel": "phone"}).json()
    assert [c["channel"] for c in phone_only["contacts"]] == ["phone"]


def test_who_may_log_and_list(sarah, make_user, other_council, agent):
    analyst = client_for(make_user("performance_analyst"))
    assert analyst.get(url(sarah)).status_code == 403
    assert (
        analyst.post(
            url(sarah), {"channel": "phone", "service": "waste"}, content_type="application/json"
        ).status_code
        == 403
    )
    # Information governance reads the history but does not log contacts (desktop work).
    governance = client_for(make_user("ig_officer"))
    assert governance.get(url(sarah)).status_code == 200
    assert (
        governance.post(
            url(sarah), {"channel": "phone", "service": "waste"}, content_type="application/json"
        ).status_code
        == 403
    )
    # Another council's agent is told nothing exists.
    stranger = client_for(make_user("agent", council=other_council))
    assert stranger.get(url(sarah)).status_code == 404
    assert not Contact.objects.exists()


def test_a_restricted_person_needs_a_reason_and_it_is_logged(sarah, team_leader, agent):
    do_update_party(actor=None, party=sarah, sensitivity="restricted")
    assert client_for(agent).get(url(sarah)).status_code == 404
    leader = client_for(team_leader)
    assert leader.get(url(sarah)).status_code == 403
    response = leader.get(url(sarah), HTTP_X_ACCESS_REASON="Resident on the phone")
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(kind=AccessKind.BREAK_GLASS).count() == 1


def test_a_merged_reference_answers_for_the_survivor(agent, sarah, make_person, ig_officer):
    old = make_person("Sara", "Jones", born=dt.date(1980, 3, 12))
    api = client_for(agent)
    api.post(url(old), {"channel": "phone", "service": "waste"}, content_type="application/json")
    merging.do_merge_parties(actor=ig_officer, survivor=sarah, merged=old)

    listed = api.get(url(old)).json()
    assert listed["reference"] == sarah.reference
    assert [c["service_id"] for c in listed["contacts"]] == ["waste"]
    logged = api.post(
        url(old), {"channel": "phone", "service": "rents"}, content_type="application/json"
    ).json()
    assert logged["reference"] == sarah.reference
    contact = Contact.objects.get(pk=logged["contact"]["contact_id"])
    assert ContactParty.objects.filter(contact=contact, party=sarah).exists()


def test_reading_and_changing_a_merged_reference_reach_the_survivor(
    agent, sarah, make_person, ig_officer
):
    old = make_person("Sara", "Jones", born=dt.date(1980, 3, 12))
    merging.do_merge_parties(actor=ig_officer, survivor=sarah, merged=old)
    api = client_for(agent)
    read = api.get(f"/api/councils/northshire/people/{old.reference}").json()
    assert read["reference"] == sarah.reference
    assert {"source": merging.MERGED_SOURCE, "source_id": old.reference} in read[
        "external_references"
    ]
    changed = api.patch(
        f"/api/councils/northshire/people/{old.reference}",
        {"preferred_name": "Sal"},
        content_type="application/json",
    ).json()
    assert changed["reference"] == sarah.reference
    sarah.refresh_from_db()
    old.refresh_from_db()
    assert (sarah.preferred_name, old.preferred_name) == ("Sal", "")
