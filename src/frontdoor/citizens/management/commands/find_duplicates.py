"""frontdoor find_duplicates [--council SLUG] [--threshold 0.9]

Finds a council's likely duplicate people and stores them, with their match probability and
the evidence, for an information-governance officer to review at /residents/duplicates/.
See `frontdoor.citizens.duplicates`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.citizens.duplicates import DEFAULT_THRESHOLD, do_find_duplicates
from frontdoor.core.cli_council import resolve_council


class Command(BaseCommand):
    help = (
        "Find likely duplicate people (Splink's probabilistic matching over names, date of "
        "birth, postcode and address, phone and email) and store each pair at or above the "
        "threshold for review, with the evidence. Pairs decided 'not a duplicate' stay decided."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", help="the council's slug (optional with one council)")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"the match probability a pair must reach (default {DEFAULT_THRESHOLD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"])
        try:
            run = do_find_duplicates(actor=None, council=council, threshold=options["threshold"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"{council.slug}: {run.records} people compared, {run.pairs_found} likely pairs at "
            f"{run.threshold:g} or above ({run.new_candidates} new, {run.remembered} already "
            f"decided not duplicates), in {run.seconds or 0:.1f} s (run {run.pk})."
        )
