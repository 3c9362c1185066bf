"""Nicknames, pure: Bob is Robert and Robert is Bob; what the list does not know is nobody's."""

from __future__ import annotations

import pytest

from frontdoor.citizens.engine.linkage import NICKNAME_LEVEL, LinkRecord, find_duplicates
from frontdoor.citizens.engine.nicknames import (
    are_nickname_equivalent,
    canonical_forms,
    name_key,
    nickname_variants,
    nicknames_of,
    token_variants,
)
from frontdoor.citizens.engine.ranking import (
    EXACT,
    NICKNAME,
    ONE_EDIT,
    SOUNDS_ALIKE,
    Candidate,
    nickname_matches,
    rank,
    token_score,
)

pytestmark = pytest.mark.no_db

PAIRS = [
    ("Bob", "Robert"),
    ("Peggy", "Margaret"),
    ("Bill", "William"),
    ("Liz", "Elizabeth"),
    ("Jim", "James"),
    ("Ted", "Edward"),
]


@pytest.mark.parametrize(("nickname", "name"), PAIRS)
def test_a_nickname_and_its_name_are_equivalent_both_ways_round(nickname, name):
    assert are_nickname_equivalent(nickname, name)
    assert are_nickname_equivalent(name, nickname)
    assert name.lower() in nickname_variants(nickname)
    assert nickname.lower() in nickname_variants(name)
    assert name.lower() in canonical_forms(nickname)
    assert nickname.lower() in nicknames_of(name)


def test_case_spaces_and_accents_do_not_matter():
    assert are_nickname_equivalent("  BOB ", "robert")
    assert are_nickname_equivalent("Élizabeth", "LIZ")
    assert name_key("Zoë") == "zoe"
    assert nickname_variants("ROBERT") == nickname_variants("robert") == token_variants("robert")


def test_unknown_names_and_a_name_with_itself_are_not_nicknames():
    assert not are_nickname_equivalent("Przemyslaw", "Przemek")  # not in the list
    assert not are_nickname_equivalent("Zebulonious", "Zeb")
    assert nickname_variants("Przemyslaw") == frozenset()
    assert canonical_forms("Xyzzy") == frozenset() and nicknames_of("Xyzzy") == frozenset()
    assert not are_nickname_equivalent("Robert", "Robert")
    assert not are_nickname_equivalent("", "Robert") and not are_nickname_equivalent("Bob", "")
    assert not are_nickname_equivalent("Bob", "Margaret")
    assert "robert" not in nickname_variants("robert")


def test_a_name_that_is_both_a_nickname_and_a_name_relates_both_ways():
    # "Bill" is short for William, and has a nickname of its own, "Billy".
    assert "william" in canonical_forms("Bill")
    assert "billy" in nicknames_of("Bill")
    assert are_nickname_equivalent("Bill", "William") and are_nickname_equivalent("Bill", "Billy")
    assert are_nickname_equivalent("Billy", "Bill") and are_nickname_equivalent("William", "Bill")


def test_names_that_only_share_a_third_name_are_not_equivalent():
    # Peggy and Maggie are both Margaret: related through her, not to each other.
    assert are_nickname_equivalent("Peggy", "Margaret")
    assert are_nickname_equivalent("Maggie", "Margaret")
    assert not are_nickname_equivalent("Peggy", "Maggie")


def test_a_nickname_ranks_below_the_name_typed_and_a_one_letter_slip():
    assert token_score("bob", "robert") == NICKNAME
    assert token_score("robert", "bob") == NICKNAME
    assert EXACT > ONE_EDIT > NICKNAME > SOUNDS_ALIKE
    assert token_score("rob", "bob") == ONE_EDIT  # a slip and a nickname: the better of the two
    ranked = rank(
        ["bob", "smith"],
        [
            Candidate(1, given_name="Robert", family_name="Smith"),
            Candidate(2, given_name="Bob", family_name="Smith"),
            Candidate(3, given_name="Margaret", family_name="Smith"),
        ],
    )
    assert [c.party_id for _, c in ranked] == [2, 1, 3]


def test_a_match_through_a_nickname_says_which_names_met():
    robert = Candidate(1, given_name="Robert", family_name="Smith")
    assert nickname_matches(["bob", "smith"], robert) == (("bob", "robert"),)
    assert nickname_matches(["robert", "smith"], robert) == ()
    bob = Candidate(2, given_name="Bob", family_name="Smith")
    assert nickname_matches(["robert", "smith"], bob) == (("robert", "bob"),)
    peggy = Candidate(3, given_name="Margaret", preferred_name="Peggy", family_name="Jones")
    assert nickname_matches(["peggy", "jones"], peggy) == ()  # recorded as Peggy too


def _population(extra: list[LinkRecord]) -> list[LinkRecord]:
    given = ["Oliver", "George", "Harry", "Jack", "Noah", "Oscar", "Leo", "Henry", "Olivia"]
    family = ["Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Wright"]
    people = [
        LinkRecord(
            record_id=str(100 + n),
            given_name=given[n % len(given)],
            family_name=family[(n * 7) % len(family)],
            date_of_birth=f"{1940 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            postcode=f"CF{10 + n % 14} {1 + n % 9}AB",
        )
        for n in range(120)
    ]
    return people + extra


def test_the_duplicate_finder_scores_bill_and_william_as_one_person_through_the_nickname():
    records = _population(
        [
            LinkRecord("1", "William", "Jones", "1970-05-04", "CF10 1AA", "3 High Street"),
            LinkRecord("2", "Bill", "Jones", "1970-05-04", "CF10 1AA"),
        ]
    )
    result = find_duplicates(records)
    pair = next(p for p in result.pairs if {p.left_id, p.right_id} == {"1", "2"})
    assert pair.probability >= 0.9
    given = next(e for e in pair.evidence if e.field == "given_name")
    assert (given.verdict, given.level) == ("partial", NICKNAME_LEVEL)
    assert "nickname of" in given.level.lower()
    assert given.weight > 0  # a nickname counts for the pair, not against it
