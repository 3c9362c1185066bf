"""The audit is append-only, and erasing a person leaves it readable and free of their data."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils.html import escape

from frontdoor.audit.models import AccessLogEntry, AppendOnlyError, ChangeLogEntry
from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import ERASED, subject_ref, unseal
from frontdoor.identity.actions import (
    do_create_staff_member,
    do_erase_staff_member,
    do_update_staff_member,
)


def everything_logged() -> str:
    """Every column of every log row, as text, to search for personal data in clear."""
    rows = list(ChangeLogEntry.objects.values()) + list(AccessLogEntry.objects.values())
    return json.dumps(rows, default=str)


def test_log_entries_cannot_be_changed_or_deleted(make_user, council) -> None:
    admin = make_user("administrator")
    do_update_staff_member(actor=admin, user=make_user("agent"), first_name="Changed")
    entry = ChangeLogEntry.objects.first()
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ChangeLogEntry.objects.update(action="tampered")
    with pytest.raises(AppendOnlyError):
        ChangeLogEntry.objects.all().delete()


def test_personal_values_are_sealed_in_the_log_but_readable_until_erasure(make_user, council):
    admin = make_user("administrator")
    person = do_create_staff_member(
        actor=admin,
        council=council,
        username="bwilliams",
        first_name="Bethan",
        last_name="Williams",
        email="bethan.williams@northshire.gov.uk",
        roles=["agent"],
    )
    assert "Bethan" not in everything_logged()  # sealed even before erasure
    entry = ChangeLogEntry.objects.get(action="staff.create")
    assert unseal(entry.subject, entry.changes["first_name"]["new"]) == "Bethan"
    assert entry.subject == subject_ref(person)


def test_erasing_a_person_leaves_the_log_readable_and_free_of_their_personal_data(
    make_user, council
) -> None:
    admin = make_user("administrator")
    person = do_create_staff_member(
        actor=admin,
        council=council,
        username="bwilliams",
        first_name="Bethan",
        last_name="Williams",
        email="bethan.williams@northshire.gov.uk",
        roles=["agent"],
    )
    do_update_staff_member(actor=admin, user=person, last_name="Pritchard")
    record_access(
        actor=admin,
        view="staff.detail",
        instance=person,
        subject=subject_ref(person),
        detail="looked up Bethan Williams after a call",
    )
    entries_before = ChangeLogEntry.objects.count() + AccessLogEntry.objects.count()

    do_erase_staff_member(actor=admin, user=person)

    logged = everything_logged()
    for personal in ("Bethan", "Williams", "Pritchard", "bwilliams", "bethan.williams@"):
        assert personal not in logged, personal
    # Still readable: every entry is there, with its action, record and field names...
    assert ChangeLogEntry.objects.count() + AccessLogEntry.objects.count() == entries_before + 1
    update = ChangeLogEntry.objects.get(action="staff.update")
    assert set(update.changes) == {"last_name"} and update.object_id == str(person.pk)
    # ...and the sealed values now read as erased.
    assert unseal(update.subject, update.changes["last_name"]["new"]) == ERASED
    access = AccessLogEntry.objects.get(view="staff.detail")
    assert unseal(access.subject, access.detail) == ERASED


def test_the_audit_pages_show_erased_entries_without_the_data(make_user, council) -> None:
    admin = make_user("administrator")
    person = do_create_staff_member(
        actor=admin,
        council=council,
        username="bwilliams",
        first_name="Bethan",
        last_name="Williams",
        email="b@example.gov.uk",
        roles=[],
    )
    client = Client()
    client.force_login(make_user("ig_officer"))
    assert "Bethan" in client.get("/audit/changes/").content.decode()
    do_erase_staff_member(actor=admin, user=person)
    page = client.get("/audit/changes/").content.decode()
    assert "staff.erase" in page and "staff.create" in page
    assert "Bethan" not in page and ERASED in page


def test_the_access_log_page_lists_who_viewed_which_record(make_user, council) -> None:
    admin = make_user("administrator")
    person = make_user("agent")
    record_access(actor=admin, view="staff.detail", instance=person)
    client = Client()
    client.force_login(make_user("ig_officer"))
    page = client.get("/audit/access/").content.decode()
    assert "staff.detail" in page and f"identity.user {person.pk}" in page
    assert escape(admin.display_name) in page
