"""Pages of legal holds, for information-governance officers (govern_information):

- /residents/holds/: the council's holds in force, the nearest review first, those due for
  review marked (in the sub-navigation beside the erasure requests);
- /residents/<reference>/holds/: a person's holds, in force and lifted, with who placed and
  lifted them and why (linked from the person's page and from an erasure request);
- /residents/<reference>/holds/new/: place a hold;
- /residents/<reference>/holds/<pk>/review/: record that it is still needed, and when to
  review it next;
- /residents/<reference>/holds/<pk>/lift/: lift it, saying why.

Placing and lifting, from an erasure request's page, carry `?request=<pk>` so the officer goes
back to that request. Views stay thin: the actions of `erasure.py` check the permission and the
rules and write the audit; the reads of `legal_holds.py` check the permission and log access.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import erasure, legal_holds
from .legal_hold_forms import LiftLegalHoldForm, PlaceLegalHoldForm, ReviewLegalHoldForm
from .models import LegalHold, Party
from .views import apply_action_errors, council_of_request, render_page


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _return_to(request: HttpRequest, party: Party) -> dict[str, str]:
    """Where the form's back link, cancel link and success go: the erasure request the officer
    came from (only one of this person's), or else the person's holds."""
    found = legal_holds.erasure_request_of(party, request.GET.get("request"))
    if found is not None:
        return {
            "href": reverse("citizens:erasure-request", args=[found.pk]),
            "label": _("Back to the erasure request"),
        }
    return {
        "href": reverse("citizens:legal-holds-person", args=[party.reference]),
        "label": _("Back to legal holds"),
        "query": "",
    }


@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """Holds in force across the council, those due for review marked."""
    council = council_of_request(request)
    today = council.local_date(timezone.now())
    found = legal_holds.holds_in_force(request.user, council, today=today)
    return render_page(
        request,
        "citizens/holds/list.html",
        {"worklist": found, "today": today},
    )


@require_GET
def person_holds(request: HttpRequest, reference: str) -> HttpResponse:
    """A person's holds, in force and lifted."""
    council = council_of_request(request)
    party = legal_holds.person_for_holds(request.user, council, reference)
    today = council.local_date(timezone.now())
    holds = legal_holds.holds_of(party)
    return render_page(
        request,
        "citizens/holds/person.html",
        {
            "party": party,
            "rows": [{"hold": h, "review_due": legal_holds.review_due(h, today)} for h in holds],
            "in_force": sum(1 for hold in holds if hold.in_force),
            "in_progress": erasure.request_in_progress(party) if not party.is_erased else None,
        },
    )


@require_http_methods(["GET", "POST"])
def place(request: HttpRequest, reference: str) -> HttpResponse:
    """Place a hold on a person; on success, back to where the officer came from."""
    council = council_of_request(request)
    party = legal_holds.person_for_holds(request.user, council, reference)
    back = _return_to(request, party)
    if party.is_erased:
        messages.info(request, _("This person's data has already been erased."))
        return redirect(back["href"])
    form = PlaceLegalHoldForm(
        _posted(request), initial={"placed_on": council.local_date(timezone.now())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            erasure.do_place_legal_hold(actor=request.user, party=party, **form.cleaned_data)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Legal hold placed: nothing of this person's can be erased until it is lifted"),
            )
            return redirect(back["href"])
    return render_page(
        request,
        "citizens/holds/place.html",
        {"form": form, "party": party, "back": back},
        status=400 if form.errors else 200,
    )


def _hold_in_force_page(
    request: HttpRequest,
    reference: str,
    pk: int,
    *,
    form_class: type[Any],
    act: Callable[[Any, LegalHold, dict[str, Any]], object],
    done: Callable[[Party], str],
    template: str,
) -> HttpResponse:
    """A form page on one hold in force (lifting, reviewing): `act` runs the action with the
    form's values; a lifted hold sends the officer back where they came from."""
    council = council_of_request(request)
    party = legal_holds.person_for_holds(request.user, council, reference)
    hold = legal_holds.hold_of_person(request.user, party, pk)
    back = _return_to(request, party)
    if not hold.in_force:
        messages.info(request, _("That hold was already lifted."))
        return redirect(back["href"])
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            act(request.user, hold, form.cleaned_data)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, done(party))
            return redirect(back["href"])
    return render_page(
        request,
        template,
        {"form": form, "party": party, "hold": hold, "back": back},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def lift(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Lift a hold in force, saying why; a lifted hold goes back to the list."""

    def done(party: Party) -> str:
        if erasure.request_in_progress(party) is not None:
            return _(
                "Legal hold lifted: the erasure request can go ahead if nothing else blocks it"
            )
        return _("Legal hold lifted")

    return _hold_in_force_page(
        request,
        reference,
        pk,
        form_class=LiftLegalHoldForm,
        act=lambda actor, hold, values: erasure.do_lift_legal_hold(
            actor=actor, hold=hold, reason=values["reason"]
        ),
        done=done,
        template="citizens/holds/lift.html",
    )


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Record a review of a hold in force: still needed, and the next review date (or none)."""
    return _hold_in_force_page(
        request,
        reference,
        pk,
        form_class=ReviewLegalHoldForm,
        act=lambda actor, hold, values: erasure.do_review_legal_hold(
            actor=actor, hold=hold, review_on=values["review_on"]
        ),
        done=lambda party: _("Review recorded: the hold stays in force"),
        template="citizens/holds/review.html",
    )
