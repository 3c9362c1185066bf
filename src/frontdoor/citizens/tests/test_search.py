"""The one search box: names (typos, partial), phone, email, postcode, UPRN, reference.

Each search is logged once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.audit.sealing import destroy_key, unseal
from frontdoor.citizens.search import POOL, search_parties, search_subjects_listing


@pytest.fixture
def people(make_person):
    return {
        "sarah": make_person(
            "Sarah",
            "Jones",
            born=dt.date(1980, 3, 12),
            address="14 Mill Lane\nCardiff",
            postcode="CF10 1EP",
            uprn="10033544614",
            phone="07700 900123",
            email="sarah.jones@example.com",
            references=[("council-tax", "CT-0012345")],
        ),
        "sara": make_person(
            "Sara", "Jones", born=dt.date(1992, 7, 1), address="3 Bay Road", postcode="CF11 9AB"
        ),
        "catherine": make_person(
            "Catherine", "Thompson", born=dt.date(1955, 1, 30), postcode="NP20 1AA"
        ),
        "mohammed": make_person("Mohammed", "Khan", preferred_name="Mo", postcode="CF24 3AA"),
        "sian": make_person("Siân", "O'Brien", postcode="SA1 1AA"),
        "hyphen": make_person("Emma", "Smith-Jones", postcode="CF10 2AA"),
    }


def names(outcome) -> list[str]:
    return [r.display_name for r in outcome.results]


def test_an_exact_name_finds_the_person_first_and_tells_namesakes_apart(agent, council, people):
    outcome = search_parties(agent, council, "Sarah Jones")
    first = outcome.results[0]
    assert first.display_name == "Sarah Jones"
    assert (first.date_of_birth, first.postcode, first.address_hint) == (
        dt.date(1980, 3, 12),
        "CF10 1EP",
        "14 Mill Lane",
    )
    assert "Sara Jones" in names(outcome)  # the near namesake, ranked below


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sarah Jnoes", "Sarah Jones"),  # swapped letters
        ("Sarah Joness", "Sarah Jones"),  # one too many
        ("Catherin Tompson", "Catherine Thompson"),  # one missing in each
        ("Kathryn Thompson", "Catherine Thompson"),  # sounds alike
        ("Muhammad Khan", "Mohammed Khan (Mo)"),  # sounds alike
        ("mo khan", "Mohammed Khan (Mo)"),  # the preferred name
        ("sian obrien", "Siân O'Brien"),  # accents and apostrophes
        ("Smith-Jones", "Emma Smith-Jones"),
        ("emma smithjones", "Emma Smith-Jones"),
    ],
)
def test_typos_sound_alikes_and_other_spellings_still_find_the_person(
    agent, council, people, typed, expected
):
    assert names(search_parties(agent, council, typed))[0] == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Cath Thom", "Catherine Thompson"),
        ("C Thompson", "Catherine Thompson"),
        ("thomps", "Catherine Thompson"),
    ],
)
def test_partial_names_and_initials_find_the_person(agent, council, people, typed, expected):
    assert expected in names(search_parties(agent, council, typed))


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "+44 7700 900123",
        "SARAH.JONES@example.com",
        "cf10 1ep",
        "10033544614",
        "ct-0012345",
        "Jones 12/03/1980",
        "Jones CF10 1EP",
    ],
)
def test_phone_email_postcode_uprn_reference_and_combinations_find_the_person(
    agent, council, people, typed
):
    assert names(search_parties(agent, council, typed)) == ["Sarah Jones"]


def test_the_crm_reference_finds_the_person(agent, council, people):
    reference = people["catherine"].reference
    assert names(search_parties(agent, council, reference)) == ["Catherine Thompson"]


def test_half_a_postcode_finds_everyone_in_that_district(agent, council, people):
    assert set(names(search_parties(agent, council, "CF10"))) == {
        "Sarah Jones",
        "Emma Smith-Jones",
    }


def test_nothing_found_is_an_empty_answer_not_an_error(agent, council, people):
    assert search_parties(agent, council, "Zebedee Quixote").results == []
    assert search_parties(agent, council, "   ").results == []


def test_a_search_is_one_access_entry_with_the_query_sealed_and_the_result_ids(
    agent, council, people
):
    before = AccessLogEntry.objects.count()
    outcome = search_parties(agent, council, "Sarah Jones")
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.get(pk=outcome.access_entry_id)
    assert entry.kind == AccessKind.SEARCH and entry.actor == agent
    assert entry.result_ids == [str(r.party_id) for r in outcome.results]
    assert "Sarah" not in json.dumps(entry.detail)  # sealed, not in clear
    assert unseal(entry.subject, entry.detail) == "Sarah Jones"
    # The searches that showed a person can be shredded when the person is erased.
    subjects = search_subjects_listing(people["sarah"])
    assert subjects == [entry.subject]
    destroy_key(entry.subject)
    assert unseal(entry.subject, entry.detail) == "[erased]"


def test_restricted_people_are_found_only_by_staff_who_may_open_them_without_where_they_live(
    agent, team_leader, council, make_person
):
    make_person(
        "Grace", "Hidden", sensitivity="safeguarding", address="9 Refuge Road", postcode="CF5 1AA"
    )
    assert search_parties(agent, council, "Grace Hidden").results == []
    (found,) = search_parties(team_leader, council, "Grace Hidden").results
    assert found.restricted and found.postcode == "" and found.address_hint == ""


def test_search_sees_only_the_councils_people_and_needs_the_desktop(
    agent, council, other_council, make_person, make_user
):
    make_person("Owain", "Glyndwr", on=other_council)
    assert search_parties(agent, council, "Owain Glyndwr").results == []
    with pytest.raises(PermissionDenied):
        search_parties(agent, other_council, "Owain Glyndwr")
    with pytest.raises(PermissionDenied):
        search_parties(make_user("planner"), council, "Sarah")


def test_a_very_common_name_says_there_are_more_than_were_ranked(agent, council, make_person):
    for i in range(POOL + 5):
        make_person("John", "Smith", born=dt.date(1950, 1, 1) + dt.timedelta(days=i))
    outcome = search_parties(agent, council, "Smith")
    assert outcome.more and len(outcome.results) == 20


def test_search_takes_a_bounded_number_of_statements_whatever_it_finds(
    agent, council, people, django_assert_max_num_queries
):
    search_parties(agent, council, "warm the permission cache")
    # The vocabulary, at most three candidate tiers (exact, near, prefix) and the prefix sizes,
    # the rows, and the access entry: in a savepoint, sealing reads and writes the search's
    # own key (seven statements).
    for typed in ("Catherin Tompsn", "Sarah Jones", "cf10", "07700 900123"):
        with django_assert_max_num_queries(13):
            search_parties(agent, council, typed)
