"""The committee tables: the family table and the monthly indicator table, with drill-down."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .display import (
    FAMILY_TABLE_KPIS,
    KPI_LABELS,
    MONTHLY_TABLE_KPIS,
    format_target,
    kpi_label,
    month_name,
)
from .reading import Period, Reading
from .tables import Cell, Column, Table, kpi_cell, text_cell


@dataclass
class Scope:
    """Which part of the council a page is about: all of it, a family or a service."""

    level: str  # "council", "family" or "service"
    key: str = ""
    name: str = ""
    family_id: str | None = None


@dataclass
class CommitteePage:
    scope: Scope
    breakdown: Table
    monthly: Table
    targets: list[dict[str, str]]
    settings: list[tuple[str, str]]
    any_provisional: bool

    @property
    def tables(self) -> list[Table]:
        return [self.breakdown, self.monthly]


def committee_page(
    reading: Reading,
    period: Period,
    scope: Scope,
    link: Callable[[str, str], str],
) -> CommitteePage:
    """The family table (or a family's services, or a service's queues) and the monthly
    indicator table for the scope. `link(level, key)` gives a drill-down row's address."""
    by: tuple[str, ...]
    if scope.level == "council":
        by, child, child_level = (), "family", "family"
    elif scope.level == "family":
        by, child, child_level = ("family",), "service", "service"
    else:
        by, child, child_level = ("service",), "queue", ""
    mine = _only(scope)
    total_rows = [row for row in reading.kpis(period, by) if mine(row)]
    child_rows = [row for row in reading.kpis(period, (*by, child)) if mine(row)]
    month_rows = [row for row in reading.kpis(period, (*by, "month")) if mine(row)]

    def targets_of(key: str) -> dict[str, str | None]:
        if child == "family":
            return {"family_id": key, "service_id": None}
        if child == "service":
            return {"family_id": scope.key, "service_id": key}
        return {"family_id": scope.family_id, "service_id": scope.key}

    def name_of(key: str) -> str:
        return {
            "family": reading.family_name,
            "service": reading.service_name,
            "queue": reading.queue_name,
        }[child](key)

    scope_targets = _scope_targets(scope)
    child_rows.sort(key=lambda row: name_of(row[child]).casefold())
    named = [(name_of(row[child]), row, targets_of(row[child])) for row in child_rows]
    breakdown = _kpi_table(
        reading,
        key="breakdown",
        caption={
            "family": _("Service families"),
            "service": _("Services in %(family)s") % {"family": scope.name},
            "queue": _("Queues of %(service)s") % {"service": scope.name},
        }[child],
        heading={"family": _("Service family"), "service": _("Service"), "queue": _("Queue")}[
            child
        ],
        kpis=FAMILY_TABLE_KPIS,
        channel=period.channel,
        rows=[
            (name, row, kw, link(child_level, row[child]) if child_level else "")
            for name, row, kw in named
        ],
        totals=[(_("All"), row, scope_targets, "") for row in total_rows],
    )
    monthly = _kpi_table(
        reading,
        key="monthly",
        caption=_("Monthly indicators"),
        heading=_("Month"),
        kpis=MONTHLY_TABLE_KPIS,
        channel=period.channel,
        rows=[(month_name(row["month"]), row, scope_targets, "") for row in month_rows],
        totals=[(_("Whole period"), row, scope_targets, "") for row in total_rows],
        targets_in_headings=True,
        # The committee's words: the monthly table's "average wait" is the time to answer.
        labels={"asa_seconds": _("Average wait")},
        provisional=True,
    )
    if not child_rows:
        breakdown.notes.append(_("No contacts in this period."))
    return CommitteePage(
        scope=scope,
        breakdown=breakdown,
        monthly=monthly,
        targets=_targets_used(reading, scope_targets, named),
        settings=reading.settings_summary(period),
        any_provisional=any(row["provisional"] for row in [*month_rows, *total_rows]),
    )


def _only(scope: Scope) -> Callable[[dict[str, Any]], bool]:
    if scope.level == "council":
        return lambda row: True
    return lambda row: row[scope.level] == scope.key


def _scope_targets(scope: Scope) -> dict[str, str | None]:
    if scope.level == "family":
        return {"family_id": scope.key, "service_id": None}
    if scope.level == "service":
        return {"family_id": scope.family_id, "service_id": scope.key}
    return {"family_id": None, "service_id": None}


def _kpi_table(
    reading: Reading,
    *,
    key: str,
    caption: str,
    heading: str,
    kpis: Sequence[str],
    channel: str | None,
    rows: Iterable[tuple[str, dict[str, Any], dict[str, str | None], str]],
    totals: Iterable[tuple[str, dict[str, Any], dict[str, str | None], str]],
    targets_in_headings: bool = False,
    labels: dict[str, str] | None = None,
    provisional: bool = False,
) -> Table:
    """A table with a row heading and one column per KPI; a KPI gets red/amber/green where a
    target applies to the row."""
    rows, totals = list(rows), list(totals)
    everything = [*rows, *totals]
    targeted = {
        kpi: any(reading.targets.target(kpi, **kw) for _, _, kw, _ in everything) for kpi in kpis
    }
    columns = [Column(heading, has_status=provisional)]
    for kpi in kpis:
        label = (labels or {}).get(kpi) or kpi_label(kpi, channel)
        if targets_in_headings and targeted[kpi] and everything:
            target = reading.targets.target(kpi, **everything[0][2])
            label = _("%(kpi)s (target %(target)s)") % {
                "kpi": label,
                "target": format_target(kpi, target),
            }
        columns.append(Column(label, numeric=True, has_status=targeted[kpi]))

    def line(name: str, row: dict[str, Any], kw: dict[str, str | None], href: str) -> list[Cell]:
        first = text_cell(name, href=href)
        if provisional and row.get("provisional"):
            first.status, first.status_class = _("Provisional"), "govuk-tag--grey"
        return [first] + [
            kpi_cell(kpi, row[kpi], reading.targets.target(kpi, **kw) if targeted[kpi] else None)
            for kpi in kpis
        ]

    return Table(
        key=key,
        caption=caption,
        columns=columns,
        rows=[line(*item) for item in rows],
        totals=[line(*item) for item in totals],
    )


def _targets_used(
    reading: Reading,
    scope_targets: dict[str, str | None],
    named: list[tuple[str, dict[str, Any], dict[str, str | None]]],
) -> list[dict[str, str]]:
    """The targets the page's statuses were judged against: the scope's, then any row's own."""
    used: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    kpis = dict.fromkeys([*MONTHLY_TABLE_KPIS, *FAMILY_TABLE_KPIS])
    for name, kw in [(_("All"), scope_targets), *((n, k) for n, _row, k in named)]:
        for kpi in kpis:
            target = reading.targets.target(kpi, **kw)
            if target is None:
                continue
            scoped = reading.targets.target(kpi, **scope_targets)
            if name != _("All") and target == scoped:
                continue  # the same as the scope's: listed once
            signature = (name, kpi)
            if signature in seen:
                continue
            seen.add(signature)
            used.append(
                {
                    "applies_to": name,
                    "kpi": str(KPI_LABELS[kpi]),
                    "green": format_target(kpi, target),
                    "amber": format_target(kpi, {**target, "green": target["amber"]}),
                }
            )
    return used
