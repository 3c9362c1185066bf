"""Changes to contact records. Bulk work goes through `do_import_contacts`, one batch at a time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from frontdoor.audit.recorder import record_batch, record_change
from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from .models import Contact, ContactImport
from .records import CatalogueLookup, ValidRecord

# The stored fields a record may set, as the names `ValidRecord.values` uses.
STORED_FIELDS = (
    "channel",
    "direction",
    "parent_contact_id",
    "service_id",
    "queue_id",
    "offered_at",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "resolution",
    "failure_demand",
    "failure_demand_type",
    "case_ref",
    "citizen_ref",
    "email_known",
    "csat",
    "wrap_code",
    "agent_ref",
    "sensitivity",
    "retracted",
)


@dataclass
class BatchOutcome:
    """How many contacts a batch created, changed and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def authorise_import(actor: Any, council: Council) -> None:
    """The command line acts as the system (actor None); a person needs `import_contacts`."""
    if actor is not None:
        require(actor, "import_contacts", council)


@transaction.atomic
def do_import_contacts(
    *,
    actor: Any,
    council: Council,
    records: list[ValidRecord],
    catalogue: CatalogueLookup,
    contact_import: ContactImport | None = None,
) -> BatchOutcome:
    """Create or update a batch of validated contacts in one transaction.

    A record whose identity (council, source, contact_id) exists updates that contact: its
    non-empty values replace the stored ones, absent values leave them (so what an agent added
    at the desktop survives). Re-importing the same records changes nothing. One audit entry
    records the batch; each contact the batch changed gets its own entry with the changes.

    Rows are written with `executemany`, not model instances: an import of a million contacts
    spends its time here, and the ORM's per-object work would be most of it.
    """
    authorise_import(actor, council)
    outcome = BatchOutcome()
    adapt = _datetime_adapter()
    existing = _existing_contacts(council, records)
    as_read = _datetime_as_read()
    now = timezone.now()
    new_rows: list[tuple[Any, ...]] = []
    updates: dict[tuple[str, ...], list[tuple[int, dict[str, tuple[Any, Any]]]]] = defaultdict(list)
    import_pk = contact_import.pk if contact_import else None
    tail = (import_pk, adapt(now), adapt(now))
    for record in records:
        stored = existing.get((record.source, record.contact_id))
        if stored is None:
            new_rows.append(_new_row(council.pk, record, catalogue, adapt, tail))
            continue
        changes = _changes(stored, record.values, catalogue, as_read)
        if not changes:
            outcome.unchanged += 1
            continue
        updates[tuple(sorted(changes))].append((stored["id"], changes))

    if any("offered_at" in fields for fields in updates):
        # A contact may have moved to another month's snapshot partition.
        from frontdoor.insight.snapshots import mark_for_full_rebuild

        mark_for_full_rebuild(council.pk)
    _insert(new_rows)
    outcome.created = len(new_rows)
    for fields, changed in updates.items():
        _update(fields, changed, now)
        for pk, changes in changed:
            record_change(
                actor=actor,
                action="contact.reimport",
                instance=Contact(pk=pk, council_id=council.pk),
                changes=changes,
                subject=f"contact:{pk}",
            )
        outcome.updated += len(changed)

    # Early-intervention rules, once for the batch: a person whose new contacts complete a
    # pattern (money worries across services, say) gets a prompt on their record.
    from .early_intervention import evaluate_contact_batch

    evaluate_contact_batch(council, records, actor=actor)

    record_batch(
        actor=actor,
        action="contact.import_batch",
        object_type="contacts.contact",
        council_id=council.pk,
        summary={
            "import": import_pk,
            "file_sha256": contact_import.file_sha256 if contact_import else "",
            "records": len(records),
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
        },
    )
    return outcome


# Columns of a new contact's row, in the order `_new_row` gives them.
INSERT_COLUMNS = (
    "council_id",
    "source",
    "contact_id",
    *STORED_FIELDS,
    "imported_by_id",
    "created_at",
    "updated_at",
)
# What a new contact holds for a column its record leaves out.
_BLANK: dict[str, Any] = {
    "direction": "inbound",
    "parent_contact_id": "",
    "wait_seconds": None,
    "handle_seconds": None,
    "resolution": "",
    "failure_demand": None,
    "failure_demand_type": "",
    "case_ref": "",
    "citizen_ref": "",
    "email_known": None,
    "csat": "",
    "wrap_code": "",
    "agent_ref": "",
    "retracted": False,
}
_LOOKUP_CHUNK = 2000  # SQLite allows 32,766 parameters a statement; PostgreSQL 65,535


def _existing_contacts(
    council: Council, records: list[ValidRecord]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored values of the batch's contacts that exist, by identity.

    Read with raw SQL and compared as the driver returns them (`_datetime_as_read`), because
    turning a million rows back into model instances costs more than the whole comparison.
    """
    ids_by_source: dict[str, list[str]] = defaultdict(list)
    for record in records:
        ids_by_source[record.source].append(record.contact_id)
    quote = connection.ops.quote_name
    names = ("id", "contact_id", *STORED_FIELDS)
    columns = ", ".join(quote(n) for n in names)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for source, contact_ids in ids_by_source.items():
            for start in range(0, len(contact_ids), _LOOKUP_CHUNK):
                chunk = contact_ids[start : start + _LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {columns} FROM {quote(Contact._meta.db_table)} "  # noqa: S608
                    f"WHERE council_id = %s AND source = %s AND contact_id IN ({marks})",
                    [council.pk, source, *chunk],
                )
                for row in cursor.fetchall():
                    stored = dict(zip(names, row, strict=True))
                    found[(source, stored["contact_id"])] = stored
    return found


def _datetime_as_read() -> Callable[[dt.datetime], Any]:
    """What a raw query returns for a stored aware UTC datetime (SQLite: naive UTC)."""
    if connection.vendor == "sqlite":
        return lambda value: value.astimezone(dt.UTC).replace(tzinfo=None)
    return lambda value: value


def _datetime_adapter() -> Callable[[dt.datetime], Any]:
    """How this database takes an aware UTC datetime in raw SQL (as Django's ORM would)."""
    if connection.vendor == "sqlite":
        # Django stores naive UTC text on SQLite; the values are UTC already.
        return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


def _new_row(
    council_pk: int,
    record: ValidRecord,
    catalogue: CatalogueLookup,
    adapt: Callable[[dt.datetime], Any],
    tail: tuple[Any, ...],
) -> tuple[Any, ...]:
    values = record.values
    service = catalogue.service_by_pk(values["service_id"])
    row: list[Any] = [council_pk, record.source, record.contact_id]
    for name in STORED_FIELDS:
        if name in values:
            value = values[name]
        elif name == "queue_id":
            value = service.default_queue_pk
        elif name == "sensitivity":
            value = service.default_sensitivity
        else:
            value = _BLANK[name]
        if name == "offered_at":
            value = adapt(value)
        row.append(value)
    row.extend(tail)
    return tuple(row)


def _insert(rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
    sql = f"INSERT INTO {quote(Contact._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update(
    fields: tuple[str, ...], changed: list[tuple[int, dict[str, tuple[Any, Any]]]], now: Any
) -> None:
    quote = connection.ops.quote_name
    adapt_datetime = _datetime_adapter()
    assignments = ", ".join(f"{quote(f)} = %s" for f in (*fields, "updated_at"))
    sql = f"UPDATE {quote(Contact._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
    adapted_now = adapt_datetime(now)

    def adapt(name: str, value: Any) -> Any:
        return adapt_datetime(value) if name == "offered_at" else value

    rows = [
        (*(adapt(f, changes[f][1]) for f in fields), adapted_now, pk) for pk, changes in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _changes(
    stored: dict[str, Any],
    values: dict[str, Any],
    catalogue: CatalogueLookup,
    as_read: Callable[[dt.datetime], Any],
) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for name, value in values.items():
        old = stored[name]
        # Booleans come back as 0/1 from SQLite, which compare equal to False/True.
        if old != (as_read(value) if name == "offered_at" else value):
            changes[name] = (old, value)
    # A contact keeps the queue it was imported with, unless the file moves it to another
    # service and names no queue: then it takes that service's queue.
    if "service_id" in changes and "queue_id" not in values:
        service = catalogue.service_by_pk(values["service_id"])
        if stored["queue_id"] != service.default_queue_pk:
            changes["queue_id"] = (stored["queue_id"], service.default_queue_pk)
    return changes
