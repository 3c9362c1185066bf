"""Demand insight: profiles, abandonment, repeats, crossover, failure demand, email and channels."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdoor.core.models import Council

from ..engine import demand as demand_engine
from ..engine.facts import FAILURE_DEMAND_TYPES
from ..engine.kpis import (
    channel_shift,
    people_without_email_share,
    same_period_in,
)
from .display import (
    ABANDON_BAND_LABELS,
    FAILURE_TYPE_LABELS,
    channel_label,
    format_count,
    format_points,
    format_setting,
)
from .reading import Period, Reading, read_for
from .tables import Cell, Column, Table, count_cell, share_cell, text_cell


@dataclass
class DemandPage:
    tables: list[Table]
    baseline_year: int
    settings: list[tuple[str, str]]
    abandoned_without_wait: int

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


def demand_read_for(council: Council, period: Period, baseline_year: int) -> Reading:
    """A reading that covers the baseline year's same dates too (for the channel shift)."""
    base_from, _base_to = same_period_in(baseline_year, period.date_from, period.date_to)
    return read_for(council, min(base_from, period.date_from), period.date_to)


def demand_page(reading: Reading, period: Period, baseline_year: int) -> DemandPage:
    """Every demand-insight table for the period (channel mix and shift: every channel)."""
    query = demand_engine.DemandQuery(
        date_from=period.date_from,
        date_to=period.date_to,
        channel=period.channel,
        short_abandon_seconds=reading.settings.short_abandon_seconds,
    )
    council_id = reading.council.pk
    with demand_engine.facts_connection(
        reading.source, council_id, query, look_ahead=True
    ) as connection:
        profile = demand_engine.weekly_profile(connection, council_id, query)
        curve = demand_engine.abandonment_curve(connection, council_id, query)
        repeats = demand_engine.repeat_contacts_by_service(connection, council_id, query)
        crossing = demand_engine.crossover(connection, council_id, query)
        failure = demand_engine.failure_demand_by_service(connection, council_id, query)
        wrap_codes = demand_engine.failure_demand_by_wrap_code(connection, council_id, query)
        no_email = demand_engine.no_email_contacts_by_service(connection, council_id, query)
    people = people_without_email_share(
        reading.source, council_id, reading.kpi_query(period, ("service",)), reading.today
    )
    people_all = people_without_email_share(
        reading.source, council_id, reading.kpi_query(period, ()), reading.today
    )
    shift = channel_shift(
        reading.source, council_id, period.date_from, period.date_to, baseline_year
    )
    short = format_setting(reading.settings.short_abandon_seconds)
    tables = [
        _profile_table(profile),
        _abandonment_table(curve, short),
        _repeat_table(reading, repeats),
        _crossover_people_table(crossing),
        _crossover_pairs_table(reading, crossing),
        _failure_service_table(reading, failure),
        _failure_type_table(failure),
        _failure_wrap_table(wrap_codes),
        _email_table(reading, no_email, people, people_all),
        _channel_mix_table(demand_engine.channel_mix(shift), baseline_year),
        _channel_shift_table(reading, shift, baseline_year),
    ]
    return DemandPage(
        tables=tables,
        baseline_year=baseline_year,
        settings=reading.settings_summary(period),
        abandoned_without_wait=curve["without_wait"],
    )


WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
HEAT_BANDS = 4


def heat_band(value: int, peak: int) -> int:
    """0 for none, else 1 to HEAT_BANDS by the share of the busiest cell."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, math.ceil(HEAT_BANDS * value / peak))


def _profile_table(profile: list[dict[str, Any]]) -> Table:
    table = Table(
        key="profile",
        caption=_("Contacts offered by hour of the day and day of the week"),
        columns=[Column(_("Hour starting"))]
        + [Column(str(name), numeric=True) for name in WEEKDAY_NAMES],
        heat_map=True,
    )
    cells = {(row["weekday"], row["hour"]): row["offered"] for row in profile}
    busy_hours = [
        hour for hour in demand_engine.HOURS if any(cells[(d, hour)] for d in range(1, 8))
    ]
    peak = max(cells.values(), default=0)
    if not busy_hours:
        table.notes.append(_("No contacts in this period."))
        return table
    for hour in range(min(busy_hours), max(busy_hours) + 1):
        table.rows.append(
            [text_cell(f"{hour:02d}:00")]
            + [
                count_cell(
                    cells[(day, hour)], css=f"frontdoor-heat-{heat_band(cells[(day, hour)], peak)}"
                )
                for day in range(1, 8)
            ]
        )
    table.notes.append(
        _(
            "Darker cells had more contacts; every cell gives its number. Hours with no contact "
            "on any day are left out."
        )
    )
    return table


def _abandonment_table(curve: dict[str, Any], short: str) -> Table:
    table = Table(
        key="abandonment",
        caption=_("How long people waited before they gave up"),
        columns=[
            Column(_("Waited")),
            Column(_("Abandoned contacts"), numeric=True),
            Column(_("Share of abandoned contacts"), numeric=True),
            Column(_("Gave up within this time"), numeric=True),
        ],
    )
    for band in curve["bands"]:
        table.rows.append(
            [
                text_cell(str(ABANDON_BAND_LABELS[band["band"]])),
                count_cell(band["abandoned"]),
                share_cell(band["share"]),
                share_cell(band["cumulative_share"]),
            ]
        )
    table.totals.append(
        [
            text_cell(_("All with a wait")),
            count_cell(curve["with_wait"]),
            share_cell(1.0 if curve["with_wait"] else None),
            text_cell(""),
        ]
    )
    table.notes.append(
        _(
            "Short abandons (under %(seconds)s seconds) are included here, though every other "
            "figure leaves them out."
        )
        % {"seconds": short}
    )
    if curve["without_wait"]:
        table.notes.append(
            _("%(count)s abandoned contacts had no wait recorded and are not in any band.")
            % {"count": format_count(curve["without_wait"])}
        )
    return table


def _repeat_table(reading: Reading, rows: list[dict[str, Any]]) -> Table:
    table = Table(
        key="repeats",
        caption=_("Repeat contacts within 7 days, by service"),
        columns=[
            Column(_("Service")),
            Column(_("Contacts offered"), numeric=True),
            Column(_("With a known person"), numeric=True),
            Column(_("Followed by another contact within 7 days"), numeric=True),
            Column(_("Repeat rate"), numeric=True),
            Column(_("Followed by a contact about the same service"), numeric=True),
            Column(_("Same-service repeat rate"), numeric=True),
        ],
    )
    ordered = sorted(rows, key=lambda row: reading.service_name(row["service"]).casefold())
    sums = dict.fromkeys(("offered", "with_person", "repeated", "repeated_same_service"), 0)
    for row in ordered:
        for name in sums:
            sums[name] += row[name]
        table.rows.append(_repeat_line(reading.service_name(row["service"]), row))
    if ordered:
        whole = {
            **sums,
            "repeat_share": _ratio(sums["repeated"], sums["with_person"]),
            "same_service_share": _ratio(sums["repeated_same_service"], sums["with_person"]),
        }
        table.totals.append(_repeat_line(_("All services"), whole))
    else:
        table.notes.append(_("No contacts in this period."))
    return table


def _repeat_line(name: str, row: dict[str, Any]) -> list[Cell]:
    return [
        text_cell(name),
        count_cell(row["offered"]),
        count_cell(row["with_person"]),
        count_cell(row["repeated"]),
        share_cell(row["repeat_share"]),
        count_cell(row["repeated_same_service"]),
        share_cell(row["same_service_share"]),
    ]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _crossover_people_table(crossing: dict[str, Any]) -> Table:
    table = Table(
        key="crossover-people",
        caption=_("People by how many services they contacted"),
        columns=[
            Column(_("Services contacted")),
            Column(_("People"), numeric=True),
            Column(_("Share of people"), numeric=True),
        ],
    )
    for bucket in crossing["by_services"]:
        table.rows.append(
            [
                text_cell(bucket["services"]),
                count_cell(bucket["persons"]),
                share_cell(bucket["share"]),
            ]
        )
    table.totals.append(
        [
            text_cell(_("All people")),
            count_cell(crossing["people"]),
            share_cell(1.0 if crossing["people"] else None),
        ]
    )
    return table


def _crossover_pairs_table(reading: Reading, crossing: dict[str, Any]) -> Table:
    table = Table(
        key="crossover-pairs",
        caption=_("Services people contacted together (the %(count)s most common pairs)")
        % {"count": demand_engine.TOP_PAIRS},
        columns=[
            Column(_("Service")),
            Column(_("Together with")),
            Column(_("People who contacted both"), numeric=True),
            Column(_("Share of people"), numeric=True),
        ],
    )
    for pair in crossing["pairs"]:
        table.rows.append(
            [
                text_cell(reading.service_name(pair["first"])),
                text_cell(reading.service_name(pair["second"])),
                count_cell(pair["persons"]),
                share_cell(pair["share"]),
            ]
        )
    if not crossing["pairs"]:
        table.notes.append(_("Nobody contacted more than one service in this period."))
    return table


FAILURE_COLUMNS = (*FAILURE_DEMAND_TYPES, "type_not_recorded")


def _failure_service_table(reading: Reading, rows: list[dict[str, Any]]) -> Table:
    table = Table(
        key="failure-services",
        caption=_("Failure demand by service and type"),
        columns=[
            Column(_("Service")),
            Column(_("Contacts offered"), numeric=True),
            Column(_("With failure demand recorded"), numeric=True),
            Column(_("Failure demand contacts"), numeric=True),
            Column(_("Failure demand"), numeric=True),
        ]
        + [Column(str(FAILURE_TYPE_LABELS[name]), numeric=True) for name in FAILURE_COLUMNS],
    )
    sums: dict[str, int] = dict.fromkeys(("offered", "with_value", "failure", *FAILURE_COLUMNS), 0)
    for row in sorted(rows, key=lambda row: reading.service_name(row["service"]).casefold()):
        for name in sums:
            sums[name] += row[name]
        table.rows.append(_failure_line(reading.service_name(row["service"]), row))
    if rows:
        table.totals.append(
            _failure_line(
                _("All services"), {**sums, "share": _ratio(sums["failure"], sums["with_value"])}
            )
        )
    else:
        table.notes.append(_("No contacts in this period."))
    return table


def _failure_line(name: str, row: dict[str, Any]) -> list[Cell]:
    return [
        text_cell(name),
        count_cell(row["offered"]),
        count_cell(row["with_value"]),
        count_cell(row["failure"]),
        share_cell(row["share"]),
    ] + [count_cell(row[type_name]) for type_name in FAILURE_COLUMNS]


def _failure_type_table(by_service: list[dict[str, Any]]) -> Table:
    table = Table(
        key="failure-types",
        caption=_("Failure demand by type"),
        columns=[
            Column(_("Type")),
            Column(_("Failure demand contacts"), numeric=True),
            Column(_("Share of failure demand"), numeric=True),
        ],
    )
    for row in demand_engine.failure_demand_by_type(by_service):
        table.rows.append(
            [
                text_cell(str(FAILURE_TYPE_LABELS[row["type"]])),
                count_cell(row["contacts"]),
                share_cell(row["share"]),
            ]
        )
    return table


def _failure_wrap_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(
        key="failure-wrap-codes",
        caption=_("Failure demand by wrap code"),
        columns=[
            Column(_("Wrap code")),
            Column(_("Contacts offered"), numeric=True),
            Column(_("With failure demand recorded"), numeric=True),
            Column(_("Failure demand contacts"), numeric=True),
            Column(_("Failure demand"), numeric=True),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                text_cell(row["wrap_code"] if row["wrap_code"] is not None else _("No wrap code")),
                count_cell(row["offered"]),
                count_cell(row["with_value"]),
                count_cell(row["failure"]),
                share_cell(row["share"]),
            ]
        )
    if rows and all(row["wrap_code"] is None for row in rows):
        table.notes.append(_("No contact in this period has a wrap code."))
    if not rows:
        table.notes.append(_("No contacts in this period."))
    return table


def _email_table(
    reading: Reading,
    contacts: list[dict[str, Any]],
    people: list[dict[str, Any]],
    people_all: list[dict[str, Any]],
) -> Table:
    table = Table(
        key="no-email",
        caption=_("Contacts and people with no email address, by service"),
        columns=[
            Column(_("Service")),
            Column(_("Contacts with email recorded"), numeric=True),
            Column(_("Contacts without an email"), numeric=True),
            Column(_("Share of contacts"), numeric=True),
            Column(_("People with email recorded"), numeric=True),
            Column(_("People without an email"), numeric=True),
            Column(_("Share of people"), numeric=True),
        ],
    )
    by_service = {row["service"]: row for row in people}
    ordered = sorted(contacts, key=lambda row: reading.service_name(row["service"]).casefold())
    for row in ordered:
        persons = by_service.get(row["service"], {})
        table.rows.append(_email_line(reading.service_name(row["service"]), row, persons))
    if ordered:
        with_value = sum(row["with_value"] for row in ordered)
        without = sum(row["without_email"] for row in ordered)
        whole = {
            "with_value": with_value,
            "without_email": without,
            "share": _ratio(without, with_value),
        }
        table.totals.append(
            _email_line(_("All services"), whole, people_all[0] if people_all else {})
        )
    else:
        table.notes.append(_("No contacts in this period."))
    table.notes.append(
        _(
            "A person's value is the one on their latest contact in the period; the people of "
            "all services are counted once each."
        )
    )
    return table


def _email_line(name: str, row: dict[str, Any], persons: dict[str, Any]) -> list[Cell]:
    return [
        text_cell(name),
        count_cell(row["with_value"]),
        count_cell(row["without_email"]),
        share_cell(row["share"]),
        count_cell(persons.get("persons", 0)),
        count_cell(persons.get("persons_without_email", 0)),
        share_cell(persons.get("people_without_email_share")),
    ]


def _channel_mix_table(rows: list[dict[str, Any]], baseline_year: int) -> Table:
    table = Table(
        key="channel-mix",
        caption=_("Channel mix, against the same dates in %(year)s") % {"year": baseline_year},
        columns=[
            Column(_("Channel")),
            Column(_("Contacts"), numeric=True),
            Column(_("Share"), numeric=True),
            Column(_("Contacts in %(year)s") % {"year": baseline_year}, numeric=True),
            Column(_("Share in %(year)s") % {"year": baseline_year}, numeric=True),
            Column(_("Change (percentage points)"), numeric=True),
        ],
    )
    for row in rows:
        table.rows.append(
            [
                text_cell(channel_label(row["channel"])),
                count_cell(row["contacts"]),
                share_cell(row["share"]),
                count_cell(row["baseline_contacts"]),
                share_cell(row["baseline_share"]),
                _points_cell(row["change_pp"]),
            ]
        )
    if not rows:
        table.notes.append(_("No contacts in this period or the baseline."))
    return table


def _points_cell(value: float | None) -> Cell:
    text = format_points(value)
    return Cell(text=text, export=text, numeric=True)


def _channel_shift_table(reading: Reading, rows: list[dict[str, Any]], baseline_year: int) -> Table:
    table = Table(
        key="channel-shift",
        caption=_("Channel shift by service, against the same dates in %(year)s")
        % {"year": baseline_year},
        columns=[
            Column(_("Service and channel")),
            Column(_("Contacts"), numeric=True),
            Column(_("Share of the service's contacts"), numeric=True),
            Column(_("Share in %(year)s") % {"year": baseline_year}, numeric=True),
            Column(_("Change (percentage points)"), numeric=True),
        ],
    )
    ordered = sorted(
        rows, key=lambda row: (reading.service_name(row["service"]).casefold(), row["channel"])
    )
    for row in ordered:
        table.rows.append(
            [
                text_cell(
                    _("%(service)s: %(channel)s")
                    % {
                        "service": reading.service_name(row["service"]),
                        "channel": channel_label(row["channel"]),
                    }
                ),
                count_cell(row["contacts"]),
                share_cell(row["share"]),
                share_cell(row["baseline_share"]),
                _points_cell(row["change_pp"]),
            ]
        )
    if not rows:
        table.notes.append(_("No contacts in this period or the baseline."))
    return table
