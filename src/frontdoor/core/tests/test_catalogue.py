"""Loading the service catalogue: counts, idempotence, every bad row, effective-dated families."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.core import selectors
from frontdoor.core.models import Queue, Service, ServiceFamily

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERVICES = FIXTURES / "service-catalogue.csv"
FAMILIES = FIXTURES / "service-families.csv"


def load(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_reference_catalogue_loads_32_services_in_9_families_with_a_queue_each(council):
    out, _ = load(str(SERVICES), "--families", str(FAMILIES), "--council", "northshire")
    assert Service.objects.filter(council=council).count() == 32
    assert ServiceFamily.objects.filter(council=council).count() == 9
    assert Queue.objects.filter(council=council).count() == 9
    assert "services 32 created" in out
    families = dict(selectors.services_with_family(council))
    assert all(families.values())


def test_loading_the_same_files_again_changes_nothing(council):
    load(str(SERVICES), "--families", str(FAMILIES))
    entries = ChangeLogEntry.objects.count()
    out, _ = load(str(SERVICES), "--families", str(FAMILIES))
    assert "0 created" in out and "41 unchanged" in out
    # Only the batch entry of the second run: no per-record entries.
    assert ChangeLogEntry.objects.count() == entries + 1
    assert ChangeLogEntry.objects.first().batch["created"]["service"] == 0


def test_every_bad_row_is_reported_and_the_good_ones_kept(council, tmp_path):
    families = write(tmp_path, "f.csv", "\ufefffamily_id,name\ncouncil-tax,Council Tax\nBad Id,X\n")
    services = write(
        tmp_path,
        "s.csv",
        "service_id,name,family,description,extra\n"
        "council-tax,Council Tax,council-tax,Bills,ignored\n"
        "benefits,,council-tax,,\n"
        "parking,Parking,no-such-family,,\n"
        "council-tax,Again,council-tax,,\n"
        ",Nameless,council-tax,,\n",
    )
    with pytest.raises(CommandError) as failure:
        load(services, "--families", families)
    assert failure.value.returncode == 1
    assert Service.objects.filter(council=council).count() == 1
    rejections = ChangeLogEntry.objects.get(action="catalogue.load").batch["rejected"]
    assert rejections == 5


def test_rejections_name_the_row_column_and_reason(council, tmp_path, capsys):
    families = write(tmp_path, "f.csv", "family_id,name\ncouncil-tax,Council Tax\nBad Id,X\n")
    services = write(
        tmp_path, "s.csv", "service_id,name,family\nbenefits,,council-tax\nparking,P,nowhere\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_catalogue", services, "--families", families, stderr=err)
    lines = err.getvalue().splitlines()
    assert "rejected: f.csv row 3, family_id: 'Bad Id' is not a valid id" in lines[0]
    assert lines[1] == "rejected: s.csv row 2, name: a name is required"
    assert lines[2] == "rejected: s.csv row 3, family: there is no family 'nowhere'"


def test_a_file_without_the_required_columns_is_refused_whole(council, tmp_path):
    services = write(tmp_path, "s.csv", "id,title\n1,x\n")
    with pytest.raises(CommandError, match="has no column service_id, name, family"):
        load(services)


def test_a_family_change_applies_from_its_date_and_past_dates_keep_the_old_family(
    council, tmp_path
):
    load(str(SERVICES), "--families", str(FAMILIES))
    moved = write(
        tmp_path,
        "s.csv",
        "service_id,name,family\n"
        "benefits,Housing Benefit and Council Tax Reduction,welfare-support\n",
    )
    load(moved, "--effective-from", "2026-04-01")
    before = dict(
        (s.service_id, f) for s, f in selectors.services_with_family(council, dt.date(2026, 3, 31))
    )
    after = dict(
        (s.service_id, f) for s, f in selectors.services_with_family(council, dt.date(2026, 4, 1))
    )
    assert before["benefits"] == "council-tax" and after["benefits"] == "welfare-support"
    entry = ChangeLogEntry.objects.get(action="catalogue.move_service_family")
    assert entry.changes["family_valid_from"]["new"] == "2026-04-01"
    # Loading the move again is idempotent.
    load(moved, "--effective-from", "2026-04-01")
    assert ChangeLogEntry.objects.filter(action="catalogue.move_service_family").count() == 1


def test_a_renamed_service_is_updated_and_audited(council, tmp_path):
    load(str(SERVICES), "--families", str(FAMILIES))
    renamed = write(
        tmp_path, "s.csv", "service_id,name,family\ncouncil-tax,Council Tax Office,council-tax\n"
    )
    load(renamed)
    assert (
        Service.objects.get(council=council, service_id="council-tax").name == "Council Tax Office"
    )
    entry = ChangeLogEntry.objects.get(action="catalogue.update_service")
    assert entry.changes["name"] == {"old": "Council Tax", "new": "Council Tax Office"}
