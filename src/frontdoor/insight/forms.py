"""The performance pages' filters: a period (dates or a preset) and a channel, and each page's
own choices. They are GET forms: the query string is the page's address, so a link or a
bookmark gives the same figures."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .dashboards import (
    CHANNEL_LABELS,
    GRANULARITIES,
    KPI_LABELS,
    Period,
    financial_year_start,
)
from .engine.facts import CHANNELS
from .engine.kpis import kpi_names

EARLIEST = dt.date(2000, 1, 1)
LONGEST_DAYS = 3 * 366 + 1  # three years: enough for any committee comparison

PRESETS = {
    "last-month": _("Last month"),
    "financial-year": _("This financial year"),
    "last-12-months": _("Last 12 months"),
}


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates of a preset, seen from the council's `today`.

    - last month: the whole calendar month before this one;
    - this financial year: from 1 April to today (April to March);
    - last 12 months: the 12 whole calendar months before this one.
    """
    this_month = today.replace(day=1)
    last_month_end = this_month - dt.timedelta(days=1)
    if preset == "last-month":
        return last_month_end.replace(day=1), last_month_end
    if preset == "financial-year":
        return financial_year_start(today), today
    if preset == "last-12-months":
        return this_month.replace(year=this_month.year - 1), last_month_end
    raise ValueError(f"unknown preset {preset!r}")


_DMY = re.compile(r"^(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})$")


def parse_date(text: str) -> dt.date | None:
    """A date written as 2026-04-01 or 1/4/2026 (day first, as UK staff write it)."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return None


class PeriodForm(forms.Form):
    """from, to (or a preset) and a channel; with neither dates nor a preset, the default
    preset. `cleaned_data["period"]` is the Period."""

    default_preset = "last-month"
    default_channel = "phone"

    def __init__(self, data: Any, *, today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.today = today
        self.fields["from"] = forms.CharField(required=False, label=_("From"))
        self.fields["to"] = forms.CharField(required=False, label=_("To"))
        self.fields["preset"] = forms.ChoiceField(
            required=False, choices=[("", ""), *PRESETS.items()]
        )
        self.fields["channel"] = forms.ChoiceField(
            required=False,
            label=_("Channel"),
            choices=[("all", _("All channels"))]
            + [(channel, CHANNEL_LABELS[channel]) for channel in CHANNELS],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channel = cleaned.get("channel") or self.default_channel
        raw_from, raw_to = cleaned.get("from", ""), cleaned.get("to", "")
        preset = cleaned.get("preset") or ("" if raw_from or raw_to else self.default_preset)
        start: dt.date | None
        end: dt.date | None
        if preset:
            start, end = preset_period(preset, self.today)
        else:
            start, end = parse_date(raw_from), parse_date(raw_to)
            if start is None:
                self.add_error("from", _("Enter the first date as a real date, like 1/4/2026"))
            if end is None:
                self.add_error("to", _("Enter the last date as a real date, like 31/3/2027"))
            if start is None or end is None:
                return cleaned
            if end < start:
                self.add_error("to", _("The last date must be the same as or after the first"))
                return cleaned
            if start < EARLIEST:
                self.add_error("from", _("The first date must be in 2000 or later"))
                return cleaned
            if (end - start).days > LONGEST_DAYS:
                self.add_error("to", _("The period can be at most three years long"))
                return cleaned
        cleaned["period"] = Period(start, end, None if channel == "all" else channel)
        cleaned["preset"] = preset
        return cleaned


class DashboardForm(PeriodForm):
    """The committee tables: the phone channel unless another is chosen."""


class TrendsForm(PeriodForm):
    """A KPI by day, week or month, for the council or one family."""

    default_preset = "last-12-months"

    def __init__(self, data: Any, *, today: dt.date, families: dict[str, str], **kwargs: Any):
        super().__init__(data, today=today, **kwargs)
        self.fields["kpi"] = forms.ChoiceField(
            required=False,
            label=_("Figure"),
            choices=[(kpi, KPI_LABELS[kpi]) for kpi in kpi_names()],
        )
        self.fields["by"] = forms.ChoiceField(
            required=False, label=_("Show by"), choices=list(GRANULARITIES.items())
        )
        self.fields["family"] = forms.ChoiceField(
            required=False,
            label=_("Service family"),
            choices=[("", _("All families")), *sorted(families.items(), key=lambda i: i[1])],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["kpi"] = cleaned.get("kpi") or "pct_answered"
        cleaned["by"] = cleaned.get("by") or "month"
        cleaned["family"] = cleaned.get("family") or None
        return cleaned


class DemandForm(PeriodForm):
    """Demand insight: every channel unless one is chosen, and a baseline year for the
    channel shift (the year before the period's start unless another is chosen)."""

    default_channel = "all"
    default_preset = "last-12-months"

    def __init__(self, data: Any, *, today: dt.date, **kwargs: Any) -> None:
        super().__init__(data, today=today, **kwargs)
        self.fields["baseline"] = forms.IntegerField(
            required=False,
            label=_("Baseline year for channel shift"),
            min_value=EARLIEST.year,
            max_value=today.year,
            error_messages={
                "invalid": _("Enter the baseline year as a number, like 2024"),
                "min_value": _("The baseline year must be 2000 or later"),
                "max_value": _("The baseline year cannot be in the future"),
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        period = cleaned.get("period")
        if period is not None and cleaned.get("baseline") is None and "baseline" not in self.errors:
            cleaned["baseline"] = period.date_from.year - 1
        return cleaned
