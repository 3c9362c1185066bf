"""Restricted and safeguarding cases: hidden without open_restricted, opened only with a reason
that goes into the access log (break-glass); every view of a case is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from freezegun import freeze_time

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.cases.actions import do_add_note
from frontdoor.cases.selectors import (
    ReasonRequired,
    case_page,
    cases_visible_to,
    worklist,
)
from frontdoor.core.models import Sensitivity

D = dt.date


def test_a_restricted_case_is_not_listed_for_staff_who_may_not_open_it(setup, open_case):
    normal = open_case()
    secret = open_case(sensitivity=Sensitivity.SAFEGUARDING)
    assert set(cases_visible_to(setup.agent, setup.council)) == {normal}
    assert set(cases_visible_to(setup.officer, setup.council)) == {normal, secret}
    with pytest.raises(Http404):
        case_page(setup.agent, setup.council, secret.reference, reason="Curious")


def test_opening_a_restricted_case_needs_a_reason_that_is_logged(setup, open_case):
    secret = open_case(sensitivity=Sensitivity.RESTRICTED)
    with pytest.raises(ReasonRequired):
        case_page(setup.colleague, setup.council, secret.reference)
    assert not AccessLogEntry.objects.filter(object_id=str(secret.pk)).exists()
    page = case_page(
        setup.colleague, setup.council, secret.reference, reason="Covering Omar's cases"
    )
    assert page.case == secret
    entry = AccessLogEntry.objects.get(object_type="cases.case", object_id=str(secret.pk))
    assert entry.kind == AccessKind.BREAK_GLASS
    assert entry.actor == setup.colleague
    assert entry.detail != {} and "Covering" not in str(entry.detail)  # sealed
    assert unseal(entry.subject, entry.detail) == "Covering Omar's cases"


def test_every_view_of_a_normal_case_is_logged(setup, open_case):
    case = open_case()
    case_page(setup.agent, setup.council, case.reference)
    case_page(setup.agent, setup.council, case.reference)
    views = AccessLogEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert views.count() == 2
    assert {entry.kind for entry in views} == {AccessKind.VIEW}


def test_a_case_from_a_restricted_contact_is_restricted(setup, make_contact, open_case):
    contact = make_contact(
        dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), sensitivity=Sensitivity.RESTRICTED
    )
    with freeze_time("2026-01-05 11:00"):
        case = open_case(contact=contact, actor=setup.agent, owner_team=setup.centre, owner=None)
    assert case.sensitivity == Sensitivity.RESTRICTED


def test_a_restricted_note_is_hidden_from_staff_who_may_not_open_it(setup, open_case):
    case = open_case()
    do_add_note(actor=setup.officer, case=case, text="Called about rent")
    do_add_note(
        actor=setup.officer,
        case=case,
        text="Disclosed domestic abuse",
        sensitivity=Sensitivity.SAFEGUARDING,
    )
    agent_view = [
        item.text for item in case_page(setup.agent, setup.council, case.reference).timeline
    ]
    officer_view = [
        item.text for item in case_page(setup.officer, setup.council, case.reference).timeline
    ]
    assert "Called about rent" in agent_view and "Disclosed domestic abuse" not in agent_view
    assert "Disclosed domestic abuse" in officer_view
    with pytest.raises(PermissionDenied):
        do_add_note(actor=setup.agent, case=case, text="Secret", sensitivity=Sensitivity.RESTRICTED)


def test_worklists_log_the_cases_they_showed(setup, open_case):
    case = open_case()
    worklist(setup.officer, setup.council, "mine")
    entry = AccessLogEntry.objects.get(view="cases.worklist.mine")
    assert entry.kind == AccessKind.SEARCH
    assert entry.result_ids == [str(case.pk)]


def test_cases_of_another_council_are_never_shown(setup, open_case, other_council, make_user):
    case = open_case()
    stranger = make_user("service_officer", council=other_council)
    with pytest.raises(PermissionDenied):
        case_page(stranger, setup.council, case.reference)
