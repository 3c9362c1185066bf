"""Pages to add a new person (from the search page) and to end or review a marker on a person.

- /residents/new/: record a person through `do_create_person`; a search that found no one
  offers it with the name prefilled.
- On a person: end a vulnerability marker with a reason (`do_end_vulnerability_marker`) and
  review a staff-safety marker with its next review date (`do_review_safety_marker`).

Views stay thin: the actions check the permissions and the rules and write the audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontdoor.identity.policies import may, require

from . import actions
from .marker_views import person_or_redirect, render_form_page
from .models import Party, SafetyMarker, SafetyStatus, VulnerabilityMarker
from .person_forms import ACTION_FIELDS, EndMarkerForm, NewPersonForm, ReviewSafetyMarkerForm
from .views import apply_action_errors, council_of_request


@require_http_methods(["GET", "POST"])
def new_person(request: HttpRequest) -> HttpResponse:
    """Record a new person; on success, their page."""
    council = council_of_request(request)
    # Only desktop users record people (an IG officer searches but does not add).
    require(request.user, "use_desktop", council)
    initial = NewPersonForm.initial_from_query(request.GET.get("q", "")[:200])
    form = NewPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            party = actions.do_create_person(
                actor=request.user, council=council, **form.action_values()
            )
        except ValidationError as error:
            _apply_action_errors(form, error)
        else:
            messages.success(request, _("%(name)s added") % {"name": party.display_name})
            return redirect("citizens:person", reference=party.reference)
    return render_form_page(
        request,
        "citizens/new_person.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _apply_action_errors(form: NewPersonForm, error: ValidationError) -> None:
    """The action's errors against this form's fields (it names the date of birth differently)."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {ACTION_FIELDS.get(name, name): found for name, found in error.error_dict.items()}
        )
    apply_action_errors(form, error)


def _marker_page(
    request: HttpRequest,
    party: Party,
    form: Any,
    *,
    marker: Any,
    title: str,
    button: str,
    save: Any,
    done: str,
) -> HttpResponse:
    """GET shows the form with the marker; POST calls `save(form)` and returns to the person."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("citizens:person", reference=party.reference)
    context = {"form": form, "party": party, "marker": marker, "title": title, "button": button}
    return render_form_page(
        request, "citizens/markers/end.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def end_vulnerability(request: HttpRequest, reference: str, pk: str) -> HttpResponse:
    """End a vulnerability marker that no longer applies, with the reason."""
    party = person_or_redirect(request, reference)
    if isinstance(party, HttpResponse):
        return party
    for permission in ("use_desktop", "view_vulnerability_detail"):
        if not may(request.user, permission, party):
            raise PermissionDenied(permission)
    marker = VulnerabilityMarker.objects.filter(party=party, pk=int(pk)).first()
    if marker is None or marker.ended_at is not None:
        raise Http404("marker")

    def save(form: EndMarkerForm) -> None:
        try:
            actions.do_end_vulnerability_marker(
                actor=request.user, marker=marker, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            # The action names the reason `end_reason`; on this form it is `reason`.
            if hasattr(error, "error_dict") and "end_reason" in error.error_dict:
                raise ValidationError({"reason": error.error_dict["end_reason"]}) from error
            raise

    return _marker_page(
        request,
        party,
        EndMarkerForm(request.POST or None),
        marker=marker,
        title=_("End the vulnerability marker"),
        button=_("End the marker"),
        save=save,
        done=_("Vulnerability marker ended"),
    )


@require_http_methods(["GET", "POST"])
def review_safety(request: HttpRequest, reference: str, pk: str) -> HttpResponse:
    """Confirm an active staff-safety marker still applies, with its next review date."""
    party = person_or_redirect(request, reference)
    if isinstance(party, HttpResponse):
        return party
    for permission in ("use_desktop", "manage_safety_markers"):
        if not may(request.user, permission, party):
            raise PermissionDenied(permission)
    marker = SafetyMarker.objects.filter(
        party=party, pk=int(pk), status=SafetyStatus.ACTIVE
    ).first()
    if marker is None:
        raise Http404("marker")

    def save(form: ReviewSafetyMarkerForm) -> None:
        try:
            actions.do_review_safety_marker(
                actor=request.user,
                marker=marker,
                next_review_by=form.cleaned_data["next_review_by"],
            )
        except ValidationError as error:
            # The action names the date `review_by`; on this form it is `next_review_by`.
            if hasattr(error, "error_dict") and "review_by" in error.error_dict:
                raise ValidationError({"next_review_by": error.error_dict["review_by"]}) from error
            raise

    return _marker_page(
        request,
        party,
        ReviewSafetyMarkerForm(request.POST or None),
        marker=marker,
        title=_("Review the staff-safety marker"),
        button=_("Mark reviewed"),
        save=save,
        done=_("Staff-safety marker reviewed"),
    )
