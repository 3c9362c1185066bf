"""How each KPI is shown on the performance pages: labels, kinds and formats."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def format_setting(value: float) -> str:
    """A setting's number as people write it (5, 7.5), for the notes beside the figures."""
    return f"{value:g}"


def month_name(month: str) -> str:
    """ "2025-04" as "April 2025", in the active language."""
    year, number = (int(part) for part in month.split("-"))
    return formats.date_format(dt.date(year, number, 1), "F Y")
