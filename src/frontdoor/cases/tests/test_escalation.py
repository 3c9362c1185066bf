"""The daily check marks breaches and escalates each missed deadline once to the team's leader."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from freezegun import freeze_time

from frontdoor.cases.actions import do_check_case_clocks, do_record_clock_event
from frontdoor.cases.models import CaseEscalation, CaseEvent, ClockStatus
from frontdoor.cases.selectors import worklist

D = dt.date


def test_a_missed_acknowledgement_is_escalated_once_to_the_teams_leader(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
    with freeze_time("2026-01-13 07:00"):
        first = do_check_case_clocks(council=setup.council)
        second = do_check_case_clocks(council=setup.council)
    assert first.escalated == 1 and second.escalated == 0
    assert second.status_changed == 0
    escalation = CaseEscalation.objects.get(case=case)
    assert (escalation.deadline, escalation.due_on, escalation.team) == (
        "acknowledge",
        D(2026, 1, 12),
        setup.housing,
    )
    assert list(escalation.escalated_to.all()) == [setup.leader]
    case.refresh_from_db()
    assert case.acknowledgement_status == ClockStatus.OVERDUE
    assert case.clock_checked_on == D(2026, 1, 13)
    assert CaseEvent.objects.filter(case=case, kind="escalation").count() == 1
    with freeze_time("2026-01-13 09:00"):
        escalated = worklist(setup.leader, setup.council, "overdue").escalated
    assert [row.case for row in escalated] == [case]


def test_a_missed_response_is_escalated_again_after_an_extension_is_missed(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(actor=setup.officer, case=case, kind="acknowledged", on=D(2026, 1, 5))
    with freeze_time("2026-01-16 10:00"):
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="extended",
            on=D(2026, 1, 16),
            amount=2,
            note="Waiting for the contractor",
        )
    case.refresh_from_db()
    assert case.due == D(2026, 1, 21)
    with freeze_time("2026-01-22 07:00"):
        assert do_check_case_clocks(council=setup.council).escalated == 1
        assert do_check_case_clocks(council=setup.council).escalated == 0
    case.refresh_from_db()
    assert case.clock_status == ClockStatus.OVERDUE
    assert CaseEscalation.objects.get(case=case).due_on == D(2026, 1, 21)


def test_the_check_marks_due_soon_and_leaves_answered_cases_alone(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        answered = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(
            actor=setup.officer, case=answered, kind="acknowledged", on=D(2026, 1, 5)
        )
        do_record_clock_event(
            actor=setup.officer, case=answered, kind="responded", on=D(2026, 1, 5)
        )
    with freeze_time("2026-01-09 07:00"):
        do_check_case_clocks(council=setup.council)
    case.refresh_from_db()
    answered.refresh_from_db()
    assert case.acknowledgement_status == ClockStatus.DUE_SOON
    assert answered.clock_status == ClockStatus.MET
    assert not CaseEscalation.objects.exists()


def test_the_command_reports_what_it_did(setup, open_case):
    with freeze_time("2026-01-05 10:00"):
        open_case(received_on=D(2026, 1, 5))
    out = io.StringIO()
    with freeze_time("2026-01-13 07:00"):
        call_command("check_case_clocks", "--council", setup.council.slug, stdout=out)
        call_command("check_case_clocks", "--council", setup.council.slug, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines == [
        "northshire: 1 open cases checked, 1 statuses changed, 1 deadlines escalated",
        "northshire: 1 open cases checked, 0 statuses changed, 0 deadlines escalated",
    ]
