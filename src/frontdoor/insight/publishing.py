"""Publishing a period's figures to a committee, and how today's figures for it differ.

A published table is frozen with everything needed to explain it later: the settings it was
computed with, the definitions version, the targets in force and the data watermark (the newest
contact change it includes). Comparing recomputes the same query with the frozen settings, so a
difference is always a change in the data (late imports, edits, merges), never in the settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import record_change
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from .engine.comparison import RowComparison, compare_tables
from .models import DEFINITIONS_VERSION, KPI_NAMES, PublishedTable
from .selectors import DEFAULT_TARGETS, council_kpis, target_for

# The groupings a committee table is published by (the reference's grouping keys).
PUBLISHABLE_GROUPINGS: dict[str, tuple[str, ...]] = {
    "": (),
    "family": ("family",),
    "month": ("month",),
    "family,month": ("family", "month"),
    "service": ("service",),
    "queue": ("queue",),
}


@dataclass(frozen=True)
class Period:
    """A reporting period a committee asks about: a month, a quarter or a financial year."""

    value: str  # "2026-10", "2026-Q3" (quarter of the financial year) or "FY2026"
    label: str
    date_from: dt.date
    date_to: dt.date


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def reporting_periods(today: dt.date, months: int = 24, years: int = 3) -> list[Period]:
    """Finished and current months, financial quarters and financial years, newest first.

    UK councils' financial year runs from 1 April to 31 March; Q1 is April to June.
    """
    periods: list[Period] = []
    year, month = today.year, today.month
    for _step in range(months):
        start = dt.date(year, month, 1)
        periods.append(
            Period(
                f"{year:04d}-{month:02d}",
                formats.date_format(start, "F Y"),
                start,
                _month_end(year, month),
            )
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    fy = today.year if today.month >= 4 else today.year - 1
    for first_year in range(fy, fy - years, -1):
        for quarter in range(4, 0, -1):
            start_month = 4 + 3 * (quarter - 1)
            start = dt.date(first_year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
            if start > today:
                continue
            end_month = start.month + 2
            end = _month_end(start.year, end_month)
            periods.append(
                Period(
                    f"FY{first_year}-Q{quarter}",
                    _("Q%(quarter)s %(first)s/%(second)s (%(start)s to %(end)s)")
                    % {
                        "quarter": quarter,
                        "first": first_year,
                        "second": str(first_year + 1)[-2:],
                        "start": formats.date_format(start, "F"),
                        "end": formats.date_format(end, "F Y"),
                    },
                    start,
                    end,
                )
            )
        periods.append(
            Period(
                f"FY{first_year}",
                _("Financial year %(first)s/%(second)s")
                % {"first": first_year, "second": str(first_year + 1)[-2:]},
                dt.date(first_year, 4, 1),
                dt.date(first_year + 1, 3, 31),
            )
        )
    return periods


def _targets_of(council: Council, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The targets in force for each row (a row of a family or service may have its own)."""
    per_row = [
        {
            kpi: target_for(
                council, kpi, family_id=row.get("family"), service_id=row.get("service")
            )
            for kpi in DEFAULT_TARGETS
        }
        for row in rows
    ]
    return {"kpis": list(DEFAULT_TARGETS), "rows": per_row}


def _data_watermark(council: Council, fallback: dt.datetime) -> dt.datetime:
    """The newest change to the council's contacts: nothing later is in the figures."""
    newest = Contact.objects.filter(council=council).aggregate(newest=Max("updated_at"))["newest"]
    return newest or fallback


@transaction.atomic
def do_publish_kpis(
    *,
    actor: Any,
    council: Council,
    title: str,
    date_from: dt.date,
    date_to: dt.date,
    by: tuple[str, ...],
    channel: str | None,
) -> PublishedTable:
    """Freeze a period's KPIs for a committee, with their settings, targets and watermark."""
    require(actor, "publish_performance", council)
    report = council_kpis(council, date_from=date_from, date_to=date_to, by=by, channel=channel)
    table = PublishedTable.objects.create(
        council=council,
        title=title,
        date_from=date_from,
        date_to=date_to,
        by=list(by),
        channel=channel or "",
        settings=report.settings,
        definitions_version=DEFINITIONS_VERSION,
        data_watermark=_data_watermark(council, report.watermark),
        rows=report.rows,
        targets=_targets_of(council, report.rows),
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_change(
        actor=actor,
        action="kpis.publish",
        instance=table,
        changes={
            "title": ("", title),
            "period": ("", f"{date_from.isoformat()}/{date_to.isoformat()}"),
            "by": ("", ",".join(by)),
            "channel": ("", channel or ""),
            "rows": (0, len(report.rows)),
        },
    )
    return table


def published_tables_of(council: Council) -> list[PublishedTable]:
    """The council's published tables, newest first (without their rows)."""
    return list(
        PublishedTable.objects.filter(council=council)
        .defer("rows", "targets", "settings")
        .select_related("published_by")
    )


def published_table_of(council: Council, pk: int) -> PublishedTable | None:
    """One of the council's published tables (None when it has no such table)."""
    return (
        PublishedTable.objects.filter(council=council, pk=pk).select_related("published_by").first()
    )


@dataclass(frozen=True)
class Comparison:
    """Today's figures for a published table's period, computed with its frozen settings."""

    rows: list[RowComparison]
    computed_at: dt.datetime
    data_watermark: dt.datetime
    definitions_changed: bool

    @property
    def changed(self) -> list[RowComparison]:
        return [row for row in self.rows if row.status != "same"]


def compare_with_today(table: PublishedTable, council: Council) -> Comparison:
    """How today's figures for the table's period and grouping differ from the published ones."""
    settings = table.settings
    report = council_kpis(
        council,
        date_from=table.date_from,
        date_to=table.date_to,
        by=tuple(table.by),
        channel=table.channel or None,
        interval_minutes=settings.get("interval_minutes"),
        short_abandon_seconds=settings.get("short_abandon_seconds"),
        service_level_seconds=settings.get("service_level_seconds"),
    )
    return Comparison(
        rows=compare_tables(table.rows, report.rows, table.by, KPI_NAMES),
        computed_at=timezone.now(),
        data_watermark=_data_watermark(council, report.watermark),
        definitions_changed=table.definitions_version != DEFINITIONS_VERSION,
    )
