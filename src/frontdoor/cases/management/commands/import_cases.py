"""frontdoor import_cases FILE [FILE ...] --mapping NAME [--council SLUG] [--check-daily FILE]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from frontdoor.cases.importing import (
    CaseMapping,
    ImportFileError,
    MappingError,
    compare_daily_openings,
    import_cases_file,
    load_mapping,
    shipped_mappings,
)
from frontdoor.cases.models import CaseImport
from frontdoor.core.cli_council import resolve_council
from frontdoor.core.models import Council

MAX_LISTED = 1000  # rows listed on the terminal; all of them are kept in the import's report


class Command(BaseCommand):
    help = (
        "Import cases from another system's export with a mapping (shipped: "
        + ", ".join(shipped_mappings())
        + "). Streams the files and writes in batches; every rejected row is reported with its "
        "row, column and reason, and every repeated key; the good rows are kept. Re-running "
        "changes nothing (a case is found again by council, source and its id there). Without "
        "--council the cases go into the mapping's own council (created if missing). With "
        "--check-daily, the cases opened per day and category are checked against a daily "
        "counts file (date, complaint_type, opened, closed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--mapping", required=True, help="a shipped mapping's name or a file")
        parser.add_argument("--council", help="the council's slug (default: the mapping's)")
        parser.add_argument("--check-daily", type=Path, metavar="FILE")
        parser.add_argument("--batch-size", type=int, default=2000, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mapping = load_mapping(options["mapping"])
        except MappingError as error:
            raise CommandError(str(error)) from error
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        council = (
            resolve_council(options["council"])
            if options["council"]
            else self._mapping_council(mapping)
        )
        began = time.monotonic()
        try:
            result = import_cases_file(
                actor=None,
                council=council,
                paths=options["files"],
                mapping=mapping,
                batch_size=options["batch_size"],
                progress=_progress if sys.stderr.isatty() else None,
            )
        except ImportFileError as error:
            raise CommandError(
                f"{error} (batches before the fault were imported; fix the file and run the "
                "import again: cases already imported are left as they are)"
            ) from error
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        not_taken = [*result.rejections, *result.repeats]
        for rejection in sorted(not_taken, key=lambda r: (r.file, r.row))[:MAX_LISTED]:
            kind = "repeated" if rejection.repeated else "rejected"
            self.stderr.write(f"{kind}: {rejection}")
        if len(not_taken) > MAX_LISTED:
            self.stderr.write(
                f"... and {len(not_taken) - MAX_LISTED} more, in import "
                f"{result.case_import.pk}'s report"
            )
        report = result.case_import
        self.stdout.write(
            f"{council.slug}: {report.read} rows read, {report.created} cases created, "
            f"{report.updated} updated, {report.unchanged} unchanged, {report.rejected} "
            f"rejected, {report.repeated} repeated keys (import {report.pk}, "
            f"{time.monotonic() - began:.1f} s)."
        )
        if options["check_daily"]:
            self._check(council, options["check_daily"], mapping, not_taken)
        if result.rejections:
            raise CommandError(f"{report.rejected} row(s) rejected", returncode=1)

    def _mapping_council(self, mapping: CaseMapping) -> Council:
        spec = mapping.council
        if not spec.get("slug"):
            raise CommandError(f"mapping {mapping.name} names no council: give --council SLUG")
        with transaction.atomic():
            council, created = Council.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    key: spec[key] for key in ("name", "time_zone", "division") if key in spec
                },
            )
        if created:
            self.stdout.write(f"created the council {council.slug} ({council.name})")
        return council

    def _check(self, council: Council, daily: Path, mapping: CaseMapping, not_taken: list) -> None:
        check = compare_daily_openings(council, daily, mapping, not_taken)
        if check.first is None:
            self.stdout.write("daily check: no imported cases to compare")
            return
        self.stdout.write(
            f"daily check, {check.first} to {check.last}: {check.pairs} day and category pairs "
            f"over {check.days} days; {check.matched} match; imported {check.imported} cases "
            f"against {check.expected} counted."
        )
        for difference in check.differences:
            why = (
                f"explained by {difference.not_taken} row(s) not taken (repeated keys)"
                if difference.explained
                else "NOT explained"
            )
            self.stdout.write(
                f"  {difference.day} {difference.service_id}: imported {difference.imported}, "
                f"counted {difference.expected}: {why}"
            )
        self.stdout.write(
            "  closures are not compared: the daily counts' closures include cases opened "
            "before the imported files begin."
        )
        if check.unexplained:
            raise CommandError(f"{len(check.unexplained)} unexplained difference(s)", returncode=2)


def _progress(report: CaseImport) -> None:
    sys.stderr.write(
        f"\r{report.read:>10,} rows  {report.created:,} created  {report.rejected:,} rejected"
    )
    sys.stderr.flush()
