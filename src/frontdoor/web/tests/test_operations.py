"""Operations: the health check and structured logs."""

from __future__ import annotations

import json
import logging

from django.test import override_settings

from frontdoor.core.logs import JsonFormatter
from frontdoor.web import health


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr(
        health, "check_database", lambda: {"ok": False, "error": "OperationalError"}
    )
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_healthz_checks_redis_when_configured(client, settings):
    if not settings.REDIS_URL:
        with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):  # nothing listens there
            response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["redis"]["ok"] is False
    else:
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json()["checks"]["redis"]["ok"]


def test_logs_are_one_json_object_a_line_with_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "frontdoor.test",
            "levelname": "INFO",
            "msg": "imported %s rows",
            "args": (3,),
            "council": "northshire",
        }
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "imported 3 rows" and line["council"] == "northshire"
    assert line["level"] == "info" and line["time"].endswith("+00:00")
