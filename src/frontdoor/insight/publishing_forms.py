"""The form an analyst publishes a period's figures with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .engine.facts import CHANNELS
from .publishing import PUBLISHABLE_GROUPINGS, Period, reporting_periods

GROUPING_LABELS = {
    "": _("One row for the whole council"),
    "family": _("By service family"),
    "month": _("By month"),
    "family,month": _("By service family and month"),
    "service": _("By service"),
    "queue": _("By queue"),
}


class PublishForm(forms.Form):
    """Choose a reporting period, a grouping and a channel; the title defaults from them."""

    period = forms.ChoiceField(
        label=_("Period"),
        error_messages={"required": _("Select the period to publish")},
    )
    grouping = forms.ChoiceField(
        label=_("Rows"),
        choices=[(key, GROUPING_LABELS[key]) for key in PUBLISHABLE_GROUPINGS],
        initial="family",
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        initial="phone",
        choices=[
            ("", _("Every channel")),
            *((c, c.replace("_", " ").capitalize()) for c in CHANNELS),
        ],
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example, Customer services performance: report to Scrutiny Committee"),
        error_messages={"max_length": _("The title must be 200 characters or fewer")},
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {p.value: p for p in reporting_periods(today)}
        self.fields["period"].choices = [("", _("Select a period"))] + [
            (p.value, p.label) for p in self.periods.values()
        ]

    @property
    def chosen_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]
