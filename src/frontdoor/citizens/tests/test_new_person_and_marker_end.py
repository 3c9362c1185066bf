"""Adding a new person from the search page, ending a vulnerability marker and reviewing a
staff-safety marker: who may, the happy path, and an error shown against its field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdoor.citizens.actions import (
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_propose_safety_marker,
)
from frontdoor.citizens.models import (
    Address,
    ContactPoint,
    Party,
    SafetyMarker,
    VulnerabilityMarker,
)

FUTURE = dt.date(2099, 1, 1)


@pytest.fixture
def resident(catalogued_council, make_person):
    return make_person("Sarah", "Jones", born=dt.date(1980, 3, 12), postcode="CF10 1EP")


@pytest.fixture
def marker(resident):
    return do_add_vulnerability_marker(
        actor=None,
        party=resident,
        marker_type="financial_hardship",
        guidance="Offer a call back",
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )


@pytest.fixture
def safety(resident, agent, team_leader):
    proposed = do_propose_safety_marker(
        actor=agent,
        party=resident,
        category="threats",
        precaution="Two officers for any visit",
        detail="Threatened an officer",
        review_by=FUTURE,
    )
    return do_approve_safety_marker(actor=team_leader, marker=proposed)


def signed_in(client, user):
    client.force_login(user)
    return client


# Adding a new person -----------------------------------------------------------------------------


def test_the_search_offers_to_add_a_person_with_the_name_prefilled(client, council, agent):
    page = signed_in(client, agent).get(reverse("citizens:search"), {"q": "Nobody Anywhere"})
    html = page.content.decode()
    assert f"{reverse('citizens:person-new')}?q=Nobody%20Anywhere" in html
    form = client.get(reverse("citizens:person-new"), {"q": "Nobody Anywhere"}).content.decode()
    assert 'value="Nobody"' in form and 'value="Anywhere"' in form


def test_only_desktop_users_add_people(client, council, ig_officer, agent):
    url = reverse("citizens:person-new")
    assert signed_in(client, ig_officer).get(url).status_code == 403
    assert signed_in(client, agent).get(url).status_code == 200


def test_adding_a_person_records_them_and_opens_their_page(client, council, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:person-new"),
        {
            "given_name": "Amira",
            "family_name": "Khan",
            "preferred_name": "Mira",
            "dob_day": "7",
            "dob_month": "11",
            "dob_year": "1991",
            "address": "4 Mill Lane",
            "postcode": "cf10 1ep",
            "phone": "07700 900123",
            "email": "amira@example.com",
            "preferred_channel": "email",
        },
    )
    person = Party.objects.get(family_name="Khan")
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:person", args=[person.reference])
    assert person.date_of_birth == dt.date(1991, 11, 7)
    assert (person.preferred_name, person.preferred_channel) == ("Mira", "email")
    assert Address.objects.get(party=person).postcode == "CF10 1EP"
    assert ContactPoint.objects.filter(party=person).count() == 2


def test_a_bad_date_of_birth_and_no_name_show_in_the_error_summary(client, council, agent):
    response = signed_in(client, agent).post(
        reverse("citizens:person-new"),
        {"dob_day": "31", "dob_month": "2", "dob_year": "1990", "postcode": "not a postcode"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert 'href="#id_dob_day"' in html and "Date of birth must be a real date" in html
    assert "Enter a given name or a family name" in html
    assert not Party.objects.exists()


# Ending a vulnerability marker -------------------------------------------------------------------


def test_ending_a_marker_needs_the_vulnerability_detail(client, resident, marker, agent):
    url = reverse("citizens:vulnerability-end", args=[resident.reference, marker.pk])
    assert signed_in(client, agent).get(url).status_code == 403
    marker.refresh_from_db()
    assert marker.ended_at is None


def test_a_team_leader_ends_a_marker_with_a_reason(client, resident, marker, team_leader):
    person = reverse("citizens:person", args=[resident.reference])
    url = reverse("citizens:vulnerability-end", args=[resident.reference, marker.pk])
    assert url in signed_in(client, team_leader).get(person).content.decode()
    response = client.post(url, {"reason": "Back in work"})
    assert response.status_code == 302 and response["Location"] == person
    marker.refresh_from_db()
    assert marker.ended_at is not None and marker.end_reason == "Back in work"
    # An ended marker cannot be ended again.
    assert client.get(url).status_code == 404


def test_ending_a_marker_without_a_reason_is_an_error(client, resident, marker, team_leader):
    url = reverse("citizens:vulnerability-end", args=[resident.reference, marker.pk])
    response = signed_in(client, team_leader).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the marker no longer applies" in response.content.decode()
    assert VulnerabilityMarker.objects.get(pk=marker.pk).ended_at is None


# Reviewing a staff-safety marker -----------------------------------------------------------------


def test_only_those_who_manage_safety_markers_review_them(client, resident, safety, agent):
    url = reverse("citizens:safety-review", args=[resident.reference, safety.pk])
    person = reverse("citizens:person", args=[resident.reference])
    assert url not in signed_in(client, agent).get(person).content.decode()
    assert client.get(url).status_code == 403


def test_a_team_leader_reviews_a_safety_marker(client, resident, safety, team_leader):
    url = reverse("citizens:safety-review", args=[resident.reference, safety.pk])
    person = reverse("citizens:person", args=[resident.reference])
    assert url in signed_in(client, team_leader).get(person).content.decode()
    response = client.post(url, {"next_review_by": "2098-06-30"})
    assert response.status_code == 302 and response["Location"] == person
    safety.refresh_from_db()
    assert safety.review_by == dt.date(2098, 6, 30)
    assert safety.last_reviewed_by == team_leader


def test_a_past_review_date_shows_against_the_field(client, resident, safety, team_leader):
    url = reverse("citizens:safety-review", args=[resident.reference, safety.pk])
    response = signed_in(client, team_leader).post(url, {"next_review_by": "2001-01-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_next_review_by"' in html and "must be in the future" in html
    assert SafetyMarker.objects.get(pk=safety.pk).review_by == FUTURE
