"""Rosters: proposing, reviewing and publishing; shift patterns and staff profiles."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdoor.core.models import Council, Queue

from .. import actions, selectors
from ..forms import (
    ProposeRosterForm,
    ShiftPatternForm,
    StaffProfileForm,
)
from ..models import RosterStatus
from .common import apply_action_errors, council_of_request, page_context


@require_http_methods(["GET", "POST"])
def rosters(request: HttpRequest) -> HttpResponse:
    """Rosters proposed and published; propose one for a week."""
    council = council_of_request(request)
    form = ProposeRosterForm(
        request.POST if request.method == "POST" else None,
        initial={"week_start": selectors.next_week_start(council).isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            roster = actions.do_propose_roster(
                actor=request.user, council=council, week_start=form.cleaned_data["week_start"]
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("A roster was proposed. Review it before publishing."))
            return redirect("planning:roster", pk=roster.pk)
    context = page_context(
        request,
        "planning:rosters",
        form=form,
        rosters=selectors.rosters_of(council),
        patterns=selectors.shift_patterns_of(council).count(),
        profiles=selectors.profiles_of(council).count(),
    )
    return render(request, "planning/rosters.html", context, status=400 if form.errors else 200)


def _shortfall_rows(roster: Any, queues: dict[str, Queue]) -> tuple[list[dict], list[dict]]:
    """Per queue and day: staff-intervals needed, covered and short; and the worst intervals."""
    labels = selectors.interval_labels(roster.interval_minutes)
    days = selectors.week_days(roster.week_start)
    hours = roster.interval_minutes / 60
    summary: list[dict[str, Any]] = []
    worst: list[dict[str, Any]] = []
    for queue_id, need in sorted(roster.requirement.items()):
        need_array = np.array(need)
        short = np.array(roster.shortfall.get(queue_id, np.zeros_like(need_array).tolist()))
        queue = queues.get(queue_id)
        for d, day in enumerate(days):
            if need_array[d].sum() == 0:
                continue
            summary.append(
                {
                    "queue": queue.name if queue else queue_id,
                    "day": day,
                    "needed": float(need_array[d].sum()) * hours,
                    "short": float(short[d].sum()) * hours,
                }
            )
            for i in np.flatnonzero(short[d]):
                worst.append(
                    {
                        "queue": queue.name if queue else queue_id,
                        "day": day,
                        "interval": labels[i],
                        "needed": int(need_array[d, i]),
                        "short": int(short[d, i]),
                    }
                )
    worst.sort(key=lambda r: (-r["short"], r["day"], r["interval"]))
    return summary, worst[:30]


@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """A roster to review: the solver's status, staff hours, how far from the bound, where it
    falls short, and every shift."""
    council = council_of_request(request)
    item = selectors.roster_of(council, pk)
    if item is None:
        raise Http404("roster")
    queues = {q.queue_id: q for q in selectors.planning_queues(council)}
    summary, worst = _shortfall_rows(item, queues)
    context = page_context(
        request,
        "planning:rosters",
        roster=item,
        shifts=selectors.roster_shifts(item),
        summary=summary,
        worst=worst,
        can_publish=item.status == RosterStatus.PROPOSED,
    )
    return render(request, "planning/roster.html", context)


@require_POST
def publish_roster(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    item = selectors.roster_of(council, pk)
    if item is None:
        raise Http404("roster")
    try:
        actions.do_publish_roster(actor=request.user, roster=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("planning:roster", pk=item.pk)
    messages.success(
        request,
        _("The roster for the week of %(week)s was published.")
        % {"week": formats.date_format(item.week_start, "j F Y")},
    )
    return redirect("planning:roster", pk=item.pk)


@require_GET
def roster_setup(request: HttpRequest) -> HttpResponse:
    council = council_of_request(request)
    return _roster_setup_page(request, council, ShiftPatternForm())


def _roster_setup_page(
    request: HttpRequest, council: Council, form: ShiftPatternForm, status: int = 200
) -> HttpResponse:
    """Shift patterns and each member of staff's contract and skills, as the roster uses them."""
    staff = []
    for user in selectors.staff_of(council):
        profile = getattr(user, "planning_profile", None)
        staff.append({"user": user, "profile": profile})
    context = page_context(
        request,
        "planning:roster-setup",
        form=form,
        patterns=selectors.shift_patterns_of(council),
        staff=staff,
        interval_minutes=selectors.interval_minutes_of(council),
    )
    return render(request, "planning/roster_setup.html", context, status=status)


@require_POST
def add_shift_pattern(request: HttpRequest) -> HttpResponse:
    council = council_of_request(request)
    form = ShiftPatternForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_shift_pattern(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The shift pattern was added."))
            return redirect("planning:roster-setup")
    return _roster_setup_page(request, council, form, status=400)


@require_POST
def remove_shift_pattern(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    pattern = selectors.shift_pattern_of(council, pk)
    if pattern is None:
        raise Http404("shift pattern")
    actions.do_remove_shift_pattern(actor=request.user, pattern=pattern)
    messages.success(request, _("The shift pattern was removed."))
    return redirect("planning:roster-setup")


@require_http_methods(["GET", "POST"])
def staff_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A member of staff's contracted hours, most days a week and queues, for rosters."""
    council = council_of_request(request)
    user = selectors.staff_member_of(council, pk)
    if user is None:
        raise Http404("staff")
    queues = selectors.planning_queues(council)
    profile = getattr(user, "planning_profile", None)
    initial: dict[str, Any] = {"max_days": 5}
    if profile is not None:
        initial = {
            "contracted_hours": profile.contracted_hours,
            "max_days": profile.max_days,
            "skills": [q.queue_id for q in profile.skills.all()],
        }
    form = StaffProfileForm(
        request.POST if request.method == "POST" else None, queues=queues, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_staff_profile(
                actor=request.user,
                council=council,
                user=user,
                contracted_hours=data["contracted_hours"],
                max_days=data["max_days"],
                skills=data["skills"],
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s's rostering details were saved.") % {"name": user.display_name}
            )
            return redirect("planning:roster-setup")
    context = page_context(request, "planning:roster-setup", member=user, form=form)
    return render(
        request, "planning/staff_profile.html", context, status=400 if form.errors else 200
    )
