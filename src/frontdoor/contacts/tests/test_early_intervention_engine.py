"""The early-intervention engine: pure functions of a rule and a person's contacts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.contacts.engine.early_intervention import (
    ContactFact,
    RuleSpec,
    decide,
    evaluate,
    fold_code,
    on_topic,
)

pytestmark = pytest.mark.no_db

NOW = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
MONEY = RuleSpec(
    key=1,
    services=frozenset({"benefits", "welfare-support"}),
    families=frozenset({"welfare-support"}),
    wrap_codes=frozenset({"rent-arrears", "council-tax-arrears"}),
    min_contacts=2,
    within_days=30,
    across_services=True,
)


def fact(pk, days_ago, service="benefits", wrap="", family=None):
    return ContactFact(
        id=pk,
        offered_at=NOW - dt.timedelta(days=days_ago),
        service_id=service,
        family_id=family,
        wrap_code=wrap,
    )


def test_two_money_contacts_across_services_within_30_days_fire_the_rule():
    contacts = [
        fact(1, 20, "rents", "rent-arrears"),
        fact(2, 3, "council-tax", "Council Tax Arrears"),
    ]
    trigger = evaluate(MONEY, contacts, now=NOW)
    assert trigger is not None
    assert trigger.contact_ids == (1, 2) and trigger.services == ("rents", "council-tax")


def test_the_same_service_twice_does_not_fire_a_rule_across_services():
    assert evaluate(MONEY, [fact(1, 5), fact(2, 4)], now=NOW) is None
    alone = RuleSpec(key=2, services=frozenset({"benefits"}), across_services=False)
    assert evaluate(alone, [fact(1, 5), fact(2, 4)], now=NOW) is not None


def test_contacts_older_than_the_window_or_off_the_topic_do_not_count():
    old = [fact(1, 31, "rents", "rent-arrears"), fact(2, 1)]
    assert evaluate(MONEY, old, now=NOW) is None
    off_topic = [fact(1, 2, "rents", "repair-request"), fact(2, 1)]
    assert evaluate(MONEY, off_topic, now=NOW) is None
    future = [fact(1, -1, "rents", "rent-arrears"), fact(2, 1)]
    assert evaluate(MONEY, future, now=NOW) is None


def test_a_family_on_the_topic_counts_every_service_in_it():
    contacts = [
        fact(1, 2, "food-bank", family="welfare-support"),
        fact(2, 1, "rents", "rent-arrears"),
    ]
    assert evaluate(MONEY, contacts, now=NOW) is not None


def test_wrap_codes_are_compared_without_case_spaces_or_punctuation():
    assert fold_code("Rent_Arrears ") == fold_code("rent-arrears") == "rentarrears"
    assert on_topic(MONEY, fact(1, 1, "rents", "RENT ARREARS"))


def test_contacts_of_earlier_prompts_never_count_again():
    contacts = [fact(1, 3, "rents", "rent-arrears"), fact(2, 2)]
    assert evaluate(MONEY, contacts, now=NOW, used=frozenset({1})) is None
    more = [*contacts, fact(3, 1, "council-tax", "council-tax-arrears")]
    trigger = evaluate(MONEY, more, now=NOW, used=frozenset({1}))
    assert trigger is not None and trigger.contact_ids == (2, 3)


def test_with_an_open_prompt_new_contacts_join_it_rather_than_raising_another():
    contacts = [fact(1, 3, "rents", "rent-arrears"), fact(2, 2), fact(3, 1)]
    decision = decide(MONEY, contacts, now=NOW, open_prompt=frozenset({1, 2}))
    assert decision.raise_new is None and decision.extend == (3,)
    nothing = decide(MONEY, contacts[:2], now=NOW, open_prompt=frozenset({1, 2}))
    assert nothing.raise_new is None and nothing.extend == ()


def test_a_rule_without_a_topic_matches_nothing_and_bad_sizes_are_refused():
    assert (
        evaluate(RuleSpec(key=3, across_services=False), [fact(1, 1), fact(2, 1)], now=NOW) is None
    )
    with pytest.raises(ValueError):
        RuleSpec(key=4, min_contacts=0)
    with pytest.raises(ValueError):
        RuleSpec(key=5, within_days=0)


contact_facts = st.lists(
    st.builds(
        fact,
        pk=st.integers(1, 10_000),
        days_ago=st.floats(-5, 60, allow_nan=False),
        service=st.sampled_from(["benefits", "rents", "council-tax", "waste", "welfare-support"]),
        wrap=st.sampled_from(["", "rent-arrears", "council-tax-arrears", "missed-bin"]),
    ),
    max_size=12,
    unique_by=lambda c: c.id,
)


@settings(max_examples=300, deadline=None)
@given(contacts=contact_facts, used=st.frozensets(st.integers(1, 10_000), max_size=5))
def test_a_trigger_is_exactly_the_unused_on_topic_contacts_of_the_window(contacts, used):
    trigger = evaluate(MONEY, contacts, now=NOW, used=used)
    counted = [
        c
        for c in contacts
        if c.id not in used
        and NOW - dt.timedelta(days=30) <= c.offered_at <= NOW
        and on_topic(MONEY, c)
    ]
    fires = len(counted) >= 2 and len({c.service_id for c in counted}) >= 2
    assert (trigger is not None) == fires
    if trigger is not None:
        assert set(trigger.contact_ids) == {c.id for c in counted}
        assert not set(trigger.contact_ids) & used
        times = [next(c for c in contacts if c.id == i).offered_at for i in trigger.contact_ids]
        assert times == sorted(times)
