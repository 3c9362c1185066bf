"""Forms for managing staff; they validate input, the actions make the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Council

from .models import Team, User
from .roles import ROLE_LABELS

ROLE_CHOICES = [(role, label) for role, label in ROLE_LABELS.items()]


class StaffForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    telephony_id = forms.CharField(
        label=_("Telephony agent id"),
        required=False,
        max_length=100,
        help_text=_("The id the phone system uses for this person, so calls are matched to them."),
    )

    def __init__(self, *args: Any, council: Council, user: User | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.council = council
        self.existing = user
        self.fields["teams"].queryset = Team.objects.filter(council=council)
        for name in ("username", "first_name", "last_name", "email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        clash = User.objects.filter(username__iexact=username)
        if self.existing is not None:
            clash = clash.exclude(pk=self.existing.pk)
        if clash.exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand this erases the person's name and email everywhere, for good"),
        error_messages={"required": _("Confirm that you want to erase this person.")},
    )
