"""The CRM's pure parts: normal forms, phonetic codes, edit distance, parsing, ranking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.citizens.engine.fuzzy import deletions, osa_distance
from frontdoor.citizens.engine.keys import accept_near, lookup_codes, party_keys, vocabulary_codes
from frontdoor.citizens.engine.normalise import (
    display_phone,
    name_tokens,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_reference,
    normalise_uprn,
    postcode_prefix,
    prefix_upper_bound,
)
from frontdoor.citizens.engine.phonetic import phonetic_codes
from frontdoor.citizens.engine.query import parse_query
from frontdoor.citizens.engine.ranking import Candidate, rank, token_score

pytestmark = pytest.mark.no_db
TODAY = dt.date(2026, 11, 25)


def test_names_fold_accents_join_apostrophes_split_hyphens_and_drop_titles():
    assert name_tokens("Siân", "O'Brien") == ["sian", "obrien"]
    assert name_tokens("Łukasz Wiśniewski", "Søren Strauß") == [
        "lukasz",
        "wisniewski",
        "lukaszwisniewski",
        "soren",
        "strauss",
        "sorenstrauss",
    ]
    assert name_tokens("Mrs Smith-Jones") == ["smith", "jones", "smithjones"]
    assert name_tokens("") == []


@pytest.mark.parametrize(
    "typed",
    ["07700 900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700-900123", "7700900123"],
)
def test_every_way_of_writing_a_uk_number_reaches_the_same_digits(typed):
    assert normalise_phone(typed) == "447700900123"
    assert display_phone("447700900123") == "07700 900123"


def test_what_is_not_a_phone_number_is_refused():
    assert normalise_phone("12345") is None
    assert normalise_phone("call me") is None


def test_postcodes_emails_uprns_and_references_have_one_normal_form():
    assert normalise_postcode(" sw1a  1aa ") == "SW1A1AA"
    assert normalise_postcode("SW1A") is None
    assert postcode_prefix("cf10") == "CF10" and postcode_prefix("CF10 1") == "CF101"
    assert normalise_email(" Sarah.Jones@Example.COM ") == "sarah.jones@example.com"
    assert normalise_email("not an email") is None
    assert normalise_uprn("010033544614") == "10033544614"
    assert normalise_uprn("1234567890123") is None
    assert normalise_reference("ct-000 123") == "CT000123"


@given(st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6))
def test_a_prefix_range_holds_every_key_with_the_prefix_and_nothing_below_it(prefix):
    bound = prefix_upper_bound(prefix)
    for suffix in ("", "0", "a", "zzz", "9"):
        key = prefix + suffix
        assert key >= prefix and (bound is None or key < bound)
    if bound is not None:
        assert not bound.startswith(prefix)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Smith", "Smyth"),
        ("Stephen", "Steven"),
        ("Catherine", "Kathryn"),
        ("Philip", "Filip"),
        ("Mohammed", "Muhammad"),
        ("Jon", "John"),
        ("Knight", "Night"),
        ("Dixon", "Dickson"),
        ("McDonald", "MacDonald"),
    ],
)
def test_spellings_that_sound_alike_share_a_phonetic_code(one, other):
    assert set(phonetic_codes(one)) & set(phonetic_codes(other))


def test_different_names_get_different_codes():
    assert not set(phonetic_codes("Smith")) & set(phonetic_codes("Jones"))
    assert phonetic_codes("") == ()


def test_edit_distance_counts_swaps_of_neighbours_as_one():
    assert osa_distance("smith", "smith") == 0
    assert osa_distance("smith", "smtih") == 1
    assert osa_distance("smith", "smyth") == 1
    assert osa_distance("smith", "smiths") == 1
    assert osa_distance("smith", "jones", limit=2) == 3


@given(st.text(alphabet="abcdef", max_size=8), st.text(alphabet="abcdef", max_size=8))
def test_edit_distance_is_symmetric_and_zero_only_for_equal_strings(a, b):
    assert osa_distance(a, b) == osa_distance(b, a)
    assert (osa_distance(a, b) == 0) == (a == b)


@given(
    st.text(alphabet="abcdefghij", min_size=3, max_size=9),
    st.integers(min_value=0, max_value=8),
    st.sampled_from("abcdefghij"),
)
def test_any_single_typo_meets_the_real_token_through_the_vocabulary(token, at, letter):
    at = at % len(token)
    for typo in (
        token[:at] + token[at + 1 :],  # a letter left out
        token[:at] + letter + token[at:],  # one too many
        token[:at] + letter + token[at + 1 :],  # one wrong
    ):
        shared = lookup_codes(typo) & vocabulary_codes(token)
        if len(typo) >= 3:
            assert shared, (typo, token)
            assert any(accept_near(typo, token, code) for code in shared)


def test_the_vocabulary_does_not_accept_a_token_two_edits_from_a_short_name():
    assert not accept_near("smith", "smart", "d:smt")
    assert accept_near("smith", "smyth", "d:smth")
    assert deletions("smith") == {"smith", "mith", "sith", "smth", "smih", "smit"}


def test_a_person_is_found_by_every_normalised_thing_they_hold():
    keys = party_keys(
        names=["Sarah", "O'Neill"],
        phones=["07700 900123", "nonsense"],
        emails=["Sarah@Example.com"],
        postcodes=["cf10 1ep"],
        uprns=["10033544614"],
        references=["CT-123"],
    )
    assert keys == [
        ("name", "sarah"),
        ("name", "oneill"),
        ("phone", "447700900123"),
        ("email", "sarah@example.com"),
        ("postcode", "CF101EP"),
        ("uprn", "10033544614"),
        ("reference", "CT123"),
    ]


def test_the_search_box_reads_names_and_identifiers_together():
    parsed = parse_query("Mrs Sarah O'Neill CF10 1EP 12/03/1980", TODAY)
    assert parsed.names == ("sarah", "oneill")
    assert [(p.kind, p.value) for t in parsed.identifiers for p in t.probes] == [
        ("postcode", "CF101EP")
    ]
    assert parsed.date_of_birth == dt.date(1980, 3, 12)
    assert parsed.kinds == ("name", "postcode", "date_of_birth")


def test_a_phone_number_with_spaces_is_one_term_tried_as_phone_and_reference():
    (term,) = parse_query("07700 900123", TODAY).identifiers
    assert {(p.kind, p.value) for p in term.probes} == {
        ("phone", "447700900123"),
        ("reference", "07700900123"),
    }


def test_a_long_number_is_tried_as_a_uprn_and_half_a_postcode_as_a_prefix():
    (uprn,) = parse_query("100023336956", TODAY).identifiers
    assert ("uprn", "100023336956") in {(p.kind, p.value) for p in uprn.probes}
    (outward,) = parse_query("cf10", TODAY).identifiers
    assert any(p.kind == "postcode" and p.prefix for p in outward.probes)


def test_an_email_and_a_two_digit_year_are_understood():
    parsed = parse_query("sarah@example.com 1/2/03", TODAY)
    assert parsed.identifiers[0].probes[0].value == "sarah@example.com"
    assert parsed.date_of_birth == dt.date(2003, 2, 1)
    assert parse_query("1/2/99", TODAY).date_of_birth == dt.date(1999, 2, 1)
    assert parse_query("   ", TODAY).empty


def test_an_exact_name_outranks_a_typo_which_outranks_a_sound_alike_and_a_prefix():
    assert token_score("smith", "smith") > token_score("smith", "smiht")
    assert token_score("smith", "smiht") > token_score("smyth", "smithe")
    assert token_score("jon", "jonathan") > 0
    assert token_score("j", "jane") > 0 and token_score("j", "mary") == 0
    ranked = rank(
        ["sarah", "jones"],
        [
            Candidate(1, given_name="Sara", family_name="Jones"),
            Candidate(2, given_name="Sarah", family_name="Jones"),
            Candidate(3, given_name="Sarah", family_name="Johns"),
        ],
    )
    assert [c.party_id for _, c in ranked] == [2, 1, 3]
