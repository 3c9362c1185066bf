"""Planning forms. Shares are entered as percentages (80 for 80%) and stored as fractions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Queue

from .models import (
    CampaignChannel,
    ChannelScope,
    EventKind,
    QueuePlanningSettings,
    ScenarioKind,
    TargetKind,
)

MAX_SIMULATION_REPLICATIONS = 20


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def _queue_choices(queues: list[Queue], everyone: Any = None) -> list[tuple[str, str]]:
    choices = [("", str(everyone))] if everyone else []
    return choices + [(q.queue_id, q.name) for q in queues]


def _percent(
    label: Any, *, required: bool = True, minimum: int = 0, maximum: int = 100, help_text: Any = ""
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=Decimal(maximum),
        decimal_places=1,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"width": 4}),
    )


class QueueForm(forms.Form):
    """A form with a `queue` choice among the queues given: `cleaned_data["queue"]` is the
    Queue; choosing one is required."""

    every_queue_label: Any = None

    def __init__(self, *args: Any, queues: list[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queues = {q.queue_id: q for q in queues}
        field = cast(forms.ChoiceField, self.fields["queue"])
        field.choices = _queue_choices(queues, self.every_queue_label)

    def clean_queue(self) -> Queue | None:
        value = self.cleaned_data.get("queue")
        if self.every_queue_label is not None and not value:
            return None  # "every queue"
        if value not in self.queues:
            raise forms.ValidationError(_("Choose a queue"))
        return self.queues[value]


class OptionalQueueForm(QueueForm):
    """A QueueForm whose first choice is "Every queue" (`cleaned_data["queue"]` is then None)."""

    every_queue_label = _("Every queue")


class QueueSettingsForm(forms.Form):
    channels = forms.ChoiceField(
        label=_("Contacts to staff for"), choices=ChannelScope.choices, widget=forms.RadioSelect
    )
    aht_seconds = forms.FloatField(
        label=_("Average handle time in seconds"),
        required=False,
        min_value=1,
        max_value=86_400,
        help_text=_("Leave empty to use the average of the last 12 weeks' answered contacts."),
        widget=forms.NumberInput(attrs={"width": 5}),
    )
    target_kind = forms.ChoiceField(
        label=_("Target"), choices=TargetKind.choices, widget=forms.RadioSelect
    )
    target_service_level = _percent(
        _("Service level target (%)"), minimum=1, maximum=99, help_text=_("For example, 80")
    )
    target_seconds = forms.FloatField(
        label=_("Answered within (seconds)"),
        min_value=0,
        max_value=3600,
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    target_asa_seconds = forms.FloatField(
        label=_("Average speed of answer target (seconds)"),
        required=False,
        min_value=1,
        max_value=3600,
        help_text=_("Only for an average-speed-of-answer target."),
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    shrinkage = _percent(
        _("Shrinkage (%)"),
        maximum=90,
        help_text=_("Paid time not available for contacts: breaks, training, leave, sickness."),
    )
    max_occupancy = _percent(
        _("Maximum occupancy (%)"),
        required=False,
        minimum=10,
        help_text=_("Leave empty for no cap."),
    )
    patience_seconds = forms.FloatField(
        label=_("Callers' average patience (seconds)"),
        required=False,
        min_value=1,
        max_value=3600,
        help_text=_(
            "With a patience, staffing uses Erlang A (callers give up); without, Erlang C."
        ),
        widget=forms.NumberInput(attrs={"width": 4}),
    )

    @classmethod
    def for_plan(cls, plan: QueuePlanningSettings, data: Any = None) -> QueueSettingsForm:
        initial = {
            "channels": plan.channels,
            "aht_seconds": plan.aht_seconds,
            "target_kind": plan.target_kind,
            "target_service_level": _as_percent(plan.target_service_level),
            "target_seconds": plan.target_seconds,
            "target_asa_seconds": plan.target_asa_seconds,
            "shrinkage": _as_percent(plan.shrinkage),
            "max_occupancy": _as_percent(plan.max_occupancy),
            "patience_seconds": plan.patience_seconds,
        }
        return cls(data, initial=initial)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("target_kind") == TargetKind.ASA and not cleaned.get("target_asa_seconds"):
            self.add_error("target_asa_seconds", _("Enter the average speed of answer to aim for"))
        return cleaned

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("target_service_level", "shrinkage", "max_occupancy"):
            data[name] = None if data[name] is None else float(data[name]) / 100
        return data


def _as_percent(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value * 100:g}"


class EventForm(OptionalQueueForm):
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date of the event")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), choices=EventKind.choices, widget=forms.RadioSelect
    )
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class ScenarioForm(OptionalQueueForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={"required": _("Enter a name for the scenario")},
    )
    kind = forms.ChoiceField(
        label=_("What changes"),
        choices=ScenarioKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what changes")},
    )
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    share = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        min_value=Decimal(-99),
        max_value=Decimal(500),
        decimal_places=1,
        help_text=_(
            "Demand: +10 or -10. Bill run: the rise to assume if no past bill run can be learnt "
            "from. Callbacks, reasons online, failure demand: the share of callers, of the "
            "reason, or of failure demand."
        ),
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    date_from = forms.DateField(
        label=_("From (or the bill run's date)"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    wrap_code = forms.CharField(
        label=_("Contact reason (wrap code)"),
        required=False,
        max_length=100,
        help_text=_("Only for a reason moved online."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        share = cleaned.get("share")
        if kind and kind != ScenarioKind.FAILURE_DEMAND and share is None:
            self.add_error("share", _("Enter the share, as a percentage"))
        shares_of_a_whole = (
            ScenarioKind.CALLBACKS,
            ScenarioKind.REASON_ONLINE,
            ScenarioKind.FAILURE_DEMAND,
        )
        if kind in shares_of_a_whole and share is not None and not 0 <= share <= 100:
            self.add_error("share", _("The share must be between 0 and 100"))
        if kind == ScenarioKind.BILL_RUN and not cleaned.get("date_from"):
            self.add_error("date_from", _("Enter the date of the bill run"))
        if kind == ScenarioKind.REASON_ONLINE and not cleaned.get("wrap_code"):
            self.add_error("wrap_code", _("Enter the wrap code of the reason"))
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be on or after the start date"))
        return cleaned

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        share = data.get("share")
        data["share"] = None if share is None else float(share) / 100
        if data["kind"] == "failure_demand" and data["share"] is None:
            data["share"] = 0.5
        return data


class RosteredStaffForm(QueueForm):
    queue = forms.ChoiceField(label=_("Queue"))
    date = forms.DateField(
        label=_("Date"), widget=DateInput(), error_messages={"required": _("Enter the date")}
    )
    starts = forms.TimeField(
        label=_("From"), widget=TimeInput(), error_messages={"required": _("Enter the start time")}
    )
    ends = forms.TimeField(
        label=_("To"), widget=TimeInput(), error_messages={"required": _("Enter the end time")}
    )
    staff = forms.IntegerField(
        label=_("Staff rostered"),
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"width": 3}),
        error_messages={"required": _("Enter how many staff are rostered")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and not starts < ends:
            self.add_error("ends", _("The end must be after the start"))
        return cleaned


class ShiftPatternForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=50, error_messages={"required": _("Enter a name")}
    )
    starts = forms.TimeField(
        label=_("Starts"), widget=TimeInput(), error_messages={"required": _("Enter a start time")}
    )
    length_minutes = forms.IntegerField(
        label=_("Length in minutes, break included"),
        min_value=15,
        max_value=16 * 60,
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    break_after_minutes = forms.IntegerField(
        label=_("Break starts after (minutes)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    break_minutes = forms.IntegerField(
        label=_("Break length in minutes (unpaid)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"width": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, length = cleaned.get("starts"), cleaned.get("length_minutes")
        after = cleaned.get("break_after_minutes") or 0
        pause = cleaned.get("break_minutes") or 0
        cleaned["break_after_minutes"], cleaned["break_minutes"] = after, pause
        for name in ("starts", "length_minutes"):
            value = cleaned.get(name)
            minutes = value.hour * 60 + value.minute if isinstance(value, dt.time) else value
            if minutes is not None and minutes % 15:
                self.add_error(name, _("Use whole quarter hours"))
        if starts and length and starts.hour * 60 + starts.minute + length >= 24 * 60:
            self.add_error("length_minutes", _("The shift must end before midnight"))
        if pause and length and not (after > 0 and after + pause < length):
            self.add_error("break_after_minutes", _("The break must fall inside the shift"))
        return cleaned


class StaffProfileForm(forms.Form):
    contracted_hours = forms.DecimalField(
        label=_("Contracted hours a week"),
        min_value=Decimal(1),
        max_value=Decimal(60),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"width": 4}),
        error_messages={"required": _("Enter the contracted hours")},
    )
    max_days = forms.IntegerField(
        label=_("Most days a week"),
        min_value=1,
        max_value=7,
        initial=5,
        widget=forms.NumberInput(attrs={"width": 2}),
    )
    skills = forms.MultipleChoiceField(
        label=_("Queues they can answer"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, queues: list[Queue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queues = {q.queue_id: q for q in queues}
        cast(forms.ChoiceField, self.fields["skills"]).choices = _queue_choices(queues)

    def clean_skills(self) -> list[Queue]:
        return [self.queues[v] for v in self.cleaned_data.get("skills", []) if v in self.queues]


class ProposeRosterForm(forms.Form):
    week_start = forms.DateField(
        label=_("Week starting (a Monday)"),
        widget=DateInput(),
        error_messages={"required": _("Enter the Monday the week starts")},
    )

    def clean_week_start(self) -> dt.date:
        value: dt.date = self.cleaned_data["week_start"]
        if value.weekday() != 0:
            raise forms.ValidationError(_("The week must start on a Monday"))
        return value


class SimulationForm(QueueForm):
    queue = forms.ChoiceField(label=_("Queue"))
    day = forms.DateField(
        label=_("Day"), widget=DateInput(), error_messages={"required": _("Enter the day")}
    )
    staff_source = forms.ChoiceField(
        label=_("Staff on duty"),
        choices=[
            ("requirement", _("The agents the requirement asks for")),
            ("rostered", _("The staff rostered, less shrinkage")),
        ],
        widget=forms.RadioSelect,
        initial="requirement",
    )
    patience_seconds = forms.FloatField(
        label=_("Callers' average patience (seconds)"),
        required=False,
        min_value=1,
        max_value=3600,
        help_text=_("Empty: the queue's setting (no abandonment without one)."),
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    callback_after_seconds = forms.FloatField(
        label=_("Offer a callback after waiting (seconds)"),
        required=False,
        min_value=0,
        max_value=3600,
        help_text=_("Empty: no callbacks."),
        widget=forms.NumberInput(attrs={"width": 4}),
    )
    callback_share = _percent(_("Share of callers who take the callback (%)"), required=False)
    seed = forms.IntegerField(
        label=_("Seed"),
        initial=1,
        min_value=0,
        max_value=2**31,
        help_text=_("The same seed gives the same day."),
        widget=forms.NumberInput(attrs={"width": 5}),
    )
    replications = forms.IntegerField(
        label=_("Days simulated and pooled"),
        initial=5,
        min_value=1,
        max_value=MAX_SIMULATION_REPLICATIONS,
        widget=forms.NumberInput(attrs={"width": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        after = cleaned.get("callback_after_seconds")
        share = cleaned.get("callback_share")
        if (after is None) != (share is None):
            self.add_error(
                "callback_share",
                _("Enter both when to offer a callback and the share who take it, or neither"),
            )
        return cleaned


# --- avoidable demand -----------------------------------------------------------------------


class AvoidablePeriodForm(forms.Form):
    """The period of the avoidable-demand page (read from the address)."""

    date_from = forms.DateField(
        label=_("From"), widget=DateInput(), error_messages={"required": _("Enter the first day")}
    )
    date_to = forms.DateField(
        label=_("To"), widget=DateInput(), error_messages={"required": _("Enter the last day")}
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The last day must be on or after the first day"))
        if start and end and (end - start).days > 3 * 366:
            self.add_error("date_from", _("Choose a period of at most three years"))
        return cleaned


AVOIDABLE_SHARE_FIELDS = (
    "share_chasing",
    "share_not_right_first_time",
    "share_could_not_complete_online",
    "share_other",
    "share_type_not_recorded",
    "online_take_up",
)


class AvoidableAssumptionsForm(forms.Form):
    share_chasing = _percent(
        _("Chasing: share avoidable (%)"),
        help_text=_("Residents chasing progress: proactive updates would remove these."),
    )
    share_not_right_first_time = _percent(
        _("Not right first time: share avoidable (%)"),
        help_text=_("Contacts caused by something not done, or not done right."),
    )
    share_could_not_complete_online = _percent(
        _("Could not complete online: share avoidable (%)"),
        help_text=_("Fixing the online form would move most of these online."),
    )
    share_other = _percent(_("Other failure demand: share avoidable (%)"))
    share_type_not_recorded = _percent(
        _("Failure demand with no type recorded: share avoidable (%)")
    )
    online_take_up = _percent(
        _("Take-up of the online route (%)"),
        help_text=_(
            "Of residents with an email address contacting about an online-capable reason, "
            "the share who would use the online route instead."
        ),
    )
    productive_hours_per_fte_year = forms.FloatField(
        label=_("Productive hours of one full-time member of staff a year"),
        min_value=100,
        max_value=3000,
        help_text=_("37 hours a week for 52 weeks less 30% shrinkage is 1,346.8."),
        widget=forms.NumberInput(attrs={"width": 5}),
    )

    @classmethod
    def for_settings(cls, stored: Any, data: Any = None) -> AvoidableAssumptionsForm:
        initial: dict[str, Any] = {
            name: _as_percent(getattr(stored, name)) for name in AVOIDABLE_SHARE_FIELDS
        }
        initial["productive_hours_per_fte_year"] = round(stored.productive_hours_per_fte_year, 1)
        return cls(data, initial=initial)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in AVOIDABLE_SHARE_FIELDS:
            data[name] = float(data[name]) / 100
        return data


class OnlineReasonsForm(forms.Form):
    wrap_codes = forms.MultipleChoiceField(
        label=_("Contact reasons a resident could deal with online"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["wrap_codes"]).choices = choices


# --- outbound campaigns ---------------------------------------------------------------------


def _calls_per_thousand(required: bool = False) -> forms.FloatField:
    return forms.FloatField(
        label=_("Calls per 1,000 messages"),
        required=required,
        min_value=0,
        max_value=1000,
        help_text=_("The calls you expect the campaign to prompt, for every 1,000 sent."),
        widget=forms.NumberInput(attrs={"width": 4}),
        error_messages={"required": _("Enter the calls per 1,000 messages")},
    )


def _response_minutes(required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("How long the calls keep coming (minutes of opening hours)"),
        required=required,
        min_value=15,
        max_value=5 * 24 * 60,
        help_text=_("Most calls come first, tailing off over this time."),
        widget=forms.NumberInput(attrs={"width": 4}),
        error_messages={"required": _("Enter how long the calls keep coming")},
    )


class CampaignForm(QueueForm):
    name = forms.CharField(
        label=_("Name"), max_length=100, error_messages={"required": _("Enter a name")}
    )
    queue = forms.ChoiceField(label=_("Queue residents will call"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=CampaignChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the channel")},
    )
    size = forms.IntegerField(
        label=_("Messages to send"),
        min_value=1,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"width": 10}),
        error_messages={"required": _("Enter how many messages")},
    )
    send_date = forms.DateField(
        label=_("Send date"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date it is sent")},
    )
    send_time = forms.TimeField(
        label=_("Send time"),
        widget=TimeInput(),
        error_messages={"required": _("Enter the time it is sent")},
    )
    sent = forms.BooleanField(
        label=_("Already sent (it will teach the response of its channel)"), required=False
    )
    assumed_calls_per_thousand = _calls_per_thousand()
    assumed_minutes = _response_minutes()
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, queues: list[Queue], **kwargs: Any) -> None:
        super().__init__(*args, queues=queues, **kwargs)
        for name in ("assumed_calls_per_thousand", "assumed_minutes"):
            self.fields[name].help_text = _(
                "Only used while no campaign of the channel has been sent to learn from."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        calls = cleaned.get("assumed_calls_per_thousand")
        minutes = cleaned.get("assumed_minutes")
        if (calls is None) != (minutes is None) and not self.errors.get("assumed_minutes"):
            self.add_error(
                "assumed_minutes",
                _("Enter both the calls per 1,000 messages and how long, or neither"),
            )
        return cleaned

    def values(self, zone: dt.tzinfo) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "queue": data["queue"],
            "channel": data["channel"],
            "size": data["size"],
            "planned_send_at": dt.datetime.combine(
                data["send_date"], data["send_time"], tzinfo=zone
            ),
            "sent": data["sent"],
            "notes": data["notes"],
            "assumed_calls_per_thousand": data["assumed_calls_per_thousand"],
            "assumed_minutes": data["assumed_minutes"],
        }


class CampaignSentForm(forms.Form):
    sent_date = forms.DateField(
        label=_("Date sent"), widget=DateInput(), error_messages={"required": _("Enter the date")}
    )
    sent_time = forms.TimeField(
        label=_("Time sent"), widget=TimeInput(), error_messages={"required": _("Enter the time")}
    )

    def sent_at(self, zone: dt.tzinfo) -> dt.datetime:
        return dt.datetime.combine(
            self.cleaned_data["sent_date"], self.cleaned_data["sent_time"], tzinfo=zone
        )


class CampaignResponseForm(forms.Form):
    assumed_calls_per_thousand = _calls_per_thousand(required=True)
    assumed_minutes = _response_minutes(required=True)


class CampaignStaffForm(forms.Form):
    """Which staff the capacity is worked out for (read from the address)."""

    staff = forms.ChoiceField(
        label=_("Capacity of"),
        choices=[
            ("rostered", _("The staff rostered, less shrinkage")),
            ("requirement", _("The agents the forecast needs without the campaign")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
