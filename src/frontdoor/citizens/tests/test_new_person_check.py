"""Checking before a new person is added: people already recorded who may be them are listed
first (a similar name and a shared date of birth, postcode, phone or email), the agent opens
one of them or adds the person with a reason that goes into the audit, and nothing is saved
until then. People the agent may not see are never listed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.audit.models import AccessKind, AccessLogEntry, ChangeLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.citizens.actions import CREATE_REASON, do_create_organisation
from frontdoor.citizens.models import Party
from frontdoor.citizens.search import (
    SAME_BIRTH,
    SAME_EMAIL,
    SAME_NAME,
    SAME_PHONE,
    SAME_POSTCODE,
    SIMILAR_NAME,
    likely_matches,
    search_subjects_listing,
)

BORN = dt.date(1980, 3, 12)
CHECK_TITLE = "Check they are not already recorded"


@pytest.fixture
def resident(council, make_person):
    return make_person(
        "Sarah",
        "Jones",
        born=BORN,
        address="14 Cathedral Road",
        postcode="CF10 1EP",
        phone="07700 900123",
        email="sarah@example.com",
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def details(**changes: str) -> dict[str, str]:
    """What an agent types on the "add a new person" page (Sara Jones, born 12 March 1980)."""
    typed = {
        "given_name": "Sara",
        "family_name": "Jones",
        "preferred_name": "",
        "dob_day": "12",
        "dob_month": "3",
        "dob_year": "1980",
        "address": "",
        "postcode": "",
        "phone": "",
        "email": "",
        "preferred_channel": "",
    }
    typed.update(changes)
    return typed


def add(client, **values: str):
    return client.post(reverse("citizens:person-new"), values)


# The matcher -------------------------------------------------------------------------------------


def reasons_for(check, party):
    return next(m.reasons for m in check.matches if m.result.party_id == party.pk)


def test_a_similar_name_with_the_same_date_of_birth_is_a_likely_match(council, agent, resident):
    check = likely_matches(
        agent, council, given_name="Sara", family_name="Jones", date_of_birth=BORN
    )
    assert reasons_for(check, resident) == (SIMILAR_NAME, SAME_BIRTH)


def test_every_shared_detail_is_given_as_a_reason(council, agent, resident):
    check = likely_matches(
        agent,
        council,
        given_name="Sarah",
        family_name="Jones",
        date_of_birth=dt.date(1981, 1, 1),  # a different date of birth, but the rest shared
        postcodes=["cf10 1ep"],
        phones=["+44 7700 900123"],
        emails=["SARAH@example.com"],
    )
    assert reasons_for(check, resident) == (SAME_NAME, SAME_POSTCODE, SAME_PHONE, SAME_EMAIL)


def test_a_name_alone_or_a_shared_detail_alone_is_not_a_match(
    council, agent, resident, make_person
):
    same_name_only = likely_matches(
        agent, council, given_name="Sarah", family_name="Jones", date_of_birth=dt.date(1990, 1, 1)
    )
    other_name_same_phone = likely_matches(
        agent, council, given_name="Tom", family_name="Price", phones=["07700 900123"]
    )
    nothing_to_compare = likely_matches(agent, council, given_name="Sarah", family_name="Jones")
    assert not same_name_only.matches
    assert not other_name_same_phone.matches
    assert not nothing_to_compare.matches


def test_those_sharing_most_come_first_and_organisations_are_left_out(
    council, agent, resident, make_person
):
    sister = make_person("Sarah", "Jones", born=dt.date(1985, 6, 1), postcode="CF10 1EP")
    do_create_organisation(actor=None, council=council, organisation_name="Sarah Jones Ltd")
    check = likely_matches(
        agent,
        council,
        given_name="Sarah",
        family_name="Jones",
        date_of_birth=BORN,
        postcodes=["CF10 1EP"],
    )
    assert [m.result.party_id for m in check.matches] == [resident.pk, sister.pk]


def test_the_check_is_one_search_whatever_the_number_of_people(council, agent, make_person):
    for number in range(30):
        make_person("Sarah", "Jones", born=dt.date(1950 + number, 1, 1), postcode="CF10 1EP")
    with CaptureQueriesContext(connection) as captured:
        check = likely_matches(
            agent,
            council,
            given_name="Sarah",
            family_name="Jones",
            date_of_birth=dt.date(1960, 1, 1),
            postcodes=["CF10 1EP"],
        )
    assert len(check.matches) == 10 and check.more
    # The name vocabulary, the candidates (one statement per tier the search needs), their
    # rows and the details they share: never a read per person, never the whole council.
    crm = [q["sql"] for q in captured.captured_queries if '"citizens_' in q["sql"]]
    assert len(crm) <= 6, crm


def test_a_check_that_listed_someone_is_logged_as_a_search_of_them(council, agent, resident):
    check = likely_matches(
        agent, council, given_name="Sara", family_name="Jones", date_of_birth=BORN
    )
    entry = AccessLogEntry.objects.get(pk=check.access_entry_id)
    assert entry.kind == AccessKind.SEARCH and entry.actor == agent
    assert unseal(entry.subject, entry.detail) == "Sara Jones 1980-03-12"
    # Erasing the resident reaches the check too (its key is destroyed with theirs).
    assert entry.subject in search_subjects_listing(resident)


def test_a_check_that_found_no_one_is_not_logged(council, agent, resident):
    before = AccessLogEntry.objects.count()
    check = likely_matches(
        agent, council, given_name="Tom", family_name="Price", date_of_birth=BORN
    )
    assert not check.matches and check.access_entry_id is None
    assert AccessLogEntry.objects.count() == before


# The pages ---------------------------------------------------------------------------------------


def test_a_likely_match_stops_the_save_and_shows_the_check(client, council, agent, resident):
    response = add(signed_in(client, agent), **details(phone="07700 900123"))
    html = response.content.decode()
    assert response.status_code == 200
    assert CHECK_TITLE in html
    assert Party.objects.count() == 1  # nothing saved
    assert reverse("citizens:person", args=[resident.reference]) in html
    assert "Sarah Jones" in html and "12 Mar 1980" in html and "CF10 1EP" in html
    assert "Similar name" in html and "Same date of birth" in html and "Same phone number" in html
    # What was typed travels with the step.
    assert 'type="hidden" name="given_name" value="Sara"' in html
    assert 'type="hidden" name="phone" value="07700 900123"' in html


def test_with_no_likely_match_the_person_is_saved_straight_away(client, council, agent, resident):
    response = add(signed_in(client, agent), **details(dob_year="1990"))
    assert response.status_code == 302
    assert Party.objects.count() == 2
    created = ChangeLogEntry.objects.get(action="party.create", actor=agent)
    assert CREATE_REASON not in created.changes


def test_adding_anyway_needs_a_reason(client, council, agent, resident):
    response = add(signed_in(client, agent), **details(), step="confirm", reason="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter why none of these people is the person" in html and 'href="#id_reason"' in html
    assert CHECK_TITLE in html and 'type="hidden" name="dob_year" value="1980"' in html
    assert Party.objects.count() == 1


def test_adding_anyway_with_a_reason_saves_them_and_audits_the_reason(
    client, council, agent, resident
):
    reason = "Caller is her cousin: a different address and phone"
    response = add(signed_in(client, agent), **details(), step="confirm", reason=reason)
    created = Party.objects.exclude(pk=resident.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:person", args=[created.reference])
    assert (created.given_name, created.date_of_birth) == ("Sara", BORN)
    entry = ChangeLogEntry.objects.get(action="party.create", object_id=str(created.pk))
    assert entry.actor == agent
    assert unseal(entry.subject, entry.changes[CREATE_REASON]["new"]) == reason


def test_the_reason_is_sealed_under_the_new_persons_key(client, council, agent, resident):
    add(signed_in(client, agent), **details(), step="confirm", reason="Not her: different phone")
    created = Party.objects.exclude(pk=resident.pk).get()
    entry = ChangeLogEntry.objects.get(action="party.create", object_id=str(created.pk))
    assert "sealed" in entry.changes[CREATE_REASON]["new"]


def test_choosing_an_existing_person_creates_nothing(client, council, agent, resident):
    check = add(signed_in(client, agent), **details()).content.decode()
    existing = reverse("citizens:person", args=[resident.reference])
    assert f'href="{existing}"' in check
    opened = client.get(existing)
    assert opened.status_code == 200 and "Sarah Jones" in opened.content.decode()
    assert list(Party.objects.all()) == [resident]
    assert not ChangeLogEntry.objects.filter(action="party.create", actor=agent).exists()


def test_changing_the_details_keeps_what_was_typed(client, council, agent, resident):
    response = add(signed_in(client, agent), **details(email="sara@example.com"), step="change")
    html = response.content.decode()
    assert response.status_code == 200 and CHECK_TITLE not in html
    assert 'value="Sara"' in html and 'value="sara@example.com"' in html and 'value="1980"' in html
    assert Party.objects.count() == 1


def test_restricted_people_the_agent_may_not_see_are_never_listed(
    client, council, agent, make_person
):
    hidden = make_person(
        "Grace", "Hidden", born=BORN, postcode="CF10 1EP", sensitivity="safeguarding"
    )
    response = add(
        signed_in(client, agent),
        **details(given_name="Grace", family_name="Hidden", postcode="CF10 1EP", address="1 Lane"),
    )
    assert response.status_code == 302  # saved as if no one matched: nothing hints at them
    assert hidden.reference not in response["Location"]
    assert search_subjects_listing(hidden) == []  # no check listed them


def test_staff_who_may_open_restricted_records_see_them_without_their_address(
    client, council, team_leader, make_person
):
    hidden = make_person(
        "Grace", "Hidden", born=BORN, postcode="CF10 1EP", sensitivity="safeguarding"
    )
    html = add(
        signed_in(client, team_leader), **details(given_name="Grace", family_name="Hidden")
    ).content.decode()
    assert CHECK_TITLE in html and hidden.reference in html and "Restricted" in html
    assert "CF10 1EP" not in html and "Shown when opened" in html


def test_only_desktop_users_reach_the_check(client, council, ig_officer, resident):
    assert add(signed_in(client, ig_officer), **details()).status_code == 403
    assert Party.objects.count() == 1
