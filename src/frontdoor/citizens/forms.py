"""Forms of the agent desktop: the search box, the timeline's filters, logging a contact, the
break-glass reason, deciding an early-intervention prompt and a rule's settings."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdoor.contacts.models import (
    Channel,
    FailureDemandType,
    Outcome,
    PromptStatus,
    Resolution,
)
from frontdoor.core.models import Sensitivity

from .selectors import TimelineFilters

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"]


class DateInput(forms.DateInput):
    """A native date field: keyboard-friendly, and it needs no script."""

    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return value.isoformat()
        return super().format_value(value)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for a person"),
        help_text=_(
            "Name (partial or misspelt is fine), phone number, email, postcode, UPRN or "
            "reference. Add a date of birth to narrow it down, like 12/03/1980."
        ),
        max_length=200,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open it?"),
        help_text=_("For example, the resident is on the phone about their council tax."),
        max_length=300,
        widget=forms.Textarea,
        error_messages={"required": _("Enter why you need to open this record")},
    )


class TimelineFilterForm(forms.Form):
    """The timeline's filters: a GET form that works without JavaScript."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any channel")), *Channel.choices],
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={"invalid": _("Enter a real date, like 2026-03-27")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={"invalid": _("Enter a real date, like 2026-03-27")},
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            ("", _("Any service")),
            *services,
        ]
        self.service_names = dict(services)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date"))
        return data

    def filters(self) -> TimelineFilters:
        if not self.is_bound or not self.is_valid():
            return TimelineFilters()
        data = self.cleaned_data
        return TimelineFilters(
            service=data.get("service") or None,
            channel=data.get("channel") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


FAILURE_CHOICES = [
    ("no", _("No: not avoidable")),
    *FailureDemandType.choices,
]


class LogContactForm(forms.Form):
    """A contact in a few keystrokes: the service first (type to choose), the reason, notes,
    how it ended. Channel and outcome default to a call the agent answered."""

    service = forms.ChoiceField(
        label=_("Service"), error_messages={"required": _("Select the service it was about")}
    )
    wrap_code = forms.CharField(
        label=_("Reason (wrap code)"),
        help_text=_("Start typing to pick a code, or enter your team's own."),
        max_length=100,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text=_(
            "What the resident needed and what you did. Seen by staff who open the record."
        ),
    )
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=Resolution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the contact was resolved")},
    )
    failure_demand = forms.ChoiceField(
        label=_("Was it failure demand?"),
        choices=FAILURE_CHOICES,
        initial="no",
        widget=forms.RadioSelect,
        help_text=_("A contact the council caused by not getting something right first time."),
        error_messages={"required": _("Select whether it was failure demand")},
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="phone")
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Outcome.ANSWERED, _("Handled by me")),
            (Outcome.CALLBACK, _("Call back arranged")),
        ],
        initial=Outcome.ANSWERED,
    )
    telephony_id = forms.CharField(
        label=_("Call id (optional)"),
        help_text=_("From the phone system: the call's record is completed instead of a new one."),
        max_length=100,
        required=False,
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=[("", _("The service's usual sensitivity")), *Sensitivity.choices],
        required=False,
        help_text=_("Restricted and safeguarding contacts are opened only with a reason."),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            ("", _("Choose a service")),
            *services,
        ]

    def action_values(self) -> dict[str, Any]:
        """The cleaned values as `do_log_contact` takes them."""
        data = self.cleaned_data
        failure = data["failure_demand"]
        return {
            "service": data["service"],
            "wrap_code": data["wrap_code"],
            "notes": data["notes"],
            "resolution": data["resolution"],
            "failure_demand": failure != "no",
            "failure_demand_type": "" if failure == "no" else failure,
            "channel": data["channel"],
            "outcome": data["outcome"],
            "telephony_id": data["telephony_id"],
            "sensitivity": data["sensitivity"],
        }


class PromptDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            (PromptStatus.ACTIONED, _("Actioned: I made the referral or acted on it")),
            (PromptStatus.DISMISSED, _("Dismissed: it does not apply")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether it was actioned or dismissed")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("Enter what was done, or why it does not apply")},
    )

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"prompt-{prefix_id}-%s")
        super().__init__(*args, **kwargs)


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]


class RuleForm(forms.Form):
    """An early-intervention rule: its topic, pattern and prompt."""

    name = forms.CharField(label=_("Name"), max_length=200)
    prompt = forms.CharField(
        label=_("Prompt"),
        max_length=300,
        help_text=_("What staff are asked to consider when the rule fires."),
    )
    services = forms.MultipleChoiceField(
        label=_("Services whose every contact counts"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    families = forms.MultipleChoiceField(
        label=_("Service families whose every contact counts"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wrap_codes = forms.CharField(
        label=_("Wrap codes that count, whatever the service"),
        help_text=_("Separated by commas, like rent-arrears, council-tax-arrears"),
        required=False,
        max_length=2000,
    )
    min_contacts = forms.IntegerField(
        label=_("How many contacts"), min_value=1, max_value=50, initial=2
    )
    within_days = forms.IntegerField(
        label=_("Within how many days"), min_value=1, max_value=366, initial=30
    )
    across_services = forms.BooleanField(
        label=_("Only when the contacts are about different services"), required=False
    )
    active = forms.BooleanField(label=_("The rule is in use"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        families: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["services"]).choices = services
        cast(forms.ChoiceField, self.fields["families"]).choices = families

    def clean_wrap_codes(self) -> list[str]:
        codes = _codes(self.cleaned_data.get("wrap_codes") or "")
        if any(len(c) > 100 for c in codes):
            raise forms.ValidationError(_("A wrap code is at most 100 characters"))
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("services") or data.get("families") or data.get("wrap_codes")):
            raise forms.ValidationError(
                _("Choose at least one service, family or wrap code as the topic")
            )
        return data
