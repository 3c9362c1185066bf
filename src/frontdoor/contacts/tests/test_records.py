"""The interchange format's parsing and rejection rules (contact-records-and-kpis.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.contacts.records import (
    CatalogueLookup,
    RecordValidator,
    Rejection,
    ServiceEntry,
    ValidRecord,
)

pytestmark = pytest.mark.no_db

CATALOGUE = CatalogueLookup(
    services={
        "council-tax": ServiceEntry(pk=1, default_queue_pk=10, default_sensitivity="normal"),
        "homelessness": ServiceEntry(pk=2, default_queue_pk=11, default_sensitivity="restricted"),
    },
    queues={"council-tax": 10, "housing": 11},
)
VALID = {
    "contact_id": "c1",
    "channel": "phone",
    "service": "council-tax",
    "offered_at": "2026-01-05T09:00:00",
    "outcome": "answered",
    "wait_seconds": "12.5",
}


def validate(**changes: str) -> ValidRecord | list[Rejection]:
    validator = RecordValidator(catalogue=CATALOGUE, time_zone="Europe/London")
    return validator.validate(2, {**VALID, **changes})


def reasons(result: ValidRecord | list[Rejection]) -> dict[str, str]:
    assert isinstance(result, list), f"expected a rejection, got {result}"
    return {r.column: r.reason for r in result}


def test_a_valid_record_gives_only_the_values_it_holds():
    result = validate()
    assert isinstance(result, ValidRecord)
    assert (result.source, result.contact_id) == ("import", "c1")
    assert result.values == {
        "channel": "phone",
        "outcome": "answered",
        "service_id": 1,
        "offered_at": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
        "wait_seconds": 12.5,
    }


def test_values_are_trimmed_and_enumerations_and_booleans_ignore_case():
    result = validate(channel="  PHONE ", outcome="Answered", email_known="YES", retracted="0")
    assert isinstance(result, ValidRecord)
    assert result.values["channel"] == "phone"
    assert result.values["email_known"] is True
    assert result.values["retracted"] is False


def test_a_naive_time_is_local_and_an_offset_is_respected():
    summer = validate(offered_at="2026-07-01T09:00:00")
    offset = validate(offered_at="2026-07-01T09:00:00+02:00")
    assert summer.values["offered_at"] == dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert offset.values["offered_at"] == dt.datetime(2026, 7, 1, 7, 0, tzinfo=dt.UTC)


def test_an_ambiguous_autumn_time_takes_its_first_occurrence():
    result = validate(offered_at="2026-10-25T01:30:00")
    # 01:30 happens twice on 25 October 2026; the first is still BST (00:30 UTC).
    assert result.values["offered_at"] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)


def test_a_time_inside_the_spring_gap_is_rejected():
    assert (
        "clocks went forward" in reasons(validate(offered_at="2026-03-29T01:30:00"))["offered_at"]
    )


def test_a_date_without_a_time_is_rejected():
    assert reasons(validate(offered_at="2026-01-05"))["offered_at"].startswith("must be an ISO")


@pytest.mark.parametrize("bad", ["inf", "nan", "-1", "1e3", "12,5", "604800.1"])
def test_numbers_must_be_plain_decimals_within_a_week(bad):
    assert "wait_seconds" in reasons(validate(wait_seconds=bad))


def test_a_week_of_seconds_is_the_largest_allowed():
    assert validate(wait_seconds="604800").values["wait_seconds"] == 604800.0


def test_wait_is_required_for_answered_and_abandoned_calls_and_chats_but_not_from_the_desktop():
    assert "wait_seconds" in reasons(validate(wait_seconds=""))
    assert "wait_seconds" in reasons(validate(wait_seconds="", channel="webchat"))
    assert isinstance(validate(wait_seconds="", channel="email"), ValidRecord)
    assert isinstance(validate(wait_seconds="", outcome="callback"), ValidRecord)
    assert isinstance(validate(wait_seconds="", source="desktop"), ValidRecord)


def test_a_failure_demand_type_with_failure_demand_false_is_rejected_and_alone_means_true():
    assert "failure_demand_type" in reasons(
        validate(failure_demand="false", failure_demand_type="chasing")
    )
    alone = validate(failure_demand_type="chasing")
    assert alone.values["failure_demand"] is True
    assert alone.values["failure_demand_type"] == "chasing"


@pytest.mark.parametrize(
    ("given", "stored"), [("good", "good"), ("POOR", "poor"), ("5", "5"), ("1", "1")]
)
def test_csat_takes_words_or_whole_numbers_from_one_to_five(given, stored):
    assert validate(csat=given).values["csat"] == stored


@pytest.mark.parametrize("bad", ["4.0", "0", "6", "great"])
def test_csat_rejects_decimals_out_of_range_numbers_and_other_words(bad):
    assert "csat" in reasons(validate(csat=bad))


def test_an_unknown_service_or_queue_is_rejected_with_its_value():
    found = reasons(validate(service="dog-walking", queue="nowhere"))
    assert found["service"] == "'dog-walking' is not a service in the catalogue"
    assert found["queue"] == "'nowhere' is not a queue in the catalogue"


def test_every_problem_of_a_record_is_reported_with_its_row_number():
    result = validate(channel="pigeon", outcome="", contact_id="", csat="9")
    assert isinstance(result, list)
    assert {r.column for r in result} == {"channel", "outcome", "contact_id", "csat"}
    assert {r.row_number for r in result} == {2}
    assert str(result[0]).startswith("row 2, column ")


def test_overlong_identity_and_text_values_are_rejected():
    found = reasons(validate(contact_id="x" * 101, source="s" * 51, wrap_code="w" * 101))
    assert set(found) == {"contact_id", "source", "wrap_code"}


def test_empty_values_are_absent_so_a_reimport_leaves_stored_values():
    result = validate(resolution="", csat="  ", citizen_ref="")
    assert not {"resolution", "csat", "citizen_ref"} & set(result.values)
