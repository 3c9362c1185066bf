"""Handovers: a case passed to a service team is accepted or bounced back with a reason, and
every handover, bounce and re-route is counted per service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from frontdoor.cases.actions import (
    do_accept_handover,
    do_bounce_handover,
    do_change_status,
    do_hand_over,
)
from frontdoor.cases.models import CaseEvent, HandoverStatus
from frontdoor.cases.selectors import handover_inbox, handover_report

D = dt.date


@pytest.fixture
def from_the_centre(setup, open_case):
    with freeze_time("2026-02-02 09:00"):
        return open_case("service-request", actor=setup.agent, owner_team=setup.centre, owner=None)


def test_a_bounced_handover_goes_back_to_the_sender_and_a_re_route_is_counted(
    setup, from_the_centre
):
    case = from_the_centre
    with freeze_time("2026-02-02 09:10"):
        first = do_hand_over(
            actor=setup.agent, case=case, to_team=setup.housing, note="Leak under the sink"
        )
    case.refresh_from_db()
    assert case.owner_team == setup.housing and case.owner is None
    assert handover_inbox(setup.officer, setup.council).waiting == [first]
    with freeze_time("2026-02-03 09:10"):
        do_bounce_handover(actor=setup.officer, handover=first, reason="This is a repair")
    case.refresh_from_db()
    first.refresh_from_db()
    assert first.status == HandoverStatus.BOUNCED and first.bounce_reason == "This is a repair"
    assert case.owner_team == setup.centre and case.owner == setup.agent  # the sender's queue
    assert handover_inbox(setup.agent, setup.council).bounced == [first]

    with freeze_time("2026-02-03 10:00"):
        second = do_hand_over(actor=setup.agent, case=case, to_team=setup.repairs)
    assert second.reroute_of == first
    assert second.service == setup.repairs_service
    assert handover_inbox(setup.agent, setup.council).bounced == []
    with freeze_time("2026-02-03 11:00"):
        do_accept_handover(actor=setup.fixer, handover=second)
    case.refresh_from_db()
    assert case.owner == setup.fixer and case.service == setup.repairs_service
    with freeze_time("2026-02-05 11:00"):
        do_change_status(actor=setup.fixer, case=case, status="in-progress")
        do_change_status(actor=setup.fixer, case=case, status="responded")
        do_change_status(actor=setup.fixer, case=case, status="closed")

    kinds = list(
        CaseEvent.objects.filter(case=case, kind__startswith="handover")
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["handover-sent", "handover-bounced", "handover-sent", "handover-accepted"]

    report = {row.service: row for row in handover_report(setup.leader, setup.council)}
    housing, repairs = report["Housing"], report["Repairs"]
    assert (housing.received, housing.bounced, housing.accepted, housing.rerouted) == (1, 1, 0, 1)
    assert housing.bounce_rate == 1.0
    assert housing.median_days == pytest.approx(1.0)  # sent 2 Feb 09:10, bounced 3 Feb 09:10
    assert (repairs.received, repairs.accepted, repairs.bounced) == (1, 1, 0)
    assert repairs.bounce_rate == 0.0
    assert repairs.median_days == pytest.approx(2 + 1 / 24)  # sent 3 Feb 10:00, closed 5 Feb 11:00


def test_only_the_receiving_team_decides_a_handover(setup, from_the_centre):
    with freeze_time("2026-02-02 09:10"):
        handover = do_hand_over(actor=setup.agent, case=from_the_centre, to_team=setup.housing)
    with pytest.raises(PermissionDenied):
        do_accept_handover(actor=setup.fixer, handover=handover)  # in Repairs, not Housing
    with pytest.raises(PermissionDenied):
        do_accept_handover(actor=setup.agent, handover=handover)  # may not work cases
    with pytest.raises(ValidationError, match="why"):
        do_bounce_handover(actor=setup.officer, handover=handover, reason="  ")
    do_accept_handover(actor=setup.officer, handover=handover)
    with pytest.raises(ValidationError, match="already decided"):
        do_bounce_handover(actor=setup.colleague, handover=handover, reason="Too late")


def test_a_case_waiting_to_be_accepted_cannot_be_handed_over_again(setup, from_the_centre):
    with freeze_time("2026-02-02 09:10"):
        do_hand_over(actor=setup.agent, case=from_the_centre, to_team=setup.housing)
        with pytest.raises(ValidationError, match="already"):
            do_hand_over(actor=setup.agent, case=from_the_centre, to_team=setup.repairs)


def test_a_handover_names_a_service_the_team_serves(setup, from_the_centre):
    with pytest.raises(ValidationError, match="Choose a service that Housing team serves"):
        do_hand_over(
            actor=setup.agent,
            case=from_the_centre,
            to_team=setup.housing,
            service=setup.repairs_service,
        )


def test_the_report_counts_only_the_period_asked_for(setup, from_the_centre):
    with freeze_time("2026-02-02 09:10"):
        do_hand_over(actor=setup.agent, case=from_the_centre, to_team=setup.housing)
    assert handover_report(setup.leader, setup.council, start=D(2026, 2, 3)) == []
    rows = handover_report(setup.leader, setup.council, start=D(2026, 2, 2), end=D(2026, 2, 2))
    assert [(r.service, r.received, r.pending, r.bounce_rate, r.median_days) for r in rows] == [
        ("Housing", 1, 1, None, None)
    ]


def test_a_case_waiting_to_be_accepted_cannot_be_closed(setup, open_case):
    case = open_case(owner_team=setup.housing)
    do_change_status(actor=setup.officer, case=case, status="in-progress")
    do_change_status(actor=setup.officer, case=case, status="responded")
    do_hand_over(actor=setup.officer, case=case, to_team=setup.repairs)
    with pytest.raises(ValidationError, match="accept or bounce it first"):
        do_change_status(actor=setup.officer, case=case, status="closed")
