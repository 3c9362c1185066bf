"""After a refresh that leaves just-changed contacts behind, another refresh is queued."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.insight.snapshots import SAFETY_MARGIN, changed_since_margin, refresh
from frontdoor.insight.tasks import refresh_snapshots

CSV = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds
c1,phone,council-tax,2026-01-05T09:00:00,answered,20,300
"""


def imported(council, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(CSV)
    import_contacts_file(actor=None, council=council, path=path)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert default_task_backend.supports_defer


def test_contacts_changed_just_before_a_refresh_are_still_read_as_fresh(
    catalogued_council, tmp_path
):
    with freeze_time("2026-02-01 10:00:00"):
        imported(catalogued_council, tmp_path)
        state = refresh(catalogued_council)
        assert changed_since_margin(catalogued_council, state)
    with freeze_time("2026-02-01 10:30:00"):
        later = refresh(catalogued_council)
        assert not changed_since_margin(catalogued_council, later)


def test_a_refresh_with_recent_changes_queues_a_follow_up_after_the_margin(
    catalogued_council, tmp_path, database_tasks
):
    with freeze_time("2026-02-01 10:00:00"):
        imported(catalogued_council, tmp_path)
        DBTaskResult.objects.all().delete()  # the import's own queued refresh

        result = refresh_snapshots.call(catalogued_council.pk)

    assert result["follow_up"] is True
    [queued] = DBTaskResult.objects.all()
    assert queued.run_after == dt.datetime(2026, 2, 1, 10, 0, tzinfo=dt.UTC) + SAFETY_MARGIN * 1.1
    assert queued.args_kwargs["args"] == [catalogued_council.pk]


def test_a_quiet_council_queues_nothing_more(catalogued_council, tmp_path, database_tasks):
    with freeze_time("2026-02-01 10:00:00"):
        imported(catalogued_council, tmp_path)
    with freeze_time("2026-02-01 11:00:00"):
        DBTaskResult.objects.all().delete()

        result = refresh_snapshots.call(catalogued_council.pk)

    assert result["follow_up"] is False
    assert not DBTaskResult.objects.exists()
