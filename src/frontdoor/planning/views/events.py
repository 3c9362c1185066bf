"""Planned events (bill runs, closures) the forecasts learn from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import actions, selectors
from ..forms import (
    EventForm,
)
from .common import apply_action_errors, council_of_request, page_context


@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    """Planned events (bill runs, campaigns, letter batches): past ones teach the forecast."""
    council = council_of_request(request)
    queues = selectors.planning_queues(council)
    form = EventForm(request.POST if request.method == "POST" else None, queues=queues)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.do_add_event(
                actor=request.user,
                council=council,
                date=data["date"],
                kind=data["kind"],
                queue=data["queue"],
                description=data["description"],
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("%(event)s on %(date)s was added.")
                % {
                    "event": event.get_kind_display(),
                    "date": formats.date_format(event.date, "j F Y"),
                },
            )
            return redirect("planning:events")
    context = page_context(
        request,
        "planning:events",
        form=form,
        events=selectors.planned_events(council),
    )
    return render(request, "planning/events.html", context, status=400 if form.errors else 200)


@require_POST
def remove_event(request: HttpRequest, pk: int) -> HttpResponse:
    council = council_of_request(request)
    event = selectors.event_of(council, pk)
    if event is None:
        raise Http404("event")
    actions.do_remove_event(actor=request.user, event=event)
    messages.success(request, _("The event was removed."))
    return redirect("planning:events")
