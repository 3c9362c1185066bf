"""frontdoor import_contacts FILE [--council SLUG] [--source NAME] [--mapping FILE]"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.contacts.importing import import_contacts_file, shipped_mapping
from frontdoor.contacts.models import ContactImport
from frontdoor.contacts.reading import MappingError, ReadError, load_mapping
from frontdoor.core.cli_council import resolve_council

MAX_LISTED = 1000  # rejections printed on the terminal; all of them are kept in the report


class Command(BaseCommand):
    help = (
        "Import contact records from a CSV in the interchange format, or any file a mapping "
        "describes (--mapping FILE, or the name of a shipped mapping such as anonymous-bank). "
        "Streams the file; every rejected record is reported with its row, column and reason "
        "and the good ones are kept; the exit status is 1 when any record was rejected. "
        "Re-running the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--council", help="the council's slug (optional with one council)")
        parser.add_argument("--source", help="source of records that name none (default import)")
        parser.add_argument("--mapping", help="a mapping file, or a shipped mapping's name")
        parser.add_argument("--batch-size", type=int, default=5000, help=argparse_hidden())

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        mapping = None
        mapping_name = options["mapping"] or ""
        if mapping_name:
            try:
                mapping = load_mapping(_mapping_path(mapping_name))
            except (OSError, MappingError) as error:
                raise CommandError(f"mapping {mapping_name}: {error}") from error
        bar = _ProgressBar(path.stat().st_size) if sys.stderr.isatty() else None
        try:
            result = import_contacts_file(
                actor=None,
                council=council,
                path=path,
                source=options["source"],
                mapping=mapping,
                mapping_name=mapping_name,
                progress=bar,
                batch_size=options["batch_size"],
            )
        except ReadError as error:
            raise CommandError(
                f"{path}: {error} (records before the fault were imported; fix the file and "
                "run the import again: records already imported are left as they are)"
            ) from error
        if bar:
            bar.done()
        for rejection in result.rejections[:MAX_LISTED]:
            self.stderr.write(f"rejected: {rejection}")
        if len(result.rejections) > MAX_LISTED:
            self.stderr.write(
                f"... and {len(result.rejections) - MAX_LISTED} more, listed in import "
                f"{result.contact_import.pk}'s report"
            )
        report = result.contact_import
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(report.skipped_reasons.items()))
        self.stdout.write(
            f"{council.slug}: {report.read} read, {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{report.skipped} skipped{f' ({skipped})' if skipped else ''}, "
            f"{report.rejected} rejected (import {report.pk})."
        )
        if result.rejections:
            raise CommandError(f"{report.rejected} record(s) rejected", returncode=1)


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _mapping_path(name: str) -> Path:
    candidate = Path(name)
    if candidate.is_file():
        return candidate
    shipped = shipped_mapping(name)
    if shipped is None:
        raise CommandError(f"mapping {name}: no such file and no shipped mapping of that name")
    return shipped


class _ProgressBar:
    """A one-line progress report on the terminal, by records and elapsed time."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.began = time.monotonic()

    def __call__(self, report: ContactImport) -> None:
        elapsed = time.monotonic() - self.began
        rate = report.read / elapsed if elapsed else 0
        sys.stderr.write(
            f"\r{report.read:>10,} records  {rate:>8,.0f}/s  "
            f"{report.rejected:,} rejected  {elapsed:6.1f} s"
        )
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
