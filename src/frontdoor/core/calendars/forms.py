"""The closure-day form: a GOV.UK date input (day, month, year) and a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class ClosureDayForm(forms.Form):
    """Errors are keyed `date` (for the whole date) and `reason`, for the GOV.UK error summary."""

    day = forms.IntegerField(required=False)
    month = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False)
    reason = forms.CharField(
        max_length=200,
        required=True,
        error_messages={
            "required": _("Enter why the council is closed"),
            "max_length": _("The reason must be 200 characters or fewer"),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        problem = self._date_problem()
        if isinstance(problem, dt.date):
            cleaned["date"] = problem
        else:
            # The date's three boxes are reported once, as one error on the date as a whole.
            for name in ("day", "month", "year"):
                self.errors.pop(name, None)
            self.add_error(None, problem)
        return cleaned

    def _date_problem(self) -> dt.date | forms.ValidationError:
        """The date entered, or the one error to show about it."""
        if any(name in self.errors for name in ("day", "month", "year")):
            return forms.ValidationError(_("The date must be a real date"))
        parts = [self.cleaned_data.get(name) for name in ("day", "month", "year")]
        if all(part is None for part in parts):
            return forms.ValidationError(_("Enter the date the council is closed"))
        if any(part is None for part in parts):
            return forms.ValidationError(_("The date must include a day, month and year"))
        day, month, year = (int(part) for part in parts)  # type: ignore[arg-type]
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return forms.ValidationError(
                _("The year must be between %(first)s and %(last)s"),
                params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            return forms.ValidationError(_("The date must be a real date"))

    @property
    def date_errors(self) -> list[str]:
        """Errors about the date, shown against the date input and in the error summary."""
        return [str(error) for error in self.non_field_errors()]
