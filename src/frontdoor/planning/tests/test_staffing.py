"""`frontdoor staffing` and GET /api/staffing give the same answers, with clear errors."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from frontdoor.identity.actions import do_issue_api_token

PUBLISHED = [
    "--arrivals",
    "100",
    "--interval-minutes",
    "30",
    "--aht",
    "180",
    "--target-sl",
    "0.8",
    "--target-seconds",
    "20",
    "--shrinkage",
    "0.3",
]


def staffing(*args: str) -> dict:
    out = StringIO()
    call_command("staffing", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_published_vector_as_json():
    result = staffing(*PUBLISHED)
    assert result["agents"] == 14 and result["staff_with_shrinkage"] == 20
    assert round(result["service_level"], 5) == 0.88835
    assert round(result["p_wait"], 5) == 0.17413
    assert round(result["asa_seconds"], 2) == 7.84
    assert round(result["occupancy"], 3) == 0.714
    assert "p_abandon" not in result and result["model"] == "erlang_c"


def test_with_patience_the_command_uses_erlang_a_and_reports_abandonment():
    result = staffing(*PUBLISHED, "--patience", "120")
    assert result["model"] == "erlang_a" and 0 < result["p_abandon"] < 0.1
    assert result["service_level"] >= 0.8
    # Callers who give up lighten the queue: never more agents than Erlang C's 14.
    assert result["agents"] <= 14


def test_an_occupancy_cap_and_an_asa_target_are_honoured():
    result = staffing(
        "--arrivals",
        "100",
        "--interval-minutes",
        "30",
        "--aht",
        "180",
        "--target-asa",
        "30",
        "--max-occupancy",
        "0.7",
    )
    assert result["asa_seconds"] <= 30 and result["occupancy"] <= 0.7


def test_bad_input_is_a_clear_error():
    with pytest.raises(CommandError, match="shrinkage must be"):
        staffing(*PUBLISHED[:-2], "--shrinkage", "1.5")
    with pytest.raises(CommandError):
        staffing("--arrivals", "100", "--interval-minutes", "30", "--aht", "180")  # no goal


@pytest.fixture
def api(make_user):
    _token, raw = do_issue_api_token(actor=None, user=make_user("planner"), name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_answers_as_the_command_does(api):
    query = "arrivals=100&interval_minutes=30&aht=180&target_sl=0.8&target_seconds=20&shrinkage=0.3"
    response = api.get(f"/api/staffing?{query}")
    assert response.status_code == 200
    assert response.json() == {**staffing(*PUBLISHED), "p_abandon": None}


def test_the_api_refuses_bad_questions_with_json_errors(api):
    both = api.get(
        "/api/staffing?arrivals=1&interval_minutes=30&aht=180&target_sl=0.8&target_asa=9"
    )
    assert both.status_code == 422 and "error" in both.json()
    negative = api.get("/api/staffing?arrivals=-5&interval_minutes=30&aht=180&target_sl=0.8")
    assert negative.status_code == 422
