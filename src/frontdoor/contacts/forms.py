"""The upload form of the contact-import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import shipped_mappings

SOURCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"


class ContactImportForm(forms.Form):
    """A file of contact records, the source it comes from, and how to read it."""

    file = forms.FileField(
        label=_("File of contact records"),
        help_text=_(
            "A CSV in Frontdoor's contact-record format, or an export that one of the shipped "
            "mappings reads (CSV, tab-separated or JSON)."
        ),
        error_messages={
            "required": _("Select a file of contact records"),
            "empty": _("The selected file is empty"),
        },
    )
    source = forms.RegexField(
        label=_("Source system (optional)"),
        regex=SOURCE_PATTERN,
        required=False,
        max_length=50,
        help_text=_(
            "For example telephony or crm. Leave it blank to use the file's own source column "
            "or the mapping's source."
        ),
        error_messages={
            "invalid": _(
                "Source must be lower-case letters, digits, hyphens or underscores, like telephony"
            )
        },
    )
    mapping = forms.ChoiceField(
        label=_("How to read the file"),
        required=False,
        help_text=_("Choose the mapping that matches the system the file came from."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [
            ("", _("Frontdoor's contact-record format")),
            *((name, name) for name in shipped_mappings()),
        ]
