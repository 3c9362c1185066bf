"""Forms of the "add a new person" page and of ending or reviewing a marker.

The forms parse what was typed; the actions (`do_create_person`, `do_end_vulnerability_marker`,
`do_review_safety_marker`) check the rules, and their errors are shown against these fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actions import NewAddress, NewContactPoint, clean_address, clean_contact_point
from .marker_forms import govuk_date
from .models import ContactPointKind, PreferredChannel

# The action's field names, as this form names them (an address's text is its first line here).
ACTION_FIELDS = {"text": "address", "postcode": "postcode", "date_of_birth": "dob_day"}


def _part(label: Any, width: int) -> forms.CharField:
    # Text, not IntegerField: GOV.UK's date input asks for digits and explains its own errors.
    return forms.CharField(
        label=label,
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"width": width, "inputmode": "numeric"}),
    )


class NewPersonForm(forms.Form):
    """A person an agent is about to record: names, date of birth, address and how to reach them."""

    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    preferred_name = forms.CharField(
        label=_("Preferred name (optional)"), max_length=100, required=False
    )
    # The date of birth as GOV.UK's date input: day, month and year boxes (all optional together).
    dob_day = _part(_("Day"), 2)
    dob_month = _part(_("Month"), 2)
    dob_year = _part(_("Year"), 4)
    address = forms.CharField(
        label=_("Address (optional)"),
        help_text=_("The house number and street, like 1 High Street."),
        max_length=300,
        required=False,
    )
    postcode = forms.CharField(label=_("Postcode (optional)"), max_length=10, required=False)
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=30, required=False)
    email = forms.CharField(label=_("Email address (optional)"), max_length=254, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred way to contact them (optional)"),
        choices=[("", _("Not known")), *PreferredChannel.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("given_name", "").strip() or data.get("family_name", "").strip()):
            self.add_error("family_name", _("Enter a given name or a family name"))
        data["date_of_birth"] = self._date_of_birth(data)
        if data.get("postcode", "").strip() and not data.get("address", "").strip():
            self.add_error("address", _("Enter the first line of the address"))
        elif data.get("address", "").strip():
            self._check(lambda: clean_address(self.new_address(data)), "address")
        for kind, name in ((ContactPointKind.PHONE, "phone"), (ContactPointKind.EMAIL, "email")):
            if data.get(name, "").strip():
                point = NewContactPoint(kind, data[name])
                self._check(lambda point=point: clean_contact_point(point), name)
        return data

    def _check(self, clean: Any, field: str) -> None:
        """The action's own check, run now so every error shows at once, against its field."""
        try:
            clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(ACTION_FIELDS.get(name, field), messages)

    def _date_of_birth(self, data: dict[str, Any]) -> dt.date | None:
        parts = [data.get(name, "").strip() for name in ("dob_day", "dob_month", "dob_year")]
        if not any(parts):
            return None
        if not all(parts):
            self.add_error("dob_day", _("Date of birth must include a day, month and year"))
            return None
        try:
            day, month, year = (int(part) for part in parts)
            born = dt.date(year, month, day)
        except ValueError:
            self.add_error("dob_day", _("Date of birth must be a real date"))
            return None
        if year < 1900 or born > timezone.localdate():
            self.add_error("dob_day", _("Date of birth must be in the past"))
            return None
        return born

    @staticmethod
    def new_address(data: dict[str, Any]) -> NewAddress:
        return NewAddress(text=data.get("address", ""), postcode=data.get("postcode", ""))

    def action_values(self) -> dict[str, Any]:
        """The cleaned values as `do_create_person` takes them."""
        data = self.cleaned_data
        points = [
            NewContactPoint(kind, data[name], is_preferred=True)
            for kind, name in ((ContactPointKind.PHONE, "phone"), (ContactPointKind.EMAIL, "email"))
            if data[name].strip()
        ]
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "preferred_name": data["preferred_name"].strip(),
            "date_of_birth": data["date_of_birth"],
            "preferred_channel": data["preferred_channel"],
            "addresses": [self.new_address(data)] if data["address"].strip() else [],
            "contact_points": points,
        }

    def match_values(self) -> dict[str, Any]:
        """The cleaned values as `likely_matches` takes them (what an existing record may share)."""
        data = self.cleaned_data
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "date_of_birth": data["date_of_birth"],
            "postcodes": [data["postcode"]] if data["postcode"].strip() else [],
            "phones": [data["phone"]] if data["phone"].strip() else [],
            "emails": [data["email"]] if data["email"].strip() else [],
        }

    @staticmethod
    def initial_from_query(query: str) -> dict[str, str]:
        """A search for a name prefills it: the last word as the family name."""
        words = query.split()
        if not words or any(ch.isdigit() or ch == "@" for ch in query):
            return {}  # a phone number, postcode, email or reference is not a name
        if len(words) == 1:
            return {"family_name": words[0][:100]}
        return {"given_name": " ".join(words[:-1])[:100], "family_name": words[-1][:100]}


class AddAnywayForm(forms.Form):
    """Why the person being added is none of the people already recorded who may match."""

    reason = forms.CharField(
        label=_("Why are you adding a new person?"),
        help_text=_(
            "For example, the caller confirmed a different date of birth and address. "
            "This goes in the record's history."
        ),
        widget=forms.Textarea,
        max_length=500,
        error_messages={"required": _("Enter why none of these people is the person")},
    )


class EndMarkerForm(forms.Form):
    """Why a vulnerability marker no longer applies."""

    reason = forms.CharField(
        label=_("Why does the marker no longer apply?"),
        help_text=_("For example, the resident told us their circumstances have changed."),
        widget=forms.Textarea,
        max_length=300,
        error_messages={"required": _("Enter why the marker no longer applies")},
    )


class ReviewSafetyMarkerForm(forms.Form):
    """Confirm a staff-safety marker still applies and set when to look again."""

    next_review_by = govuk_date(_("Next review by"), help_text=_("A date in the future."))
