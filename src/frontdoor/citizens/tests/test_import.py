"""Importing residents: good rows kept, bad rows reported, re-imports change nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.citizens.importing import import_residents_file, load_mapping
from frontdoor.citizens.models import (
    AccessibilityNeeds,
    Address,
    ContactPoint,
    ExternalReference,
    Party,
    ResidentImport,
)
from frontdoor.citizens.search import search_parties

HEADER = (
    "source_id,title,given_name,family_name,date_of_birth,address,postcode,uprn,phone,email,needs"
)


def write(tmp_path, *rows: str, header: str = HEADER, name: str = "people.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


GOOD = [
    'CT1,Mrs,Sarah,Jones,1980-03-12,"14 Mill Lane|Cardiff",cf10 1ep,10033544614,07700 900123,'
    "sarah@example.com,large_print",
    "CT2,,Tom,Evans,02/07/1955,3 Bay Road,CF11 9AB,,,,",
]


def test_good_rows_are_kept_and_every_problem_of_a_bad_row_is_reported(council, tmp_path):
    path = write(
        tmp_path,
        *GOOD,
        "CT3,,,,1980-01-01,,,,,,",
        "CT4,,Ann,Lee,31/02/1990,1 Road,NOT A CODE,,12,not-an-email,telepathy",
        "CT1,,Sarah,Jones,,,,,,,",
    )
    result = import_residents_file(actor=None, council=council, path=path, source="council-tax")
    assert [str(r) for r in result.rejections] == [
        "row 4, column family_name: a person needs a given_name or a family_name",
        "row 5, column date_of_birth: '31/02/1990' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        "row 5, column postcode: 'NOT A CODE' is not a UK postcode",
        "row 5, column phone: '12' is not a phone number",
        "row 5, column email: is not an email address",
        "row 5, column needs: 'telepathy' is not an accessibility need",
        "row 6, column source_id: duplicates an earlier row of this file",
    ]
    run = result.resident_import
    assert (run.read, run.created, run.rejected) == (5, 2, 3)
    assert run.status == ResidentImport.Status.COMPLETED and run.rejections.count() == 7
    sarah = Party.objects.get(given_name="Sarah")
    assert sarah.date_of_birth == dt.date(1980, 3, 12) and sarah.title == "Mrs"
    address = sarah.addresses.get()
    assert (address.text, address.postcode, address.uprn, address.is_primary) == (
        "14 Mill Lane\nCardiff",
        "CF10 1EP",
        "10033544614",
        True,
    )
    assert set(sarah.contact_points.values_list("value", flat=True)) == {
        "07700 900123",
        "sarah@example.com",
    }
    assert AccessibilityNeeds.objects.get(party=sarah).large_print
    assert Party.objects.get(given_name="Tom").date_of_birth == dt.date(1955, 7, 2)


def test_each_person_keeps_their_source_id_as_an_external_reference_and_is_searchable(
    council, tmp_path, make_user
):
    import_residents_file(
        actor=None, council=council, path=write(tmp_path, *GOOD), source="council-tax"
    )
    assert set(ExternalReference.objects.values_list("source", "source_id")) == {
        ("council-tax", "CT1"),
        ("council-tax", "CT2"),
    }
    agent = make_user("agent")
    for typed in ("Sarah Jnoes", "07700 900123", "CT1", "CF10 1EP"):
        assert [r.display_name for r in search_parties(agent, council, typed).results] == [
            "Sarah Jones"
        ], typed


def test_reimporting_the_same_file_changes_nothing(council, tmp_path):
    path = write(tmp_path, *GOOD)
    import_residents_file(actor=None, council=council, path=path, source="council-tax")
    counts = (
        Party.objects.count(),
        Address.objects.count(),
        ContactPoint.objects.count(),
        ChangeLogEntry.objects.exclude(action="resident.import_batch").count(),
    )
    again = import_residents_file(actor=None, council=council, path=path, source="council-tax")
    run = again.resident_import
    assert (run.created, run.updated, run.unchanged) == (0, 0, 2)
    assert counts == (
        Party.objects.count(),
        Address.objects.count(),
        ContactPoint.objects.count(),
        ChangeLogEntry.objects.exclude(action="resident.import_batch").count(),
    )


def test_the_same_id_from_another_source_is_another_person(council, tmp_path):
    path = write(tmp_path, *GOOD)
    import_residents_file(actor=None, council=council, path=path, source="council-tax")
    import_residents_file(actor=None, council=council, path=path, source="housing")
    assert Party.objects.count() == 4


def test_a_reimport_fills_and_replaces_values_but_never_blanks_them_and_keeps_old_homes(
    council, tmp_path
):
    import_residents_file(
        actor=None, council=council, path=write(tmp_path, *GOOD), source="council-tax"
    )
    changed = write(
        tmp_path,
        "CT1,,Sarah,Morgan,,2 New Road,CF10 2BB,,07700 900999,,",
        name="changed.csv",
    )
    result = import_residents_file(actor=None, council=council, path=changed, source="council-tax")
    assert result.resident_import.updated == 1
    sarah = Party.objects.get(given_name="Sarah")
    assert (sarah.family_name, sarah.title, sarah.date_of_birth) == (
        "Morgan",
        "Mrs",
        dt.date(1980, 3, 12),
    )
    assert sarah.addresses.get(is_primary=True).text == "2 New Road"
    assert sarah.addresses.get(is_primary=False).kind == "previous"
    assert sarah.contact_points.filter(kind="phone").count() == 2
    entry = ChangeLogEntry.objects.get(action="party.reimport")
    assert set(entry.changes) == {"family_name"}
    assert "Morgan" not in json.dumps(entry.changes)  # sealed


def test_a_mapping_reads_another_systems_export(council, tmp_path):
    mapping = tmp_path / "legacy.toml"
    mapping.write_text(
        'delimiter = ";"\ndate_format = "%d.%m.%Y"\n'
        '[columns]\nsource_id = "PERSON_NO"\ngiven_name = "FORENAME"\nfamily_name = "SURNAME"\n'
        'date_of_birth = "DOB"\n[values]\npreferred_language = "cy"\n',
        encoding="utf-8",
    )
    path = write(tmp_path, "P-1;Gwen;Hughes;01.05.1970", header="PERSON_NO;FORENAME;SURNAME;DOB")
    result = import_residents_file(
        actor=None, council=council, path=path, source="legacy", mapping=load_mapping(mapping)
    )
    assert result.ok
    gwen = Party.objects.get()
    assert (gwen.given_name, gwen.date_of_birth, gwen.preferred_language) == (
        "Gwen",
        dt.date(1970, 5, 1),
        "cy",
    )


def test_the_command_reports_rejections_and_exits_1(council, tmp_path):
    path = write(tmp_path, *GOOD, "CT9,,,,,,,,,,")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_residents", str(path), source="council-tax", stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert "rejected: row 4, column family_name" in err.getvalue()
    assert "3 read, 2 created, 0 updated, 0 unchanged, 1 rejected" in out.getvalue()


def test_only_staff_who_may_import_residents_can(council, tmp_path, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_residents_file(
            actor=make_user("agent"), council=council, path=write(tmp_path, *GOOD), source="x"
        )
    result = import_residents_file(
        actor=make_user("administrator"), council=council, path=write(tmp_path, *GOOD), source="x"
    )
    assert result.resident_import.created == 2
