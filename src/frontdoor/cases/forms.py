"""Forms of the case pages, in GOV.UK Frontend markup (dates as the GOV.UK date input)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from frontdoor.citizens.models import PartyRoleKind
from frontdoor.core.models import Council, Sensitivity, Service
from frontdoor.identity.models import Team, User

from .case_type_actions import type_id_from_name, type_id_problem
from .engine.policies import (
    COUNCIL_DAYS,
    STATUTORY_DIVISION_DAYS,
    Period,
    Unit,
    parse_standard,
    period_from_data,
    policy_to_data,
    service_standard_policy,
)
from .models import Case, CaseKind, CaseType, ClockEventKind, Priority
from .selectors import case_types_of, clock_event_label

DATE_HINT = _("For example, 27 3 2026")


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes named `<name>_day`, `_month`, `_year`; the day box carries the
    field's own id so the error summary's link lands on it."""

    template_name = "cases/widgets/date_input.html"
    LABELS = (_("Day"), _("Month"), _("Year"))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()},
            attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id", f"id_{name}")
        for index, sub in enumerate(context["widget"]["subwidgets"]):
            sub["attrs"]["id"] = base if index == 0 else f"{base}_{('day', 'month', 'year')[index]}"
            sub["label"] = self.LABELS[index]
        return context


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = GovukDateWidget

    def __init__(self, *, label: Any, required: bool = True, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(required=False),
            forms.IntegerField(required=False),
            forms.IntegerField(required=False),
        )
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(
            fields,
            label=label,
            required=required,
            require_all_fields=False,
            error_messages={
                "required": _("Enter the date"),
                "incomplete": _("Enter a day, month and year"),
                "invalid": _("Enter a real date"),
            },
            **kwargs,
        )

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError as error:
            # An IntegerField's own message ("Enter a whole number") reads oddly here.
            if any(e.code == "invalid" for e in error.error_list):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from error
            raise

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or all(part in (None, "") for part in data_list):
            return None
        if any(part in (None, "") for part in data_list):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = data_list
        try:
            return dt.date(int(year), int(month), int(day))
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


class CaseForm(forms.Form):
    """A form whose date boxes are marked in error with their field."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields and isinstance(self.fields[name].widget, GovukDateWidget):
                self.fields[name].widget.attrs["error"] = True


def _radios(choices: Any) -> forms.RadioSelect:
    return forms.RadioSelect(choices=choices)


class OpenCaseForm(CaseForm):
    """Open a case: from a contact (received on its date, with its residents) or directly."""

    case_type = forms.ModelChoiceField(
        label=_("Type of case"),
        queryset=CaseType.objects.none(),
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the type of case")},
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.none(),
        empty_label=_("Choose a service"),
        error_messages={"required": _("Choose the service the case is about")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=200,
        help_text=_("A line staff will recognise, like 'Damp in the bedroom not fixed'."),
        error_messages={"required": _("Enter a summary of the case")},
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        widget=forms.Textarea,
        help_text=_("What the resident told you. This becomes the first note."),
    )
    received_on = GovukDateField(label=_("Date received"), required=False)
    party_reference = forms.CharField(
        label=_("Resident's reference (optional)"),
        max_length=16,
        required=False,
        help_text=_("The reference on the resident's record, such as R-123456."),
    )
    party_role = forms.ChoiceField(
        label=_("The resident is the"),
        choices=[
            (PartyRoleKind.SUBJECT, _("Subject (the case is about them)")),
            (PartyRoleKind.REQUESTER, _("Requester (they asked)")),
        ],
        widget=forms.RadioSelect,
        initial=PartyRoleKind.SUBJECT,
        required=False,
    )
    anonymous = forms.BooleanField(label=_("The resident wants to stay anonymous"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        initial=Sensitivity.NORMAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Restricted and safeguarding cases are seen only by staff who may open them, "
            "giving a reason."
        ),
    )
    owner_team = forms.ModelChoiceField(
        label=_("Owning team (optional)"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("My team"),
    )

    def __init__(self, *args: Any, council: Council, from_contact: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types_of(council)  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            council=council, active=True
        )
        self.fields["owner_team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            council=council
        )
        if from_contact:
            # Received on the contact's date, with the contact's residents.
            for name in ("received_on", "party_reference", "party_role"):
                del self.fields[name]


class StatusForm(CaseForm):
    status = forms.ChoiceField(
        label=_("New status"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the new status")},
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices  # type: ignore[attr-defined]


class NoteForm(CaseForm):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea, error_messages={"required": _("Enter the note")}
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        initial=Sensitivity.NORMAL,
        widget=forms.RadioSelect,
    )


class ClockEventForm(CaseForm):
    event = forms.ChoiceField(
        label=_("What happened"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened")},
    )
    on = GovukDateField(label=_("When it happened"))
    amount = forms.IntegerField(
        label=_("Extension in days (optional)"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("For a complaint or FOI extension: how many more working days."),
        error_messages={"min_value": _("Enter at least 1 day")},
    )
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "An extension needs its reason; for a complaint, say that the ombudsman's "
            "details were given."
        ),
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [  # type: ignore[attr-defined]
            (f"{kind}:{reason}", clock_event_label(kind, reason)) for kind, reason in allowed
        ]
        self.fields["amount"].widget.attrs["width"] = 3

    def event_parts(self) -> tuple[str, str]:
        kind, _sep, reason = self.cleaned_data["event"].partition(":")
        return kind, reason

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        event = cleaned.get("event", "")
        if event.startswith(ClockEventKind.EXTENDED) and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Enter the reason for the extension"))
        return cleaned


class HandoverForm(CaseForm):
    to_team = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Team.objects.none(),
        empty_label=_("Choose a team"),
        error_messages={"required": _("Choose the team to hand the case to")},
    )
    service = forms.ModelChoiceField(
        label=_("For the service (optional)"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("The case's service, if the team serves it"),
    )
    note = forms.CharField(
        label=_("Message to the team (optional)"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(council_id=case.council_id)
        if case.owner_team_id:
            teams = teams.exclude(pk=case.owner_team_id)
        self.fields["to_team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            council_id=case.council_id, active=True
        )


class BounceForm(CaseForm):
    reason = forms.CharField(
        label=_("Why are you bouncing this case?"),
        widget=forms.Textarea,
        help_text=_("The sending team sees this, so they can send it to the right place."),
        error_messages={"required": _("Enter why the case is bounced")},
    )


class AssignForm(CaseForm):
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", _("Nobody: the team's queue")),
            *((str(user.pk), user.display_name) for user in members),
        ]


class AttachForm(CaseForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A PDF, image (PNG or JPEG), Word, Excel or OpenDocument file, or text, "
            "smaller than 10 MB."
        ),
        error_messages={"required": _("Select a file"), "empty": _("The selected file is empty")},
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        choices=Sensitivity.choices,
        initial=Sensitivity.NORMAL,
        widget=forms.RadioSelect,
    )


class StageTwoForm(CaseForm):
    requested_on = GovukDateField(label=_("Date the resident asked for stage 2"))


class OmbudsmanForm(CaseForm):
    referred_on = GovukDateField(label=_("Date referred"))
    reference = forms.CharField(
        label=_("Ombudsman's reference (optional)"), max_length=100, required=False
    )


class ReasonForm(CaseForm):
    reason = forms.CharField(
        label=_("Why do you need to open this case?"),
        widget=forms.Textarea,
        max_length=500,
        help_text=_("Your reason is kept in the access log with your name."),
        error_messages={"required": _("Enter why you need to open this case")},
    )


class ReportPeriodForm(CaseForm):
    start = GovukDateField(label=_("From"), required=False)
    end = GovukDateField(label=_("To"), required=False)


class KpiPeriodForm(ReportPeriodForm):
    """The period of the case KPIs: both dates, or neither (the last 90 days to today)."""

    DEFAULT_DAYS = 90
    MAX_DAYS = 3660

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start is None and end is None:
            end = self.today
            start = end - dt.timedelta(days=self.DEFAULT_DAYS - 1)
        elif start is None or end is None:
            self.add_error("start" if start is None else "end", _("Enter both dates, or neither"))
            return data
        if end < start:
            self.add_error("end", _("The end must be on or after the start"))
        elif (end - start).days >= self.MAX_DAYS:
            self.add_error("end", _("Choose a period of at most ten years"))
        data["start"], data["end"] = start, end
        return data


class UpdatesSwitchForm(forms.Form):
    on = forms.TypedChoiceField(
        choices=[("1", _("On")), ("0", _("Off"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class StatusUpdateForm(CaseForm):
    """Which status of a type sends an update, and its wording in one language."""

    case_type = forms.ModelChoiceField(
        label=_("Type of case"),
        queryset=CaseType.objects.none(),
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the type of case")},
    )
    status = forms.CharField(
        label=_("Status"),
        max_length=40,
        help_text=_("The status's code, like in-progress or closed"),
        error_messages={"required": _("Enter the status")},
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        initial="en",
        help_text=_("A language code, like en or cy"),
        error_messages={"required": _("Enter the language")},
    )
    status_text = forms.CharField(
        label=_("How the status reads to the resident"),
        max_length=200,
        required=False,
        help_text=_("For example: being looked at"),
    )
    next_steps = forms.CharField(
        label=_("What happens next"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("Send an update for this status"), required=False)

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types_of(council)  # type: ignore[attr-defined]


# Configuring a case type -------------------------------------------------------------------------

# The units a service standard may count (calendar months are for the statutory clocks).
STANDARD_UNITS = [
    ("working-days", _("Working days")),
    ("calendar-days", _("Calendar days")),
    ("hours", _("Hours within the opening hours of the service's queue")),
]
NO_CLOCK = "none"
STANDARD = "standard"


class CaseTypeForm(forms.Form):
    """A case type's name, workflow and clock, for `do_configure_case_type`.

    The statuses and the transitions are fields made from the type's statuses (by position,
    since a code may not be a safe field name): `label_<i>`, `closed_<i>`, and `move_<i>_<j>`
    for "may move from status i to status j". One new status may be added per save; its
    transitions are ticked on the next visit, when it has a row of its own.
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Enter a name for the case type")},
    )
    active = forms.BooleanField(label=_("Offer this type when opening a case"), required=False)
    initial_status = forms.ChoiceField(label=_("A new case starts as"))
    new_label = forms.CharField(
        label=_("Name of a new status (optional)"), max_length=100, required=False
    )
    new_closed = forms.BooleanField(label=_("The new status closes the case"), required=False)

    def __init__(
        self, data: Any = None, *, case_type: CaseType, procedures: list[tuple[str, str]]
    ) -> None:
        self.case_type = case_type
        self.statuses = list(case_type.statuses)
        super().__init__(data, initial=self._initial(case_type))
        self.fields["initial_status"].choices = [  # type: ignore[attr-defined]
            (status["code"], status["label"]) for status in self.statuses
        ]
        for i, status in enumerate(self.statuses):
            self.fields[f"label_{i}"] = forms.CharField(
                label=_("Name of status %(code)s") % {"code": status["code"]},
                max_length=100,
                error_messages={
                    "required": _("Enter a name for status %(code)s") % {"code": status["code"]}
                },
            )
            self.fields[f"closed_{i}"] = forms.BooleanField(
                label=_("%(label)s closes the case") % {"label": status["label"]}, required=False
            )
            for j, target in enumerate(self.statuses):
                if i != j:
                    self.fields[f"move_{i}_{j}"] = forms.BooleanField(
                        label=_("from %(source)s to %(target)s")
                        % {"source": status["label"], "target": target["label"]},
                        required=False,
                    )
        self.clock_choice = ""
        if case_type.kind == "complaint":
            self.clock_choice = "procedure"
            self.fields["procedure"] = forms.ChoiceField(
                label=_("Complaints procedure"), choices=procedures, required=False
            )
        elif case_type.kind == "service-request":
            self.clock_choice = STANDARD
            self.fields["clock"] = forms.ChoiceField(
                label=_("Service standard"),
                choices=[
                    (NO_CLOCK, _("No clock")),
                    (STANDARD, _("Answer within a set time")),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose whether the requests have a standard")},
            )
            self.fields["amount"] = forms.IntegerField(
                label=_("Amount"), min_value=1, max_value=9999, required=False
            )
            self.fields["unit"] = forms.ChoiceField(
                label=_("Unit"), choices=STANDARD_UNITS, required=False
            )
            self.fields["skip_closures"] = forms.BooleanField(
                label=_("Do not count the council's closure days"), required=False
            )

    @staticmethod
    def _initial(case_type: CaseType) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": case_type.name,
            "active": case_type.active,
            "initial_status": case_type.initial_status,
            "procedure": case_type.clock_policy,
            "clock": NO_CLOCK,
            "unit": "working-days",
            "skip_closures": True,
        }
        codes = [status["code"] for status in case_type.statuses]
        for i, status in enumerate(case_type.statuses):
            initial[f"label_{i}"] = status["label"]
            initial[f"closed_{i}"] = bool(status.get("closed"))
            for target in case_type.allowed_from(status["code"]):
                if target in codes:
                    initial[f"move_{i}_{codes.index(target)}"] = True
        period = None
        if case_type.clock_params:
            params = case_type.clock_params
            period = period_from_data(params.get("respond"), "respond")
            initial["skip_closures"] = bool((params.get("calendar") or {}).get("closures", True))
        elif case_type.clock_policy:
            period = parse_standard(case_type.clock_policy)
        if period is not None:
            initial.update(clock=STANDARD, amount=period.amount, unit=str(period.unit))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("clock") == STANDARD:
            if not data.get("amount"):
                self.add_error("amount", _("Enter how many days or hours the standard allows"))
            if not data.get("unit"):
                self.add_error("unit", _("Choose what the standard counts"))
        new_label = (data.get("new_label") or "").strip()
        if new_label:
            code = slugify(new_label)[:40]
            if not code:
                self.add_error("new_label", _("Give the new status a name with letters in it"))
            elif code in {status["code"] for status in self.statuses}:
                self.add_error("new_label", _("There is already a status called that"))
            data["new_code"] = code
        return data

    # What the action takes ----------------------------------------------------------------------

    def workflow(self) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
        """The statuses and transitions the form describes, in the type's order."""
        data = self.cleaned_data
        statuses = [
            {
                "code": status["code"],
                "label": data[f"label_{i}"].strip(),
                "closed": bool(data.get(f"closed_{i}")),
            }
            for i, status in enumerate(self.statuses)
        ]
        transitions = {
            status["code"]: [
                target["code"]
                for j, target in enumerate(self.statuses)
                if i != j and data.get(f"move_{i}_{j}")
            ]
            for i, status in enumerate(self.statuses)
        }
        if data.get("new_code"):
            statuses.append(
                {
                    "code": data["new_code"],
                    "label": data["new_label"].strip(),
                    "closed": bool(data.get("new_closed")),
                }
            )
            transitions[data["new_code"]] = []
        return statuses, transitions

    def clock(self) -> tuple[str, dict[str, Any] | None]:
        """(clock_policy, clock_params) for the action: a complaint's procedure by name; a
        service request's standard as a whole policy (so closure days can be chosen)."""
        data = self.cleaned_data
        if self.clock_choice == "procedure":
            return data.get("procedure") or "", None
        if self.clock_choice == STANDARD and data.get("clock") == STANDARD:
            period = Period(int(data["amount"]), Unit(data["unit"]))
            policy = service_standard_policy(f"{period.amount}-{period.unit}", period)
            calendar = COUNCIL_DAYS if data.get("skip_closures") else STATUTORY_DIVISION_DAYS
            return "", policy_to_data(replace(policy, calendar=calendar))
        if self.clock_choice == STANDARD:
            return "", None
        return self.case_type.clock_policy, self.case_type.clock_params

    def status_rows(self) -> list[dict[str, Any]]:
        """The statuses with their fields and a row of transition checkboxes, for the page."""
        rows = []
        for i, status in enumerate(self.statuses):
            rows.append(
                {
                    "status": status,
                    "label": self[f"label_{i}"],
                    "closed": self[f"closed_{i}"],
                    "moves": [
                        self[f"move_{i}_{j}"] if i != j else None for j in range(len(self.statuses))
                    ],
                }
            )
        return rows


# Adding a case type ------------------------------------------------------------------------------


class NewCaseTypeForm(CaseForm):
    """A new case type: its name and id, its kind, its clock, and the type it copies (if any),
    for `case_type_actions.do_create_case_type`.

    The id may be left empty: it is then made from the name. The clock questions belong to the
    kinds whose clock the council sets (a complaint's procedure, a service request's standard).
    They are plain questions, not revealed under their kinds: GOV.UK Frontend's conditional
    reveal puts aria-expanded on radios, which axe reports (alphagov/govuk-frontend#979).
    """

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("What staff see when they open a case, like Pest control request"),
        error_messages={"required": _("Enter a name for the case type")},
    )
    type_id = forms.CharField(
        label=_("ID"),
        max_length=100,
        required=False,
        help_text=_(
            "Used in web addresses, imports and the API, and cannot be changed later. Lowercase "
            "letters, numbers and hyphens. Leave it empty to make it from the name."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of case"),
        choices=CaseKind.choices,
        widget=forms.RadioSelect,
        help_text=_("The kind decides the clock: the law's, the council's, or none."),
        error_messages={"required": _("Choose the kind of case")},
    )
    procedure = forms.ChoiceField(label=_("Complaints procedure (complaints only)"), required=False)
    amount = forms.IntegerField(
        label=_("Service standard (service requests only, optional)"),
        min_value=1,
        max_value=9999,
        required=False,
        help_text=_("How many days or hours a request may take. Leave it empty for no clock."),
        error_messages={
            "invalid": _("Enter the standard as a whole number, like 5"),
            "min_value": _("The standard must be at least 1"),
            "max_value": _("The standard must be 9999 or less"),
        },
    )
    unit = forms.ChoiceField(
        label=_("Standard counted in"),
        choices=STANDARD_UNITS,
        initial="working-days",
        required=False,
    )
    template = forms.ModelChoiceField(
        label=_("Copy another case type (optional)"),
        queryset=CaseType.objects.none(),
        required=False,
        empty_label=_("None: the usual statuses for its kind"),
        to_field_name="type_id",
        help_text=_(
            "Its statuses and allowed moves are copied. You can change them on the next page."
        ),
    )
    copy_clock = forms.BooleanField(
        label=_("Copy its clock too, if it is the same kind of case"),
        required=False,
        initial=True,
        help_text=_("Its clock then takes the place of the clock chosen above."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        council: Council,
        templates: Any,
        procedures: list[tuple[str, str]],
    ) -> None:
        super().__init__(data, initial={"unit": "working-days", "copy_clock": True})
        self.council = council
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["procedure"].choices = procedures  # type: ignore[attr-defined]
        self.fields["amount"].widget.attrs["width"] = 4

    def clean_type_id(self) -> str:
        # Forgiving of case and spaces around it; strict about the rest.
        type_id = (self.cleaned_data.get("type_id") or "").strip().lower()
        if not type_id:
            type_id = type_id_from_name(self.data.get("name") or "")
            if not type_id:
                if (self.data.get("name") or "").strip():
                    raise ValidationError(
                        _("Enter an ID: the name has no letters or numbers to make one from")
                    )
                return ""  # the name's own error says what to do
        problem = type_id_problem(self.council, type_id)
        if problem:
            # Shown in the box, so a made-up id can be corrected rather than retyped.
            self.data = self.data.copy()
            self.data["type_id"] = type_id
            raise ValidationError(problem)
        return type_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        if data.get("procedure") and kind != CaseKind.COMPLAINT:
            self.add_error(
                "procedure",
                _("Only a complaint follows a complaints procedure: choose the council's"),
            )
        if data.get("amount") and kind != CaseKind.SERVICE_REQUEST:
            self.add_error(
                "amount", _("Only a service request has a service standard: leave it empty")
            )
        elif data.get("amount") and not data.get("unit"):
            self.add_error("unit", _("Choose what the standard counts"))
        return data

    # What the action takes ----------------------------------------------------------------------

    def copies_clock(self) -> bool:
        """Copy the template's clock: when asked, and only from a type of the same kind."""
        template = self.cleaned_data.get("template")
        return (
            template is not None
            and bool(self.cleaned_data.get("copy_clock"))
            and template.kind == self.cleaned_data.get("kind")
        )

    def clock(self) -> tuple[str, dict[str, Any] | None]:
        """(clock_policy, clock_params) for the action, as the edit page makes them: a
        complaint's procedure by name; a service request's standard as a whole policy over the
        council's days (closures skipped), which the edit page can change."""
        data = self.cleaned_data
        if data.get("kind") == CaseKind.COMPLAINT:
            return data.get("procedure") or "", None
        if data.get("kind") == CaseKind.SERVICE_REQUEST and data.get("amount"):
            period = Period(int(data["amount"]), Unit(data.get("unit") or "working-days"))
            policy = service_standard_policy(f"{period.amount}-{period.unit}", period)
            return "", policy_to_data(replace(policy, calendar=COUNCIL_DAYS))
        return "", None
