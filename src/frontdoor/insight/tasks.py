"""Background tasks of the insight app (run by `frontdoor worker`)."""

from __future__ import annotations

from django_tasks import default_task_backend, task


@task()
def refresh_snapshots(council_id: int) -> dict[str, object]:
    """Bring one council's Parquet snapshots of contact facts up to date.

    Contacts changed in the safety margin before a refresh are read again as fresh rows by every
    query until the next refresh; after a large import that is many rows. So when the refresh
    leaves such rows behind, another refresh is queued for just after the margin has passed.
    """
    from frontdoor.core.models import Council

    from .snapshots import SAFETY_MARGIN, changed_since_margin, refresh

    council = Council.objects.get(pk=council_id)
    state = refresh(council)
    follow_up = False
    if default_task_backend.supports_defer and changed_since_margin(council, state):
        run_after = state.built_through + SAFETY_MARGIN + SAFETY_MARGIN / 10
        refresh_snapshots.using(run_after=run_after).enqueue(council_id)
        follow_up = True
    return {
        "rows": state.rows,
        "months": len(state.months),
        "seconds": state.seconds,
        "follow_up": follow_up,
    }
