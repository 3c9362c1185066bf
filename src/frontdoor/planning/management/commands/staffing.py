"""frontdoor staffing: agents needed for one interval's demand (Erlang C, or A with patience)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.planning.engine.erlang import StaffingError
from frontdoor.planning.engine.staffing import StaffingQuestion, answer


class Command(BaseCommand):
    help = (
        "Agents needed to answer ARRIVALS calls in an interval: Erlang C, or Erlang A when "
        "--patience is given. Service level is the share of offered calls answered within "
        "--target-seconds (queueing convention, abandoned calls count as not answered); ASA is "
        "the mean wait of answered calls."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--arrivals", type=float, required=True)
        parser.add_argument("--interval-minutes", type=float, required=True)
        parser.add_argument("--aht", type=float, required=True, help="average handle time (s)")
        goal = parser.add_mutually_exclusive_group(required=True)
        goal.add_argument("--target-sl", type=float, help="service level to reach, e.g. 0.8")
        goal.add_argument("--target-asa", type=float, help="average speed of answer (s)")
        parser.add_argument("--target-seconds", type=float, default=20.0)
        parser.add_argument("--patience", type=float, help="mean patience (s): Erlang A")
        parser.add_argument("--shrinkage", type=float, default=0.0)
        parser.add_argument("--max-occupancy", type=float)
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        question = StaffingQuestion(
            arrivals=options["arrivals"],
            interval_minutes=options["interval_minutes"],
            aht_seconds=options["aht"],
            target_sl=options["target_sl"],
            target_seconds=options["target_seconds"],
            target_asa=options["target_asa"],
            patience_seconds=options["patience"],
            shrinkage=options["shrinkage"],
            max_occupancy=options["max_occupancy"],
        )
        try:
            result = answer(question)
        except StaffingError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(result))
            return
        width = max(len(key) for key in result)
        for key, value in result.items():
            shown = f"{value:.5f}" if isinstance(value, float) else str(value)
            self.stdout.write(f"{key.ljust(width)}  {shown}")
