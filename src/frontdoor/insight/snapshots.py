"""Contact facts for the KPI engine: built from the database, kept as Parquet snapshots.

The route (ADR 0006): DuckDB cannot read SQLite or PostgreSQL here, so the worker writes each
council's contacts as facts into Parquet files partitioned by council and local month, and a
query reads those files plus the *fresh* rows, the contacts changed since the snapshot was built,
which are read from the database into Arrow at query time and replace their snapshot rows. So a
figure always includes the latest contacts and edits, however far behind the worker is.

A change that alters many facts at once (a family move, a person merge, a change of the council's
time zone or KPI settings, a contact moving to another month) marks the snapshots for a full
rebuild; until then the fresh rows carry the change.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import shutil
import time
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Queue, Service, ServiceFamilyMembership
from frontdoor.insight.engine.facts import FACT_SCHEMA

from .merges import canonical_ref, person_ref_aliases
from .models import KpiSettings, SnapshotState

# Transactions still open when a refresh starts may commit rows stamped a little earlier than
# the refresh; reading fresh rows this far back catches them (a row in both places is harmless:
# the fresh copy replaces the snapshot's).
SAFETY_MARGIN = dt.timedelta(minutes=10)
CHUNK = 50_000
_CSAT_SIGN = {"good": 1, "5": 1, "4": 1, "average": 0, "3": 0, "poor": -1, "2": -1, "1": -1}

_FIELDS = (
    "pk",
    "source",
    "channel",
    "direction",
    "parent_contact_id",
    "retracted",
    "service_id",
    "queue_id",
    "offered_at",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "resolution",
    "failure_demand",
    "failure_demand_type",
    "csat",
    "citizen_ref",
    "email_known",
    "wrap_code",
)


def snapshot_root() -> Path:
    """Where snapshots live (FRONTDOOR_SNAPSHOT_DIR)."""
    return Path(settings.FRONTDOOR_SNAPSHOT_DIR)


def council_dir(council_id: int) -> Path:
    """The hive-style folder of one council's partitions."""
    return snapshot_root() / f"council_id={council_id}"


def person_key(council_id: int, citizen_ref: str) -> str:
    """A pseudonym for the person behind a citizen_ref (no personal value reaches a snapshot).

    The CRM's merges and external references map several refs to one person; until a ref is
    mapped it stands for itself.
    """
    digest = hashlib.blake2b(
        f"{council_id}\x1f{citizen_ref}".encode(), digest_size=12, person=b"frontdoor-pk"
    )
    return digest.hexdigest()


@dataclass
class FactContext:
    """What turning a council's contacts into facts needs, read once."""

    council_id: int
    zone: zoneinfo.ZoneInfo
    service_ids: dict[int, str]
    queue_ids: dict[int, str]
    family_timeline: dict[int, tuple[list[dt.date], list[str]]]
    queue_sourced_channels: frozenset[str]
    # {(source, citizen_ref): survivor's reference} for merged people, so a merged person's
    # contacts share the survivor's pseudonymous key (empty when nobody was merged).
    aliases: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def for_council(cls, council: Council) -> FactContext:
        timeline: dict[int, tuple[list[dt.date], list[str]]] = {}
        memberships = (
            ServiceFamilyMembership.objects.filter(service__council=council)
            .select_related("family")
            .order_by("service_id", "valid_from")
        )
        for membership in memberships:
            dates, families = timeline.setdefault(membership.service_id, ([], []))
            dates.append(membership.valid_from)
            families.append(membership.family.family_id)
        kpi_settings = KpiSettings.objects.filter(council=council).first()
        return cls(
            council_id=council.pk,
            zone=zoneinfo.ZoneInfo(council.time_zone),
            service_ids=dict(
                Service.objects.filter(council=council).values_list("pk", "service_id")
            ),
            queue_ids=dict(Queue.objects.filter(council=council).values_list("pk", "queue_id")),
            family_timeline=timeline,
            queue_sourced_channels=frozenset(
                kpi_settings.queue_sourced_channels if kpi_settings else ()
            ),
            aliases=person_ref_aliases(council.pk),
        )

    def family_on(self, service_pk: int, local_date: dt.date) -> str:
        """The service's family in force on a local date (its first family before that)."""
        dates, families = self.family_timeline.get(service_pk, ([], []))
        if not dates:
            return ""
        index = bisect.bisect_right(dates, local_date) - 1
        return families[max(index, 0)]


def facts_table(context: FactContext, rows: Iterable[tuple[Any, ...]]) -> pa.Table:
    """Turn contact rows (the `_FIELDS` values) into a table of FACT_SCHEMA."""
    columns: dict[str, list[Any]] = {name: [] for name in FACT_SCHEMA.names}
    zone = context.zone
    queue_sourced = context.queue_sourced_channels
    for (
        pk,
        source,
        channel,
        direction,
        parent,
        retracted,
        service_pk,
        queue_pk,
        offered_at,
        outcome,
        wait,
        handle,
        resolution,
        failure_demand,
        fd_type,
        csat,
        citizen_ref,
        email_known,
        wrap_code,
    ) in rows:
        local = offered_at.astimezone(zone).replace(tzinfo=None)
        columns["council_id"].append(context.council_id)
        columns["contact_key"].append(pk)
        columns["counted"].append(
            direction == "inbound"
            and not retracted
            and not parent
            and not (source == "desktop" and channel in queue_sourced)
        )
        columns["channel"].append(channel)
        columns["service"].append(context.service_ids.get(service_pk, ""))
        columns["family"].append(context.family_on(service_pk, local.date()))
        columns["queue"].append(context.queue_ids.get(queue_pk, ""))
        columns["offered_at_utc"].append(offered_at)
        columns["offered_local"].append(local)
        columns["month"].append(f"{local.year:04d}-{local.month:02d}")
        columns["outcome"].append(outcome)
        columns["wait_seconds"].append(wait)
        columns["handle_seconds"].append(handle)
        columns["resolution"].append(resolution or None)
        columns["failure_demand"].append(failure_demand)
        columns["failure_demand_type"].append(fd_type or None)
        columns["csat_sign"].append(_CSAT_SIGN.get(csat))
        columns["person_key"].append(
            person_key(context.council_id, canonical_ref(context.aliases, source, citizen_ref))
            if citizen_ref
            else None
        )
        columns["email_known"].append(email_known)
        columns["wrap_code"].append(wrap_code or None)
    return pa.Table.from_pydict(columns, schema=FACT_SCHEMA)


def _rows(queryset: QuerySet[Contact]) -> Iterator[tuple[Any, ...]]:
    return queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK)


def local_month_bounds(zone: zoneinfo.ZoneInfo, month: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a local month starts and ends (end exclusive)."""
    year, number = (int(part) for part in month.split("-"))
    start = dt.datetime(year, number, 1, tzinfo=zone)
    following = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), following.astimezone(dt.UTC)


def fresh_facts(council: Council, *, since: dt.datetime | None, **window: Any) -> pa.Table:
    """Facts of the contacts changed since `since` (all of them in `window` when no snapshot)."""
    contacts = Contact.objects.filter(council=council)
    if since is not None:
        contacts = contacts.filter(updated_at__gte=since - SAFETY_MARGIN)
    else:
        if "start" in window:
            contacts = contacts.filter(offered_at__gte=window["start"])
        if "end" in window:
            contacts = contacts.filter(offered_at__lt=window["end"])
    return facts_table(FactContext.for_council(council), _rows(contacts.order_by()))


def changed_since_margin(council: Council, state: SnapshotState) -> bool:
    """Whether contacts changed within the safety margin before the snapshot was built (queries
    read those again from the database until a later refresh moves past them)."""
    if state.built_through is None:
        return False
    return Contact.objects.filter(
        council=council, updated_at__gte=state.built_through - SAFETY_MARGIN
    ).exists()


def mark_for_full_rebuild(council_id: int) -> None:
    """Say that many facts changed at once; the next refresh rebuilds every month."""
    SnapshotState.objects.update_or_create(
        council_id=council_id, defaults={"needs_full_rebuild": True}
    )


def refresh(council: Council) -> SnapshotState:
    """Bring a council's snapshots up to date: rebuild the months whose contacts changed."""
    began = time.perf_counter()
    started_at = timezone.now()
    state, _ = SnapshotState.objects.get_or_create(council=council)
    context = FactContext.for_council(council)
    folder = council_dir(council.pk)
    contacts = Contact.objects.filter(council=council).order_by()
    full = state.needs_full_rebuild or state.built_through is None or not folder.exists()
    if full:
        months = _months_of(context, contacts.values_list("offered_at", flat=True))
        if folder.exists():
            shutil.rmtree(folder)
    else:
        changed = contacts.filter(updated_at__gte=state.built_through - SAFETY_MARGIN)
        months = _months_of(context, changed.values_list("offered_at", flat=True))
    written = 0
    for month in sorted(months):
        start, end = local_month_bounds(context.zone, month)
        table = facts_table(
            context, _rows(contacts.filter(offered_at__gte=start, offered_at__lt=end))
        )
        _write_partition(folder / f"month={month}", table)
        written += table.num_rows
    with transaction.atomic():
        state = SnapshotState.objects.select_for_update().get(pk=state.pk)
        # A rebuild flag raised while this refresh ran must survive it.
        state.needs_full_rebuild = state.needs_full_rebuild and not full
        state.built_through = started_at
        state.months = sorted({*state.months, *months}) if not full else sorted(months)
        state.rows = _count_rows(folder)
        state.refreshed_at = timezone.now()
        state.seconds = time.perf_counter() - began
        state.save()
    return state


def _months_of(context: FactContext, instants: Iterable[dt.datetime]) -> set[str]:
    zone = context.zone
    months = set()
    for instant in instants.iterator() if hasattr(instants, "iterator") else instants:
        local = instant.astimezone(zone)
        months.add(f"{local.year:04d}-{local.month:02d}")
    return months


def _write_partition(folder: Path, table: pa.Table) -> None:
    """Replace one partition atomically: readers see the old file or the new, never half."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / "facts.parquet"
    partial = folder / f".facts.{os.getpid()}.parquet.tmp"
    if table.num_rows == 0:
        final.unlink(missing_ok=True)
        return
    pq.write_table(table, partial, compression="zstd")
    os.replace(partial, final)


def _count_rows(folder: Path) -> int:
    if not folder.exists():
        return 0
    return sum(pq.ParquetFile(path).metadata.num_rows for path in folder.glob("*/facts.parquet"))
