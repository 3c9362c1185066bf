"""The daily schedule: each job once per council and local date, at the council's local time,
caught up once after a missed day, with several workers at once; the clock is injected."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from frontdoor.core import scheduling
from frontdoor.core.models import JobRun
from frontdoor.core.scheduling import DailyJob, Scheduler, latest_slot, run_claimed, tick
from frontdoor.testing.factories import CouncilFactory

D = dt.date
CALLS: list[tuple[str, str]] = []


def record_first(council):
    CALLS.append(("first", council.slug))
    return {"done": 1}


def record_second(council):
    CALLS.append(("second", council.slug))
    return {"done": 2}


def break_down(council):
    raise RuntimeError("the database went away")


JOBS = (
    DailyJob("first", f"{__name__}.record_first"),
    DailyJob("second", f"{__name__}.record_second"),
)


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_calls():
    CALLS.clear()


def run(now, jobs=JOBS, worker="w1"):
    """One tick of a worker at `now`, its queued task run in-line."""
    return tick(now, jobs=jobs, worker=worker, enqueue=lambda ids: run_claimed(ids, jobs))


def claimed_days(council, job="first"):
    return sorted(
        JobRun.objects.filter(council=council, job=job).values_list("local_date", flat=True)
    )


def test_nothing_runs_before_the_councils_time_and_everything_once_after_it(council):
    JobRun.objects.create(  # yesterday's run, as a running install has
        council=council,
        job="first",
        local_date=D(2026, 1, 13),
        due_at=utc(2026, 1, 13, 6),
        claimed_at=utc(2026, 1, 13, 6),
    )
    JobRun.objects.create(
        council=council,
        job="second",
        local_date=D(2026, 1, 13),
        due_at=utc(2026, 1, 13, 6),
        claimed_at=utc(2026, 1, 13, 6),
    )

    assert run(utc(2026, 1, 14, 5, 59)) == []
    claimed = run(utc(2026, 1, 14, 6, 0))
    assert run(utc(2026, 1, 14, 6, 1)) == []
    assert run(utc(2026, 1, 14, 23, 59)) == []

    assert [(r.job, r.local_date, r.due_at) for r in claimed] == [
        ("first", D(2026, 1, 14), utc(2026, 1, 14, 6)),
        ("second", D(2026, 1, 14), utc(2026, 1, 14, 6)),
    ]
    assert CALLS == [("first", "northshire"), ("second", "northshire")]
    first = JobRun.objects.get(job="first", local_date=D(2026, 1, 14))
    assert first.outcome == {"done": 1} and first.finished_at is not None
    assert first.claimed_by == "w1"


def test_two_workers_racing_claim_each_run_once(council, other_council):
    now = utc(2026, 1, 14, 6, 30)
    # Both read what is due before either writes: the database lets one claim in.
    seen_by_a = scheduling.due_runs(now, JOBS)
    seen_by_b = scheduling.due_runs(now, JOBS)
    assert len(seen_by_a) == len(seen_by_b) == 4

    claimed_by_a = [scheduling.claim(due, now, "a") for due in seen_by_a]
    claimed_by_b = [scheduling.claim(due, now, "b") for due in seen_by_b]

    assert all(claimed_by_a) and not any(claimed_by_b)
    assert JobRun.objects.count() == 4
    assert set(JobRun.objects.values_list("claimed_by", flat=True)) == {"a"}


def test_two_workers_ticking_at_the_same_moment_run_each_job_once(council):
    now = utc(2026, 1, 14, 6, 30)
    run(now, worker="a")
    run(now, worker="b")

    assert CALLS == [("first", "northshire"), ("second", "northshire")]


def test_after_missed_days_the_jobs_are_caught_up_once_not_once_per_day(council):
    for day in (10, 11):
        for job in ("first", "second"):
            JobRun.objects.create(
                council=council,
                job=job,
                local_date=D(2026, 1, day),
                due_at=utc(2026, 1, day, 6),
                claimed_at=utc(2026, 1, day, 6),
            )

    # Down from the 12th; back on the 14th at 03:00, before that day's time.
    run(utc(2026, 1, 14, 3, 0))
    run(utc(2026, 1, 14, 3, 1))

    assert CALLS == [("first", "northshire"), ("second", "northshire")]
    assert claimed_days(council) == [D(2026, 1, 10), D(2026, 1, 11), D(2026, 1, 13)]
    # And that day's own run still comes at its time.
    run(utc(2026, 1, 14, 6, 0))
    assert claimed_days(council)[-1] == D(2026, 1, 14)
    assert len(CALLS) == 4


def test_each_council_runs_at_six_in_its_own_zone(council):
    stanley = CouncilFactory(slug="stanley", name="Stanley", time_zone="Atlantic/Stanley")
    for each in (council, stanley):  # both ran yesterday
        for job in ("first", "second"):
            JobRun.objects.create(
                council=each,
                job=job,
                local_date=D(2026, 1, 13),
                due_at=utc(2026, 1, 13, 6),
                claimed_at=utc(2026, 1, 13, 6),
            )

    run(utc(2026, 1, 14, 6, 0))  # 06:00 in London, 03:00 in Stanley (UTC-3)
    assert CALLS == [("first", "northshire"), ("second", "northshire")]

    run(utc(2026, 1, 14, 9, 0))  # 06:00 in Stanley
    assert CALLS[2:] == [("first", "stanley"), ("second", "stanley")]
    assert JobRun.objects.get(council=stanley, job="first", local_date=D(2026, 1, 14)).due_at == (
        utc(2026, 1, 14, 9)
    )


def test_the_councils_own_time_is_used(council):
    council.settings = {"schedule": {"daily_at": "07:30"}}
    council.save()

    assert latest_slot(council, utc(2026, 1, 14, 7, 29)) == (
        D(2026, 1, 13),
        utc(2026, 1, 13, 7, 30),
    )
    assert latest_slot(council, utc(2026, 1, 14, 7, 30)) == (
        D(2026, 1, 14),
        utc(2026, 1, 14, 7, 30),
    )


def test_a_malformed_time_falls_back_to_six(council):
    council.settings = {"schedule": {"daily_at": "half past six"}}
    assert scheduling.daily_time_of(council) == dt.time(6, 0)


def test_six_oclock_stays_local_across_the_spring_clock_change(council):
    # Sunday 29 March 2026: clocks go forward at 01:00 UTC, so 06:00 local is 05:00 UTC.
    assert latest_slot(council, utc(2026, 3, 28, 5, 59))[0] == D(2026, 3, 27)
    assert latest_slot(council, utc(2026, 3, 28, 6, 0)) == (D(2026, 3, 28), utc(2026, 3, 28, 6))
    assert latest_slot(council, utc(2026, 3, 29, 4, 59))[0] == D(2026, 3, 28)
    assert latest_slot(council, utc(2026, 3, 29, 5, 0)) == (D(2026, 3, 29), utc(2026, 3, 29, 5))
    # Sunday 25 October 2026: clocks go back at 01:00 UTC, so 06:00 local is 06:00 UTC again.
    assert latest_slot(council, utc(2026, 10, 24, 5, 0)) == (D(2026, 10, 24), utc(2026, 10, 24, 5))
    assert latest_slot(council, utc(2026, 10, 25, 5, 30))[0] == D(2026, 10, 24)
    assert latest_slot(council, utc(2026, 10, 25, 6, 0)) == (D(2026, 10, 25), utc(2026, 10, 25, 6))


def test_a_time_the_clock_change_skips_or_repeats_runs_once_that_day(council):
    council.settings = {"schedule": {"daily_at": "01:30"}}
    council.save()

    # Spring: 01:30 does not happen; the run comes at 02:30 BST (01:30 UTC).
    run(utc(2026, 3, 28, 23, 59))
    assert run(utc(2026, 3, 29, 1, 29)) == []
    assert [r.local_date for r in run(utc(2026, 3, 29, 1, 30))][:1] == [D(2026, 3, 29)]
    # Autumn: 01:30 happens twice (00:30 and 01:30 UTC); the first one runs, the second not.
    run(utc(2026, 10, 24, 23, 0))
    assert [r.local_date for r in run(utc(2026, 10, 25, 0, 30))][:1] == [D(2026, 10, 25)]
    assert run(utc(2026, 10, 25, 1, 30)) == []


def test_a_failing_job_is_kept_with_its_error_and_the_next_job_still_runs(council):
    jobs = (DailyJob("first", f"{__name__}.break_down"), JOBS[1])

    run(utc(2026, 1, 14, 6, 0), jobs=jobs)

    failed = JobRun.objects.get(job="first")
    assert failed.error == "RuntimeError: the database went away"
    assert failed.finished_at is not None
    assert CALLS == [("second", "northshire")]


def test_a_finished_run_is_not_run_again(council):
    [first, _second] = tick(utc(2026, 1, 14, 6), jobs=JOBS, enqueue=lambda ids: None)

    run_claimed([first.pk], JOBS)
    run_claimed([first.pk], JOBS)

    assert CALLS == [("first", "northshire")]


def test_a_tick_that_fails_is_logged_and_the_scheduler_carries_on(council, monkeypatch):
    def busy(now, worker):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(scheduling, "tick", busy)

    assert Scheduler(clock=lambda: utc(2026, 1, 14, 6), worker="w").tick_once() == []


def test_the_worker_with_schedule_queues_the_real_daily_jobs_and_they_run(council, monkeypatch):
    # The suite runs tasks in-line, so the queued jobs run at once; the database worker's own
    # loop is tested in test_commands.
    monkeypatch.setattr(
        "frontdoor.core.management.commands.worker.call_command", lambda *a, **k: None
    )
    out = io.StringIO()

    call_command("worker", "--batch", "--schedule", stdout=out)
    call_command("worker", "--batch", "--schedule", stdout=out)

    assert out.getvalue().count("queued 2 daily job runs") == 1
    runs = {run.job: run for run in JobRun.objects.filter(council=council)}
    assert set(runs) == {"check-case-clocks", "send-messages"}
    assert all(run.finished_at and not run.error for run in runs.values())
    assert runs["check-case-clocks"].outcome == {
        "checked": 0,
        "status_changed": 0,
        "escalated": 0,
        "told_late": 0,
    }
    assert runs["send-messages"].outcome == {"tried": 0, "finished": 0}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_daily_jobs_it_scheduled(settings):
    from asgiref.local import Local
    from django_tasks import task_backends

    def forget_backends() -> None:
        # The handler caches its settings and backends; the suite's default is in-line tasks.
        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(False)

    CouncilFactory(slug="eastshire", name="Eastshire")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    forget_backends()
    try:
        call_command("worker", "--batch", "--schedule", stdout=io.StringIO())
    finally:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        forget_backends()

    runs = JobRun.objects.all()
    assert sorted(run.job for run in runs) == ["check-case-clocks", "send-messages"]
    assert all(run.finished_at is not None and run.error == "" for run in runs)
