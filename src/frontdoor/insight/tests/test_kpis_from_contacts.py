"""KPIs from imported contacts: the command, the API, snapshots and fresh rows agree."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.insight.models import SnapshotState
from frontdoor.insight.snapshots import refresh

CSV = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution,citizen_ref
c1,phone,council-tax,2026-01-05T09:00:00,answered,20,300,first_contact,p1
c2,phone,council-tax,2026-01-06T09:00:00,answered,100,200,handed_over,p1
c3,phone,rents,2026-01-07T09:00:00,abandoned,3,,,
c4,phone,rents,2026-01-07T10:00:00,abandoned,50,,,p2
c5,email,rents,2026-02-02T10:00:00,answered,,,unresolved,
"""


def kpis_json(*args: str) -> dict:
    out = StringIO()
    call_command("kpis", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def imported(council, tmp_path, text=CSV):
    path = tmp_path / "contacts.csv"
    path.write_text(text)
    return import_contacts_file(actor=None, council=council, path=path)


def test_the_command_prints_the_reference_object_by_family_and_month(catalogued_council, tmp_path):
    imported(catalogued_council, tmp_path)
    output = kpis_json("--from", "2026-01-01", "--to", "2026-02-28", "--by", "family,month")
    assert output["settings"] == {
        "council": "northshire",
        "from": "2026-01-01",
        "to": "2026-02-28",
        "by": ["family", "month"],
        "channel": None,
        "interval_minutes": 30,
        "time_zone": "Europe/London",
        "short_abandon_seconds": 5.0,
        "service_level_seconds": 60.0,
        "definitions_version": "2026.1",
    }
    rows = {(r["family"], r["month"]): r for r in output["rows"]}
    assert list(rows) == [
        ("council-tax", "2026-01"),
        ("housing", "2026-01"),
        ("housing", "2026-02"),
    ]
    tax = rows[("council-tax", "2026-01")]
    assert (tax["offered"], tax["answered"], tax["asa_seconds"], tax["aht_seconds"]) == (
        2,
        2,
        60.0,
        250.0,
    )
    assert tax["fcr"] == 0.5
    assert tax["service_level"] == 0.5
    assert tax["repeat_7d"] == 0.5  # c1 is followed by c2 from p1 within 168 hours
    housing = rows[("housing", "2026-01")]
    assert (housing["offered"], housing["abandoned"]) == (1, 1)  # c3 was a short abandon


def test_snapshots_and_fresh_rows_give_the_same_figures_as_the_database(
    catalogued_council, tmp_path
):
    imported(catalogued_council, tmp_path)
    before = kpis_json("--from", "2026-01-01", "--to", "2026-02-28", "--by", "service")
    state = refresh(catalogued_council)
    assert state.rows == 5
    assert SnapshotState.objects.get(council=catalogued_council).months == ["2026-01", "2026-02"]
    assert kpis_json("--from", "2026-01-01", "--to", "2026-02-28", "--by", "service") == before

    # An edit after the snapshot: the fresh row replaces the snapshot's.
    edit = tmp_path / "edit"
    edit.mkdir()
    imported(
        catalogued_council,
        edit,
        "contact_id,channel,service,offered_at,outcome,wait_seconds\n"
        "c4,phone,rents,2026-01-07T10:00:00,answered,50\n",
    )
    after = kpis_json("--from", "2026-01-01", "--to", "2026-02-28", "--by", "service")
    rents = next(r for r in after["rows"] if r["service"] == "rents")
    assert (rents["answered"], rents["abandoned"]) == (2, 0)


def test_command_line_options_override_the_stored_settings(catalogued_council, tmp_path):
    imported(catalogued_council, tmp_path)
    output = kpis_json("--from", "2026-01-07", "--to", "2026-01-07", "--short-abandon-seconds", "2")
    assert output["settings"]["short_abandon_seconds"] == 2.0
    assert output["rows"][0]["abandoned"] == 2  # the 3-second abandon is no longer short


def test_the_api_serves_the_same_object_to_an_analyst_only(
    catalogued_council, tmp_path, client, make_user
):
    imported(catalogued_council, tmp_path)
    url = "/api/councils/northshire/kpis?from=2026-01-01&to=2026-02-28&by=service"
    client.force_login(make_user("agent"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("performance_analyst"))
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == kpis_json(
        "--from", "2026-01-01", "--to", "2026-02-28", "--by", "service"
    )


def test_another_councils_contacts_never_reach_the_figures(
    catalogued_council, other_council, tmp_path
):
    from frontdoor.testing.catalogue import load_reference_catalogue

    load_reference_catalogue(other_council)
    imported(other_council, tmp_path)
    output = kpis_json("--council", "northshire", "--from", "2026-01-01", "--to", "2026-02-28")
    assert output["rows"] == []


def test_a_month_end_seen_from_another_zone_counts_in_the_councils_local_month(
    catalogued_council, tmp_path
):
    # 23:30 in New York on 31 January is 04:30 on 1 February in London: February's contact.
    # 00:30 on 1 March in Paris is 23:30 on 28 February in London: still February's.
    imported(
        catalogued_council,
        tmp_path,
        "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds\n"
        "ny,phone,council-tax,2026-01-31T23:30:00-05:00,answered,10,100\n"
        "london,phone,council-tax,2026-01-31T23:59:59,answered,10,100\n"
        "paris,phone,council-tax,2026-03-01T00:30:00+01:00,answered,10,100\n",
    )

    output = kpis_json("--from", "2026-01-01", "--to", "2026-03-31", "--by", "month")

    assert [(r["month"], r["offered"]) for r in output["rows"]] == [
        ("2026-01", 1),
        ("2026-02", 2),
    ]


def test_a_reimport_that_moves_a_contact_moves_it_between_months_and_changes_nothing_else(
    catalogued_council, tmp_path
):
    imported(catalogued_council, tmp_path)
    refresh(catalogued_council)
    moved = CSV.replace("c5,email,rents,2026-02-02T10:00:00", "c5,email,rents,2026-01-30T10:00:00")
    imported(catalogued_council, tmp_path, moved)
    imported(catalogued_council, tmp_path, moved)  # a second re-run changes nothing
    refresh(catalogued_council)

    output = kpis_json("--from", "2026-01-01", "--to", "2026-02-28", "--by", "month")

    # c3 is a short abandon (3 s), so January offers c1, c2, c4 and the moved c5; February none.
    assert [(r["month"], r["offered"]) for r in output["rows"]] == [("2026-01", 4)]
