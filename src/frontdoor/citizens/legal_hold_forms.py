"""Forms of the legal-hold pages: placing a hold, reviewing it and lifting it. The actions in
`erasure.py` check the rules (dates, lengths, who may); these forms only parse what was typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_FORMATS, DateInput
from .models import LegalHoldRequester

INVALID_DATE = _("Enter a real date, like 2026-03-27")


class PlaceLegalHoldForm(forms.Form):
    """Who asked, the matter, why, from when, and when to review it."""

    requested_by = forms.ChoiceField(
        label=_("Who asked for the hold?"),
        choices=LegalHoldRequester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who asked for the hold")},
    )
    matter_reference = forms.CharField(
        label=_("Matter reference (optional)"),
        help_text=_("The reference of the claim, investigation or legal file, like LIT/2026/017."),
        max_length=100,
        required=False,
        error_messages={"max_length": _("The matter reference must be 100 characters or fewer")},
    )
    reason = forms.CharField(
        label=_("Why are the records held?"),
        help_text=_(
            "Sealed in the audit log. Redacted if the person's data is later erased. "
            "300 characters or fewer."
        ),
        widget=forms.Textarea,
        max_length=300,
        error_messages={
            "required": _("Say why the records are held"),
            "max_length": _("The reason must be 300 characters or fewer"),
        },
    )
    placed_on = forms.DateField(
        label=_("Date the hold was placed"),
        help_text=_("The day the hold took effect: today, or earlier if it was asked for before."),
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={
            "required": _("Enter the date the hold was placed"),
            "invalid": INVALID_DATE,
        },
    )
    review_on = forms.DateField(
        label=_("Review date (optional)"),
        help_text=_(
            "When to check the hold is still needed: from that day it shows as due on the "
            "legal holds worklist."
        ),
        input_formats=DATE_FORMATS,
        widget=DateInput,
        required=False,
        error_messages={"invalid": INVALID_DATE},
    )


class LiftLegalHoldForm(forms.Form):
    """Why the hold is no longer needed."""

    reason = forms.CharField(
        label=_("Why is the hold lifted?"),
        help_text=_(
            "For example, the claim was settled or the investigation closed. Sealed in the "
            "audit log. 300 characters or fewer."
        ),
        widget=forms.Textarea,
        max_length=300,
        error_messages={
            "required": _("Say why the hold is lifted"),
            "max_length": _("The reason must be 300 characters or fewer"),
        },
    )


class ReviewLegalHoldForm(forms.Form):
    """The hold is still needed: when to look at it again."""

    review_on = forms.DateField(
        label=_("Next review date (optional)"),
        help_text=_(
            "Leave it empty if the hold needs no further review. From that day it shows as due "
            "on the legal holds worklist."
        ),
        input_formats=DATE_FORMATS,
        widget=DateInput,
        required=False,
        error_messages={"invalid": INVALID_DATE},
    )
