"""The people API: search, read, create, update; the desktop's permissions and access logging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from frontdoor.audit.models import AccessKind, AccessLogEntry, ChangeLogEntry
from frontdoor.citizens.actions import do_add_vulnerability_marker
from frontdoor.citizens.models import Party
from frontdoor.identity.actions import do_issue_api_token


def client_for(user) -> Client:
    _token, raw = do_issue_api_token(actor=None, user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(agent):
    return client_for(agent)


@pytest.fixture
def sarah(make_person):
    return make_person(
        "Sarah",
        "Jones",
        born=dt.date(1980, 3, 12),
        address="14 Mill Lane",
        postcode="CF10 1EP",
        phone="07700 900123",
    )


def test_search_answers_with_enough_to_tell_people_apart_and_logs_one_entry(api, sarah):
    before = AccessLogEntry.objects.count()
    body = api.get("/api/councils/northshire/people", {"q": "sarah jnoes"}).json()
    assert body["understood_as"] == ["name"]
    (found,) = body["results"]
    assert found["reference"] == sarah.reference
    assert (found["display_name"], found["date_of_birth"], found["postcode"]) == (
        "Sarah Jones",
        "1980-03-12",
        "CF10 1EP",
    )
    assert AccessLogEntry.objects.count() == before + 1
    assert AccessLogEntry.objects.latest("pk").kind == AccessKind.SEARCH


def test_reading_a_person_returns_the_record_and_logs_the_view(api, agent, sarah):
    do_add_vulnerability_marker(
        actor=None,
        party=sarah,
        marker_type="mental_health",
        guidance="Allow extra time",
        health_detail="Anxiety",
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=dt.date(2099, 1, 1),
    )
    response = api.get(f"/api/councils/northshire/people/{sarah.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Sarah Jones"
    assert body["contact_points"][0]["value"] == "07700 900123"
    assert body["vulnerabilities"] == [
        {
            "label": "Health-related: see guidance",
            "guidance": "Allow extra time",
            "review_by": "2099-01-01",
            "overdue": False,
            "health_detail": None,
        }
    ]
    views = set(AccessLogEntry.objects.filter(actor=agent).values_list("view", flat=True))
    assert {"citizens.person", "citizens.person.markers"} <= views


def test_creating_and_updating_a_person_through_the_api_is_audited(api, agent):
    created = api.post(
        "/api/councils/northshire/people",
        {
            "given_name": "Gwen",
            "family_name": "Hughes",
            "date_of_birth": "1970-05-01",
            "addresses": [{"text": "2 Bay Road", "postcode": "cf11 9ab"}],
            "phones": ["07700 900222"],
            "emails": ["gwen@example.com"],
            "external_references": [{"source": "housing", "source_id": "H-77"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert created.json()["addresses"][0]["postcode"] == "CF11 9AB"
    changed = api.patch(
        f"/api/councils/northshire/people/{reference}",
        {"family_name": "Morgan"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["family_name"] == "Morgan"
    assert ChangeLogEntry.objects.filter(action="party.update", actor=agent).count() == 1
    found = api.get("/api/councils/northshire/people", {"q": "H-77"}).json()["results"]
    assert [r["display_name"] for r in found] == ["Gwen Morgan"]


def test_bad_data_is_a_400_with_the_field_named(api):
    response = api.post(
        "/api/councils/northshire/people",
        {"given_name": "Ann", "family_name": "Lee", "addresses": [{"text": "x", "postcode": "no"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "postcode" in response.json()["details"]


def test_a_restricted_person_needs_the_permission_and_a_reason_in_a_header(
    api, team_leader, make_person
):
    hidden = make_person("Grace", "Hidden", sensitivity="safeguarding")
    url = f"/api/councils/northshire/people/{hidden.reference}"
    assert api.get(url).status_code == 404
    leader = client_for(team_leader)
    refused = leader.get(url)
    assert refused.status_code == 403 and "X-Access-Reason" in refused.json()["error"]
    opened = leader.get(url, HTTP_X_ACCESS_REASON="Safeguarding referral")
    assert opened.status_code == 200
    assert AccessLogEntry.objects.filter(kind=AccessKind.BREAK_GLASS).count() == 1


def test_staff_without_the_desktop_and_other_councils_get_nothing(make_user, sarah, other_council):
    planner = client_for(make_user("planner"))
    assert planner.get("/api/councils/northshire/people", {"q": "sarah"}).status_code == 403
    assert planner.get(f"/api/councils/northshire/people/{sarah.reference}").status_code == 403
    outsider = client_for(make_user("agent", council=other_council))
    assert outsider.get("/api/councils/northshire/people", {"q": "sarah"}).status_code == 404
    assert Party.objects.count() == 1


def test_the_openapi_document_lists_the_people_endpoints(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert {"/api/councils/{slug}/people", "/api/councils/{slug}/people/{reference}"} <= set(paths)
