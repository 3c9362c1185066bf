"""Reads of the council's KPIs: the engine over snapshots plus the fresh rows, with settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council

from .engine.facts import CHANNELS
from .engine.kpis import FactSource, KpiQuery, compute_kpis, evaluate_target
from .models import DEFINITIONS_VERSION, KpiSettings, KpiTarget, SnapshotState
from .snapshots import council_dir, fresh_facts, snapshot_root

GROUP_KEYS = ("service", "family", "channel", "queue", "day", "week", "month", "weekday", "hour")
GROUP_KEYS_WITH_INTERVAL = (*GROUP_KEYS, "interval")

# The targets councils report against (the monthly indicator table), used where the council has
# set none of its own: % answered 90%, % abandoned 10%, average wait 180 s, FCR 51%.
DEFAULT_TARGETS: dict[str, tuple[str, float, float]] = {
    "pct_answered": ("higher", 0.90, 0.85),
    "pct_abandoned": ("lower", 0.10, 0.15),
    "asa_seconds": ("lower", 180.0, 240.0),
    "fcr": ("higher", 0.51, 0.45),
}


@dataclass
class KpiReport:
    """The machine output of the reference (§3), and when the data were read."""

    settings: dict[str, Any]
    rows: list[dict[str, Any]]
    watermark: dt.datetime
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_output(self) -> dict[str, Any]:
        """Exactly the object `frontdoor kpis --format json` prints and the API serves."""
        return {"settings": self.settings, "rows": self.rows}


def kpi_settings_of(council: Council) -> KpiSettings:
    """The council's stored KPI settings, or the defaults when it has stored none."""
    stored = KpiSettings.objects.filter(council=council).first()
    return stored or KpiSettings(council=council)


def facts_watermark(council: Council) -> dict[str, Any]:
    """What the council's contact facts are built from now, in two small queries: the snapshot
    state and the latest change to a contact. Anything cached from the facts (a forecast) is
    current while this is unchanged.

    The contacts' part is the latest `updated_at` alone, read from the end of an index: a count,
    which would also see a deletion, scans every contact. Nothing deletes contacts one by one;
    bulk changes flag the snapshot for a rebuild, which changes its state."""
    state = (
        SnapshotState.objects.filter(council=council)
        .values("built_through", "refreshed_at", "rows", "needs_full_rebuild")
        .first()
    )
    latest = (
        Contact.objects.filter(council=council)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    return {"snapshot": state or {}, "contacts": latest}


def fact_source(council: Council, date_from: dt.date, date_to: dt.date) -> FactSource:
    """Snapshots plus fresh rows, or (before the first snapshot) the database rows alone."""
    state = SnapshotState.objects.filter(council=council).first()
    if state and state.built_through and council_dir(council.pk).exists():
        return FactSource(
            root=snapshot_root(), fresh=fresh_facts(council, since=state.built_through)
        )
    zone = council.zone
    start = dt.datetime.combine(date_from - dt.timedelta(days=1), dt.time(), tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=9), dt.time(), tzinfo=zone)
    return FactSource(root=None, fresh=fresh_facts(council, since=None, start=start, end=end))


def council_kpis(
    council: Council,
    *,
    date_from: dt.date,
    date_to: dt.date,
    by: Sequence[str] = (),
    channel: str | None = None,
    interval_minutes: int | None = None,
    short_abandon_seconds: float | None = None,
    service_level_seconds: float | None = None,
    today: dt.date | None = None,
) -> KpiReport:
    """The council's KPIs for a period, grouped by `by`; options override the stored settings."""
    unknown = [key for key in by if key not in GROUP_KEYS_WITH_INTERVAL]
    if unknown:
        raise ValueError(f"unknown grouping key(s): {', '.join(unknown)}")
    if date_to < date_from:
        raise ValueError("the period ends before it starts")
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    stored = kpi_settings_of(council)
    query = KpiQuery(
        date_from=date_from,
        date_to=date_to,
        by=tuple(by),
        channel=channel,
        interval_minutes=interval_minutes or stored.interval_minutes,
        short_abandon_seconds=(
            stored.short_abandon_seconds if short_abandon_seconds is None else short_abandon_seconds
        ),
        service_level_seconds=(
            stored.service_level_seconds if service_level_seconds is None else service_level_seconds
        ),
    )
    watermark = timezone.now()
    today = today or council.local_date(watermark)
    rows = compute_kpis(fact_source(council, date_from, date_to), council.pk, query, today)
    return KpiReport(
        settings={
            "council": council.slug,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "by": list(by),
            "channel": channel,
            "interval_minutes": query.interval_minutes,
            "time_zone": council.time_zone,
            "short_abandon_seconds": query.short_abandon_seconds,
            "service_level_seconds": query.service_level_seconds,
            "definitions_version": DEFINITIONS_VERSION,
        },
        rows=rows,
        watermark=watermark,
    )


def target_for(
    council: Council, kpi: str, *, family_id: str | None = None, service_id: str | None = None
) -> dict[str, Any] | None:
    """The target that applies: the service's, else its family's, else the council's own."""
    targets = KpiTarget.objects.filter(council=council, kpi=kpi).select_related("family", "service")
    by_scope = {
        ("service", t.service.service_id)
        if t.service
        else ("family", t.family.family_id)
        if t.family
        else ("council", ""): t
        for t in targets
    }
    for scope in (("service", service_id), ("family", family_id), ("council", "")):
        target = by_scope.get(scope) if scope[1] is not None else None
        if target is not None:
            return {"direction": target.direction, "green": target.green, "amber": target.amber}
    if kpi in DEFAULT_TARGETS:
        direction, green, amber = DEFAULT_TARGETS[kpi]
        return {"direction": direction, "green": green, "amber": amber}
    return None


def rag(value: float | None, target: dict[str, Any] | None) -> str | None:
    """Red, amber or green for a value against a target (None without either)."""
    if target is None:
        return None
    return evaluate_target(value, target["direction"], target["green"], target["amber"])
