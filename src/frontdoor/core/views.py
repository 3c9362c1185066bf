"""Pages: the service catalogue and the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontdoor.identity.policies import may, require

from . import selectors
from .calendars import actions as calendar_actions
from .calendars import selectors as calendar_selectors
from .calendars.forms import ClosureDayForm
from .models import Council


def services(request: HttpRequest) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    rows = selectors.services_with_family(council) if council else []
    families = {f.family_id: f for f in selectors.families_of(council)} if council else {}
    return render(
        request,
        "core/services.html",
        {"rows": [(s, families.get(fid)) for s, fid in rows]},
    )


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Bank holidays, closure days and opening hours of the request's council."""
    return _render_calendar(request, ClosureDayForm())


@require_POST
def add_closure_day(request: HttpRequest) -> HttpResponse:
    """An administrator closes the council on a date (re-shows the page with errors)."""
    council = _council(request)
    require(request.user, "administer_council", council)
    form = ClosureDayForm(request.POST)
    if form.is_valid():
        try:
            closure = calendar_actions.do_add_closure_day(
                actor=request.user,
                council=council,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    # Date problems show against the date input (the form's non-field errors).
                    form.add_error(field if field == "reason" else None, problem)
        else:
            messages.success(
                request,
                _("The council is closed on %(date)s.")
                % {"date": formats.date_format(closure.date, "l j F Y")},
            )
            return redirect("core:calendar")
    return _render_calendar(request, form, status=400)


@require_POST
def remove_closure_day(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator removes one of the council's closure days."""
    council = _council(request)
    require(request.user, "administer_council", council)
    closure = calendar_selectors.closure_day_of(council, pk)
    if closure is None:
        raise Http404("closure day")
    calendar_actions.do_remove_closure_day(actor=request.user, closure=closure)
    messages.success(
        request,
        _("The closure on %(date)s was removed.")
        % {"date": formats.date_format(closure.date, "l j F Y")},
    )
    return redirect("core:calendar")


def _council(request: HttpRequest) -> Council:
    """The council the request acts for; 404 for a user with none."""
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    return council


def _render_calendar(request: HttpRequest, form: ClosureDayForm, status: int = 200) -> HttpResponse:
    council = _council(request)
    today = council.local_date(timezone.now())
    years = [today.year, today.year + 1]
    holidays = list(
        calendar_selectors.bank_holidays_of(
            council, dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
        )
    )
    is_admin = may(request.user, "administer_council", council)
    horizon = calendar_selectors.calendar_horizon()
    context = {
        "today": today,
        "holiday_years": [(year, [h for h in holidays if h.date.year == year]) for year in years],
        "any_provisional": any(h.provisional for h in holidays),
        "closures": calendar_selectors.closure_days_of(council, start=dt.date(today.year, 1, 1)),
        "queues": calendar_selectors.opening_hours_of(council, today),
        "is_admin": is_admin,
        "horizon": horizon,
        "show_horizon_warning": is_admin and calendar_selectors.horizon_warning(today, horizon),
        "form": form,
    }
    return render(request, "core/calendar.html", context, status=status)


def council_settings(request: HttpRequest) -> HttpResponse:
    """The council's name, branding, time zone and division (administrators)."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from frontdoor.identity.policies import require

    from .actions import COUNCIL_SETTINGS_FIELDS, do_update_council_settings
    from .forms import CouncilSettingsForm

    council = request.council  # type: ignore[attr-defined]
    require(request.user, "administer_council", council)
    initial = {name: getattr(council, name) for name in COUNCIL_SETTINGS_FIELDS}
    form = CouncilSettingsForm(
        request.POST if request.method == "POST" else None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in COUNCIL_SETTINGS_FIELDS}
        do_update_council_settings(
            actor=request.user, council=council, logo=form.cleaned_data["logo"], **values
        )
        messages.success(request, _("The council's settings were saved."))
        return redirect("core:council-settings")
    return render(request, "core/council_settings.html", {"form": form})
