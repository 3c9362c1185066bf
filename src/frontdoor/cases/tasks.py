"""Background tasks of cases (run by `frontdoor worker`), and the daily job of the schedule."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from frontdoor.core.models import Council


def daily_case_clocks(council: Council) -> dict[str, Any]:
    """The daily job (`core.scheduling`): bring the council's case clocks up to today and
    escalate each missed deadline once (its staff are emailed as it commits), then tell the
    staff of any recent escalation whose email could not be queued at the time."""
    from .actions import do_check_case_clocks
    from .receivers import tell_untold_escalations

    report = do_check_case_clocks(council=council)
    return {
        "checked": report.checked,
        "status_changed": report.status_changed,
        "escalated": report.escalated,
        "told_late": tell_untold_escalations(council),
    }


@task()
def check_case_clocks(council_id: int) -> dict[str, Any]:
    """`daily_case_clocks` for one council, when asked for outside the schedule."""
    return daily_case_clocks(Council.objects.get(pk=council_id))
