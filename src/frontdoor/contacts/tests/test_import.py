"""Importing contact files: good records kept, bad ones reported, re-imports change nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.contacts.importing import import_contacts_file
from frontdoor.contacts.models import Contact, ContactImport
from frontdoor.core.models import Queue

HEADER = "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution,csat"


def write(tmp_path, *rows: str, header: str = HEADER, name: str = "contacts.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_good_records_are_kept_and_each_bad_one_is_reported_with_row_column_and_reason(
    catalogued_council, tmp_path
):
    path = write(
        tmp_path,
        "a1,phone,council-tax,2026-01-05T09:00:00,answered,10,300,first_contact,good",
        "a2,phone,dog-walking,2026-01-05T09:01:00,answered,10,300,,",
        "a3,email,rents,2026-01-05T09:02:00,answered,,,,",
        "a4,phone,rents,2026-01-05,answered,5,,,",
    )
    result = import_contacts_file(actor=None, council=catalogued_council, path=path)

    assert [str(r) for r in result.rejections] == [
        "row 3, column service: 'dog-walking' is not a service in the catalogue",
        "row 5, column offered_at: must be an ISO 8601 date and time",
    ]
    report = result.contact_import
    assert (report.read, report.created, report.rejected) == (4, 2, 2)
    assert report.status == ContactImport.Status.COMPLETED
    assert report.rejections.count() == 2
    assert set(Contact.objects.values_list("contact_id", flat=True)) == {"a1", "a3"}


def test_an_imported_contact_takes_its_services_family_queue_and_the_import_source(
    catalogued_council, tmp_path
):
    path = write(tmp_path, "a1,phone,rents,2026-01-05T09:00:00,answered,10,300,,")
    import_contacts_file(actor=None, council=catalogued_council, path=path, source="telephony")
    contact = Contact.objects.get()
    assert contact.source == "telephony"
    assert contact.queue == Queue.objects.get(council=catalogued_council, queue_id="housing")
    assert contact.offered_at == dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def test_reimporting_the_same_file_changes_nothing(catalogued_council, tmp_path):
    rows = [
        f"c{i},phone,council-tax,2026-01-05T09:{i:02d}:00,answered,{i},120,first_contact,4"
        for i in range(30)
    ]
    path = write(tmp_path, *rows)
    import_contacts_file(actor=None, council=catalogued_council, path=path, batch_size=7)
    before = list(Contact.objects.order_by("pk").values())
    changes_before = ChangeLogEntry.objects.filter(action="contact.reimport").count()

    again = import_contacts_file(actor=None, council=catalogued_council, path=path, batch_size=7)

    assert (again.contact_import.created, again.contact_import.updated) == (0, 0)
    assert again.contact_import.unchanged == 30
    assert list(Contact.objects.order_by("pk").values()) == before
    assert ChangeLogEntry.objects.filter(action="contact.reimport").count() == changes_before


def test_a_reimport_replaces_with_non_empty_values_and_keeps_the_rest(catalogued_council, tmp_path):
    first = write(
        tmp_path, "c1,phone,council-tax,2026-01-05T09:00:00,answered,10,120,first_contact,good"
    )
    import_contacts_file(actor=None, council=catalogued_council, path=first)
    second = write(
        tmp_path,
        "c1,phone,council-tax,2026-01-05T09:00:00,answered,25,,,",
        name="second.csv",
    )
    result = import_contacts_file(actor=None, council=catalogued_council, path=second)

    contact = Contact.objects.get()
    assert result.contact_import.updated == 1
    assert contact.wait_seconds == 25
    assert (contact.handle_seconds, contact.resolution, contact.csat) == (
        120,
        "first_contact",
        "good",
    )
    entry = ChangeLogEntry.objects.get(action="contact.reimport")
    assert entry.changes == {"wait_seconds": {"old": 10.0, "new": 25.0}}


def test_a_rejected_record_leaves_the_stored_contact_as_it_was(catalogued_council, tmp_path):
    import_contacts_file(
        actor=None,
        council=catalogued_council,
        path=write(tmp_path, "c1,phone,council-tax,2026-01-05T09:00:00,answered,10,,,"),
    )
    bad = write(
        tmp_path, "c1,phone,council-tax,2026-01-05T09:00:00,answered,ten,,,", name="bad.csv"
    )
    result = import_contacts_file(actor=None, council=catalogued_council, path=bad)
    assert result.contact_import.rejected == 1
    assert Contact.objects.get().wait_seconds == 10


def test_a_second_record_with_the_same_identity_in_one_file_is_a_duplicate(
    catalogued_council, tmp_path
):
    path = write(
        tmp_path,
        "c1,phone,council-tax,2026-01-05T09:00:00,answered,10,,,",
        "c1,phone,council-tax,2026-01-05T09:05:00,answered,99,,,",
    )
    result = import_contacts_file(actor=None, council=catalogued_council, path=path)
    assert [(r.row_number, r.column) for r in result.rejections] == [(3, "contact_id")]
    assert Contact.objects.get().wait_seconds == 10


def test_the_same_contact_id_from_two_sources_is_two_contacts(catalogued_council, tmp_path):
    path = write(
        tmp_path,
        "c1,telephony,phone,council-tax,2026-01-05T09:00:00,answered,10",
        "c1,webchat,webchat,council-tax,2026-01-05T09:00:00,answered,10",
        header="contact_id,source,channel,service,offered_at,outcome,wait_seconds",
    )
    import_contacts_file(actor=None, council=catalogued_council, path=path)
    assert sorted(Contact.objects.values_list("source", flat=True)) == ["telephony", "webchat"]


def test_a_byte_order_mark_and_extra_columns_are_ignored(catalogued_council, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffnotes,contact_id,channel,service,offered_at,outcome\n"
        "hello,c1,email,rents,2026-01-05T09:00:00,answered\n".encode()
    )
    result = import_contacts_file(actor=None, council=catalogued_council, path=path)
    assert result.ok
    assert Contact.objects.get().contact_id == "c1"


def test_one_audit_entry_records_each_batch_with_the_file_hash(catalogued_council, tmp_path):
    rows = [f"c{i},email,rents,2026-01-05T09:00:00,answered,,,," for i in range(12)]
    result = import_contacts_file(
        actor=None, council=catalogued_council, path=write(tmp_path, *rows), batch_size=5
    )
    batches = ChangeLogEntry.objects.filter(action="contact.import_batch").order_by("pk")
    assert [b.batch["created"] for b in batches] == [5, 5, 2]
    assert {b.batch["file_sha256"] for b in batches} == {result.contact_import.file_sha256}


def test_contacts_of_another_council_are_not_touched(catalogued_council, other_council, tmp_path):
    from frontdoor.testing.catalogue import load_reference_catalogue

    load_reference_catalogue(other_council)
    path = write(tmp_path, "c1,email,rents,2026-01-05T09:00:00,answered,,,,")
    import_contacts_file(actor=None, council=other_council, path=path)
    import_contacts_file(actor=None, council=catalogued_council, path=path)
    assert Contact.objects.filter(council=other_council).count() == 1
    assert Contact.objects.filter(council=catalogued_council).count() == 1


def test_a_person_without_the_import_permission_cannot_import(
    catalogued_council, make_user, tmp_path
):
    from django.core.exceptions import PermissionDenied

    path = write(tmp_path, "c1,email,rents,2026-01-05T09:00:00,answered,,,,")
    with pytest.raises(PermissionDenied):
        import_contacts_file(actor=make_user("agent"), council=catalogued_council, path=path)
    result = import_contacts_file(
        actor=make_user("performance_analyst"), council=catalogued_council, path=path
    )
    assert result.contact_import.created == 1


def test_the_command_reports_counts_and_exits_non_zero_on_rejections(catalogued_council, tmp_path):
    path = write(
        tmp_path,
        "c1,email,rents,2026-01-05T09:00:00,answered,,,,",
        "c2,email,rents,not-a-date,answered,,,,",
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_contacts", str(path), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    assert "row 3, column offered_at" in err.getvalue()
    assert "2 read, 1 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected" in out.getvalue()

    out = StringIO()
    good = write(tmp_path, "c1,email,rents,2026-01-05T09:00:00,answered,,,,", name="good.csv")
    call_command("import_contacts", str(good), stdout=out)
    assert "1 read, 0 created, 0 updated, 1 unchanged" in out.getvalue()
