"""Case types are data: statuses move only along their configured transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases.actions import (
    case_status_changed,
    do_change_status,
    do_configure_case_type,
    do_open_case,
    do_seed_case_types,
)
from frontdoor.cases.models import CaseEvent, CaseKind, CaseType

D = dt.date


def test_built_in_types_are_seeded_once_per_council(setup, other_council):
    assert set(setup.types) == {
        "complaint",
        "foi",
        "eir",
        "sar",
        "erasure",
        "rectification",
        "dp-complaint",
        "member-enquiry",
        "service-request",
        "compliment",
        "comment",
    }
    assert do_seed_case_types(actor=None, council=setup.council) == []
    assert CaseType.objects.filter(council=setup.council).count() == 11
    assert CaseType.objects.filter(council=other_council).count() == 0
    do_seed_case_types(actor=None, council=other_council)
    assert CaseType.objects.filter(council=other_council).count() == 11


def test_a_status_moves_only_along_an_allowed_transition(setup, open_case):
    case = open_case()
    assert case.status == "new"
    with pytest.raises(ValidationError, match="cannot move to Responded"):
        do_change_status(actor=setup.officer, case=case, status="responded")
    case = do_change_status(actor=setup.officer, case=case, status="in-progress")
    case = do_change_status(actor=setup.officer, case=case, status="responded")
    case = do_change_status(actor=setup.officer, case=case, status="closed", note="Resolved")
    assert case.closed and case.closed_at is not None
    case = do_change_status(actor=setup.officer, case=case, status="in-progress")
    assert not case.closed and case.closed_at is None
    changes = CaseEvent.objects.filter(case=case, kind="status-changed").order_by("at", "pk")
    assert [e.data["to"] for e in changes] == ["in-progress", "responded", "closed", "in-progress"]
    assert ChangeLogEntry.objects.filter(action="case.status", object_id=str(case.pk)).count() == 4


def test_listeners_hear_of_a_status_change_only_once_committed(
    setup, open_case, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, case, old, new, actor, **kwargs):
        heard.append((case.reference, old, new, actor))

    case_status_changed.connect(listen)
    try:
        case = open_case()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            do_change_status(actor=setup.officer, case=case, status="in-progress")
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [(case.reference, "new", "in-progress", setup.officer)]
    finally:
        case_status_changed.disconnect(listen)


def test_an_agent_may_open_but_not_work_a_case(setup, open_case):
    case = open_case(actor=setup.agent, owner_team=setup.centre, owner=None)
    with pytest.raises(PermissionDenied):
        do_change_status(actor=setup.agent, case=case, status="in-progress")


def test_references_count_per_council_and_year(setup, open_case, other_council):
    with freeze_time("2026-03-01 10:00"):
        first = open_case()
        second = open_case()
    assert first.reference == "CAS-2026-000001"
    assert second.reference == "CAS-2026-000002"
    with freeze_time("2027-01-04 10:00"):
        assert open_case().reference == "CAS-2027-000001"


def test_an_administrator_configures_a_types_workflow(setup, make_user):
    admin = make_user("administrator")
    with pytest.raises(ValidationError) as problem:
        do_configure_case_type(
            actor=admin,
            council=setup.council,
            type_id="pest-control",
            name="Pest control visit",
            kind=CaseKind.SERVICE_REQUEST,
            statuses=[{"code": "new", "label": "New", "closed": False}],
            initial_status="booked",
            transitions={"new": ["done"]},
        )
    assert "The first status must be one of the statuses." in str(problem.value)
    # A workflow no case can ever close is refused.
    with pytest.raises(ValidationError, match="Mark at least one status as closing the case"):
        do_configure_case_type(
            actor=admin,
            council=setup.council,
            type_id="pest-control",
            name="Pest control visit",
            kind=CaseKind.SERVICE_REQUEST,
            statuses=[{"code": "new", "label": "New", "closed": False}],
            initial_status="new",
            transitions={},
            clock_policy="48-hours",
        )
    case_type = do_configure_case_type(
        actor=admin,
        council=setup.council,
        type_id="pest-control",
        name="Pest control visit",
        kind=CaseKind.SERVICE_REQUEST,
        statuses=[
            {"code": "booked", "label": "Booked", "closed": False},
            {"code": "visited", "label": "Visited", "closed": True},
        ],
        initial_status="booked",
        transitions={"booked": ["visited"]},
        clock_policy="5-working-days",
    )
    with freeze_time("2026-01-05 10:00"):
        case = do_open_case(
            actor=setup.officer,
            council=setup.council,
            case_type=case_type,
            service=setup.housing_service,
            summary="Rats in the garden",
        )
    assert case.due == D(2026, 1, 12)
    with pytest.raises(PermissionDenied):
        do_configure_case_type(
            actor=setup.officer,
            council=setup.council,
            type_id="pest-control",
            name="x",
            kind=CaseKind.COMMENT,
            statuses=[{"code": "a", "label": "A"}],
            initial_status="a",
            transitions={},
        )
    with pytest.raises(ValidationError, match="Open cases are in booked"):
        do_configure_case_type(
            actor=admin,
            council=setup.council,
            type_id="pest-control",
            name="Pest control visit",
            kind=CaseKind.SERVICE_REQUEST,
            statuses=[{"code": "visited", "label": "Visited", "closed": True}],
            initial_status="visited",
            transitions={},
        )
