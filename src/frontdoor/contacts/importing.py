"""Importing a file of contact records: stream, validate, write in batches, report.

The file is read record by record (millions never sit in memory), validated, and written through
`do_import_contacts` a few thousand at a time. Every rejected record is kept in the import's
report with its row, column and reason; the good records are imported all the same. Re-running
the same file changes nothing. The command line, the API and the web page all come here.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from frontdoor.core.models import Council

from .actions import authorise_import, do_import_contacts
from .models import ContactImport, ContactImportRejection
from .reading import Mapping, SourceRecord, read_records
from .records import RecordValidator, Rejection, ValidRecord
from .selectors import catalogue_lookup

BATCH_SIZE = 5000

# Called with the import so far after every batch (for a progress bar).
Progress = Callable[[ContactImport], None]


@dataclass
class ImportResult:
    """The finished import and every rejection, for the caller to show."""

    contact_import: ContactImport
    rejections: list[Rejection]

    @property
    def ok(self) -> bool:
        return not self.rejections


MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


def shipped_mappings() -> list[str]:
    """The names of the mappings shipped with Frontdoor (for real telephony and 311 exports)."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*") if p.suffix in {".toml", ".yaml", ".yml"})


def shipped_mapping(name: str) -> Path | None:
    """The file of a shipped mapping, by name (None when there is no such mapping)."""
    for suffix in (".toml", ".yaml", ".yml"):
        path = MAPPINGS_DIR / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_contacts_file(
    *,
    actor: Any,
    council: Council,
    path: Path,
    source: str | None = None,
    mapping: Mapping | None = None,
    mapping_name: str = "",
    file_name: str | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import a file of contacts for `council` and return the finished import's report."""
    authorise_import(actor, council)
    contact_import = ContactImport.objects.create(
        council=council,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name or path.name,
        file_sha256=file_sha256(path),
        source=source or (mapping.source if mapping and mapping.source else "") or "import",
        mapping=mapping_name,
    )
    try:
        rejections = _run(
            actor=actor,
            council=council,
            records=read_records(path, mapping),
            time_zone=(mapping.time_zone if mapping and mapping.time_zone else council.time_zone),
            contact_import=contact_import,
            progress=progress,
            batch_size=batch_size,
        )
    except Exception as error:
        contact_import.status = ContactImport.Status.FAILED
        contact_import.error = f"{type(error).__name__}: {error}"
        contact_import.finished_at = timezone.now()
        contact_import.save()
        raise
    return ImportResult(contact_import, rejections)


def import_contacts_stream(
    *, actor: Any, council: Council, stream: IO[bytes], file_name: str, **options: Any
) -> ImportResult:
    """Import an uploaded file: it is spooled to a temporary file first, then read as one."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=Path(file_name).suffix) as spool:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            spool.write(chunk)
        spool.flush()
        return import_contacts_file(
            actor=actor, council=council, path=Path(spool.name), file_name=file_name, **options
        )


def _run(
    *,
    actor: Any,
    council: Council,
    records: Iterable[SourceRecord],
    time_zone: str,
    contact_import: ContactImport,
    progress: Progress | None,
    batch_size: int,
) -> list[Rejection]:
    catalogue = catalogue_lookup(council)
    validator = RecordValidator(
        catalogue=catalogue, time_zone=time_zone, default_source=contact_import.source
    )
    rejections: list[Rejection] = []
    # Reading and validating run in a second thread while this one writes: the database
    # driver releases the interpreter lock while it works, so the two overlap.
    for chunk in _in_background(_validated_chunks(records, validator, batch_size)):
        with transaction.atomic():
            if chunk.records:
                outcome = do_import_contacts(
                    actor=actor,
                    council=council,
                    records=chunk.records,
                    catalogue=catalogue,
                    contact_import=contact_import,
                )
                contact_import.created += outcome.created
                contact_import.updated += outcome.updated
                contact_import.unchanged += outcome.unchanged
            ContactImportRejection.objects.bulk_create(
                ContactImportRejection(
                    contact_import=contact_import,
                    row_number=r.row_number,
                    column=r.column[:100],
                    reason=r.reason[:500],
                )
                for r in chunk.rejections
            )
            contact_import.read += chunk.read
            contact_import.skipped += sum(chunk.skipped.values())
            contact_import.rejected += chunk.rejected
            contact_import.skipped_reasons = dict(
                Counter(contact_import.skipped_reasons) + chunk.skipped
            )
            contact_import.save()
        rejections.extend(chunk.rejections)
        if progress:
            progress(contact_import)
    contact_import.status = ContactImport.Status.COMPLETED
    contact_import.finished_at = timezone.now()
    contact_import.save()
    _queue_snapshot_refresh(council)
    return rejections


@dataclass
class _Chunk:
    """A batch of valid records and what else the reader met on the way to it."""

    records: list[ValidRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    read: int = 0
    rejected: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def _validated_chunks(
    records: Iterable[SourceRecord], validator: RecordValidator, batch_size: int
) -> Iterator[_Chunk]:
    seen: set[bytes] = set()
    chunk = _Chunk()
    for record in records:
        chunk.read += 1
        if record.skipped is not None:
            chunk.skipped[record.skipped] += 1
            continue
        if record.problems:
            found = [Rejection(record.row_number, col, why) for col, why in record.problems]
        else:
            result = validator.validate(record.row_number, record.values or {})
            if isinstance(result, ValidRecord):
                identity = hashlib.blake2b(
                    f"{result.source}\x1f{result.contact_id}".encode(), digest_size=12
                ).digest()
                if identity in seen:
                    found = [
                        Rejection(
                            record.row_number,
                            "contact_id",
                            f"duplicates an earlier record of this file ({result.source})",
                        )
                    ]
                else:
                    seen.add(identity)
                    chunk.records.append(result)
                    found = []
            else:
                found = result
        if found:
            chunk.rejected += 1
            chunk.rejections.extend(found)
        if len(chunk.records) >= batch_size or len(chunk.rejections) >= batch_size:
            yield chunk
            chunk = _Chunk()
    yield chunk


_DONE = object()


def _in_background(chunks: Iterator[_Chunk], ahead: int = 2) -> Iterator[_Chunk]:
    """Run a generator in a thread, at most `ahead` items in front of its consumer."""
    handoff: queue.Queue[Any] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        handoff.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            handoff.put(error)

    worker = threading.Thread(target=produce, name="contact-import-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def _queue_snapshot_refresh(council: Council) -> None:
    """Ask the worker to bring the council's KPI snapshots up to date (one task per import)."""
    from frontdoor.insight.tasks import refresh_snapshots

    transaction.on_commit(lambda: refresh_snapshots.enqueue(council.pk))
