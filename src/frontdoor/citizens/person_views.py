"""Pages to add a new person (from the search page) and to end or review a marker on a person.

- /residents/new/: record a person through `do_create_person`; a search that found no one
  offers it with the name prefilled. Before anything is saved, the people already recorded who
  may be them (`likely_matches`: a similar name and the same date of birth, postcode, phone or
  email) are listed on a "check before you add" step, where the agent opens one of them
  instead or adds the new person saying why (the reason goes into the creation's audit entry).
  What was typed travels with the step as hidden fields, so nothing is saved until then.
- On a person: end a vulnerability marker with a reason (`do_end_vulnerability_marker`) and
  review a staff-safety marker with its next review date (`do_review_safety_marker`).

Views stay thin: the actions check the permissions and the rules and write the audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from frontdoor.core.models import Council
from frontdoor.identity.policies import may, require

from . import actions
from .marker_views import person_or_redirect, render_form_page
from .models import Party
from .person_forms import (
    ACTION_FIELDS,
    AddAnywayForm,
    EndMarkerForm,
    NewPersonForm,
    ReviewSafetyMarkerForm,
)
from .search import (
    NICKNAME,
    SAME_BIRTH,
    SAME_EMAIL,
    SAME_NAME,
    SAME_PHONE,
    SAME_POSTCODE,
    SIMILAR_NAME,
)
from .selectors import MatchCheck, active_safety_marker_of, likely_matches, vulnerability_marker_of
from .views import apply_action_errors, council_of_request

# The steps of adding a person, as the check page's buttons name them.
STEP = "step"
CONFIRM = "confirm"  # add them although people already recorded may be them
CHANGE = "change"  # back to the details, as typed
REASON_LABELS = {
    SAME_NAME: _lazy("Same name"),
    SIMILAR_NAME: _lazy("Similar name"),
    NICKNAME: _lazy("Nickname of the name given"),
    SAME_BIRTH: _lazy("Same date of birth"),
    SAME_POSTCODE: _lazy("Same postcode"),
    SAME_PHONE: _lazy("Same phone number"),
    SAME_EMAIL: _lazy("Same email address"),
}


@require_http_methods(["GET", "POST"])
def new_person(request: HttpRequest) -> HttpResponse:
    """Record a new person; on success, their page.

    A POST of the details first looks for people already recorded who may be them: if any,
    the check step lists them and nothing is saved; the check's own POST (`step=confirm`, with
    the details again and a reason) saves, and `step=change` shows the details to change.
    """
    council = council_of_request(request)
    # Only desktop users record people (an IG officer searches but does not add).
    require(request.user, "use_desktop", council)
    if request.method != "POST":
        initial = NewPersonForm.initial_from_query(request.GET.get("q", "")[:200])
        return _details_page(request, NewPersonForm(initial=initial))
    form = NewPersonForm(request.POST)
    step = request.POST.get(STEP, "")
    if not form.is_valid() or step == CHANGE:
        return _details_page(request, form)
    if step == CONFIRM:
        reason_form = AddAnywayForm(request.POST)
        if reason_form.is_valid():
            return _create(request, council, form, reason=reason_form.cleaned_data["reason"])
    else:
        reason_form = AddAnywayForm()
    check = likely_matches(request.user, council, **form.match_values())
    if not check.matches:
        return _create(request, council, form)
    return _check_page(request, form, reason_form, check)


def _create(
    request: HttpRequest, council: Council, form: NewPersonForm, *, reason: str = ""
) -> HttpResponse:
    """Save the person and open their page; the action's errors go back to the details."""
    try:
        party = actions.do_create_person(
            actor=request.user, council=council, reason=reason, **form.action_values()
        )
    except ValidationError as error:
        _apply_action_errors(form, error)
        return _details_page(request, form)
    messages.success(request, _("%(name)s added") % {"name": party.display_name})
    return redirect("citizens:person", reference=party.reference)


def _details_page(request: HttpRequest, form: NewPersonForm) -> HttpResponse:
    return render_form_page(
        request,
        "citizens/new_person.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _check_page(
    request: HttpRequest, form: NewPersonForm, reason_form: AddAnywayForm, check: MatchCheck
) -> HttpResponse:
    """The people who may be the one being added, with what each shares with the details."""
    matches = [
        {"result": m.result, "reasons": [str(REASON_LABELS[r]) for r in m.reasons]}
        for m in check.matches
    ]
    data = form.cleaned_data
    context = {
        "form": reason_form,
        "details": form,
        "matches": matches,
        "more": check.more,
        "name": " ".join(n for n in (data["given_name"], data["family_name"]) if n.strip()),
        "date_of_birth": data["date_of_birth"],
    }
    return render_form_page(
        request,
        "citizens/new_person_check.html",
        context,
        status=400 if reason_form.errors else 200,
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
    marker = vulnerability_marker_of(request.user, party, int(pk), active_only=True)

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
    marker = active_safety_marker_of(request.user, party, int(pk))

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
