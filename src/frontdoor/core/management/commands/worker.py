"""frontdoor worker: runs background tasks from the database queue (django-tasks), and with
--schedule the daily jobs at each council's local time (see core/scheduling.py)."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from frontdoor.core.scheduling import DEFAULT_INTERVAL_SECONDS, Scheduler


class Command(BaseCommand):
    help = (
        "Run the background task worker (django-tasks with its database backend). With "
        "--schedule it also runs the daily jobs (case clocks and escalations, then the outbox) "
        "once a day per council at its local time (06:00 unless set): every worker may have "
        "--schedule, each job still runs once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="also queue the daily jobs when they are due (with --batch: once, then exit)",
        )
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=DEFAULT_INTERVAL_SECONDS,
            help="seconds between looks for due daily jobs (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        stop = threading.Event()
        if options["schedule"]:
            scheduler = Scheduler(interval=options["schedule_interval"])
            # Once now, so what is due is queued before the worker first looks at the queue.
            claimed = scheduler.tick_once()
            if claimed:
                self.stdout.write(f"queued {len(claimed)} daily job runs")
            if not options["batch"]:
                threading.Thread(
                    target=scheduler.run, args=(stop,), name="daily-schedule", daemon=True
                ).start()
        try:
            call_command("db_worker", "--queue-name", options["queue_name"], *extra)
        finally:
            stop.set()
