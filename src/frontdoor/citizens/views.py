"""The agent desktop: find a person, their page (identity, needs, warnings, prompts and the
timeline of every contact and case the viewer may see), log a contact, open one contact, and
the team leader's early-intervention worklist and rules.

Views stay thin: they parse a form, call a selector or an action, and render. A restricted
record (a person or a contact) asks for a reason once; the reason is kept in the session for
half an hour so the agent can work, and every view in that time is logged with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.contacts import desktop
from frontdoor.contacts import early_intervention as intervention
from frontdoor.contacts.models import (
    Channel,
    EarlyInterventionRule,
    Outcome,
    PromptStatus,
    Resolution,
)
from frontdoor.core.models import Council, Service, ServiceFamily
from frontdoor.identity.policies import may

from .forms import (
    LogContactForm,
    PromptDecisionForm,
    ReasonForm,
    RuleForm,
    SearchForm,
    TimelineFilterForm,
)
from .models import AccessibilityNeeds, PartyRoleKind
from .policies import require_read_people
from .selectors import (
    MergedAway,
    ReasonRequired,
    TimelineFilters,
    open_party,
    person_page,
    search_parties,
)

REASON_SESSION_KEY = "frontdoor_resident_reasons"
REASON_MINUTES = 30
NEEDS_LABELS = {
    name: getattr(AccessibilityNeeds._meta.get_field(name), "verbose_name", name)
    for name in AccessibilityNeeds.FLAGS
}


# What a query was read as, in words.
QUERY_KINDS = {
    "name": gettext_lazy("name"),
    "phone": gettext_lazy("phone number"),
    "email": gettext_lazy("email address"),
    "postcode": gettext_lazy("postcode"),
    "uprn": gettext_lazy("UPRN"),
    "reference": gettext_lazy("reference"),
    "date_of_birth": gettext_lazy("date of birth"),
}


def council_of_request(request: HttpRequest) -> Council:
    council = getattr(request, "council", None)
    if council is None:
        raise Http404("council")
    return council


def sub_navigation(request: HttpRequest, council: Council) -> list[dict[str, Any]]:
    """The MOJ sub-navigation of every desktop page: finding a person, the team leaders'
    worklists and the information-governance worklists, each for those who may use it."""
    items = [(_("Find a person"), reverse("citizens:search"))]
    if may(request.user, "lead_team", council):
        items.append((_("Early-intervention prompts"), reverse("citizens:prompts")))
        items.append((_("Marker reviews"), reverse("citizens:marker-reviews")))
    if intervention.may_configure_rules(request.user, council):
        items.append((_("Prompt rules"), reverse("citizens:rules")))
    if may(request.user, "govern_information", council):
        items.append((_("Likely duplicates"), reverse("citizens:duplicates")))
        items.append((_("Merges"), reverse("citizens:merges")))
        items.append((_("Erasure requests"), reverse("citizens:erasure-requests")))
        items.append((_("Legal holds"), reverse("citizens:legal-holds")))
    return [
        {"label": label, "href": href, "current": request.path == href} for label, href in items
    ]


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    council = council_of_request(request)
    context.setdefault("sub_navigation", sub_navigation(request, council))
    return render(request, template, context, status=status)


def apply_action_errors(form: Any, error: ValidationError) -> None:
    """An action's ValidationError shown on the form, each message against its field."""
    if hasattr(error, "error_dict"):
        for name, found in error.message_dict.items():
            form.add_error(name if name in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


def _services(council: Council) -> list[tuple[str, str]]:
    return list(
        Service.objects.filter(council=council, active=True)
        .order_by("name")
        .values_list("service_id", "name")
    )


# Break-glass reasons ----------------------------------------------------------------------------


def _remember_reason(request: HttpRequest, key: str, reason: str) -> None:
    reasons = request.session.get(REASON_SESSION_KEY, {})
    until = timezone.now() + dt.timedelta(minutes=REASON_MINUTES)
    reasons[key] = [reason, until.isoformat()]
    request.session[REASON_SESSION_KEY] = reasons


def _reason_for(request: HttpRequest, key: str) -> str:
    """The break-glass reason this user gave for the record in the last half hour, if any."""
    stored = request.session.get(REASON_SESSION_KEY, {}).get(key)
    if not stored:
        return ""
    reason, until = stored
    if dt.datetime.fromisoformat(until) < timezone.now():
        return ""
    return str(reason)


def _reason_page(
    request: HttpRequest, form: ReasonForm, *, title: str, caption: str, back: str
) -> HttpResponse:
    return render_page(
        request,
        "citizens/reason.html",
        {"form": form, "title": title, "caption": caption, "back": back},
        status=400 if form.errors else 200,
    )


# Finding a person -------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    """One search box: name (typos and partial names), phone, email, postcode, UPRN, reference."""
    council = council_of_request(request)
    require_read_people(request.user, council)
    form = SearchForm(request.GET or None)
    outcome = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        outcome = search_parties(request.user, council, form.cleaned_data["q"])
    understood = [str(QUERY_KINDS.get(k, k)) for k in outcome.understood_as] if outcome else []
    return render_page(
        request,
        "citizens/search.html",
        {"form": form, "outcome": outcome, "understood": understood},
    )


# The person page --------------------------------------------------------------------------------


def _selected_filters(
    request: HttpRequest, form: TimelineFilterForm, filters: TimelineFilters
) -> list[dict[str, Any]]:
    """The MOJ filter's "selected filters": each with a link that removes it."""
    chosen = []
    labels = {
        "service": (_("Service"), form.service_names.get(filters.service or "", "")),
        "channel": (_("Channel"), dict(Channel.choices).get(filters.channel or "", "")),
        "date_from": (_("From"), filters.date_from.isoformat() if filters.date_from else ""),
        "date_to": (_("To"), filters.date_to.isoformat() if filters.date_to else ""),
    }
    for name, (heading, text) in labels.items():
        if not text:
            continue
        rest = {k: v for k, v in request.GET.items() if k != name and v}
        chosen.append(
            {
                "heading": heading,
                "text": str(text),
                "href": request.path + (f"?{urlencode(rest)}" if rest else ""),
            }
        )
    return chosen


CHANNELS = dict(Channel.choices)
OUTCOMES = dict(Outcome.choices)
RESOLUTIONS = dict(Resolution.choices)
ROLES = dict(PartyRoleKind.choices)


def _timeline(page: Any, cases: list[desktop.CaseEntry], notes: dict[int, list[Any]]) -> list[Any]:
    """Contacts and cases together, newest first, with the labels the page shows."""
    items: list[dict[str, Any]] = [
        {
            "kind": "contact",
            "at": entry.offered_at,
            "entry": entry,
            "notes": notes.get(entry.contact_id, []),
            "channel": CHANNELS.get(entry.channel, entry.channel),
            "source": (
                _("logged at the desktop")
                if entry.source == desktop.DESKTOP
                else _("from %(source)s") % {"source": entry.source}
            ),
            "outcome": OUTCOMES.get(entry.outcome, entry.outcome),
            "resolution": RESOLUTIONS.get(entry.resolution, ""),
            "role": ROLES.get(entry.role, ""),
        }
        for entry in page.timeline
    ]
    items.extend(
        {"kind": "case", "at": case.opened_at, "entry": case, "role": ROLES.get(case.role, "")}
        for case in cases
    )
    items.sort(key=lambda item: item["at"], reverse=True)
    return items[: page.filters.limit]


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, reference: str) -> HttpResponse:
    """The person page; a restricted person first asks why they are being opened."""
    council = council_of_request(request)
    require_read_people(request.user, council)
    key = f"party:{reference}"
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST" and reason_form.is_valid():
        _remember_reason(request, key, reason_form.cleaned_data["reason"])
        return redirect("citizens:person", reference=reference)
    services = _services(council)
    filter_form = TimelineFilterForm(request.GET or None, services=services)
    filters = filter_form.filters()
    try:
        page = person_page(
            request.user,
            reference,
            council=council,
            reason=_reason_for(request, key),
            filters=filters,
            follow_merges=True,
        )
    except MergedAway as merged:
        # A merged record's page (a bookmark, an old link) is the survivor's page now.
        return redirect("citizens:person", reference=merged.survivor)
    except ReasonRequired:
        return _reason_page(
            request,
            reason_form,
            title=_("This record is restricted"),
            caption=reference,
            back=reverse("citizens:search"),
        )
    party = page.party
    cases, cases_more = desktop.cases_of_party(
        request.user,
        party,
        service=filters.service,
        channel=filters.channel,
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=filters.limit,
    )
    notes = desktop.notes_of(
        request.user, council, [e.contact_id for e in page.timeline if not e.restricted]
    )
    needs = page.needs
    return render_page(
        request,
        "citizens/person.html",
        {
            "page": page,
            "party": party,
            "needs_flags": [NEEDS_LABELS[n] for n in needs.flags_set()] if needs else [],
            "needs": needs,
            "prompts": desktop.person_prompts(request.user, party),
            "timeline": _timeline(page, cases, notes),
            "timeline_more": page.timeline_more or cases_more,
            "filter_form": filter_form,
            "selected_filters": _selected_filters(request, filter_form, filters),
            "may_see_detail": may(request.user, "view_vulnerability_detail", party),
            "may_manage_safety": may(request.user, "manage_safety_markers", party),
            # Logging, opening cases and deciding prompts are desktop work (an IG officer reads).
            "may_log": may(request.user, "use_desktop", council),
            "may_decide": may(request.user, "use_desktop", party)
            or may(request.user, "lead_team", party),
            "channels": dict(Channel.choices),
            "age": _age(party.date_of_birth, council.local_date(timezone.now())),
        },
    )


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def open_person(request: HttpRequest, reference: str) -> Any:
    """The person an action page works on, opened (and logged) like the person page."""
    council = council_of_request(request)
    try:
        return open_party(
            request.user,
            reference,
            council=council,
            reason=_reason_for(request, f"party:{reference}"),
            follow_merges=True,
        )
    except MergedAway as merged:
        # Nothing is recorded against a merged record: it works on the survivor instead.
        reference = merged.survivor
    return open_party(
        request.user, reference, council=council, reason=_reason_for(request, f"party:{reference}")
    )


# Logging a contact ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, reference: str) -> HttpResponse:
    """Log a contact with the person (or complete the call's record): a few keystrokes."""
    council = council_of_request(request)
    try:
        party = open_person(request, reference)
    except ReasonRequired:
        return redirect("citizens:person", reference=reference)
    initial = {"telephony_id": request.GET.get("call", "")[:100]}
    form = LogContactForm(request.POST or None, services=_services(council), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            logged = desktop.do_log_contact(actor=request.user, party=party, **form.action_values())
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            if logged.created:
                messages.success(request, _("Contact logged"))
            else:
                messages.success(request, _("The call's record is completed with your wrap-up"))
            for prompt in logged.prompts:
                messages.warning(
                    request,
                    _("New early-intervention prompt: %(prompt)s") % {"prompt": prompt.text},
                )
            return redirect("citizens:person", reference=party.reference)
    return render_page(
        request,
        "citizens/log_contact.html",
        {"form": form, "party": party, "wrap_codes": desktop.WRAP_CODES},
        status=400 if form.errors else 200,
    )


# One contact ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, reference: str, pk: str) -> HttpResponse:
    """One of the person's contacts with its notes; a restricted one asks for a reason."""
    number = int(pk)
    try:
        party = open_person(request, reference)
    except ReasonRequired:
        return redirect("citizens:person", reference=reference)
    key = f"contact:{pk}"
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST" and reason_form.is_valid():
        _remember_reason(request, key, reason_form.cleaned_data["reason"])
        return redirect("citizens:contact", reference=reference, pk=number)
    try:
        page = desktop.open_contact(request.user, party, number, reason=_reason_for(request, key))
    except ReasonRequired:
        return _reason_page(
            request,
            reason_form,
            title=_("This contact is restricted"),
            caption=party.display_name,
            back=reverse("citizens:person", kwargs={"reference": reference}),
        )
    return render_page(
        request,
        "citizens/contact.html",
        {"party": party, "page": page, "contact": page.contact, "channels": dict(Channel.choices)},
    )


# Early-intervention prompts ---------------------------------------------------------------------


def prompts(request: HttpRequest) -> HttpResponse:
    """The team leader's worklist of prompts: open, actioned or dismissed."""
    council = council_of_request(request)
    status = request.GET.get("status", PromptStatus.OPEN)
    worklist = intervention.prompt_worklist(request.user, council, status=status)
    tabs = [
        {
            "label": label,
            "count": worklist.counts.get(value, 0),
            "href": f"{reverse('citizens:prompts')}?status={value}",
            "current": value == worklist.status,
        }
        for value, label in PromptStatus.choices
    ]
    return render_page(
        request,
        "citizens/prompts.html",
        {"worklist": worklist, "tabs": tabs, "status_label": dict(PromptStatus.choices)},
    )


@require_POST
def decide_prompt(request: HttpRequest, pk: int) -> HttpResponse:
    """Action or dismiss a prompt with a reason; back to where the form was."""
    council = council_of_request(request)
    try:
        prompt = intervention.open_prompt_of(request.user, council, pk)
    except PermissionDenied as error:
        raise Http404("prompt") from error
    form = PromptDecisionForm(request.POST, prefix_id=str(pk))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if form.is_valid():
        try:
            intervention.do_decide_prompt(
                actor=request.user,
                prompt=prompt,
                status=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(
                request,
                _("Prompt actioned")
                if form.cleaned_data["decision"] == "actioned"
                else _("Prompt dismissed"),
            )
            return redirect(
                back or reverse("citizens:person", kwargs={"reference": prompt.party.reference})
            )
    return render_page(
        request,
        "citizens/decide_prompt.html",
        {"form": form, "prompt": prompt, "back": back},
        status=400,
    )


# Rules ------------------------------------------------------------------------------------------


def _require_rules(request: HttpRequest) -> Council:
    council = council_of_request(request)
    if not intervention.may_configure_rules(request.user, council):
        raise PermissionDenied("lead_team")
    return council


def rules(request: HttpRequest) -> HttpResponse:
    council = _require_rules(request)
    services = dict(_services(council))
    found = intervention.rules_of(council, active_only=False)
    return render_page(request, "citizens/rules.html", {"rules": found, "service_names": services})


def _families(council: Council) -> list[tuple[str, str]]:
    return list(
        ServiceFamily.objects.filter(council=council)
        .order_by("name")
        .values_list("family_id", "name")
    )


@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change an early-intervention rule."""
    council = _require_rules(request)
    current = None
    initial: dict[str, Any] = {"across_services": True, "active": True}
    if pk is not None:
        current = EarlyInterventionRule.objects.filter(council=council, pk=pk).first()
        if current is None:
            raise Http404("rule")
        initial = {name: getattr(current, name) for name in intervention.RULE_FIELDS}
        initial["wrap_codes"] = ", ".join(current.wrap_codes or [])
    form = RuleForm(
        request.POST or None,
        services=_services(council),
        families=_families(council),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in intervention.RULE_FIELDS}
        try:
            saved = intervention.do_save_rule(
                actor=request.user,
                council=council,
                rule=current,
                rule_id="" if current else _rule_id(council, values["name"]),
                **values,
            )
        except ValidationError as error:
            apply_action_errors(form, error)
        else:
            messages.success(request, _("Rule %(name)s saved") % {"name": saved.name})
            return redirect("citizens:rules")
    return render_page(
        request,
        "citizens/rule.html",
        {"form": form, "rule": current},
        status=400 if form.errors else 200,
    )


def _rule_id(council: Council, name: str) -> str:
    from django.utils.text import slugify

    base = (slugify(name) or "rule")[:55]
    taken = set(
        EarlyInterventionRule.objects.filter(council=council, rule_id__startswith=base).values_list(
            "rule_id", flat=True
        )
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate
