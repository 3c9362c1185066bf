"""Pages for vulnerability and staff-safety markers and accessibility needs.

- The team leader's marker worklist (/residents/markers/reviews/): vulnerability markers whose
  review date has come and, for those who manage them, proposed staff-safety markers to approve
  or decline.
- On a person: record a vulnerability marker, propose a staff-safety marker, mark a
  vulnerability marker reviewed, and change their accessibility needs.

Views stay thin: every change goes through the actions in `actions.py`, which check the
permission, the rules (the approver is never the author) and write the audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.core.models import Council
from frontdoor.identity.policies import may

from . import actions
from .marker_forms import (
    NeedsForm,
    ReviewMarkerForm,
    SafetyDecisionForm,
    SafetyMarkerForm,
    VulnerabilityMarkerForm,
)
from .models import AccessibilityNeeds, Party
from .selectors import (
    ReasonRequired,
    safety_marker_to_decide,
    safety_markers_awaiting_approval,
    vulnerability_marker_of,
    vulnerability_reviews_due,
)
from .views import apply_action_errors, council_of_request, open_person, render_page


def render_form_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render_page(request, template, context, status=status)


# The worklist -----------------------------------------------------------------------------------


def _worklist_context(request: HttpRequest, council: Council) -> dict[str, Any]:
    manage = may(request.user, "manage_safety_markers", council)
    return {
        "reviews": vulnerability_reviews_due(request.user, council),
        "approvals": safety_markers_awaiting_approval(request.user, council) if manage else [],
        "may_manage_safety": manage,
        "may_see_detail": may(request.user, "view_vulnerability_detail", council),
        # Reviewing is desktop work that needs the detail (an IG officer reads the list).
        "may_review": may(request.user, "view_vulnerability_detail", council)
        and may(request.user, "use_desktop", council),
    }


def reviews(request: HttpRequest) -> HttpResponse:
    """Markers whose review date has come, and staff-safety markers awaiting a decision."""
    council = council_of_request(request)
    # The selector refuses anyone who does not lead a team (PermissionDenied: a 403).
    return render_form_page(
        request, "citizens/markers/reviews.html", _worklist_context(request, council)
    )


@require_POST
def decide_safety(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or decline a proposed staff-safety marker; errors show in an error summary."""
    council = council_of_request(request)
    # 403 without manage_safety_markers; 404 for a marker not the council's or too sensitive.
    marker = safety_marker_to_decide(request.user, council, pk)
    form = SafetyDecisionForm(request.POST)
    if form.is_valid():
        decide = (
            actions.do_approve_safety_marker
            if form.cleaned_data["decision"] == "approve"
            else actions.do_reject_safety_marker
        )
        try:
            decide(actor=request.user, marker=marker, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            approved = form.cleaned_data["decision"] == "approve"
            messages.success(
                request,
                _("Staff-safety marker approved")
                if approved
                else _("Staff-safety marker declined"),
            )
            return redirect("citizens:marker-reviews")
    context = _worklist_context(request, council)
    context.update({"form": form, "decided": marker})
    return render_form_page(request, "citizens/markers/reviews.html", context, status=400)


# On a person ------------------------------------------------------------------------------------


def person_or_redirect(request: HttpRequest, reference: str) -> Party | HttpResponse:
    """The person the form works on; a restricted one is opened with a reason first."""
    try:
        return open_person(request, reference)
    except ReasonRequired:
        return redirect("citizens:person", reference=reference)


def _form_page(
    request: HttpRequest,
    reference: str,
    form_class: type[Any],
    *,
    title: str,
    button: str,
    save: Any,
    done: str,
    initial: Any = None,
    extra: dict[str, Any] | None = None,
    opened: Party | None = None,
) -> HttpResponse:
    """The shape every person-form page shares: GET shows it, POST calls `save(party, form)`.

    `opened` is the person when the caller has already opened (and logged) them.
    """
    party = opened or person_or_redirect(request, reference)
    if isinstance(party, HttpResponse):
        return party
    form = form_class(request.POST or None, initial=initial(party) if initial else None)
    if request.method == "POST" and form.is_valid():
        try:
            save(party, form)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("citizens:person", reference=party.reference)
    context = {"form": form, "party": party, "title": title, "button": button, **(extra or {})}
    return render_form_page(
        request, "citizens/markers/form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def add_vulnerability(request: HttpRequest, reference: str) -> HttpResponse:
    return _form_page(
        request,
        reference,
        VulnerabilityMarkerForm,
        title=_("Record a vulnerability marker"),
        button=_("Record the marker"),
        done=_("Vulnerability marker recorded"),
        save=lambda party, form: actions.do_add_vulnerability_marker(
            actor=request.user, party=party, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "POST"])
def propose_safety(request: HttpRequest, reference: str) -> HttpResponse:
    return _form_page(
        request,
        reference,
        SafetyMarkerForm,
        title=_("Propose a staff-safety marker"),
        button=_("Propose the marker"),
        done=_("Staff-safety marker proposed: it warns staff once someone else approves it"),
        save=lambda party, form: actions.do_propose_safety_marker(
            actor=request.user, party=party, **form.action_values()
        ),
        extra={
            "intro": _(
                "The marker warns no one until another member of staff who manages "
                "staff-safety markers approves it."
            )
        },
    )


@require_http_methods(["GET", "POST"])
def review_vulnerability(request: HttpRequest, reference: str, pk: str) -> HttpResponse:
    """Mark a vulnerability marker reviewed, with its next review date."""
    party = person_or_redirect(request, reference)
    if isinstance(party, HttpResponse):
        return party
    for permission in ("use_desktop", "view_vulnerability_detail"):
        if not may(request.user, permission, party):
            raise PermissionDenied(permission)
    marker = vulnerability_marker_of(request.user, party, int(pk))

    def save(party: Party, form: ReviewMarkerForm) -> None:
        try:
            actions.do_review_vulnerability_marker(
                actor=request.user, marker=marker, **form.cleaned_data
            )
        except ValidationError as error:
            # The action names the date `review_by`; on this form it is `next_review_by`.
            if hasattr(error, "error_dict") and "review_by" in error.error_dict:
                raise ValidationError({"next_review_by": error.error_dict["review_by"]}) from error
            raise

    return _form_page(
        request,
        party.reference,
        ReviewMarkerForm,
        title=_("Mark the vulnerability marker reviewed"),
        button=_("Mark reviewed"),
        done=_("Vulnerability marker reviewed"),
        save=save,
        extra={"marker": marker},
        opened=party,
    )


@require_http_methods(["GET", "POST"])
def change_needs(request: HttpRequest, reference: str) -> HttpResponse:
    """Change a person's accessibility needs: every box, the interpreter language, notes."""

    def current(party: Party) -> dict[str, Any]:
        # open_party fetched the needs with the person.
        try:
            return NeedsForm.initial_from(party.needs)
        except AccessibilityNeeds.DoesNotExist:
            return {}

    return _form_page(
        request,
        reference,
        NeedsForm,
        title=_("Change accessibility needs"),
        button=_("Save needs"),
        done=_("Accessibility needs saved"),
        initial=current,
        save=lambda party, form: actions.do_record_needs(
            actor=request.user, party=party, **form.action_values()
        ),
    )
