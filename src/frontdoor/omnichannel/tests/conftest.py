"""Fixtures of the live-queue tests: a council with the reference catalogue, and an API client
whose token may post queue events (a performance analyst: view_performance and import_contacts)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from frontdoor.identity.actions import do_issue_api_token

FIXTURES = Path(__file__).parent / "fixtures"
EXCERPT = FIXTURES / "anonymous_bank_1999-02-01_1533-1550.tsv"


@pytest.fixture
def analyst(catalogued_council: Any, make_user: Callable[..., Any]) -> Any:
    return make_user("performance_analyst", username="analyst")


@pytest.fixture
def api(analyst: Any) -> Client:
    _token, raw = do_issue_api_token(actor=None, user=analyst, name="telephony")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


Post = Callable[..., Any]


@pytest.fixture
def post(api: Client, catalogued_council: Any) -> Post:
    """post(event, ...) sends the events as one batch and returns the response."""

    def send(*events: dict[str, Any], raw: Any = None) -> Any:
        body = raw if raw is not None else (events[0] if len(events) == 1 else list(events))
        return api.post(
            f"/api/councils/{catalogued_council.slug}/queue-events",
            data=json.dumps(body),
            content_type="application/json",
        )

    return send


def ev(kind: str, call_id: str, time: str, **fields: Any) -> dict[str, Any]:
    """An event of the telephony platform on 5 January 2026 (London is on GMT: local = UTC)."""
    event = {
        "platform": "telephony",
        "type": kind,
        "call_id": call_id,
        "queue": fields.pop("queue", "council-tax"),
        "timestamp": f"2026-01-05T{time}",
    }
    event.update(fields)
    return event
