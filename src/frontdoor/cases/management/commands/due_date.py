"""frontdoor due_date: when a request of a type received on a day is due, so anyone can check."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.cases.engine.due_date import CLOCK_TYPES
from frontdoor.cases.selectors import due_date_answer
from frontdoor.core.cli_council import resolve_council
from frontdoor.core.models import Division


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--received must be a date as YYYY-MM-DD, not {text!r}") from error


class Command(BaseCommand):
    help = (
        "Print the acknowledgement and response due dates of a request of TYPE received on a "
        "day, with nothing paused or extended, as JSON: {type, received, acknowledge_by, due, "
        "provisional}. Working-day clocks count from the day after receipt; complaint stages "
        "assume the acknowledgement is sent on the last day allowed. Without --council: England "
        "and Wales (or --division), no closure days and the default policies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", required=True, choices=list(CLOCK_TYPES), dest="clock_type")
        parser.add_argument("--received", required=True, type=_date, help="YYYY-MM-DD")
        parser.add_argument("--division", choices=list(Division.values))
        parser.add_argument(
            "--policy",
            help="complaint procedure (hos-lgsco-2024, spso-mchp, blank or the council's own) "
            "or service standard (5-working-days, 7-calendar-days, 1-calendar-month, or the "
            "council's named one)",
        )
        parser.add_argument("--council", help="the council's division, closure days and policies")

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"]) if options["council"] else None
        try:
            result = due_date_answer(
                options["clock_type"],
                options["received"],
                division=options["division"],
                policy=options["policy"],
                council=council,
            )
        except ValueError as error:  # PolicyError and ClockError are ValueErrors
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result))
