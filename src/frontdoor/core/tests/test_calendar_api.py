"""The calendar API: a council's bank holidays and closure days between two dates."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.core.calendars.models import ClosureDay

D = dt.date


def url(slug: str, **query: str) -> str:
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/api/councils/{slug}/calendar" + (f"?{params}" if params else "")


@pytest.fixture
def api_client(client, make_user):
    client.force_login(make_user("agent"))
    return client


def test_lists_bank_holidays_and_closure_days_in_the_range(api_client, council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Training")

    response = api_client.get(url(council.slug, **{"from": "2026-12-01", "to": "2027-01-31"}))

    assert response.status_code == 200
    body = response.json()
    assert (body["council"], body["division"]) == ("northshire", "england-and-wales")
    assert (body["from"], body["to"]) == ("2026-12-01", "2027-01-31")
    assert body["govuk_data_until"] == "2028-12-26"
    assert [h["date"] for h in body["bank_holidays"]] == ["2026-12-25", "2026-12-28", "2027-01-01"]
    assert body["bank_holidays"][1]["notes"] == "Substitute day"
    assert all(not h["provisional"] for h in body["bank_holidays"])
    assert body["closure_days"] == [
        {"date": "2026-12-31", "reason": "Training", "provisional": False}
    ]


def test_dates_past_the_govuk_data_are_marked_provisional(api_client, council):
    body = api_client.get(url(council.slug, **{"from": "2028-12-01", "to": "2029-01-31"})).json()

    flags = {h["date"]: (h["provisional"], h["source"]) for h in body["bank_holidays"]}
    assert flags["2028-12-26"] == (False, "govuk")
    assert flags["2029-01-01"] == (True, "rules")


def test_another_councils_calendar_is_not_found(api_client, other_council):
    ClosureDay.objects.create(council=other_council, date=D(2026, 12, 31), reason="Secret")

    response = api_client.get(url(other_council.slug))

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()


def test_a_range_that_ends_before_it_starts_is_refused(api_client, council):
    response = api_client.get(url(council.slug, **{"from": "2027-01-31", "to": "2026-12-01"}))

    assert response.status_code == 400


def test_a_range_longer_than_three_years_is_refused(api_client, council):
    response = api_client.get(url(council.slug, **{"from": "2026-01-01", "to": "2030-01-01"}))

    assert response.status_code == 400


def test_a_malformed_date_is_a_validation_error(api_client, council):
    response = api_client.get(url(council.slug, **{"from": "25/12/2026"}))

    assert response.status_code == 422


def test_the_calendar_needs_authentication(client, council):
    assert client.get(url(council.slug)).status_code == 401


def test_the_openapi_document_lists_the_calendar(api_client):
    paths = api_client.get("/api/openapi.json").json()["paths"]

    parameters = paths["/api/councils/{slug}/calendar"]["get"]["parameters"]
    assert {"from", "to"} <= {p["name"] for p in parameters}
