"""`frontdoor load_bank_holidays [--file bank-holidays.json]`: fill the bank-holiday table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.core.calendars.actions import do_load_bank_holidays
from frontdoor.core.calendars.sources import BankHolidayDataError


class Command(BaseCommand):
    help = (
        "Load UK bank holidays for every division from the GOV.UK data cached in the "
        "govuk-bank-holidays package, or from a fresh bank-holidays.json downloaded from "
        "https://www.gov.uk/bank-holidays.json. Dates past GOV.UK's data are calculated from "
        "rules and marked provisional. Safe to run again: a re-run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            help="A bank-holidays.json in GOV.UK's shape, authoritative for the years it lists.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options.get("file")
        raw = None
        if path is not None:
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            report = do_load_bank_holidays(
                file_bytes=raw, file_name=path.name if path else "bank-holidays.json"
            )
        except BankHolidayDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        horizons = ", ".join(f"{d} {day:%d %b %Y}" for d, day in sorted(report.horizons.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Bank holidays: {report.created} added, {report.updated} updated, "
                f"{report.deleted} removed, {report.unchanged} unchanged. "
                f"GOV.UK data until: {horizons}; provisional dates from rules to the end of "
                f"{report.rules_until}."
            )
        )
