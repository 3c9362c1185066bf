"""Publishing a period's figures: frozen with settings, targets and watermark; today's diff."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.contacts.importing import import_contacts_file
from frontdoor.insight.engine.comparison import compare_tables
from frontdoor.insight.models import KpiSettings, PublishedTable
from frontdoor.insight.publishing import (
    compare_with_today,
    do_publish_kpis,
    reporting_periods,
)

JANUARY = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution
c1,phone,council-tax,2026-01-05T09:00:00,answered,20,300,first_contact
c2,phone,council-tax,2026-01-06T09:00:00,answered,100,200,handed_over
c3,phone,rents,2026-01-07T09:00:00,abandoned,50,,
"""
LATE = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution
c4,phone,rents,2026-01-20T09:00:00,answered,40,100,first_contact
"""


def imported(council, tmp_path, text, name="contacts.csv"):
    path = tmp_path / name
    path.write_text(text)
    return import_contacts_file(actor=None, council=council, path=path)


@pytest.fixture
def analyst(make_user, catalogued_council):
    return make_user("performance_analyst")


def publish_january(council, actor):
    return do_publish_kpis(
        actor=actor,
        council=council,
        title="January to committee",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 1, 31),
        by=("family",),
        channel="phone",
    )


def test_a_published_table_is_frozen_with_its_settings_targets_and_watermark(
    catalogued_council, analyst, tmp_path
):
    imported(catalogued_council, tmp_path, JANUARY)
    KpiSettings.objects.create(council=catalogued_council, short_abandon_seconds=10)

    table = publish_january(catalogued_council, analyst)

    assert [(r["family"], r["offered"], r["answered"]) for r in table.rows] == [
        ("council-tax", 2, 2),
        ("housing", 1, 0),
    ]
    assert table.settings["short_abandon_seconds"] == 10
    assert table.definitions_version == "2026.1"
    assert table.data_watermark is not None
    assert table.targets["rows"][0]["pct_answered"] == {
        "direction": "higher",
        "green": 0.9,
        "amber": 0.85,
    }
    assert ChangeLogEntry.objects.filter(action="kpis.publish", object_id=str(table.pk)).exists()


def test_late_records_show_as_differences_and_the_published_rows_stay_as_they_were(
    catalogued_council, analyst, tmp_path
):
    imported(catalogued_council, tmp_path, JANUARY)
    table = publish_january(catalogued_council, analyst)
    imported(catalogued_council, tmp_path, LATE, name="late.csv")

    comparison = compare_with_today(PublishedTable.objects.get(), catalogued_council)

    by_family = {dict(row.keys)["family"]: row for row in comparison.rows}
    assert by_family["council-tax"].status == "same"
    housing = by_family["housing"]
    assert housing.status == "changed"
    changes = {c.kpi: (c.published, c.today) for c in housing.changes}
    assert changes["offered"] == (1, 2)
    assert changes["answered"] == (0, 1)
    assert PublishedTable.objects.get().rows == table.rows


def test_the_comparison_uses_the_published_settings_not_todays(
    catalogued_council, analyst, tmp_path
):
    imported(catalogued_council, tmp_path, JANUARY)
    publish_january(catalogued_council, analyst)
    # A later change of threshold would turn c3 (abandoned after 50 s) into a short abandon.
    KpiSettings.objects.create(council=catalogued_council, short_abandon_seconds=60)

    comparison = compare_with_today(PublishedTable.objects.get(), catalogued_council)

    assert not comparison.changed


def test_only_analysts_publish(catalogued_council, make_user):
    with pytest.raises(PermissionDenied):
        publish_january(catalogued_council, make_user("team_leader"))


def test_rows_that_appear_or_disappear_are_reported():
    published = [{"family": "a", "offered": 1}, {"family": "b", "offered": 2}]
    today = [{"family": "b", "offered": 2}, {"family": "c", "offered": 5}]

    result = compare_tables(published, today, ["family"], ["offered"])

    assert [(dict(r.keys)["family"], r.status) for r in result] == [
        ("a", "removed"),
        ("b", "same"),
        ("c", "added"),
    ]


def test_ratios_differing_only_by_rounding_are_the_same():
    published = [{"family": "a", "fcr": 0.1 + 0.2}]
    today = [{"family": "a", "fcr": 0.3}]

    assert compare_tables(published, today, ["family"], ["fcr"])[0].status == "same"


def test_reporting_periods_follow_the_april_financial_year():
    periods = {p.value: p for p in reporting_periods(dt.date(2026, 11, 24))}

    assert (periods["2026-11"].date_from, periods["2026-11"].date_to) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    assert (periods["FY2026-Q1"].date_from, periods["FY2026-Q1"].date_to) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    assert (periods["FY2025-Q4"].date_from, periods["FY2025-Q4"].date_to) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert (periods["FY2025"].date_from, periods["FY2025"].date_to) == (
        dt.date(2025, 4, 1),
        dt.date(2026, 3, 31),
    )
    assert "FY2026-Q4" not in periods  # January 2027 has not started


@freeze_time("2026-02-10 12:00:00")
def test_the_pages_publish_show_and_export_a_table(client, analyst, catalogued_council, tmp_path):
    imported(catalogued_council, tmp_path, JANUARY)
    client.force_login(analyst)

    response = client.post(
        "/performance/published/", {"period": "2026-01", "grouping": "family", "channel": "phone"}
    )

    table = PublishedTable.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/performance/published/{table.pk}/"
    assert table.title == "January 2026: By service family, phone"
    page = client.get(response["Location"]).content.decode()
    assert "The figures as published" in page
    assert "figures for this period are the same as the published ones." in page
    assert "council-tax" in page
    exported = client.get(response["Location"] + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["family"], r["offered"]) for r in rows] == [("council-tax", "2"), ("housing", "1")]


def test_a_publish_without_a_period_shows_an_error(client, analyst):
    client.force_login(analyst)

    response = client.post("/performance/published/", {"grouping": "family"})

    assert response.status_code == 400
    assert "Select the period to publish" in response.content.decode()
    assert not PublishedTable.objects.exists()


def test_team_leaders_see_published_tables_but_cannot_publish(client, make_user, analyst):
    client.force_login(make_user("team_leader"))

    page = client.get("/performance/published/")
    assert page.status_code == 200
    assert "Publish a period" not in page.content.decode()
    assert client.post("/performance/published/", {"period": "2026-01"}).status_code == 403
