"""Reads for the performance pages: the committee tables, trends and demand insight.

Each page is built from one `Reading` (the council's settings, the fact source, the catalogue's
names and the targets, each read once) so a page costs a fixed handful of database queries
whatever the period; the figures themselves come from the KPI engine and the demand engine over
the Parquet snapshots plus the fresh rows.

Tables are returned as `Table`s whose cells carry both the text the page shows and the text the
CSV file holds, so a download always has the figures of the page.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdoor.cases.selectors import average_open_cases, resident_updates_of
from frontdoor.core.models import Council, Queue, Service
from frontdoor.core.selectors import families_of, services_with_family

from .engine import chasing as chasing_engine
from .engine import demand as demand_engine
from .engine.facts import CHANNELS, FAILURE_DEMAND_TYPES
from .engine.kpis import (
    FactSource,
    KpiQuery,
    channel_shift,
    compute_kpis,
    people_without_email_share,
    same_period_in,
)
from .models import DEFINITIONS_VERSION, KpiSettings, KpiTarget, SnapshotState
from .selectors import DEFAULT_TARGETS, fact_source, kpi_settings_of, rag

# --- how each KPI is shown ----------------------------------------------------------------------

COUNT, PERCENT, DURATION, NET = "count", "percent", "duration", "net"

KPI_KINDS = {
    "offered": COUNT,
    "answered": COUNT,
    "abandoned": COUNT,
    "callbacks": COUNT,
    "deflected": COUNT,
    "pct_answered": PERCENT,
    "pct_abandoned": PERCENT,
    "asa_seconds": DURATION,
    "avg_wait_seconds": DURATION,
    "service_level": PERCENT,
    "aht_seconds": DURATION,
    "fcr": PERCENT,
    "overall_resolution": PERCENT,
    "failure_demand": PERCENT,
    "csat": PERCENT,
    "csat_net": NET,
    "repeat_7d": PERCENT,
    "no_email_share": PERCENT,
}

KPI_LABELS = {
    "offered": gettext_lazy("Offered"),
    "answered": gettext_lazy("Answered"),
    "abandoned": gettext_lazy("Abandoned"),
    "callbacks": gettext_lazy("Callbacks"),
    "deflected": gettext_lazy("Deflected"),
    "pct_answered": gettext_lazy("% answered"),
    "pct_abandoned": gettext_lazy("% abandoned"),
    "asa_seconds": gettext_lazy("Average time to answer"),
    "avg_wait_seconds": gettext_lazy("Average wait (answered and abandoned)"),
    "service_level": gettext_lazy("Service level"),
    "aht_seconds": gettext_lazy("Average call length"),
    "fcr": gettext_lazy("First contact resolution"),
    "overall_resolution": gettext_lazy("Overall resolution"),
    "failure_demand": gettext_lazy("Failure demand"),
    "csat": gettext_lazy("Customer satisfaction"),
    "csat_net": gettext_lazy("Net satisfaction (-1 to +1)"),
    "repeat_7d": gettext_lazy("Repeat contacts within 7 days"),
    "no_email_share": gettext_lazy("Contacts without an email address"),
}

CHANNEL_LABELS = {
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("Email"),
    "webchat": gettext_lazy("Webchat"),
    "web_form": gettext_lazy("Web form"),
    "face_to_face": gettext_lazy("Face to face"),
    "social": gettext_lazy("Social media"),
    "letter": gettext_lazy("Letter"),
}

GRANULARITIES = {
    "day": gettext_lazy("Day"),
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
}

# The same, inside a sentence ("% answered by week").
GRANULARITY_UNITS = {
    "day": gettext_lazy("day"),
    "week": gettext_lazy("week"),
    "month": gettext_lazy("month"),
}

FAILURE_TYPE_LABELS = {
    "chasing": gettext_lazy("Chasing"),
    "not_right_first_time": gettext_lazy("Not right first time"),
    "could_not_complete_online": gettext_lazy("Could not complete online"),
    "other": gettext_lazy("Other"),
    "type_not_recorded": gettext_lazy("Type not recorded"),
}

ABANDON_BAND_LABELS = {
    "0-5s": gettext_lazy("Under 5 seconds"),
    "5-30s": gettext_lazy("5 to 30 seconds"),
    "30-60s": gettext_lazy("30 to 60 seconds"),
    "1-2min": gettext_lazy("1 to 2 minutes"),
    "2-5min": gettext_lazy("2 to 5 minutes"),
    "5-10min": gettext_lazy("5 to 10 minutes"),
    "10min+": gettext_lazy("10 minutes or more"),
}

RAG_LABELS = {
    "green": gettext_lazy("Green"),
    "amber": gettext_lazy("Amber"),
    "red": gettext_lazy("Red"),
}
RAG_TAGS = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}

# The committee tables' columns (contact-records-and-kpis.md §5).
FAMILY_TABLE_KPIS = (
    "offered",
    "asa_seconds",
    "aht_seconds",
    "fcr",
    "overall_resolution",
    "csat",
    "failure_demand",
)
MONTHLY_TABLE_KPIS = ("offered", "answered", "pct_answered", "pct_abandoned", "asa_seconds", "fcr")


def channel_label(channel: str | None) -> str:
    return str(CHANNEL_LABELS.get(channel, channel)) if channel else _("All channels")


def kpi_label(kpi: str, channel: str | None) -> str:
    """The column heading of a KPI; the committee tables' words for the phone channel."""
    if channel == "phone":
        phone = {
            "offered": _("Calls offered"),
            "answered": _("Calls answered"),
            "abandoned": _("Calls abandoned"),
        }
        if kpi in phone:
            return phone[kpi]
    if kpi in ("offered", "answered", "abandoned"):
        return {
            "offered": _("Contacts offered"),
            "answered": _("Contacts answered"),
            "abandoned": _("Contacts abandoned"),
        }[kpi]
    return str(KPI_LABELS[kpi])


# --- formatting ---------------------------------------------------------------------------------


def format_count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def format_percent(value: float | None) -> str:
    """A fraction as a percentage to one decimal place ("78.3%")."""
    return "" if value is None else f"{value * 100:.1f}%"


def format_duration(seconds: float | None) -> str:
    """Seconds as minutes and seconds ("16:05"), rounded to the nearest second."""
    if seconds is None:
        return ""
    total = math.floor(seconds + 0.5)
    return f"{total // 60:02d}:{total % 60:02d}"


def format_net(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


def format_points(value: float | None) -> str:
    return "" if value is None else _("%(points)s pp") % {"points": f"{value:+.1f}"}


def format_value(kind: str, value: Any) -> str:
    return {
        COUNT: format_count,
        PERCENT: format_percent,
        DURATION: format_duration,
        NET: format_net,
    }[kind](value)


def format_target(kpi: str, target: dict[str, Any] | None) -> str:
    """ "90.0% or more", "03:00 or less": a target's green threshold in the KPI's own unit."""
    if target is None:
        return ""
    threshold = format_value(KPI_KINDS[kpi], target["green"])
    if target["direction"] == "higher":
        return _("%(threshold)s or more") % {"threshold": threshold}
    return _("%(threshold)s or less") % {"threshold": threshold}


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Cell:
    """What a table cell shows (`text`, empty for no figure), what its CSV holds (`export`),
    and optionally a status (a red/amber/green or "provisional" tag), a link and a CSS class."""

    text: str
    export: str
    numeric: bool = False
    status: str = ""
    status_class: str = ""
    href: str = ""
    css: str = ""


@dataclass
class Column:
    label: str
    numeric: bool = False
    # A column with statuses gets a second CSV column for them.
    has_status: bool = False


@dataclass
class Table:
    """A table of a page: `key` names it in the CSV download's query string."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    totals: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    heat_map: bool = False

    def csv_rows(self) -> list[list[str]]:
        """The header and every row (totals last), as the CSV file holds them."""
        header: list[str] = []
        for column in self.columns:
            header.append(column.label)
            if column.has_status:
                header.append(_("%(column)s: status") % {"column": column.label})
        lines = [header]
        for row in [*self.rows, *self.totals]:
            line: list[str] = []
            for column, cell in zip(self.columns, row, strict=True):
                line.append(cell.export)
                if column.has_status:
                    line.append(cell.status)
            lines.append(line)
        return lines


def text_cell(text: str, *, href: str = "", status: str = "", status_class: str = "") -> Cell:
    return Cell(text=text, export=text, href=href, status=status, status_class=status_class)


def count_cell(value: int | None, css: str = "") -> Cell:
    return Cell(
        text=format_count(value),
        export="" if value is None else str(value),
        numeric=True,
        css=css,
    )


def kpi_cell(kpi: str, value: Any, target: dict[str, Any] | None = None) -> Cell:
    """A KPI's figure, with its red/amber/green against `target` (unrounded, §2)."""
    kind = KPI_KINDS[kpi]
    if kind == COUNT:
        return count_cell(None if value is None else int(value))
    text = format_value(kind, value)
    status = rag(value, target) if target is not None else None
    return Cell(
        text=text,
        export=text,
        numeric=True,
        status=str(RAG_LABELS[status]) if status else "",
        status_class=RAG_TAGS[status] if status else "",
    )


def share_cell(value: float | None) -> Cell:
    text = format_percent(value)
    return Cell(text=text, export=text, numeric=True)


# --- targets ------------------------------------------------------------------------------------


class TargetBook:
    """The council's targets read once: the same answers as `selectors.target_for` (a service's
    own, else its family's, else the council's, else the reported defaults) without a query per
    figure."""

    def __init__(self, council: Council) -> None:
        self._targets: dict[tuple[str, str, str], dict[str, Any]] = {}
        for target in KpiTarget.objects.filter(council=council).select_related("family", "service"):
            if target.service is not None:
                scope = ("service", target.service.service_id)
            elif target.family is not None:
                scope = ("family", target.family.family_id)
            else:
                scope = ("council", "")
            self._targets[(target.kpi, *scope)] = {
                "direction": target.direction,
                "green": target.green,
                "amber": target.amber,
            }

    def target(
        self, kpi: str, *, family_id: str | None = None, service_id: str | None = None
    ) -> dict[str, Any] | None:
        for scope, key in (("service", service_id), ("family", family_id), ("council", "")):
            if key is not None and (kpi, scope, key) in self._targets:
                return self._targets[(kpi, scope, key)]
        if kpi in DEFAULT_TARGETS:
            direction, green, amber = DEFAULT_TARGETS[kpi]
            return {"direction": direction, "green": green, "amber": amber}
        return None


# --- the period and what every page reads once ---------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Inclusive local dates and a channel (None: every channel)."""

    date_from: dt.date
    date_to: dt.date
    channel: str | None = "phone"

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    def query(self) -> dict[str, str]:
        """The period as query-string values, kept by every link of the pages."""
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "channel": self.channel or "all",
        }

    def label(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.date_from, "j F Y"),
            "end": formats.date_format(self.date_to, "j F Y"),
        }


@dataclass
class Reading:
    """What a page reads from the database, once: the settings, the fact source (snapshots
    plus fresh rows), the catalogue's names and the targets."""

    council: Council
    settings: KpiSettings
    source: FactSource
    watermark: dt.datetime
    snapshot_through: dt.datetime | None
    today: dt.date
    family_names: dict[str, str]
    service_names: dict[str, str]
    service_family: dict[str, str | None]
    queue_names: dict[str, str]
    targets: TargetBook

    def kpi_query(self, period: Period, by: Sequence[str]) -> KpiQuery:
        return KpiQuery(
            date_from=period.date_from,
            date_to=period.date_to,
            by=tuple(by),
            channel=period.channel,
            interval_minutes=self.settings.interval_minutes,
            short_abandon_seconds=self.settings.short_abandon_seconds,
            service_level_seconds=self.settings.service_level_seconds,
        )

    def kpis(self, period: Period, by: Sequence[str]) -> list[dict[str, Any]]:
        return compute_kpis(self.source, self.council.pk, self.kpi_query(period, by), self.today)

    def settings_summary(self, period: Period) -> list[tuple[str, str]]:
        """The settings every figure of the page depends on, shown beside them."""
        short = _number(self.settings.short_abandon_seconds)
        level = _number(self.settings.service_level_seconds)
        through = (
            formats.date_format(timezone.localtime(self.snapshot_through), "j F Y H:i")
            if self.snapshot_through
            else _("no snapshot yet: read from the contact records")
        )
        return [
            (_("Period"), period.label()),
            (_("Channel"), channel_label(period.channel)),
            (
                _("Short abandons"),
                _("Contacts abandoned within %(seconds)s seconds are left out of every figure")
                % {"seconds": short},
            ),
            (
                _("Service level threshold"),
                _("Answered within %(seconds)s seconds") % {"seconds": level},
            ),
            (_("Definitions version"), DEFINITIONS_VERSION),
            (_("Time zone"), self.council.time_zone),
            (
                _("Data watermark"),
                _("Contacts recorded up to %(now)s (snapshot built %(through)s)")
                % {
                    "now": formats.date_format(timezone.localtime(self.watermark), "j F Y H:i"),
                    "through": through,
                },
            ),
        ]

    def family_name(self, family_id: str) -> str:
        return self.family_names.get(family_id) or family_id or _("No family")

    def service_name(self, service_id: str) -> str:
        return self.service_names.get(service_id) or service_id

    def queue_name(self, queue_id: str) -> str:
        return self.queue_names.get(queue_id) or queue_id or _("No queue")


def _number(value: float) -> str:
    return f"{value:g}"


def read_for(
    council: Council,
    date_from: dt.date,
    date_to: dt.date,
    *,
    today: dt.date | None = None,
) -> Reading:
    """Read what a page needs for the period (with snapshots, the whole history is there; before
    the first snapshot the database rows from `date_from` are read)."""
    stored = kpi_settings_of(council)
    state = SnapshotState.objects.filter(council=council).first()
    watermark = timezone.now()
    source = fact_source(council, date_from, date_to)
    services = services_with_family(council)
    return Reading(
        council=council,
        settings=stored,
        source=source,
        watermark=watermark,
        snapshot_through=state.built_through if state else None,
        today=today or council.local_date(watermark),
        family_names={f.family_id: f.name for f in families_of(council)},
        service_names={s.service_id: s.name for s, _ in services},
        service_family={s.service_id: family_id for s, family_id in services},
        queue_names=dict(Queue.objects.filter(council=council).values_list("queue_id", "name")),
        targets=TargetBook(council),
    )


# --- the committee tables -----------------------------------------------------------------------


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
        rows=[(_month_name(row["month"]), row, scope_targets, "") for row in month_rows],
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


def _month_name(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return formats.date_format(dt.date(year, number, 1), "F Y")


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


# --- trends -------------------------------------------------------------------------------------


@dataclass
class Chart:
    """A line chart drawn on the server as SVG: every coordinate is worked out here."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    segments: list[str]
    points: list[dict[str, Any]]
    y_ticks: list[dict[str, Any]]
    x_ticks: list[dict[str, Any]]
    target_y: float | None
    target_label: str
    title: str
    description: str


@dataclass
class TrendsPage:
    kpi: str
    granularity: str
    family_id: str | None
    table: Table
    chart: Chart | None
    target: dict[str, Any] | None
    settings: list[tuple[str, str]]


def trends_page(
    reading: Reading, period: Period, kpi: str, granularity: str, family_id: str | None
) -> TrendsPage:
    """One KPI by day, week or month for the council or a family, as a chart and a table."""
    if kpi not in KPI_KINDS:
        raise ValueError(f"unknown KPI {kpi!r}")
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity {granularity!r}")
    by = ("family", granularity) if family_id else (granularity,)
    rows = [r for r in reading.kpis(period, by) if not family_id or r["family"] == family_id]
    target = reading.targets.target(kpi, family_id=family_id) if KPI_KINDS[kpi] != COUNT else None
    label = kpi_label(kpi, period.channel)
    scope_name = reading.family_name(family_id) if family_id else reading.council.name
    heading = {"day": _("Day"), "week": _("Week beginning"), "month": _("Month")}[granularity]
    columns = [Column(heading, has_status=True), Column(label, numeric=True)]
    if target:
        columns[1].has_status = True
        columns[1].label = _("%(kpi)s (target %(target)s)") % {
            "kpi": label,
            "target": format_target(kpi, target),
        }
    table = Table(
        key="trend",
        caption=_("%(kpi)s by %(unit)s")
        % {
            "kpi": label,
            "unit": GRANULARITY_UNITS[granularity],
        },
        columns=columns,
    )
    points = []
    for row in rows:
        period_label = _period_label(granularity, row[granularity])
        first = text_cell(period_label)
        if row["provisional"]:
            first.status, first.status_class = _("Provisional"), "govuk-tag--grey"
        table.rows.append([first, kpi_cell(kpi, row[kpi], target)])
        points.append((period_label, row[kpi]))
    if not rows:
        table.notes.append(_("No contacts in this period."))
    chart = (
        line_chart(
            points,
            KPI_KINDS[kpi],
            target=target,
            title=_("%(kpi)s by %(unit)s, %(scope)s, %(period)s")
            % {
                "kpi": label,
                "unit": GRANULARITY_UNITS[granularity],
                "scope": scope_name,
                "period": period.label(),
            },
        )
        if rows
        else None
    )
    return TrendsPage(
        kpi=kpi,
        granularity=granularity,
        family_id=family_id,
        table=table,
        chart=chart,
        target=target,
        settings=reading.settings_summary(period),
    )


def _period_label(granularity: str, key: str) -> str:
    if granularity == "month":
        return _month_name(key)
    if granularity == "week":
        year, week = key.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return formats.date_format(monday, "j M Y")
    return formats.date_format(dt.date.fromisoformat(key), "D j M Y")


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


# Tick steps for durations, in seconds: the axis reads in whole minutes (or half minutes).
_DURATION_STEPS = (15, 30, 60, 90, 120, 150, 180, 240, 300, 450, 600, 900, 1800, 3600, 7200, 36000)


def _axis_top(kind: str, peak: float) -> float:
    """The top of a y axis from 0 with four equal steps: round numbers, or whole minutes."""
    if kind == DURATION:
        for step in _DURATION_STEPS:
            if peak <= 4 * step:
                return 4.0 * step
        return 4.0 * math.ceil(peak / 4 / 36000) * 36000
    return _nice_ceiling(peak)


def line_chart(
    points: Sequence[tuple[str, float | None]],
    kind: str,
    *,
    target: dict[str, Any] | None,
    title: str,
    width: int = 720,
    height: int = 340,
) -> Chart:
    """The geometry of a line chart of `points` (label, value or None): a gap where a value is
    None, the y axis from 0 (or -1 for the net score) to a round maximum, about six x labels."""
    left, right, top, bottom = 72, 24, 16, 56
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [v for _, v in points if v is not None]
    if kind == PERCENT:
        low, high = 0.0, 1.0
    elif kind == NET:
        low, high = -1.0, 1.0
    else:
        peak = max([*values, target["green"] if target else 0.0, 0.0])
        low, high = 0.0, _axis_top(kind, peak)

    def y_of(value: float) -> float:
        return round(top + plot_height * (1 - (value - low) / (high - low)), 1)

    count = len(points)

    def x_of(index: int) -> float:
        if count == 1:
            return round(left + plot_width / 2, 1)
        return round(left + plot_width * index / (count - 1), 1)

    segments: list[str] = []
    current: list[str] = []
    marks = []
    for index, (label, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        x, y = x_of(index), y_of(value)
        current.append(f"{x},{y}")
        marks.append({"x": x, "y": y, "label": label, "text": format_value(kind, value)})
    if current:
        segments.append(" ".join(current))
    y_ticks = []
    for step in range(5):
        value = low + (high - low) * step / 4
        y_ticks.append({"y": y_of(value), "text": format_value(kind, value)})
    every = max(1, math.ceil(count / 6))
    # The first and last labels align with the plot's edges, so neither runs off the chart.
    x_ticks: list[dict[str, Any]] = [
        {
            "x": x_of(index),
            "text": label,
            "anchor": "start"
            if index == 0 and count > 1
            else "end"
            if index == count - 1 and count > 1
            else "middle",
        }
        for index, (label, _) in enumerate(points)
        if index % every == 0 or index == count - 1
    ]
    if len(x_ticks) > 1 and x_ticks[-1]["x"] - x_ticks[-2]["x"] < plot_width / 8:
        del x_ticks[-2]  # the last label would overlap the one before it
    described = [(label, value) for label, value in points if value is not None]
    if described:
        highest = max(described, key=lambda item: item[1])
        lowest = min(described, key=lambda item: item[1])
        description = _(
            "%(count)s points from %(first)s to %(last)s. Highest %(high)s (%(high_at)s), "
            "lowest %(low)s (%(low_at)s). The table beside the chart gives every value."
        ) % {
            "count": len(points),
            "first": points[0][0],
            "last": points[-1][0],
            "high": format_value(kind, highest[1]),
            "high_at": highest[0],
            "low": format_value(kind, lowest[1]),
            "low_at": lowest[0],
        }
    else:
        description = _("No values in this period.")
    target_y = None
    if target is not None and low <= target["green"] <= high:
        target_y = y_of(target["green"])
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=plot_height,
        segments=segments,
        points=marks if count <= 120 else [],
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        target_y=target_y,
        target_label=_("Target %(target)s") % {"target": format_value(kind, target["green"])}
        if target
        else "",
        title=title,
        description=description,
    )


# --- demand insight -----------------------------------------------------------------------------


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
    short = _number(reading.settings.short_abandon_seconds)
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


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year (April to March) that holds `day`."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- chasing contacts per open case --------------------------------------------------------------


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
