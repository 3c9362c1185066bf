"""Nicknames in the CRM: a search for Bob finds Robert (below any Bob), the check before adding
a person finds him too, and the duplicate finder counts Bill and William as one name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdoor.citizens import duplicates
from frontdoor.citizens.engine.linkage import NICKNAME_LEVEL
from frontdoor.citizens.models import DuplicateCandidate
from frontdoor.citizens.search import NICKNAME, SAME_BIRTH, likely_matches, search_parties

BORN = dt.date(1961, 4, 9)


@pytest.fixture
def people(make_person):
    return {
        "robert": make_person("Robert", "Smith", born=BORN, postcode="CF10 1EP"),
        "margaret": make_person("Margaret", "Hughes", born=dt.date(1948, 2, 2)),
        "bob": make_person("Bob", "Smith", born=dt.date(1990, 1, 1), postcode="CF11 9AB"),
        "william": make_person("William", "Price", born=dt.date(1975, 5, 5)),
        "other": make_person("Rhys", "Smith", born=dt.date(1980, 8, 8)),
    }


def found(outcome) -> list[int]:
    return [r.party_id for r in outcome.results]


def test_a_search_for_bob_finds_robert_below_the_bob_typed(agent, council, people):
    outcome = search_parties(agent, council, "Bob Smith")
    ids = found(outcome)
    assert ids[:2] == [people["bob"].pk, people["robert"].pk]
    assert people["other"].pk not in ids  # Rhys is nobody's nickname of Bob
    bob, robert = outcome.results[:2]
    assert bob.score > robert.score
    assert bob.nicknames == ()
    assert robert.nicknames == (("bob", "robert"),)  # why Robert was found


def test_a_search_for_robert_finds_bob_below_robert(agent, council, people):
    outcome = search_parties(agent, council, "Robert Smith")
    assert found(outcome)[:2] == [people["robert"].pk, people["bob"].pk]
    assert outcome.results[1].nicknames == (("robert", "bob"),)


@pytest.mark.parametrize(
    ("typed", "who"),
    [("Peggy Hughes", "margaret"), ("Bill Price", "william"), ("peggy", "margaret")],
)
def test_a_nickname_finds_the_person_recorded_under_the_full_name(
    agent, council, people, typed, who
):
    outcome = search_parties(agent, council, typed)
    assert found(outcome)[0] == people[who].pk


def test_an_exact_name_fills_the_results_before_any_nickname(agent, council, make_person):
    robert = make_person("Robert", "Evans", born=BORN)
    bobs = [
        make_person("Bob", "Evans", born=dt.date(1950, 1, 1) + dt.timedelta(i)) for i in range(3)
    ]
    ids = found(search_parties(agent, council, "Bob Evans"))
    assert ids[:3] == [b.pk for b in bobs] and ids[3] == robert.pk


def test_nicknames_are_expanded_inside_the_same_statements(agent, council, people, make_person):
    search_parties(agent, council, "warm the permission cache")

    def statements(text: str) -> tuple[list[str], list[int]]:
        with CaptureQueriesContext(connection) as captured:
            outcome = search_parties(agent, council, text)
        return [q["sql"] for q in captured.captured_queries], found(outcome)

    one_variant, _ = statements("Bob Smith")  # Robert is the only one of Bob's names stored
    more = [make_person(name, "Smith") for name in ("Rob", "Bobby", "Bert")]
    every_variant, ids = statements("Bob Smith")
    assert {p.pk for p in more} <= set(ids)
    # Four of Bob's names held instead of one: not one statement more, and one read of the
    # vocabulary for the typed names and all their nicknames (the other read of it sums the
    # counts under a partial name's prefix, as for any short name).
    assert len(every_variant) == len(one_variant)
    lookups = [sql for sql in every_variant if 'citizens_namevocabulary"."code" IN' in sql]
    assert len(lookups) == 1
    assert len(every_variant) <= 13  # the bound every search keeps (test_search)


def test_the_check_before_adding_bob_finds_robert_born_the_same_day(agent, council, people):
    check = likely_matches(
        agent, council, given_name="Bob", family_name="Smith", date_of_birth=BORN
    )
    assert [m.result.party_id for m in check.matches] == [people["robert"].pk]
    match = check.matches[0]
    assert match.reasons == (NICKNAME, SAME_BIRTH)
    assert match.result.nicknames == (("bob", "robert"),)


def test_the_duplicate_finder_pairs_bill_and_william_with_nickname_evidence(council, make_person):
    given = "Oliver George Harry Jack Noah Oscar Leo Henry Olivia Amelia Isla Ava Emily Mia"
    family = "Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Wright Walker Green"
    for n in range(60):
        make_person(
            given.split()[n % 14],
            family.split()[(n * 5) % 11],
            born=dt.date(1940 + n, 1 + n % 12, 1 + n % 28),
            postcode=f"CF{10 + n % 14} {1 + n % 9}AB",
        )
    william = make_person("William", "Jones", born=dt.date(1970, 5, 4), postcode="CF10 1AA")
    bill = make_person("Bill", "Jones", born=dt.date(1970, 5, 4), postcode="CF10 1AA")

    duplicates.do_find_duplicates(actor=None, council=council)

    first, second = sorted((william.pk, bill.pk))
    candidate = DuplicateCandidate.objects.get(first_id=first, second_id=second)
    assert candidate.probability >= duplicates.DEFAULT_THRESHOLD
    given_name = next(e for e in candidate.evidence if e["field"] == "given_name")
    assert (given_name["verdict"], given_name["level"]) == ("partial", NICKNAME_LEVEL)
    assert given_name["weight"] > 0
    row = next(r for r in duplicates.evidence_rows(candidate) if r.field == "given_name")
    assert row.level == "One a nickname of the other"  # as the reviewer reads it
