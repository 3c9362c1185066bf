"""The council's own settings: name, branding, time zone and UK division."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdoor.web.branding import WHITE, contrast_ratio

from .models import HEX_COLOUR, Division

MAX_LOGO_BYTES = 200 * 1024
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
UK_AND_COMMON_ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Isle_of_Man",
    "Europe/Jersey",
    "Europe/Guernsey",
    "Atlantic/Stanley",
    "Atlantic/Bermuda",
    "Europe/Gibraltar",
]


class CouncilSettingsForm(forms.Form):
    name = forms.CharField(label=_("Council name"), max_length=200)
    brand_colour = forms.CharField(
        label=_("Brand colour"),
        max_length=7,
        validators=[HEX_COLOUR],
        help_text=_(
            "A hex colour like #1d4f91 for the header. White text on it must reach a "
            "contrast of 4.5 to 1."
        ),
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("A PNG or JPEG of at most 200 KB, shown in the header beside the name."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"))
    division = forms.ChoiceField(
        label=_("UK division for bank holidays"),
        choices=Division.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(zoneinfo.available_timezones() - set(UK_AND_COMMON_ZONES))
        self.fields["time_zone"].choices = [(z, z) for z in UK_AND_COMMON_ZONES + zones]
        self.fields["brand_colour"].widget.attrs["width"] = "10"

    def clean_brand_colour(self) -> str:
        colour = self.cleaned_data["brand_colour"].lower()
        if contrast_ratio(colour, WHITE) < 4.5:
            raise forms.ValidationError(
                _(
                    "White text on %(colour)s has a contrast of %(ratio).1f to 1; choose a darker "
                    "colour (4.5 to 1 or more)."
                ),
                params={"colour": colour, "ratio": contrast_ratio(colour, WHITE)},
            )
        return colour

    def clean_logo(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be 200 KB or smaller."))
        data = upload.read()
        for signature, content_type in LOGO_SIGNATURES.items():
            if data.startswith(signature):
                return data, content_type
        raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
