"""Opening a merged record's reference: whether it was merged is read with the record itself
(nothing more when it was not), and a merged one costs one more read, for its survivor's
reference, however long the chain of merges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdoor.citizens import merging
from frontdoor.citizens.policies import require_read_people
from frontdoor.citizens.selectors import MergedAway, open_party

BORN = dt.date(1980, 3, 12)


@pytest.fixture
def pair(council, make_person, ig_officer):
    survivor = make_person("Sarah", "Jones", born=BORN, postcode="CF10 1EP")
    merged = make_person("Sara", "Jones", born=BORN, phone="07700 900123")
    merging.do_merge_parties(actor=ig_officer, survivor=survivor, merged=merged)
    return survivor, merged


def test_opening_a_record_never_merged_reads_it_once(
    council, agent, make_person, django_assert_num_queries
):
    person = make_person("Tom", "Price", born=BORN)
    require_read_people(agent, council)  # the agent's permissions, read once per request
    with django_assert_num_queries(1):
        opened = open_party(agent, person.reference, council=council, log=False, follow_merges=True)
    assert opened == person


def test_a_merged_reference_names_its_survivor_in_one_more_read(
    council, agent, pair, django_assert_num_queries
):
    survivor, merged = pair
    require_read_people(agent, council)
    with django_assert_num_queries(2), pytest.raises(MergedAway) as raised:
        open_party(agent, merged.reference, council=council, follow_merges=True)
    assert raised.value.survivor == survivor.reference


def test_a_chain_of_merges_is_followed_in_the_same_read(
    council, agent, pair, make_person, ig_officer, django_assert_num_queries
):
    survivor, merged = pair
    last = make_person("Sarah", "Jones", born=BORN, email="sarah@example.com")
    merging.do_merge_parties(actor=ig_officer, survivor=last, merged=survivor)
    require_read_people(agent, council)
    with django_assert_num_queries(2), pytest.raises(MergedAway) as raised:
        open_party(agent, merged.reference, council=council, follow_merges=True)
    assert raised.value.survivor == last.reference


def test_an_undone_merge_opens_the_record_again(council, agent, pair, ig_officer):
    _survivor, merged = pair
    merge = merging.active_merge_of(merged)
    merging.do_unmerge_parties(actor=ig_officer, merge=merge)
    assert open_party(agent, merged.reference, council=council, follow_merges=True) == merged


def test_a_merged_records_page_and_its_forms_go_to_the_last_survivor(
    client, council, agent, pair, make_person, ig_officer
):
    survivor, merged = pair
    last = make_person("Sarah", "Jones", born=BORN, email="sarah@example.com")
    merging.do_merge_parties(actor=ig_officer, survivor=last, merged=survivor)
    client.force_login(agent)
    page = client.get(reverse("citizens:person", args=[merged.reference]))
    assert page.status_code == 302
    assert page["Location"] == reverse("citizens:person", args=[last.reference])
    # A form page works on the survivor (nothing is recorded against a merged record).
    form = client.get(reverse("citizens:log-contact", args=[merged.reference]))
    assert form.status_code == 200 and last.reference in form.content.decode()
