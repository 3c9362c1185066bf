"""Background tasks of the core app (run by `frontdoor worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_bank_holidays() -> dict[str, int]:
    """Reload the working-day calendar from the shipped GOV.UK data and the rules fallback.

    Scheduled after an upgrade of govuk-bank-holidays, so new years of data reach the clocks.
    """
    from .calendars.actions import do_load_bank_holidays

    report = do_load_bank_holidays()
    return {"created": report.created, "updated": report.updated, "deleted": report.deleted}


@task()
def run_daily_jobs(run_ids: list[int]) -> dict[str, object]:
    """Run one council's claimed daily jobs in order (queued by `scheduling.tick`)."""
    from .scheduling import run_claimed

    return run_claimed(run_ids)
