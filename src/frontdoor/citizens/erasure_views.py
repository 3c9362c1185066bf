"""Pages of the right to erasure, for information-governance officers (govern_information):

- /residents/erasure/: the worklist of requests by status (awaiting approval, approved, erased,
  refused), the nearest statutory deadline first;
- /residents/<reference>/erasure/new/: record a request on a person (linked from their page);
- /residents/erasure/<pk>/: a request, what blocks or limits it and what it would erase (or, once
  carried out, its certificate);
- /residents/erasure/<pk>/decide/: approve or refuse it (another officer than who recorded it);
- /residents/erasure/<pk>/erase/: carry out an approved request, after a warning and a
  confirmation.

Legal holds, which block an erasure, have their own pages (`legal_hold_views.py`), linked from
the request's page and from the sub-navigation here.

Views stay thin: every change is an action of `erasure.py`, which checks the permission and the
rules (four eyes, blockers) and writes the audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import erasure
from .erasure_forms import ErasureDecisionForm, ErasureRequestForm, ExecuteErasureForm
from .models import ErasureRequest, ErasureStatus
from .views import apply_action_errors, council_of_request, render_page

TABS = (
    ErasureStatus.PENDING,
    ErasureStatus.APPROVED,
    ErasureStatus.DONE,
    ErasureStatus.REFUSED,
)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render_page(request, template, context, status=status)


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (an unticked box posts nothing)."""
    return request.POST if request.method == "POST" else None


def _today(request: HttpRequest) -> Any:
    return council_of_request(request).local_date(timezone.now())


def worklist(request: HttpRequest) -> HttpResponse:
    """Erasure requests of one status, with their deadlines."""
    council = council_of_request(request)
    found = erasure.erasure_worklist(
        request.user, council, status=request.GET.get("status", ErasureStatus.PENDING)
    )
    labels = dict(ErasureStatus.choices)
    tabs = [
        {
            "label": labels[value],
            "count": found.counts.get(value, 0),
            "href": f"{reverse('citizens:erasure-requests')}?status={value}",
            "current": value == found.status,
        }
        for value in TABS
    ]
    today = _today(request)
    rows = [{"request": r, "overdue": erasure.overdue(r, today)} for r in found.rows]
    return _page(
        request,
        "citizens/erasure/list.html",
        {"worklist": found, "rows": rows, "tabs": tabs, "status_label": labels[found.status]},
    )


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, reference: str) -> HttpResponse:
    """Record an erasure request on a person; on success, the request's page."""
    council = council_of_request(request)
    party = erasure.person_for_erasure(request.user, council, reference)
    if party.is_erased:
        messages.info(request, _("This person's data has already been erased."))
        return redirect("citizens:person", reference=party.reference)
    current = erasure.request_in_progress(party)
    if current is not None:
        return redirect("citizens:erasure-request", pk=current.pk)
    form = ErasureRequestForm(_posted(request), initial={"received_on": _today(request)})
    if request.method == "POST" and form.is_valid():
        try:
            recorded = erasure.do_record_erasure_request(
                actor=request.user, party=party, **form.cleaned_data
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Erasure request recorded: another officer must approve it by %(day)s")
                % {"day": recorded.due_on.strftime("%d/%m/%Y")},
            )
            return redirect("citizens:erasure-request", pk=recorded.pk)
    return _page(
        request,
        "citizens/erasure/new.html",
        {"form": form, "party": party},
        status=400 if form.errors else 200,
    )


def _request_context(request: HttpRequest, found: ErasureRequest) -> dict[str, Any]:
    today = _today(request)
    in_progress = found.status in (ErasureStatus.PENDING, ErasureStatus.APPROVED)
    return {
        "erasure": found,
        "party": found.party,
        "assessment": erasure.assess_erasure(found.party, today=today) if in_progress else None,
        "overdue": erasure.overdue(found, today),
        "may_decide": found.status == ErasureStatus.PENDING
        and found.recorded_by_id != request.user.pk,
        "recorded_by_viewer": found.recorded_by_id == request.user.pk,
        "certificate_rows": _certificate_rows(found.certificate),
    }


# The certificate's counts, in words.
CERTIFICATE_LABELS = {
    "identity": _("Records with names, date of birth and preferences blanked"),
    "addresses": _("Addresses deleted"),
    "contact_points": _("Phone numbers and email addresses deleted"),
    "external_references": _("References in other systems replaced by a pseudonym"),
    "live_calls": _("Calls on the live board quoting them, given the pseudonym"),
    "needs": _("Accessibility needs deleted"),
    "vulnerability_markers": _("Vulnerability markers deleted"),
    "safety_markers": _("Ended or declined staff-safety markers deleted"),
    "households": _("Household memberships deleted"),
    "representations": _("Evidence of authority blanked"),
    "prompts": _("Early-intervention prompts deleted"),
    "duplicate_candidates": _("Likely-duplicate pairs deleted"),
    "contact_notes": _("Contact notes redacted"),
    "cases": _("Case summaries redacted"),
    "case_notes": _("Case notes redacted"),
    "case_files": _("Case files deleted"),
    "contacts": _("Contact records kept without personal data"),
    "cases_in_retention": _("Cases kept for their retention period"),
    "other_peoples_cases": _("Other people's cases kept"),
}


def _certificate_rows(certificate: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = []
    for part in ("erased", "kept"):
        for code, count in (certificate.get(part) or {}).items():
            rows.append((str(CERTIFICATE_LABELS.get(code, code)), count))
    if certificate:
        rows.append(
            (_("Audit keys destroyed"), certificate.get("audit_keys_destroyed", 0)),
        )
    return rows


def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: the person, the deadline, what blocks or limits it, or its certificate."""
    council = council_of_request(request)
    found = erasure.open_erasure_request(request.user, council, pk)
    return _page(request, "citizens/erasure/request.html", _request_context(request, found))


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse a pending request; the officer who recorded it cannot."""
    council = council_of_request(request)
    found = erasure.open_erasure_request(request.user, council, pk)
    if found.status != ErasureStatus.PENDING:
        return redirect("citizens:erasure-request", pk=found.pk)
    form = ErasureDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decided = erasure.do_decide_erasure_request(
                actor=request.user, request=found, **form.action_values()
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Erasure approved: it can now be carried out")
                if decided.status == ErasureStatus.APPROVED
                else _("Erasure refused: tell the resident the reason and their right to complain"),
            )
            return redirect("citizens:erasure-request", pk=decided.pk)
    context = _request_context(request, found)
    context["form"] = form
    return _page(
        request, "citizens/erasure/decide.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def execute(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry out an approved request, after the warning and a confirmation."""
    council = council_of_request(request)
    found = erasure.open_erasure_request(request.user, council, pk)
    if found.status != ErasureStatus.APPROVED:
        return redirect("citizens:erasure-request", pk=found.pk)
    form = ExecuteErasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            done = erasure.do_execute_erasure(actor=request.user, request=found)
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("The person's data has been erased"))
            return redirect("citizens:erasure-request", pk=done.pk)
    context = _request_context(request, found)
    context["form"] = form
    return _page(
        request, "citizens/erasure/execute.html", context, status=400 if form.errors else 200
    )
