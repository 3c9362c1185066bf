"""frontdoor load_catalogue FILE [--families FILE] [--council SLUG] [--effective-from DATE]"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from frontdoor.core.actions import do_load_catalogue
from frontdoor.core.catalogue import (
    CatalogueFileError,
    ParsedCatalogue,
    parse_families,
    parse_services,
)
from frontdoor.core.cli_council import resolve_council
from frontdoor.core.models import ServiceFamily


class Command(BaseCommand):
    help = (
        "Load or update a council's services, service families and their queues from CSV files "
        "(services: service_id,name,family,description; families: family_id,name). Idempotent. "
        "Every bad row is reported and the good rows are kept; the exit status is 1 when any row "
        "was rejected. Services missing from the file are kept, not deleted. A service moving "
        "family moves from --effective-from (default today), so past figures keep their family."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the services CSV")
        parser.add_argument("--families", type=Path, help="the service families CSV")
        parser.add_argument("--council", help="the council's slug (optional with one council)")
        parser.add_argument(
            "--effective-from",
            type=dt.date.fromisoformat,
            help="YYYY-MM-DD from which family changes apply (default: today, local)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"])
        parsed = ParsedCatalogue()
        try:
            if options["families"]:
                parse_families(options["families"], parsed)
            known = {f.family_id for f in parsed.families} | set(
                ServiceFamily.objects.filter(council=council).values_list("family_id", flat=True)
            )
            parse_services(options["file"], parsed, known)
        except (OSError, CatalogueFileError) as error:
            raise CommandError(str(error)) from error
        effective_from = options["effective_from"] or council.local_date(timezone.now())
        report = do_load_catalogue(
            actor=None, council=council, parsed=parsed, effective_from=effective_from
        )
        for rejection in parsed.rejections:
            self.stderr.write(f"rejected: {rejection}")
        created, updated = report.created, report.updated
        self.stdout.write(
            f"{council.slug}: families {created['family']} created, {updated['family']} updated; "
            f"queues {created['queue']} created, {updated['queue']} updated; "
            f"services {created['service']} created, {updated['service']} updated "
            f"({report.moved_family} moved family); {report.unchanged} unchanged; "
            f"{report.rejected} rejected."
        )
        if parsed.rejections:
            raise CommandError(f"{len(parsed.rejections)} row(s) rejected", returncode=1)
