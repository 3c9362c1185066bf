"""The council a command acts for, the demo, tokens and the worker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.core.cli_council import resolve_council
from frontdoor.core.models import Council, Service
from frontdoor.identity.models import ApiToken, Team, User, hash_token
from frontdoor.testing.factories import CouncilFactory


def test_with_no_council_one_is_created_on_first_use(monkeypatch):
    monkeypatch.setenv("FRONTDOOR_COUNCIL_SLUG", "westshire")
    council = resolve_council(None)
    assert council.slug == "westshire" and Council.objects.count() == 1


def test_with_one_council_the_slug_may_be_left_out(council):
    assert resolve_council(None) == council


def test_with_several_councils_the_slug_is_required(council, other_council):
    with pytest.raises(CommandError, match=r"several councils \(northshire, southvale\)"):
        resolve_council(None)


def test_an_unknown_slug_lists_the_known_ones(council):
    with pytest.raises(CommandError, match=r"no council 'nowhere'\. Known councils: northshire"):
        resolve_council("nowhere")


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Council.objects.count(),
        Service.objects.count(),
        Team.objects.count(),
        User.objects.count(),
    )


def test_the_demo_loads_two_councils_staff_for_every_role_and_prints_log_ins(settings):
    settings.DEBUG = True
    out = run_demo()
    demo = Council.objects.get(slug="demo")
    assert Service.objects.filter(council=demo).count() == 32
    for username in (
        "agent",
        "teamleader",
        "officer",
        "analyst",
        "planner",
        "igofficer",
        "igofficer2",
        "admin",
    ):
        assert f"\n  {username} " in out
        assert User.objects.get(username=username).check_password("frontdoor-demo")
    assert "http://127.0.0.1:8000" in out and "partneradmin" in out


def test_running_the_demo_again_changes_nothing(settings):
    settings.DEBUG = True
    run_demo()
    first = counts()
    run_demo()
    assert counts() == first


def test_the_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=true"):
        run_demo()


def test_issue_token_prints_a_working_token_once(council):
    from frontdoor.testing.factories import UserFactory

    UserFactory(username="bridge", council=council)
    out = StringIO()
    call_command("issue_token", "bridge", "--name", "telephony", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(token_hash=hash_token(raw)).user.username == "bridge"


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_tasks_from_the_database(settings):
    from asgiref.local import Local
    from django_tasks import TaskResultStatus, task_backends

    from frontdoor.core.calendars.models import BankHoliday
    from frontdoor.core.tasks import refresh_bank_holidays

    def forget_backends() -> None:
        # The handler caches its settings and backends; the suite's default is in-line tasks.
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(False)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    forget_backends()
    try:
        result = refresh_bank_holidays.enqueue()
        assert result.status == TaskResultStatus.READY
        call_command("worker", "--batch")  # runs what is queued, then exits
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
        assert BankHoliday.objects.filter(division="scotland").exists()
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        forget_backends()


def test_councils_are_isolated_in_demo_data(settings):
    settings.DEBUG = True
    run_demo()
    partner = Council.objects.get(slug="demo-partner")
    assert not Team.objects.filter(council=partner).exists()
    assert CouncilFactory._meta.model.objects.count() == 2
