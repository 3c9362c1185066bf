"""Trends of each KPI by day, week or month: an SVG line chart and its data table."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from .display import (
    COUNT,
    DURATION,
    GRANULARITIES,
    GRANULARITY_UNITS,
    KPI_KINDS,
    NET,
    PERCENT,
    format_target,
    format_value,
    kpi_label,
    month_name,
)
from .reading import Period, Reading
from .tables import Column, Table, kpi_cell, text_cell


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
        return month_name(key)
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
