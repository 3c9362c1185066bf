"""Scenarios: stored changes to demand and what they do to calls, staff and service level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import actions, selectors
from ..forms import (
    ScenarioForm,
)
from .common import (
    apply_action_errors,
    chosen_week,
    council_of_request,
    finite_or_none,
    page_context,
    week_links,
)


@require_http_methods(["GET", "POST"])
def scenarios(request: HttpRequest) -> HttpResponse:
    council = council_of_request(request)
    queues = selectors.planning_queues(council)
    form = ScenarioForm(request.POST if request.method == "POST" else None, queues=queues)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = actions.do_save_scenario(
                actor=request.user, council=council, values=form.values()
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The scenario was saved."))
            return redirect("planning:scenario", pk=scenario.pk)
    context = page_context(
        request,
        "planning:scenarios",
        form=form,
        scenarios=selectors.scenarios_of(council),
        wrap_codes=selectors.wrap_codes_of(council)[:20],
    )
    return render(request, "planning/scenarios.html", context, status=400 if form.errors else 200)


def _daily(result: Any, days: Sequence[dt.date]) -> list[dict[str, Any]]:
    rows = []
    hours = result.rule.hours_per_interval
    for d, day in enumerate(days):
        base, new = result.baseline, result.scenario
        base_calls = float(base.calls[d].sum())
        new_calls = float(new.calls[d].sum())
        rows.append(
            {
                "day": day,
                "base_calls": base_calls,
                "new_calls": new_calls,
                "base_hours": float(base.staff[d].sum()) * hours,
                "new_hours": float(new.staff[d].sum()) * hours,
                "base_sl": (
                    float((base.service_level[d] * base.calls[d]).sum()) / base_calls
                    if base_calls
                    else None
                ),
                "new_sl": (
                    float((new.service_level[d] * new.calls[d]).sum()) / new_calls
                    if new_calls
                    else None
                ),
            }
        )
    return rows


@require_GET
def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    """A scenario's change in forecast, staff needed and the service level expected at the
    staff the baseline needs, queue by queue and day by day."""
    council = council_of_request(request)
    item = selectors.scenario_of(council, pk)
    if item is None:
        raise Http404("scenario")
    week = chosen_week(request, council)
    outcomes = selectors.scenario_outcomes(council, item, week)
    days = selectors.week_days(week)
    shown = [
        {
            "queue": o.queue,
            "result": o.result,
            "assumption": o.assumption,
            "base_hours": o.result.baseline.staff_hours(o.result.rule),
            "new_hours": o.result.scenario.staff_hours(o.result.rule),
            "base_sl": finite_or_none(o.result.baseline.expected_service_level),
            "new_sl": finite_or_none(o.result.scenario.expected_service_level),
            "base_asa": finite_or_none(o.result.baseline.expected_asa_seconds),
            "new_asa": finite_or_none(o.result.scenario.expected_asa_seconds),
            "daily": _daily(o.result, days),
        }
        for o in outcomes
    ]
    path = reverse("planning:scenario", args=[item.pk])
    context = page_context(
        request,
        "planning:scenarios",
        scenario=item,
        outcomes=shown,
        **week_links(path, week),
    )
    return render(request, "planning/scenario.html", context)


@require_POST
def delete_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    item = selectors.scenario_of(council, pk)
    if item is None:
        raise Http404("scenario")
    actions.do_delete_scenario(actor=request.user, scenario=item)
    messages.success(request, _("The scenario was deleted."))
    return redirect("planning:scenarios")
