"""Production settings: insecure ones are refused at start; secure ones pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.no_db

GOOD_KEY = secrets.token_urlsafe(60)
# Set by the test run itself (the browser tests, the test settings); never in production.
TEST_ONLY = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "FRONTDOOR_TASKS_IMMEDIATE",
}


def production_environment(**env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environment.update(env)
    return environment


def run_frontdoor(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = production_environment(**env)
    return subprocess.run(
        [sys.executable, "-m", "frontdoor", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def production(**overrides: str) -> dict[str, str]:
    env = {
        "DEBUG": "false",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "frontdoor.example.gov.uk",
        "DATABASE_URL": "postgres://frontdoor@127.0.0.1:5432/frontdoor",
    }
    env.update(overrides)
    return env


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_frontdoor("check", "--deploy", **production())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 50 random characters"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "looks like a placeholder"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the site's host names"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name the site's host names"),
        ({"DATABASE_URL": "sqlite:////tmp/frontdoor.sqlite3"}, "must point at PostgreSQL"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_insecure_production_settings_refuse_to_start(overrides: dict, message: str) -> None:
    result = run_frontdoor("check", **production(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_a_single_machine_trial_may_use_sqlite_when_it_says_so() -> None:
    result = run_frontdoor(
        "check",
        **production(
            DATABASE_URL="sqlite:////tmp/frontdoor-trial.sqlite3",
            FRONTDOOR_ALLOW_SQLITE_IN_PRODUCTION="true",
        ),
    )
    assert result.returncode == 0, result.stderr


def test_production_cookies_are_secure_and_headers_strict() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS)"
    )
    environment = production_environment(
        **production(), DJANGO_SETTINGS_MODULE="frontdoor.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "DENY"], (
        result.stderr
    )
