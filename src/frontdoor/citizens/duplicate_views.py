"""Pages for likely duplicates: the candidates, one pair side by side with the evidence, the
decision (merge, or not a duplicate), the council's merges and undoing one. Mounted under
/residents/duplicates/ for information-governance officers (see `duplicates.py` for why them).

Views stay thin: parse a form, call a selector or an action, render. A pair with a restricted
record asks for a reason first, kept for half an hour as on the person page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import duplicates, merging
from .forms import ReasonForm
from .models import CandidateStatus, MergeStatus
from .selectors import ReasonRequired
from .views import (
    _reason_for,
    _reason_page,
    _remember_reason,
    apply_action_errors,
    council_of_request,
    render_page,
)

STATUS_TABS = (
    CandidateStatus.OPEN,
    CandidateStatus.NOT_DUPLICATE,
    CandidateStatus.MERGED,
)


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        label=gettext_lazy("Which record should stay?"),
        help_text=gettext_lazy(
            "The other record's contacts, cases, markers, addresses and references move to it."
        ),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the record that should stay")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Why are they the same person? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, prefix="merge", **kwargs)
        self.fields["survivor"].choices = choices


class NotDuplicateForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How do you know they are different people? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="different", **kwargs)


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why undo the merge? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea,
    )


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render_page(request, template, context, status=status)


def _reviewer(request: HttpRequest) -> Any:
    council = council_of_request(request)
    duplicates.require_review_duplicates(request.user, council)
    return council


def worklist(request: HttpRequest) -> HttpResponse:
    """The candidates, most probable first, by status; and the last run."""
    council = _reviewer(request)
    status = request.GET.get("status", CandidateStatus.OPEN)
    found = duplicates.duplicate_worklist(request.user, council, status=status)
    labels = dict(CandidateStatus.choices)
    tabs = [
        {
            "label": labels[value],
            "count": found.counts.get(value, 0),
            "href": f"{reverse('citizens:duplicates')}?status={value}",
            "current": value == found.status,
        }
        for value in STATUS_TABS
    ]
    return _page(
        request,
        "citizens/duplicates/list.html",
        {"worklist": found, "tabs": tabs, "status_label": labels.get(found.status, "")},
    )


@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Queue a run of duplicate detection for the council."""
    council = _reviewer(request)
    duplicates.request_run(actor=request.user, council=council)
    messages.success(
        request, _("Duplicate detection has been queued. New pairs appear here when it finishes.")
    )
    return redirect("citizens:duplicates")


def _candidate_forms(
    first: Any, second: Any, suggested: Any, data: Any = None
) -> tuple[MergeForm, NotDuplicateForm]:
    choices = [(str(p.pk), f"{p.display_name} ({p.reference})") for p in (first, second)]
    merge_form = MergeForm(data, choices=choices, initial={"survivor": str(suggested.pk)})
    return merge_form, NotDuplicateForm(data)


@require_http_methods(["GET", "POST"])
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """A pair side by side with the evidence, and the decision; a restricted record first asks
    why it is being opened."""
    council = _reviewer(request)
    key = f"duplicate:{pk}"
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST" and reason_form.is_valid():
        _remember_reason(request, key, reason_form.cleaned_data["reason"])
        return redirect("citizens:duplicate", pk=pk)
    try:
        page = duplicates.open_candidate(
            request.user, council, pk, reason=_reason_for(request, key)
        )
    except ReasonRequired:
        return _reason_page(
            request,
            reason_form,
            title=_("This pair includes a restricted record"),
            caption=_("Likely duplicate"),
            back=reverse("citizens:duplicates"),
        )
    merge_form, different_form = _candidate_forms(
        page.first.party, page.second.party, page.suggested_survivor
    )
    return _candidate_page(request, page, merge_form, different_form)


def _candidate_page(
    request: HttpRequest,
    page: Any,
    merge_form: MergeForm,
    different_form: NotDuplicateForm,
    status: int = 200,
) -> HttpResponse:
    sides = [page.first, page.second]
    return _page(
        request,
        "citizens/duplicates/candidate.html",
        {
            "page": page,
            "candidate": page.candidate,
            "sides": sides,
            "open": page.candidate.status == CandidateStatus.OPEN,
            "merge_form": merge_form,
            "different_form": different_form,
            "form": merge_form if merge_form.errors else different_form,
            "percent": f"{int(page.candidate.probability * 1000) / 10:.1f}",
        },
        status=status,
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the pair (keeping the chosen record) or record that they are different people."""
    council = _reviewer(request)
    found = duplicates.candidate_for_decision(request.user, council, pk)
    reason = _reason_for(request, f"duplicate:{pk}")
    if (found.first.restricted or found.second.restricted) and not reason:
        return redirect("citizens:duplicate", pk=pk)  # asks for the reason again
    merge_form, different_form = _candidate_forms(
        found.first, found.second, found.first, request.POST
    )
    if request.POST.get("decision") == "not_duplicate":
        if different_form.is_valid():
            duplicates.do_decide_not_duplicate(
                actor=request.user, candidate=found, note=different_form.cleaned_data["note"]
            )
            messages.success(request, _("Recorded as two different people"))
            return redirect("citizens:duplicates")
    elif merge_form.is_valid():
        keep = int(merge_form.cleaned_data["survivor"])
        survivor, other = (
            (found.first, found.second) if keep == found.first_id else (found.second, found.first)
        )
        try:
            merge = merging.do_merge_parties(
                actor=request.user,
                survivor=survivor,
                merged=other,
                candidate=found,
                reason=merge_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_action_errors(merge_form, error)
        else:
            messages.success(
                request,
                _("Records merged into %(reference)s. You can undo this until %(date)s.")
                % {
                    "reference": survivor.reference,
                    "date": timezone.localtime(merge.undo_until, council.zone).strftime("%d %B %Y"),
                },
            )
            return redirect("citizens:merge", pk=merge.pk)
    # Shown again with the errors (opening the pair is logged again, as any view of it is).
    page = duplicates.open_candidate(request.user, council, pk, reason=reason)
    return _candidate_page(request, page, merge_form, different_form, status=400)


def merges(request: HttpRequest) -> HttpResponse:
    council = _reviewer(request)
    found = duplicates.recent_merges(request.user, council)
    now = timezone.now()
    return _page(
        request,
        "citizens/duplicates/merges.html",
        {
            "merges": [{"merge": m, "may_undo": merging.may_undo(m, now)} for m in found],
            "active": MergeStatus.ACTIVE,
        },
    )


MOVED_LABELS = {
    "addresses": gettext_lazy("Addresses"),
    "contact_points": gettext_lazy("Phone numbers and email addresses"),
    "external_references": gettext_lazy("References in other systems"),
    "vulnerability_markers": gettext_lazy("Vulnerability markers"),
    "safety_markers": gettext_lazy("Staff-safety markers"),
    "household_memberships": gettext_lazy("Household memberships"),
    "representations": gettext_lazy("Representations"),
    "contact_links": gettext_lazy("Contacts"),
    "case_links": gettext_lazy("Cases"),
    "intervention_prompts": gettext_lazy("Early-intervention prompts"),
    "accessibility_needs": gettext_lazy("Accessibility needs (combined)"),
}


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """One merge: what moved, and undoing it inside the window."""
    council = _reviewer(request)
    found = duplicates.merge_of(request.user, council, pk)
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = merging.do_unmerge_parties(
                actor=request.user, merge=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Merge undone: %(merged)s is a separate record again.")
                % {"merged": outcome.merge.merged_reference},
            )
            return redirect("citizens:merge", pk=found.pk)
    moved = [
        {"label": MOVED_LABELS.get(name, name), "count": count}
        for name, count in found.moved.items()
    ]
    return _page(
        request,
        "citizens/duplicates/merge.html",
        {
            "merge": found,
            "moved": moved,
            "form": form,
            "may_undo": merging.may_undo(found),
        },
        status=400 if form.errors else 200,
    )
