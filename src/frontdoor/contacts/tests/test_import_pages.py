"""The contact-import page: upload a file, then read what was imported, skipped and rejected."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from frontdoor.contacts.models import Contact, ContactImport

URL = "/contacts/imports/"
GOOD_AND_BAD = (
    "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds\n"
    "a1,phone,council-tax,2026-01-05T09:00:00,answered,10,300\n"
    "a2,phone,dog-walking,2026-01-05T09:01:00,answered,10,300\n"
    "a3,email,rents,2026-01-05T09:02:00,answered,,\n"
)


@pytest.fixture
def analyst(client, make_user, catalogued_council):
    user = make_user("performance_analyst")
    client.force_login(user)
    return user


def upload(client, content: str, name: str = "contacts.csv", **fields):
    data = {"file": SimpleUploadedFile(name, content.encode(), "text/csv"), **fields}
    return client.post(URL, data)


def test_an_upload_imports_the_good_records_and_shows_each_rejected_one(client, analyst):
    response = upload(client, GOOD_AND_BAD, source="telephony")

    done = ContactImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/imports/{done.pk}/"
    assert set(Contact.objects.values_list("contact_id", "source")) == {
        ("a1", "telephony"),
        ("a3", "telephony"),
    }
    page = client.get(response["Location"]).content.decode()
    assert "Some rejected" in page
    assert "&#x27;dog-walking&#x27; is not a service in the catalogue" in page
    assert ">3</td>" in page  # the row number of the rejected record
    assert done.started_by == analyst


def test_uploading_the_same_file_again_changes_nothing(client, analyst):
    upload(client, GOOD_AND_BAD)
    upload(client, GOOD_AND_BAD)

    first, second = ContactImport.objects.order_by("pk")
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Contact.objects.count() == 2


def test_the_rejections_download_lists_every_rejected_record(client, analyst):
    upload(client, GOOD_AND_BAD)
    done = ContactImport.objects.get()

    response = client.get(f"/contacts/imports/{done.pk}/rejections.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["row", "column", "reason"],
        ["3", "service", "'dog-walking' is not a service in the catalogue"],
    ]


def test_an_upload_without_a_file_shows_an_error_and_imports_nothing(client, analyst):
    response = client.post(URL, {"source": "telephony"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_file"' in page
    assert not ContactImport.objects.exists()


def test_a_bad_source_name_is_refused_before_anything_is_read(client, analyst):
    response = upload(client, GOOD_AND_BAD, source="Tele Phony!")

    assert response.status_code == 400
    assert "Source must be lower-case letters" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_shipped_mapping_reads_a_real_export(client, analyst):
    excerpt = (
        "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\t"
        "q_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
        "AA0101\t33116\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\t"
        "HANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
        "AA0101\t33117\t23987330\t1\tPS\t990101\t0:34:12\t0:34:23\t11\t0:00:00\t0:00:00\t0\t"
        "HANG\t0:34:23\t0:35:45\t82\tMICHAL\n"
    )
    response = upload(client, excerpt, name="January.txt", mapping="anonymous-bank")

    done = ContactImport.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert done.mapping == "anonymous-bank"
    # The first call queued and hung up (an abandoned contact); the second hung up in the menu
    # and was never offered to an agent (skipped, with its reason).
    assert (done.read, done.created, done.skipped, done.rejected) == (2, 1, 1, 0)
    assert Contact.objects.get().outcome == "abandoned"


def test_agents_may_not_import_contacts(client, make_user, catalogued_council):
    client.force_login(make_user("agent"))

    assert client.get(URL).status_code == 403
    assert upload(client, GOOD_AND_BAD).status_code == 403
    assert not ContactImport.objects.exists()


def test_another_councils_import_is_not_found(client, analyst, other_council):
    theirs = ContactImport.objects.create(council=other_council, file_name="x.csv", source="crm")

    assert client.get(f"/contacts/imports/{theirs.pk}/").status_code == 404
