"""A case's dates are recomputed from its clock events, under the policy it was opened with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from frontdoor.cases.actions import (
    do_assign,
    do_record_clock_event,
    do_start_stage_two,
)
from frontdoor.cases.models import CaseClockEvent, ClockEventError, ClockStatus
from frontdoor.cases.selectors import SETTINGS_KEY

D = dt.date


@freeze_time("2026-01-05 10:00")
def test_a_complaint_from_a_contact_is_received_on_the_contacts_date(
    setup, make_contact, open_case
):
    contact = make_contact(dt.datetime(2026, 1, 2, 16, 0, tzinfo=dt.UTC))
    case = open_case(contact=contact, received_on=D(2026, 1, 5))
    assert case.received_on == D(2026, 1, 2)  # the contact's date, not the day it was opened
    assert case.opened_from == contact
    # hos-lgsco-2024 stage 1: acknowledge within 5 working days of receipt...
    assert case.acknowledge_by == D(2026, 1, 9)
    # ...and answer within 10 of the last day allowed for the acknowledgement.
    assert case.due == D(2026, 1, 23)
    assert case.policy["name"] == "hos-lgsco-2024"
    assert len(case.policy["stages"]) == 2


def test_the_received_date_is_the_contacts_local_date_not_utc(setup, make_contact, open_case):
    # 23:30 UTC on Saturday 6 June is 00:30 on Sunday 7 June in London (summer time).
    with freeze_time("2026-06-08 09:00"):
        contact = make_contact(dt.datetime(2026, 6, 6, 23, 30, tzinfo=dt.UTC))
        case = open_case(contact=contact)
    assert case.received_on == D(2026, 6, 7)


def test_acknowledging_early_brings_the_due_date_forward(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
    with freeze_time("2026-01-07 10:00"):
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 7))
    case.refresh_from_db()
    assert case.acknowledged_on == D(2026, 1, 7)
    assert case.acknowledgement_status == ClockStatus.MET
    assert case.due == D(2026, 1, 21)  # 10 working days after the acknowledgement


def test_a_late_acknowledgement_is_a_breach_and_buys_no_time(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
    assert case.acknowledge_by == D(2026, 1, 12)
    with freeze_time("2026-01-14 10:00"):
        do_record_clock_event(
            actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 14)
        )
    case.refresh_from_db()
    assert case.acknowledgement_status == ClockStatus.BREACHED
    # Counted from the last day allowed (12 January), not from the late acknowledgement.
    assert case.due == D(2026, 1, 26)
    with freeze_time("2026-01-20 10:00"):
        do_record_clock_event(actor=setup.officer, case=case, kind="responded", on=D(2026, 1, 20))
    case.refresh_from_db()
    assert case.responded_on == D(2026, 1, 20)
    assert case.clock_status == ClockStatus.MET
    assert case.acknowledgement_status == ClockStatus.BREACHED


def test_a_response_after_the_due_date_is_breached(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 5))
    case.refresh_from_db()
    assert case.due == D(2026, 1, 19)
    with freeze_time("2026-01-21 10:00"):
        do_record_clock_event(actor=setup.officer, case=case, kind="responded", on=D(2026, 1, 21))
    case.refresh_from_db()
    assert case.clock_status == ClockStatus.BREACHED


def test_an_extension_needs_a_reason_and_stays_within_the_cap(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 5))
        with pytest.raises(ValidationError, match="reason"):
            do_record_clock_event(
                actor=setup.officer, case=case, kind="extended", on=D(2026, 1, 5), amount=5
            )
        with pytest.raises(ValidationError, match="at most 10 working days"):
            do_record_clock_event(
                actor=setup.officer,
                case=case,
                kind="extended",
                on=D(2026, 1, 5),
                amount=11,
                note="Surveyor's report needed",
            )
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="extended",
            on=D(2026, 1, 5),
            amount=5,
            note="Surveyor's report needed",
        )
    case.refresh_from_db()
    assert case.due == D(2026, 1, 26)  # 19 January plus 5 working days


def test_a_procedure_change_never_moves_an_open_cases_dates(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
    setup.council.settings = {SETTINGS_KEY: {"complaint_procedure": "spso-mchp"}}
    setup.council.save()
    with freeze_time("2026-01-06 10:00"):
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 6))
    case.refresh_from_db()
    assert case.policy["name"] == "hos-lgsco-2024"
    assert case.due == D(2026, 1, 20)  # still 10 working days after the acknowledgement
    with freeze_time("2026-01-06 10:00"):
        newer = open_case(received_on=D(2026, 1, 6))
    assert newer.policy["name"] == "spso-mchp"
    assert newer.due == D(2026, 1, 13)  # the SPSO's 5 working days from receipt


def test_stage_two_is_answered_by_someone_other_than_the_stage_one_handler(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 5))
    with freeze_time("2026-01-09 10:00"):
        do_record_clock_event(actor=setup.officer, case=case, kind="responded", on=D(2026, 1, 9))
    case.refresh_from_db()
    assert case.stage_1_handler == setup.officer
    with freeze_time("2026-01-16 10:00"):
        case = do_start_stage_two(actor=setup.leader, case=case, requested_on=D(2026, 1, 15))
        assert case.stage == 2
        assert case.owner is None  # the stage 1 handler no longer owns it
        assert case.acknowledge_by == D(2026, 1, 22)  # 5 working days from the stage 2 request
        assert case.responded_on is None
        with pytest.raises(ValidationError, match="other than the stage 1 handler"):
            do_assign(actor=setup.leader, case=case, owner=setup.officer)
        with pytest.raises(ValidationError, match="other than the stage 1 handler"):
            do_record_clock_event(
                actor=setup.officer, case=case, kind="responded", on=D(2026, 1, 16)
            )
        do_assign(actor=setup.leader, case=case, owner=setup.colleague)
        do_record_clock_event(
            actor=setup.colleague, case=case, kind="acknowledged", on=D(2026, 1, 16)
        )
        do_record_clock_event(actor=setup.colleague, case=case, kind="responded", on=D(2026, 1, 16))
    case.refresh_from_db()
    assert case.clock_status == ClockStatus.MET
    # Stage 1's events stay on the record.
    assert CaseClockEvent.objects.filter(case=case, stage=1).count() == 2


def test_a_subject_access_clock_pauses_for_clarification(setup, open_case):
    with freeze_time("2026-03-02 10:00"):
        case = open_case("sar", received_on=D(2026, 3, 2))
    assert case.due == D(2026, 4, 2)  # one calendar month
    with freeze_time("2026-03-10 10:00"):
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="wait-started",
            reason="clarification",
            on=D(2026, 3, 10),
        )
    case.refresh_from_db()
    assert case.waiting_for == "clarification"
    assert case.due is None
    assert case.clock_status == ClockStatus.WAITING
    with freeze_time("2026-03-12 10:00"):
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="wait-ended",
            reason="clarification",
            on=D(2026, 3, 12),
        )
    case.refresh_from_db()
    # Three days uncounted (10, 11 and 12 March): 5 April is a Sunday, then Easter Monday.
    assert case.due == D(2026, 4, 7)


def test_a_wait_the_policy_does_not_know_is_refused(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        with pytest.raises(ValidationError, match="does not stop for"):
            do_record_clock_event(
                actor=setup.officer, case=case, kind="wait-started", reason="fee", on=D(2026, 1, 5)
            )


def test_clock_events_are_append_only(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        event = do_record_clock_event(
            actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 5)
        )
    event.on = D(2026, 1, 4)
    with pytest.raises(ClockEventError):
        event.save()
    with pytest.raises(ClockEventError):
        event.delete()


def test_future_dates_and_dates_before_receipt_are_refused(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        with pytest.raises(ValidationError, match="today or in the past"):
            do_record_clock_event(
                actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 6)
            )
        with pytest.raises(ValidationError, match="on or after"):
            do_record_clock_event(
                actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 2)
            )


def test_an_agent_cannot_record_clock_events(setup, open_case):
    from django.core.exceptions import PermissionDenied

    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        with pytest.raises(PermissionDenied):
            do_record_clock_event(
                actor=setup.agent, case=case, kind="acknowledged", on=D(2026, 1, 5)
            )


def test_compliments_keep_no_clock(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case("compliment", received_on=D(2026, 1, 5))
    assert case.policy["stages"] == []
    assert case.due is None and case.clock_status == ClockStatus.NO_CLOCK


def test_a_service_request_takes_the_standard_named_after_its_service(setup, open_case):
    setup.council.settings = {
        SETTINGS_KEY: {"standards": {"housing": {"amount": 3, "unit": "working-days"}}}
    }
    setup.council.save()
    with freeze_time("2026-01-05 10:00"):
        case = open_case("service-request", received_on=D(2026, 1, 5))
        other = open_case(
            "service-request",
            received_on=D(2026, 1, 5),
            service=setup.repairs_service,
            owner_team=setup.repairs,
            owner=None,
        )
    assert case.due == D(2026, 1, 8)
    assert other.due is None  # Repairs has no standard set, and the type names none
