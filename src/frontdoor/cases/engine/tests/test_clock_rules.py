"""What a clock's history may contain, and met / breached / due soon."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.cases.engine.clocks import (
    ClockCalendar,
    ClockError,
    OutsideCalendarError,
    Status,
    acknowledged,
    acknowledgement_status,
    add_months,
    clock_status,
    compute_clock,
    deadline_status,
    extended,
    responded,
    wait_ended,
    wait_started,
)
from frontdoor.cases.engine.due_date import policy_for
from frontdoor.cases.engine.policies import (
    BLANK,
    HOS_LGSCO_2024,
    SPSO_MCHP,
    ClockSettings,
    WaitReason,
)

from .calendars import GOVUK_UNTIL, calendar_for

pytestmark = pytest.mark.no_db

D = dt.date
EW, SCO = "england-and-wales", "scotland"
SETTINGS = ClockSettings(complaint_procedure="hos-lgsco-2024")


def clock_of(clock_type, received, *events, division=EW, policy=None):
    clock_policy = policy_for(clock_type, division=division, settings=SETTINGS, policy=policy)
    return compute_clock(
        clock_policy, received, events, calendar_for(clock_policy.calendar, division)
    )


def england():
    return calendar_for(HOS_LGSCO_2024.stage(1).calendar, EW).working


# Month arithmetic ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 3, D(2025, 4, 30)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 8, 31), 0, D(2025, 8, 31)),
    ],
)
def test_a_calendar_month_is_the_same_date_or_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


# Waits --------------------------------------------------------------------------------------------


def test_an_open_wait_stops_the_clock_until_the_answer_arrives():
    clock = clock_of("foi", D(2026, 1, 12), wait_started(WaitReason.FEE, D(2026, 1, 15)))
    assert clock.due is None and clock.waiting_for is WaitReason.FEE
    assert clock.waiting_since == D(2026, 1, 15)
    status = clock_status(clock, today=D(2026, 3, 1), calendar=england())
    assert status is Status.WAITING  # not overdue: the requester has the ball


def test_the_uncounted_days_are_reported_in_the_clocks_own_unit():
    foi = clock_of(
        "foi",
        D(2026, 1, 12),
        wait_started(WaitReason.FEE, D(2026, 1, 15)),
        wait_ended(WaitReason.FEE, D(2026, 1, 20)),
    )
    assert foi.uncounted_days == 4  # Thu 15, Fri 16, Mon 19, Tue 20: working days
    sar = clock_of(
        "sar",
        D(2025, 3, 3),
        wait_started(WaitReason.CLARIFICATION, D(2025, 3, 10)),
        wait_ended(WaitReason.CLARIFICATION, D(2025, 3, 14)),
    )
    assert sar.uncounted_days == 5  # calendar days, both ends included


def test_a_fee_notice_after_the_due_date_cannot_stop_the_clock():
    with pytest.raises(ClockError, match="too late to stop the clock"):
        clock_of("foi", D(2026, 1, 12), wait_started(WaitReason.FEE, D(2026, 2, 10)))


def test_a_fee_notice_on_the_due_date_itself_still_stops_it():
    # Due Mon 9 Feb; notice that day, paid Wed 11 Feb: one working day was left, Thu 12 Feb.
    clock = clock_of(
        "foi",
        D(2026, 1, 12),
        wait_started(WaitReason.FEE, D(2026, 2, 9)),
        wait_ended(WaitReason.FEE, D(2026, 2, 11)),
    )
    assert clock.due == D(2026, 2, 12)


def test_a_clock_stops_only_for_what_its_policy_allows():
    with pytest.raises(ClockError, match="does not stop for clarification"):
        clock_of("complaint-stage-1", D(2026, 1, 12), wait_started("clarification", D(2026, 1, 13)))
    with pytest.raises(ClockError, match="does not stop for identity"):
        clock_of("foi", D(2026, 1, 12), wait_started(WaitReason.IDENTITY, D(2026, 1, 13)))


def test_an_answer_nobody_waited_for_is_refused():
    with pytest.raises(ClockError, match="was not being waited for"):
        clock_of("foi", D(2026, 1, 12), wait_ended(WaitReason.FEE, D(2026, 1, 13)))
    with pytest.raises(ClockError, match="was not being waited for"):
        clock_of(
            "sar",
            D(2026, 1, 12),
            wait_started(WaitReason.IDENTITY, D(2026, 1, 13)),
            wait_ended(WaitReason.FEE, D(2026, 1, 14)),
        )


def test_one_wait_at_a_time():
    with pytest.raises(ClockError, match="already waiting for identity"):
        clock_of(
            "sar",
            D(2026, 1, 12),
            wait_started(WaitReason.IDENTITY, D(2026, 1, 13)),
            wait_started(WaitReason.FEE, D(2026, 1, 14)),
        )


def test_a_response_while_waiting_ends_the_wait_and_meets_the_clock():
    clock = clock_of(
        "sar",
        D(2025, 3, 3),
        wait_started(WaitReason.CLARIFICATION, D(2025, 3, 10)),
        responded(D(2025, 4, 20)),
    )
    assert not clock.waiting and clock.uncounted_days == 42  # 10 Mar to 20 Apr
    assert clock_status(clock, today=D(2025, 5, 1), calendar=england()) is Status.MET


def test_a_restart_after_a_pause_discards_the_earlier_pause():
    # Clarification paused 10-14 Mar (5 days), then identity evidence restarted on 20 Mar:
    # the month runs from 20 Mar afresh (Easter Monday 21 Apr: Tue 22 Apr).
    clock = clock_of(
        "sar",
        D(2025, 3, 3),
        wait_started(WaitReason.CLARIFICATION, D(2025, 3, 10)),
        wait_ended(WaitReason.CLARIFICATION, D(2025, 3, 14)),
        wait_started(WaitReason.IDENTITY, D(2025, 3, 17)),
        wait_ended(WaitReason.IDENTITY, D(2025, 3, 20)),
    )
    assert (clock.started, clock.due, clock.uncounted_days) == (D(2025, 3, 20), D(2025, 4, 22), 0)


# Extensions ---------------------------------------------------------------------------------------


def test_complaint_extensions_are_capped_in_total():
    with pytest.raises(ClockError, match="at most 10 working days in all"):
        clock_of("complaint-stage-1", D(2026, 1, 12), extended(D(2026, 1, 20), "Survey", 11))
    with pytest.raises(ClockError, match=r"\(6 already\)"):
        clock_of(
            "complaint-stage-1",
            D(2026, 1, 12),
            extended(D(2026, 1, 20), "Survey", 6),
            extended(D(2026, 1, 21), "Contractor", 5),
        )
    two = clock_of(
        "complaint-stage-1",
        D(2026, 1, 12),
        extended(D(2026, 1, 20), "Survey", 6),
        extended(D(2026, 1, 21), "Contractor", 4),
    )
    assert (two.due, two.extended_by) == (D(2026, 2, 16), 10)


def test_an_extension_needs_a_reason_and_must_come_in_time():
    with pytest.raises(ClockError, match="reason recorded"):
        clock_of("complaint-stage-1", D(2026, 1, 12), extended(D(2026, 1, 20), "  ", 5))
    with pytest.raises(ClockError, match="due on 2026-02-02: too late to extend"):
        clock_of("complaint-stage-1", D(2026, 1, 12), extended(D(2026, 2, 3), "Late", 5))


def test_spso_stage_2_has_no_fixed_extension_cap():
    clock = clock_of(
        "complaint-stage-2",
        D(2025, 12, 24),
        extended(D(2026, 1, 20), "Revised timescale agreed with the customer", 30),
        division=SCO,
        policy="spso-mchp",
    )
    # Due Tue 27 Jan; 30 WD more: Jan 28-30 (3), Feb 2-27 (23), Mar 2-6 (28), 9-10 (30).
    assert clock.due == D(2026, 3, 10)
    assert SPSO_MCHP.stage(2).extension is not None and SPSO_MCHP.stage(2).extension.limit is None


def test_scottish_foi_has_no_public_interest_extension():
    with pytest.raises(ClockError, match="cannot be extended"):
        clock_of("foi", D(2026, 1, 12), extended(D(2026, 1, 20), "PIT", 20), division=SCO)


def test_a_total_extension_takes_no_amount_and_happens_once():
    with pytest.raises(ClockError, match="give no amount"):
        clock_of("eir", D(2026, 3, 2), extended(D(2026, 3, 5), "Complex", 20))
    with pytest.raises(ClockError, match="already extended"):
        clock_of(
            "eir",
            D(2026, 3, 2),
            extended(D(2026, 3, 5), "Complex"),
            extended(D(2026, 3, 6), "Again"),
        )


def test_an_add_extension_needs_an_amount():
    with pytest.raises(ClockError, match="how many more days"):
        clock_of("foi", D(2026, 1, 12), extended(D(2026, 1, 20), "PIT"))


# Order of events ----------------------------------------------------------------------------------


def test_events_before_the_receipt_or_after_the_response_are_refused():
    with pytest.raises(ClockError, match="before the receipt"):
        clock_of("foi", D(2026, 1, 12), acknowledged(D(2026, 1, 11)))
    with pytest.raises(ClockError, match="stopped at the response"):
        clock_of(
            "foi",
            D(2026, 1, 12),
            responded(D(2026, 1, 20)),
            wait_started(WaitReason.FEE, D(2026, 1, 21)),
        )


def test_acknowledged_twice_is_refused():
    with pytest.raises(ClockError, match="acknowledged twice"):
        clock_of(
            "complaint-stage-1",
            D(2026, 1, 12),
            acknowledged(D(2026, 1, 13)),
            acknowledged(D(2026, 1, 14)),
        )


def test_events_are_replayed_in_date_order():
    events = [
        wait_ended(WaitReason.FEE, D(2026, 1, 20)),
        wait_started(WaitReason.FEE, D(2026, 1, 15)),
    ]
    assert clock_of("foi", D(2026, 1, 12), *events).due == D(2026, 2, 13)


def test_dates_outside_the_bank_holiday_data_are_refused_not_guessed():
    with pytest.raises(OutsideCalendarError, match="outside the bank-holiday data"):
        clock_of("foi", D(2028, 12, 20))  # due in January 2029: beyond the cached GOV.UK data
    with pytest.raises(OutsideCalendarError):
        clock_of("sar", D(2011, 6, 1))


def test_a_date_after_govuk_data_is_provisional():
    calendar = calendar_for(HOS_LGSCO_2024.stage(1).calendar, EW)
    assert not calendar.is_provisional(GOVUK_UNTIL)
    assert calendar.is_provisional(GOVUK_UNTIL + dt.timedelta(days=1))
    assert ClockCalendar(working=calendar.working).is_provisional(D(2020, 1, 1))


def test_the_blank_procedure_has_no_clock():
    clock = clock_of("complaint-stage-1", D(2026, 1, 12), policy="blank")
    assert (clock.acknowledge_by, clock.due) == (None, None)
    assert clock_status(clock, today=D(2027, 1, 1), calendar=england()) is Status.NO_CLOCK
    assert BLANK.stage(2).respond is None


# Met, breached, due soon --------------------------------------------------------------------------


def test_met_by_the_end_of_the_due_date_and_breached_the_day_after():
    on_time = clock_of("foi", D(2025, 12, 1), responded(D(2025, 12, 31)))
    late = clock_of("foi", D(2025, 12, 1), responded(D(2026, 1, 2)))
    assert clock_status(on_time, today=D(2026, 2, 1), calendar=england()) is Status.MET
    assert clock_status(late, today=D(2026, 2, 1), calendar=england()) is Status.BREACHED


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 12, 22), Status.ON_TRACK),  # 22 Dec: 23, 24, 29, 30, 31 still to come
        (D(2025, 12, 24), Status.ON_TRACK),  # 29, 30, 31: three working days left
        (D(2025, 12, 26), Status.ON_TRACK),  # Boxing Day: 29, 30 and 31 are three to come
        (D(2025, 12, 29), Status.DUE_SOON),  # 30 and 31: within 2 working days
        (D(2025, 12, 31), Status.DUE_SOON),  # due today
        (D(2026, 1, 1), Status.OVERDUE),
    ],
)
def test_due_soon_counts_working_days_to_the_due_date(today, expected):
    clock = clock_of("foi", D(2025, 12, 1))  # due Wed 31 Dec 2025
    calendar = calendar_for(clock.policy.calendar, EW).working
    assert clock_status(clock, today=today, calendar=calendar) is expected


def test_due_soon_is_configurable():
    calendar = england()
    due = D(2026, 1, 15)
    assert deadline_status(due, None, today=D(2026, 1, 9), calendar=calendar) is Status.ON_TRACK
    assert (
        deadline_status(due, None, today=D(2026, 1, 9), calendar=calendar, due_soon_working_days=4)
        is Status.DUE_SOON
    )


def test_a_late_acknowledgement_is_its_own_breach():
    clock = clock_of("complaint-stage-1", D(2026, 1, 12), acknowledged(D(2026, 1, 23)))
    calendar = england()
    assert acknowledgement_status(clock, today=D(2026, 1, 23), calendar=calendar) is (
        Status.BREACHED
    )
    assert clock_status(clock, today=D(2026, 1, 23), calendar=calendar) is Status.ON_TRACK
    unacknowledged = clock_of("complaint-stage-1", D(2026, 1, 12))
    assert acknowledgement_status(unacknowledged, today=D(2026, 1, 20), calendar=calendar) is (
        Status.OVERDUE
    )
