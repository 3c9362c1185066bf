"""frontdoor check_case_clocks: bring case clocks up to today and escalate missed deadlines."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frontdoor.cases.actions import ClockCheck, do_check_case_clocks
from frontdoor.cases.receivers import tell_untold_escalations
from frontdoor.core.cli_council import resolve_council
from frontdoor.core.models import Council


class Command(BaseCommand):
    help = (
        "Refresh the clock statuses of every open case (on track, due soon, overdue) and escalate "
        "each missed acknowledgement or response once to the leaders of the team that owns the "
        "case, emailing them through GOV.UK Notify. Safe to run as often as you like: a deadline "
        "is escalated once. `frontdoor worker --schedule` runs it daily; without the worker, "
        "run it from cron (then `frontdoor send_messages`). Without --council it checks every "
        "council."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--council", help="check one council (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["council"]:
            councils = [resolve_council(options["council"])]
        else:
            councils = list(Council.objects.order_by("slug"))
        for council in councils:
            # New escalations email their staff as the check commits.
            report: ClockCheck = do_check_case_clocks(council=council)
            self.stdout.write(
                f"{council.slug}: {report.checked} open cases checked, "
                f"{report.status_changed} statuses changed, "
                f"{report.escalated} deadlines escalated"
            )
            # Staff whose email could not be queued as an earlier check committed are told now.
            told_late = tell_untold_escalations(council)
            if told_late and options["verbosity"] > 1:
                self.stdout.write(
                    f"{council.slug}: told the staff of {told_late} earlier escalations"
                )
