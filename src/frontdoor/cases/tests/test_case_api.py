"""The cases API: the same permission checks and access logging as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from freezegun import freeze_time

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.cases.actions import do_hand_over
from frontdoor.cases.models import Case
from frontdoor.core.models import Sensitivity
from frontdoor.identity.actions import do_issue_api_token

D = dt.date


@pytest.fixture
def api():
    def client_for(user):
        _token, raw = do_issue_api_token(actor=None, user=user, name="tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return client_for


def test_an_agent_opens_a_case_from_a_contact_through_the_api(setup, make_contact, api):
    contact = make_contact(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    with freeze_time("2026-01-06 10:00"):
        response = api(setup.agent).post(
            "/api/councils/northshire/cases",
            {
                "type": "complaint",
                "service": "housing",
                "summary": "Bins missed four weeks running",
                "contact": contact.pk,
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "CAS-2026-000001"
    assert body["received_on"] == "2026-01-05"
    assert body["acknowledge_by"] == "2026-01-12" and body["due"] == "2026-01-26"
    assert body["opened_from_contact"] == contact.pk
    assert body["timeline"][0]["kind"] == "opened"


def test_creating_with_unknown_values_answers_400_with_the_field(setup, api):
    client = api(setup.officer)
    response = client.post(
        "/api/councils/northshire/cases",
        {"type": "nonsense", "service": "housing", "summary": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"].startswith("type:")
    with freeze_time("2026-01-06 10:00"):
        future = client.post(
            "/api/councils/northshire/cases",
            {"type": "foi", "service": "housing", "summary": "x", "received_on": "2026-02-01"},
            content_type="application/json",
        )
    assert future.status_code == 400 and "received_on" in future.json()["error"]


def test_staff_without_a_case_role_are_refused(setup, api, make_user):
    analyst = make_user("performance_analyst")
    client = api(analyst)
    assert client.get("/api/councils/northshire/cases").status_code == 403
    refused = client.post(
        "/api/councils/northshire/cases",
        {"type": "foi", "service": "housing", "summary": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_restricted_case_is_read_only_with_a_reason_and_is_logged(setup, open_case, api):
    case = open_case(sensitivity=Sensitivity.RESTRICTED)
    agent = api(setup.agent)
    assert agent.get(f"/api/councils/northshire/cases/{case.reference}").status_code == 404
    assert case.reference not in str(agent.get("/api/councils/northshire/cases").json())
    officer = api(setup.colleague)
    refused = officer.get(f"/api/councils/northshire/cases/{case.reference}")
    assert refused.status_code == 403 and "X-Access-Reason" in refused.json()["error"]
    read = officer.get(
        f"/api/councils/northshire/cases/{case.reference}",
        HTTP_X_ACCESS_REASON="Answering the resident's MP",
    )
    assert read.status_code == 200 and read.json()["summary"] == case.summary
    assert AccessLogEntry.objects.filter(
        object_id=str(case.pk), kind=AccessKind.BREAK_GLASS, actor=setup.colleague
    ).exists()
    listed = officer.get("/api/councils/northshire/cases").json()
    assert [row["summary"] for row in listed if row["reference"] == case.reference] == [None]


def test_status_updates_follow_the_transitions_and_need_a_case_handler(setup, open_case, api):
    case = open_case()
    url = f"/api/councils/northshire/cases/{case.reference}/status"
    assert (
        api(setup.agent)
        .post(url, {"status": "in-progress"}, content_type="application/json")
        .status_code
        == 403
    )
    officer = api(setup.officer)
    wrong = officer.post(url, {"status": "closed"}, content_type="application/json")
    assert wrong.status_code == 400 and "cannot move to Closed" in wrong.json()["error"]
    moved = officer.post(url, {"status": "in-progress"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "in-progress"


def test_a_handover_is_sent_bounced_and_re_routed_through_the_api(setup, open_case, api):
    case = open_case(actor=setup.agent, owner_team=setup.centre, owner=None)
    agent = api(setup.agent)
    sent = agent.post(
        f"/api/councils/northshire/cases/{case.reference}/handovers",
        {"to_team": setup.housing.pk},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["status"] == "pending"
    handover_id = sent.json()["id"]
    assert (
        api(setup.fixer)
        .post(f"/api/councils/northshire/handovers/{handover_id}/accept")
        .status_code
        == 403
    )
    bounced = api(setup.officer).post(
        f"/api/councils/northshire/handovers/{handover_id}/bounce",
        {"reason": "A repair, not housing"},
        content_type="application/json",
    )
    assert bounced.status_code == 200 and bounced.json()["status"] == "bounced"
    again = agent.post(
        f"/api/councils/northshire/cases/{case.reference}/handovers",
        {"to_team": setup.repairs.pk},
        content_type="application/json",
    )
    assert again.status_code == 201 and again.json()["reroute_of"] == handover_id
    accepted = api(setup.fixer).post(
        f"/api/councils/northshire/handovers/{again.json()['id']}/accept"
    )
    assert accepted.status_code == 200
    assert Case.objects.get(pk=case.pk).owner == setup.fixer


def test_worklists_through_the_api(setup, open_case, api):
    with freeze_time("2026-01-05 10:00"):
        open_case(received_on=D(2025, 12, 1))
        rows = api(setup.officer).get("/api/councils/northshire/cases?worklist=overdue").json()
    assert [row["clock_status"] for row in rows] == ["overdue"]


def test_another_councils_cases_are_not_found(setup, open_case, api, other_council, make_user):
    case = open_case()
    stranger = api(make_user("service_officer", council=other_council))
    assert stranger.get(f"/api/councils/northshire/cases/{case.reference}").status_code == 404


def test_the_due_date_endpoint_still_answers(setup, api):
    answer = api(setup.agent).get("/api/due-date?type=foi&received=2026-01-05").json()
    assert answer["due"] == "2026-02-02"


def test_a_handover_cannot_be_sent_twice(setup, open_case, api):
    case = open_case(actor=setup.agent, owner_team=setup.centre, owner=None)
    do_hand_over(actor=setup.agent, case=case, to_team=setup.housing)
    again = api(setup.agent).post(
        f"/api/councils/northshire/cases/{case.reference}/handovers",
        {"to_team": setup.repairs.pk},
        content_type="application/json",
    )
    assert again.status_code == 400 and "already waiting" in again.json()["error"]
