"""Forms of the erasure pages: recording a request, deciding it, and confirming the erasure.
The actions in `erasure.py` check the rules; these forms only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATE_FORMATS, DateInput
from .models import ErasureExemption, ErasureGround, ErasureRequester


class ErasureRequestForm(forms.Form):
    """Who asked, when it was received, on which ground, and what they said."""

    requested_by = forms.ChoiceField(
        label=_("Who asked?"),
        choices=ErasureRequester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who asked")},
    )
    requester_detail = forms.CharField(
        label=_("Their name and authority, if someone acted for them (optional)"),
        help_text=_("Erased with the person's data once the erasure is carried out."),
        max_length=200,
        required=False,
    )
    received_on = forms.DateField(
        label=_("Date received"),
        help_text=_("The day the council got the request: the one-month deadline runs from it."),
        input_formats=DATE_FORMATS,
        widget=DateInput,
        error_messages={
            "required": _("Enter the date the request was received"),
            "invalid": _("Enter a real date, like 2026-03-27"),
        },
    )
    ground = forms.ChoiceField(
        label=_("Ground of the request"),
        choices=[("", _("Choose one")), *ErasureGround.choices],
        error_messages={"required": _("Select the ground of the request")},
    )
    reason = forms.CharField(
        label=_("What they asked for and why (optional)"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )


DECISIONS = [("approve", _("Approve the erasure")), ("refuse", _("Refuse the erasure"))]


class ErasureDecisionForm(forms.Form):
    """Approve or refuse, with the exemption and reason for a refusal."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select approve or refuse")},
    )
    exemption = forms.ChoiceField(
        label=_("If you refuse, why (Art. 17(3))"),
        choices=[("", _("Choose one")), *ErasureExemption.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Reason (needed to refuse)"),
        help_text=_("A refusal's reason is given to the resident, with their right to complain."),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def action_values(self) -> dict[str, Any]:
        """The cleaned values as `do_decide_erasure_request` takes them."""
        return {
            "approve": self.cleaned_data["decision"] == "approve",
            "exemption": self.cleaned_data["exemption"],
            "note": self.cleaned_data["note"],
        }


class ExecuteErasureForm(forms.Form):
    """The officer confirms they understand that an erasure cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone"),
        error_messages={"required": _("Confirm that you understand the erasure cannot be undone")},
    )
