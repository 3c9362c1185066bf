"""The pieces of the performance pages: presets, dates, formatting, targets, the chart."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.core.models import Service, ServiceFamily
from frontdoor.insight.dashboards import (
    DURATION,
    NET,
    PERCENT,
    Period,
    TargetBook,
    format_duration,
    format_percent,
    format_points,
    format_target,
    heat_band,
    line_chart,
)
from frontdoor.insight.forms import DemandForm, PeriodForm, parse_date, preset_period
from frontdoor.insight.models import KpiTarget
from frontdoor.insight.selectors import target_for


@pytest.mark.no_db
@pytest.mark.parametrize(
    "preset, today, expected",
    [
        ("last-month", dt.date(2026, 3, 15), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("last-month", dt.date(2026, 1, 1), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        # The financial year runs April to March: to date.
        ("financial-year", dt.date(2026, 3, 31), (dt.date(2025, 4, 1), dt.date(2026, 3, 31))),
        ("financial-year", dt.date(2026, 4, 1), (dt.date(2026, 4, 1), dt.date(2026, 4, 1))),
        # Twelve whole calendar months before this one.
        ("last-12-months", dt.date(2026, 11, 30), (dt.date(2025, 11, 1), dt.date(2026, 10, 31))),
        ("last-12-months", dt.date(2024, 3, 1), (dt.date(2023, 3, 1), dt.date(2024, 2, 29))),
    ],
)
def test_presets(preset, today, expected):
    assert preset_period(preset, today) == expected


@pytest.mark.no_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-04-01", dt.date(2026, 4, 1)),
        ("1/4/2026", dt.date(2026, 4, 1)),
        (" 01/04/2026 ", dt.date(2026, 4, 1)),
        ("1 4 2026", dt.date(2026, 4, 1)),
        ("31/2/2026", None),
        ("4/1/26", None),
        ("", None),
        ("yesterday", None),
    ],
)
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.no_db
def test_the_period_form_defaults_to_last_month_on_the_phone_channel():
    form = PeriodForm({}, today=dt.date(2026, 3, 15))
    assert form.is_valid()
    assert form.cleaned_data["period"] == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), "phone")
    every = PeriodForm(
        {"from": "1/4/2025", "to": "31/3/2026", "channel": "all"}, today=dt.date(2026, 5, 1)
    )
    assert every.is_valid()
    assert every.cleaned_data["period"] == Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31), None)


@pytest.mark.no_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"from": "2026-01-01"}, "to", "Enter the last date"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to", "same as or after the first"),
        ({"from": "1999-12-31", "to": "2000-01-31"}, "from", "2000 or later"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "to", "at most three years"),
        ({"channel": "pigeon"}, "channel", "Select a valid choice"),
    ],
)
def test_the_period_form_explains_what_is_wrong(data, field, message):
    form = PeriodForm(data, today=dt.date(2026, 3, 15))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


@pytest.mark.no_db
def test_the_demand_form_takes_the_year_before_the_period_as_the_baseline():
    form = DemandForm({"from": "2026-01-01", "to": "2026-03-31"}, today=dt.date(2026, 5, 1))
    assert form.is_valid()
    assert form.cleaned_data["baseline"] == 2025
    assert form.cleaned_data["period"].channel is None  # demand is every channel by default
    future = DemandForm({"baseline": "2030"}, today=dt.date(2026, 5, 1))
    assert not future.is_valid()
    assert "cannot be in the future" in future.errors["baseline"][0]


@pytest.mark.no_db
def test_figures_are_formatted_as_committee_tables_show_them():
    assert format_duration(965) == "16:05"
    assert format_duration(59.5) == "01:00"  # to the nearest second
    assert format_duration(3725) == "62:05"
    assert format_duration(None) == ""
    assert format_percent(0.78) == "78.0%"
    assert format_percent(0.8996) == "90.0%"
    assert format_percent(None) == ""
    assert format_points(-3.14) == "-3.1 pp"
    assert format_points(0) == "+0.0 pp"
    assert format_target("asa_seconds", {"direction": "lower", "green": 180, "amber": 240}) == (
        "03:00 or less"
    )
    assert format_target("fcr", {"direction": "higher", "green": 0.51, "amber": 0.45}) == (
        "51.0% or more"
    )


@pytest.mark.no_db
def test_heat_bands_grow_with_the_share_of_the_busiest_cell():
    assert [heat_band(value, 100) for value in (0, 1, 25, 26, 50, 75, 76, 100)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        4,
        4,
    ]
    assert heat_band(0, 0) == 0


@pytest.mark.no_db
def test_the_chart_breaks_its_line_where_a_value_is_missing_and_describes_itself():
    chart = line_chart(
        [("Jan", 0.5), ("Feb", None), ("Mar", 1.0), ("Apr", 0.75)],
        PERCENT,
        target={"direction": "higher", "green": 0.9, "amber": 0.85},
        title="% answered by month",
    )
    assert len(chart.segments) == 2
    first, second = chart.segments
    assert first.count(",") == 1 and second.count(",") == 2
    # 0 to 100% from the plot's bottom (top 16 + height 268 = 284) to its top (16).
    assert [tick["text"] for tick in chart.y_ticks] == ["0.0%", "25.0%", "50.0%", "75.0%", "100.0%"]
    assert chart.y_ticks[0]["y"] == 284.0 and chart.y_ticks[-1]["y"] == 16.0
    assert chart.points[0] == {"x": 72.0, "y": 150.0, "label": "Jan", "text": "50.0%"}
    assert chart.target_y == pytest.approx(16 + 268 * 0.1, abs=0.1)
    assert chart.description.startswith("4 points from Jan to Apr. Highest 100.0% (Mar)")


@pytest.mark.no_db
def test_duration_axes_read_in_whole_minutes_and_net_scores_run_from_minus_one():
    chart = line_chart([("a", 200.0), ("b", 430.0)], DURATION, target=None, title="t")
    # 430 s: four steps of 2 minutes would end at 08:00.
    assert [tick["text"] for tick in chart.y_ticks] == ["00:00", "02:00", "04:00", "06:00", "08:00"]
    longer = line_chart([("a", 498.0)], DURATION, target=None, title="t")
    assert [tick["text"] for tick in longer.y_ticks][-1] == "10:00"  # steps of 2:30
    net = line_chart([("a", 0.2)], NET, target=None, title="t")
    assert [tick["text"] for tick in net.y_ticks] == ["-1.00", "-0.50", "+0.00", "+0.50", "+1.00"]
    assert net.points[0]["x"] == 72 + (720 - 72 - 24) / 2  # one point: in the middle
    assert [tick["anchor"] for tick in net.x_ticks] == ["middle"]
    assert [tick["anchor"] for tick in chart.x_ticks] == ["start", "end"]


def test_the_target_book_gives_what_target_for_gives(catalogued_council):
    council = catalogued_council
    housing = ServiceFamily.objects.get(council=council, family_id="housing")
    rents = Service.objects.get(council=council, service_id="rents")
    KpiTarget.objects.create(council=council, kpi="fcr", direction="higher", green=0.6, amber=0.5)
    KpiTarget.objects.create(
        council=council, kpi="fcr", family=housing, direction="higher", green=0.4, amber=0.3
    )
    KpiTarget.objects.create(
        council=council, kpi="csat", service=rents, direction="higher", green=0.8, amber=0.7
    )
    book = TargetBook(council)
    scopes = [
        {},
        {"family_id": "housing"},
        {"family_id": "housing", "service_id": "rents"},
        {"family_id": "housing", "service_id": "homelessness"},
        {"family_id": "council-tax", "service_id": "council-tax"},
    ]
    for kpi in ("fcr", "csat", "pct_answered", "asa_seconds", "aht_seconds"):
        for scope in scopes:
            assert book.target(kpi, **scope) == target_for(council, kpi, **scope), (kpi, scope)
