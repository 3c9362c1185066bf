"""Forms of the marker and needs pages: recording a vulnerability marker, proposing a
staff-safety marker, reviewing a marker, deciding a proposed safety marker, and a person's
accessibility needs. The actions check the rules; these forms only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_FORMATS, DateInput
from .models import (
    AccessibilityNeeds,
    Consent,
    LawfulBasis,
    MarkerSource,
    SafetyCategory,
    VulnerabilityType,
)

DATE_ERRORS = {
    "required": _("Enter the review date"),
    "invalid": _("Enter a real date, like 2026-03-27"),
}


def govuk_date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        help_text=help_text,
        error_messages=DATE_ERRORS,
    )


def _choice(label: Any, choices: Any, missing: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Choose one")), *choices],
        error_messages={"required": missing},
        **kwargs,
    )


class VulnerabilityMarkerForm(forms.Form):
    """A vulnerability an agent was told of: what to do, why we may record it, and its review."""

    marker_type = _choice(
        _("Type of vulnerability"), VulnerabilityType.choices, _("Select the type")
    )
    guidance = forms.CharField(
        label=_("What staff should do"),
        help_text=_("Everyone who opens the record sees this, e.g. offer a call back."),
        max_length=300,
        error_messages={"required": _("Enter what staff should do")},
    )
    health_detail = forms.CharField(
        label=_("Detail (optional)"),
        help_text=_("Only staff who may see vulnerability details see this."),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    lawful_basis = _choice(_("Lawful basis"), LawfulBasis.choices, _("Select the lawful basis"))
    source = _choice(_("How we know"), MarkerSource.choices, _("Select how we know"))
    source_detail = forms.CharField(
        label=_("Source detail (optional)"), max_length=300, required=False
    )
    consent = _choice(_("Consent"), Consent.choices, _("Select what consent was given"))
    consent_note = forms.CharField(
        label=_("Consent note (optional)"), max_length=300, required=False
    )
    review_by = govuk_date(_("Review by"), help_text=_("A date in the future, like 2026-09-30."))


INFORMED_CHOICES = [
    ("yes", _("Yes")),
    ("no", _("No")),
    ("unknown", _("Not yet decided")),
]


class SafetyMarkerForm(forms.Form):
    """A proposed staff-safety marker: it warns no one until someone else approves it."""

    category = _choice(_("Category"), SafetyCategory.choices, _("Select the category"))
    precaution = forms.CharField(
        label=_("Warning staff will see"),
        help_text=_("What to do, never why, e.g. 'Two officers for visits'."),
        max_length=120,
        error_messages={"required": _("Enter the warning staff will see")},
    )
    detail = forms.CharField(
        label=_("What happened and why a marker is needed"),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": _("Enter what happened")},
    )
    incident_date = govuk_date(_("Date of the incident (optional)"), required=False)
    individual_informed = forms.ChoiceField(
        label=_("Has the person been told about the marker?"),
        choices=INFORMED_CHOICES,
        initial="unknown",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether the person has been told")},
    )
    not_informed_reason = forms.CharField(
        label=_("If not, why not"), max_length=300, required=False
    )
    review_by = govuk_date(_("Review by"), help_text=_("A date in the future, like 2026-09-30."))

    def action_values(self) -> dict[str, Any]:
        """The cleaned values as `do_propose_safety_marker` takes them."""
        data = dict(self.cleaned_data)
        informed = data.pop("individual_informed")
        data["individual_informed"] = {"yes": True, "no": False}.get(informed)
        return data


class ReviewMarkerForm(forms.Form):
    """Confirm a marker still applies and set when to look again."""

    next_review_by = govuk_date(_("Next review by"), help_text=_("A date in the future."))
    guidance = forms.CharField(
        label=_("New guidance for staff (optional)"),
        help_text=_("Leave empty to keep the current guidance."),
        max_length=300,
        required=False,
    )


class SafetyDecisionForm(forms.Form):
    """Approve or decline a proposed staff-safety marker (a reason is needed to decline)."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Decline"))],
        error_messages={"required": _("Choose approve or decline")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class NeedsForm(forms.Form):
    """A person's structured accessibility needs, the interpreter's language and notes."""

    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        help_text=_("Select all that apply."),
        choices=[
            (
                name,
                str(
                    getattr(AccessibilityNeeds._meta.get_field(name), "verbose_name", name)
                ).capitalize(),
            )
            for name in AccessibilityNeeds.FLAGS
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    interpreter_language = forms.CharField(
        label=_("Interpreter language"),
        help_text=_("A language code such as pl, ar or pt-BR, when an interpreter is needed."),
        max_length=35,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea, max_length=2000, required=False
    )

    @staticmethod
    def initial_from(needs: AccessibilityNeeds | None) -> dict[str, Any]:
        if needs is None:
            return {}
        return {
            "needs": needs.flags_set(),
            "interpreter_language": needs.interpreter_language,
            "notes": needs.notes,
        }

    def action_values(self) -> dict[str, Any]:
        """Every need, set or cleared, as `do_record_needs` takes them."""
        chosen = set(self.cleaned_data["needs"])
        values: dict[str, Any] = {name: name in chosen for name in AccessibilityNeeds.FLAGS}
        values["interpreter_language"] = self.cleaned_data["interpreter_language"].strip()
        values["notes"] = self.cleaned_data["notes"]
        return values
