"""The JSON API: token authentication, its OpenAPI document, JSON errors, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.identity.actions import do_issue_api_token, do_revoke_api_token


@pytest.fixture
def token(make_user):
    return do_issue_api_token(actor=None, user=make_user("agent"), name="tests")


@pytest.fixture
def api(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token[1]}")


def test_the_api_answers_401_json_without_a_token(client, council):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": "Authentication required: send a valid bearer token."}


def test_a_token_acts_as_its_user(api, token):
    me = api.get("/api/me").json()
    assert me == {"username": token[0].user.username, "council": "northshire", "roles": ["agent"]}


def test_a_revoked_or_wrong_token_is_refused(token):
    do_revoke_api_token(actor=None, token=token[0])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token[1]}").get("/api/me").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer fd_nonsense").get("/api/me").status_code == 401


def test_the_openapi_document_describes_every_endpoint(client, council):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/me", "/api/councils", "/api/councils/{slug}/services"} <= set(document["paths"])
    assert "BearerAuth" in json.dumps(document["components"]["securitySchemes"]) or (
        "TokenAuth" in json.dumps(document["components"]["securitySchemes"])
    )
    assert client.get("/api/docs").status_code == 200


def test_errors_are_json_with_a_message(api):
    missing = api.get("/api/councils/nowhere/services")
    assert missing.status_code == 404 and missing.json()["error"] == "Not found."
    unknown = api.get("/api/no-such-endpoint")
    assert unknown.status_code == 404 and unknown.json()["error"] == "Not found."
    bad_dates = api.get("/api/councils/northshire/calendar?from=yesterday")
    assert bad_dates.status_code == 422 and "error" in bad_dates.json()


PATHS = [
    "/api/me",
    "/api/councils",
    "/api/councils/{junk}/services",
    "/api/councils/{junk}/calendar",
    "/api/councils/northshire/calendar?from={junk}&to={junk}",
    "/api/{junk}",
]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    template=st.sampled_from(PATHS),
    junk=st.text(min_size=0, max_size=40) | st.integers().map(str),
    method=st.sampled_from(["get", "post", "put", "delete"]),
    body=st.binary(max_size=200) | st.just(b"{not json"),
)
def test_junk_input_never_produces_a_server_error(api, template, junk, method, body):
    from urllib.parse import quote

    path = template.format(junk=quote(junk, safe=""))
    response = api.generic(method.upper(), path, data=body, content_type="application/json")
    assert response.status_code < 500, (path, response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json"), path


def test_the_interactive_docs_load_nothing_from_other_sites(client, council):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page
