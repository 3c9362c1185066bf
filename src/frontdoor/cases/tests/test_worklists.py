"""Worklists: overdue and due-soon cases per team and per person, next deadline first."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from frontdoor.cases.actions import do_record_clock_event
from frontdoor.cases.models import ClockStatus
from frontdoor.cases.selectors import team_totals, worklist

D = dt.date


@pytest.fixture
def cases(setup, open_case):
    """Complaints received on different days, owned by the officer, the colleague or no one."""
    with freeze_time("2026-01-05 10:00"):
        late = open_case(received_on=D(2026, 1, 5))  # acknowledge by 12 January
    with freeze_time("2026-01-12 10:00"):
        soon = open_case(received_on=D(2026, 1, 12), owner=setup.colleague)  # by 19 January
        later = open_case(received_on=D(2026, 1, 12), owner=None)
        do_record_clock_event(
            actor=setup.officer, case=later, kind="acknowledged", on=D(2026, 1, 12)
        )
    with freeze_time("2026-01-14 10:00"):
        elsewhere = open_case(
            received_on=D(2026, 1, 14), owner=setup.fixer, owner_team=setup.repairs
        )
    return {"late": late, "soon": soon, "later": later, "elsewhere": elsewhere}


@freeze_time("2026-01-15 10:00")
def test_the_overdue_list_shows_missed_acknowledgements_of_the_team(setup, cases):
    overdue = worklist(setup.leader, setup.council, "overdue")
    assert [row.case for row in overdue.rows] == [cases["late"]]
    row = overdue.rows[0]
    assert (row.deadline, row.deadline_kind, row.status) == (
        D(2026, 1, 12),
        "acknowledge",
        ClockStatus.OVERDUE,
    )
    mine = worklist(setup.officer, setup.council, "overdue", mine_only=True)
    assert [row.case for row in mine.rows] == [cases["late"]]
    assert worklist(setup.colleague, setup.council, "overdue", mine_only=True).rows == []
    assert worklist(setup.fixer, setup.council, "overdue").rows == []


@freeze_time("2026-01-15 10:00")
def test_due_soon_is_within_two_working_days(setup, cases):
    # Thursday 15 January: due soon runs to Monday 19 January (Friday, then the weekend, then
    # Monday is the second working day).
    due_soon = worklist(setup.leader, setup.council, "due-soon")
    assert due_soon.due_soon_until == D(2026, 1, 19)
    assert [row.case for row in due_soon.rows] == [cases["soon"]]
    assert due_soon.rows[0].status == ClockStatus.DUE_SOON


@freeze_time("2026-01-15 10:00")
def test_counts_per_team_and_person(setup, cases):
    counts = worklist(setup.leader, setup.council, "overdue").counts
    by_person = {(c.team, c.owner): (c.overdue, c.due_soon) for c in counts}
    assert by_person == {
        ("Housing team", "Omar Officer"): (1, 0),
        ("Housing team", "Cara Colleague"): (0, 1),
    }
    assert [(t.team, t.overdue, t.due_soon) for t in team_totals(counts)] == [
        ("Housing team", 1, 1)
    ]


@freeze_time("2026-01-15 10:00")
def test_my_cases_and_my_teams_cases(setup, cases):
    assert {row.case for row in worklist(setup.officer, setup.council, "mine").rows} == {
        cases["late"]
    }
    team = worklist(setup.officer, setup.council, "team")
    assert {row.case for row in team.rows} == {cases["late"], cases["soon"], cases["later"]}
    # Next deadline first.
    assert team.rows[0].case == cases["late"]
    only = worklist(setup.fixer, setup.council, "team", team_id=setup.repairs.pk)
    assert [row.case for row in only.rows] == [cases["elsewhere"]]


@freeze_time("2026-01-15 10:00")
def test_a_closed_or_waiting_case_is_not_overdue(setup, open_case, cases):
    with freeze_time("2026-01-15 10:00"):
        sar = open_case("sar", received_on=D(2025, 12, 1))
        do_record_clock_event(
            actor=setup.officer, case=sar, kind="wait-started", reason="identity", on=D(2025, 12, 2)
        )
    overdue = worklist(setup.leader, setup.council, "overdue")
    assert sar not in [row.case for row in overdue.rows]
