"""Chasing contacts per open case, by service."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from frontdoor.cases.selectors import average_open_cases, resident_updates_of
from frontdoor.core.models import Council, Service

from ..engine import chasing as chasing_engine
from ..engine import demand as demand_engine
from ..selectors import fact_source, kpi_settings_of
from .reading import Period, Reading
from .tables import Cell, Column, Table, count_cell, share_cell, text_cell


def chasing_contacts_by_service(
    council: Council, date_from: dt.date, date_to: dt.date
) -> dict[str, int]:
    """Offered contacts of failure demand type chasing in the period, per service id (every
    channel), from the contact facts; the case KPIs read them from here."""
    settings = kpi_settings_of(council)
    source = fact_source(council, date_from, date_to)
    query = demand_engine.DemandQuery(date_from, date_to, None, settings.short_abandon_seconds)
    with demand_engine.facts_connection(source, council.pk, query) as connection:
        return chasing_engine.chasing_contacts(
            connection,
            council.pk,
            date_from,
            date_to,
            short_abandon_seconds=settings.short_abandon_seconds,
        )


@dataclass
class ChasingSection:
    """Chasing contacts per open case by service: in the period, and before and after the
    council switched on status updates to residents (None when it never did)."""

    period: Table
    comparison: Table | None
    switched_on: dt.date | None
    updates_on: bool
    before: chasing_engine.Window | None = None
    after: chasing_engine.Window | None = None


def _chasing_rows(
    reading: Reading, date_from: dt.date, date_to: dt.date, by_pk: dict[int, str]
) -> list[dict[str, Any]]:
    with demand_engine.facts_connection(
        reading.source, reading.council.pk, demand_engine.DemandQuery(date_from, date_to)
    ) as connection:
        chasing = chasing_engine.chasing_contacts(
            connection,
            reading.council.pk,
            date_from,
            date_to,
            short_abandon_seconds=reading.settings.short_abandon_seconds,
        )
    averages = average_open_cases(reading.council, date_from, date_to, "service")
    return chasing_engine.service_rows(
        chasing, {by_pk[pk]: value for pk, value in averages.items() if pk in by_pk}
    )


def _ratio_cell(value: float | None) -> Cell:
    text = "" if value is None else f"{value:.2f}"
    return Cell(text=text, export=text, numeric=True)


def _average_cell(value: float) -> Cell:
    text = f"{value:,.1f}"
    return Cell(text=text, export=f"{value:.1f}", numeric=True)


def chasing_section(reading: Reading, period: Period) -> ChasingSection:
    """The chasing measure for the demand page. Its periods need the facts of the days before
    the switch, so it reads its own fact source when they fall before the reading's."""
    council = reading.council
    by_pk = dict(Service.objects.filter(council=council).values_list("pk", "service_id"))
    rows = _chasing_rows(reading, period.date_from, period.date_to, by_pk)
    table = Table(
        key="chasing-per-open-case",
        caption=_("Chasing contacts per open case, %(period)s") % {"period": period.label()},
        columns=[
            Column(_("Service")),
            Column(_("Chasing contacts"), numeric=True),
            Column(_("Open cases (daily average)"), numeric=True),
            Column(_("Chasing contacts per open case"), numeric=True),
        ],
    )
    for row in sorted(rows, key=lambda row: reading.service_name(row["service"]).casefold()):
        table.rows.append(_chasing_line(reading.service_name(row["service"]), row))
    if rows:
        table.totals.append(_chasing_line(_("All services"), chasing_engine.totals(rows)))
    else:
        table.notes.append(_("No chasing contacts and no open cases in this period."))
    switch = resident_updates_of(council)
    section = ChasingSection(
        period=table, comparison=None, switched_on=switch.switched_on, updates_on=switch.on
    )
    if switch.switched_on is None:
        return section
    windows = chasing_engine.before_and_after(
        switch.switched_on,
        (period.date_to - period.date_from).days + 1,
        reading.today - dt.timedelta(days=1),
    )
    if windows is None:
        return section
    before, after = windows
    wide = dataclasses.replace(
        reading, source=fact_source(council, before.date_from, after.date_to)
    )
    comparison = chasing_engine.comparison_rows(
        _chasing_rows(wide, before.date_from, before.date_to, by_pk),
        _chasing_rows(wide, after.date_from, after.date_to, by_pk),
    )
    compared = Table(
        key="chasing-before-after",
        caption=_("Chasing contacts per open case before and after updates were switched on"),
        columns=[
            Column(_("Service")),
            Column(_("Before: chasing contacts"), numeric=True),
            Column(_("Before: open cases"), numeric=True),
            Column(_("Before: per open case"), numeric=True),
            Column(_("After: chasing contacts"), numeric=True),
            Column(_("After: open cases"), numeric=True),
            Column(_("After: per open case"), numeric=True),
            Column(_("Change in chasing per open case"), numeric=True),
        ],
    )
    for row in sorted(comparison, key=lambda r: reading.service_name(r["service"]).casefold()):
        compared.rows.append(
            [
                text_cell(reading.service_name(row["service"])),
                count_cell(row["before"]["chasing"]),
                _average_cell(row["before"]["average_open"]),
                _ratio_cell(row["before"]["per_open_case"]),
                count_cell(row["after"]["chasing"]),
                _average_cell(row["after"]["average_open"]),
                _ratio_cell(row["after"]["per_open_case"]),
                share_cell(row["relative_change"]),
            ]
        )
    if not comparison:
        compared.notes.append(_("No chasing contacts and no open cases in either period."))
    section.comparison = compared
    section.before, section.after = before, after
    return section


def _chasing_line(name: str, row: dict[str, Any]) -> list[Cell]:
    return [
        text_cell(name),
        count_cell(row["chasing"]),
        _average_cell(row["average_open"]),
        _ratio_cell(row["per_open_case"]),
    ]
