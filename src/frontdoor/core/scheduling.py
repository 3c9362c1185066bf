"""The daily jobs, run at each council's local time by `frontdoor worker --schedule` (no cron).

Every council has a daily time (06:00 in its own zone unless its settings say otherwise, key
`schedule` -> `daily_at`, "HH:MM"). When that moment has passed, a worker's tick claims each
daily job for the council and that local date by writing a `JobRun` row, unique per (council,
job, local date), and queues one task that runs the claimed jobs in order (the case clocks,
then the outbox). So:

* with several workers ticking at once, the database lets one row in: each job runs once;
* the run due is only the latest one at or before now, so a worker that was down for days
  runs the missed jobs once when it comes back, not once per missed day;
* the moment is worked out in the council's zone on each date, so it stays at 06:00 local
  across the clock changes (a time the spring change skips runs an hour later that day; one
  the autumn change repeats runs at its first occurrence);
* the clock is a parameter (`now`): tests step through days without sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Council, JobRun

logger = logging.getLogger(__name__)

DEFAULT_DAILY_AT = dt.time(6, 0)
# The key of the council's settings JSON that holds its schedule: {"daily_at": "HH:MM"}.
SETTINGS_KEY = "schedule"
# How often a scheduling worker looks for due jobs: the jobs run at most this late.
DEFAULT_INTERVAL_SECONDS = 60.0


@dataclass(frozen=True)
class DailyJob:
    """A job run once a day per council: `function` is the dotted path of a function taking
    the council and returning a JSON-able summary of what it did (kept on the run)."""

    name: str
    function: str


# In the order they run. Dotted paths, so the shared kernel imports no app above it.
DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob("check-case-clocks", "frontdoor.cases.tasks.daily_case_clocks"),
    DailyJob("send-messages", "frontdoor.notify.tasks.daily_send_messages"),
)


def daily_time_of(council: Council) -> dt.time:
    """The council's local time for its daily jobs, or 06:00.

    A malformed setting falls back to the default (and is logged) rather than stopping the
    council's daily jobs altogether.
    """
    stored = (council.settings or {}).get(SETTINGS_KEY) or {}
    raw = stored.get("daily_at") if isinstance(stored, dict) else None
    if raw in (None, ""):
        return DEFAULT_DAILY_AT
    try:
        return dt.time.fromisoformat(str(raw)).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        logger.warning("council %s: schedule.daily_at %r is not HH:MM; using 06:00", council, raw)
        return DEFAULT_DAILY_AT


def local_moment(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The aware moment of a local date and time (first occurrence of a repeated time; a
    skipped time counts from the offset before the change, so it lands an hour later)."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def latest_slot(council: Council, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The local date and the moment of the council's latest daily run at or before `now`."""
    zone = council.zone
    today = now.astimezone(zone).date()
    at = daily_time_of(council)
    due = local_moment(today, at, zone)
    if due <= now:
        return today, due
    # Yesterday's time is before today's midnight, so always past.
    yesterday = today - dt.timedelta(days=1)
    return yesterday, local_moment(yesterday, at, zone)


@dataclass(frozen=True)
class DueRun:
    """A daily job due for a council and local date that no worker had claimed when read."""

    council: Council
    job: str
    local_date: dt.date
    due_at: dt.datetime


def due_runs(now: dt.datetime, jobs: Sequence[DailyJob] = DAILY_JOBS) -> list[DueRun]:
    """The daily jobs due at `now` and not yet claimed, council by council in job order."""
    slots = {council: latest_slot(council, now) for council in Council.objects.order_by("pk")}
    if not slots:
        return []
    claimed = set(
        JobRun.objects.filter(
            local_date__gte=min(day for day, _due in slots.values()),
            job__in=[job.name for job in jobs],
        ).values_list("council_id", "job", "local_date")
    )
    return [
        DueRun(council, job.name, day, due)
        for council, (day, due) in slots.items()
        for job in jobs
        if (council.pk, job.name, day) not in claimed
    ]


def claim(run: DueRun, now: dt.datetime, worker: str = "") -> JobRun | None:
    """Claim a due run for this worker; None when another worker claimed it first."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                council=run.council,
                job=run.job,
                local_date=run.local_date,
                due_at=run.due_at,
                claimed_at=now,
                claimed_by=worker[:100],
            )
    except IntegrityError:
        return None


def _enqueue(run_ids: list[int]) -> Any:
    from .tasks import run_daily_jobs

    return run_daily_jobs.enqueue(run_ids)


def tick(
    now: dt.datetime | None = None,
    *,
    jobs: Sequence[DailyJob] = DAILY_JOBS,
    worker: str = "",
    enqueue: Callable[[list[int]], Any] = _enqueue,
) -> list[JobRun]:
    """Claim every daily job due at `now` and queue, per council, one task that runs them in
    order. Returns the runs this call claimed (none when other workers got there first)."""
    now = now or timezone.now()
    claimed = [run for due in due_runs(now, jobs) if (run := claim(due, now, worker)) is not None]
    by_council: dict[int, list[int]] = {}
    for run in claimed:
        by_council.setdefault(run.council_id, []).append(run.pk)
    for run_ids in by_council.values():
        enqueue(run_ids)
    return claimed


def run_claimed(run_ids: Iterable[int], jobs: Sequence[DailyJob] = DAILY_JOBS) -> dict[str, Any]:
    """Run claimed daily jobs in job order, keeping each one's summary or error on its run.

    A job that fails does not stop the ones after it (the outbox is swept even when the case
    check failed). Each run is done once: a run already finished is left alone.
    """
    order = {job.name: index for index, job in enumerate(jobs)}
    functions = {job.name: job.function for job in jobs}
    runs = sorted(
        JobRun.objects.filter(pk__in=list(run_ids), finished_at__isnull=True).select_related(
            "council"
        ),
        key=lambda run: order.get(run.job, len(order)),
    )
    results: dict[str, Any] = {}
    for run in runs:
        try:
            function = import_string(functions[run.job])
            run.outcome = function(run.council)
        except Exception as error:  # kept on the run, logged; the next job still runs
            logger.exception("daily job %s failed for council %s", run.job, run.council)
            run.error = f"{type(error).__name__}: {error}"[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["outcome", "error", "finished_at"])
        results[f"{run.council.slug}/{run.job}"] = run.error or run.outcome
    return results


def worker_name() -> str:
    """Which worker claimed a run (host and process), for whoever reads the runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    """Ticks every `interval` seconds until stopped; run in a thread beside the task worker."""

    def __init__(
        self,
        *,
        clock: Callable[[], dt.datetime] = timezone.now,
        interval: float = DEFAULT_INTERVAL_SECONDS,
        worker: str | None = None,
    ) -> None:
        self.clock = clock
        self.interval = interval
        self.worker = worker or worker_name()

    def tick_once(self) -> list[JobRun]:
        """One tick; an error is logged (the next tick tries again), never raised."""
        try:
            return tick(self.clock(), worker=self.worker)
        except Exception:
            logger.exception("the daily schedule could not tick")
            return []

    def run(self, stop: threading.Event) -> None:
        """In its own thread: wait `interval` (or until `stop` is set), tick, and again."""
        while not stop.wait(self.interval):
            close_old_connections()
            try:
                self.tick_once()
            finally:
                # This thread's connections are its own: Django closes only a request's, and
                # one held open for a minute at a time would pin a PostgreSQL connection.
                connections.close_all()
