"""frontdoor import_residents --source NAME FILE [--mapping FILE] [--council SLUG]

The file's columns, what an import does with them and the mapping format are documented in
`frontdoor.citizens.importing` (and printed by `frontdoor import_residents --help`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.citizens import importing
from frontdoor.citizens.models import ResidentImport
from frontdoor.core.cli_council import resolve_council

MAX_LISTED = 1000  # rejections printed; all of them are kept in the import's report


class Command(BaseCommand):
    help = (
        "Load residents from another council system's CSV (one row a person), idempotent on "
        "council, --source and the row's source_id; every rejected row is reported with its "
        "row, column and reason, the good rows are kept, and the exit status is 1 when any row "
        "was rejected. Columns and mapping files:\n" + (importing.__doc__ or "")
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the table's layout
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument(
            "--source", required=True, help="the system the file comes from (e.g. council-tax)"
        )
        parser.add_argument("--mapping", type=Path, help="a TOML or YAML mapping file")
        parser.add_argument("--council", help="the council's slug (optional with one council)")
        parser.add_argument("--batch-size", type=int, default=importing.BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"])
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        mapping = None
        if options["mapping"]:
            try:
                mapping = importing.load_mapping(options["mapping"])
            except (OSError, importing.ReadError) as error:
                raise CommandError(f"mapping {options['mapping']}: {error}") from error
        try:
            result = importing.import_residents_file(
                actor=None,
                council=council,
                path=path,
                source=options["source"],
                mapping=mapping,
                mapping_name=str(options["mapping"] or ""),
                batch_size=options["batch_size"],
                progress=_progress if sys.stderr.isatty() else None,
            )
        except importing.ReadError as error:
            raise CommandError(f"{path}: {error}") from error
        for rejection in result.rejections[:MAX_LISTED]:
            self.stderr.write(f"rejected: {rejection}")
        if len(result.rejections) > MAX_LISTED:
            self.stderr.write(
                f"... and {len(result.rejections) - MAX_LISTED} more, listed in import "
                f"{result.resident_import.pk}'s report"
            )
        run = result.resident_import
        self.stdout.write(
            f"{council.slug}: {run.read} read, {run.created} created, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.rejected} rejected (import {run.pk})."
        )
        if result.rejections:
            raise CommandError(f"{run.rejected} row(s) rejected", returncode=1)


def _progress(run: ResidentImport) -> None:
    sys.stderr.write(f"\r{run.read:>10,} rows  {run.rejected:,} rejected")
    sys.stderr.flush()
