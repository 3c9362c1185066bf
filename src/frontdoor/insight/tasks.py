"""Background tasks of the insight app (run by `frontdoor worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_snapshots(council_id: int) -> dict[str, object]:
    """Bring one council's Parquet snapshots of contact facts up to date."""
    from frontdoor.core.models import Council

    from .snapshots import refresh

    state = refresh(Council.objects.get(pk=council_id))
    return {"rows": state.rows, "months": len(state.months), "seconds": state.seconds}
