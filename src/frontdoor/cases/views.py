"""Pages of cases: worklists, the case page and its actions, opening a case, handovers.

Views stay thin: they parse a form, call one action or selector, and render. A restricted case
asks for a reason once (break-glass); the reason is kept in the session for a short while so
the officer can work the case, and every view in that time is logged with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from frontdoor.audit.models import AccessKind
from frontdoor.audit.recorder import record_access
from frontdoor.citizens.selectors import parties_visible_to
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council
from frontdoor.identity.models import User

from . import actions, case_type_actions, policies, selectors
from .forms import (
    AssignForm,
    AttachForm,
    BounceForm,
    CaseTypeForm,
    ClockEventForm,
    HandoverForm,
    KpiPeriodForm,
    NewCaseTypeForm,
    NoteForm,
    OmbudsmanForm,
    OpenCaseForm,
    ReasonForm,
    ReportPeriodForm,
    StageTwoForm,
    StatusForm,
    StatusUpdateForm,
    UpdatesSwitchForm,
)
from .models import Case, CaseType, Handover, StatusUpdateRule

REASON_SESSION_KEY = "frontdoor_case_reasons"
REASON_MINUTES = 30


def _council(request: HttpRequest) -> Council:
    council = getattr(request, "council", None)
    if council is None:
        raise Http404("council")
    return council


def sub_navigation(request: HttpRequest, escalations_waiting: int = 0) -> list[dict[str, Any]]:
    """The MOJ sub-navigation of the case pages; team leaders (and anyone with escalations
    waiting) get their escalations, with a badge counting those waiting."""
    council = getattr(request, "council", None)
    items: list[tuple[str, str, int]] = [
        (_("My cases"), reverse("cases:mine"), 0),
        (_("My team's cases"), reverse("cases:team"), 0),
        (_("Overdue"), reverse("cases:overdue"), 0),
        (_("Due soon"), reverse("cases:due-soon"), 0),
    ]
    if escalations_waiting or (council is not None and policies.may_lead(request.user, council)):
        items.append((_("Escalations"), reverse("cases:escalations"), escalations_waiting))
    items += [
        (_("Handovers"), reverse("cases:handovers"), 0),
        (_("Handover report"), reverse("cases:handover-report"), 0),
    ]
    if council is not None and policies.may_view_kpis(request.user, council):
        items.append((_("Case KPIs"), reverse("cases:kpis"), 0))
    if council is not None and policies.may_configure(request.user, council):
        items.append((_("Updates to residents"), reverse("cases:updates"), 0))
        items.append((_("Case types"), reverse("cases:types"), 0))
    return [
        {"label": label, "href": href, "current": request.path == href, "badge": badge}
        for label, href, badge in items
    ]


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    council = _council(request)
    # Counted once per page: the banner and the sub-navigation's badge both show it.
    waiting = selectors.escalations_awaiting_count(request.user, council)
    context.setdefault("escalations_waiting", waiting)
    context.setdefault("sub_navigation", sub_navigation(request, waiting))
    context.setdefault("may_open_cases", policies.may_open_cases(request.user, council))
    return render(request, template, context, status=status)


def _apply_errors(form: Any, error: ValidationError) -> None:
    """An action's ValidationError shown on the form, each message against its field."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# Worklists --------------------------------------------------------------------------------------


WORKLIST_TITLES = {
    "mine": gettext_lazy("My cases"),
    "team": gettext_lazy("My team's cases"),
    "overdue": gettext_lazy("Overdue cases"),
    "due-soon": gettext_lazy("Cases due soon"),
}


def _worklist_view(name: str) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        council = _council(request)
        actions.ensure_case_types(council)
        team_id = request.GET.get("team")
        data = selectors.worklist(
            request.user,
            council,
            name,
            team_id=int(team_id) if team_id and team_id.isdigit() else None,
            mine_only=request.GET.get("whose") == "mine",
        )
        return _render(
            request,
            "cases/worklist.html",
            {
                "title": str(WORKLIST_TITLES[name]),
                "worklist": data,
                "team_totals": selectors.team_totals(data.counts),
            },
        )

    view.__name__ = f"worklist_{name.replace('-', '_')}"
    return view


mine = _worklist_view("mine")
team = _worklist_view("team")
overdue = _worklist_view("overdue")
due_soon = _worklist_view("due-soon")


# Escalations ------------------------------------------------------------------------------------


def escalations(request: HttpRequest) -> HttpResponse:
    """The escalations waiting for the viewer to acknowledge them, oldest deadline first."""
    council = _council(request)
    listing = selectors.escalation_list(request.user, council)
    return _render(
        request,
        "cases/escalations.html",
        # The page is the list: no banner pointing at it.
        {"listing": listing, "escalations_waiting": 0},
    )


@require_POST
def acknowledge_escalation(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge an escalation, then back to the list or the case it came from."""
    escalation = selectors.escalation_to_acknowledge(request.user, _council(request), pk)
    already = escalation.acknowledged_at is not None
    escalation = actions.do_acknowledge_escalation(actor=request.user, escalation=escalation)
    reference = escalation.case.reference
    if already and escalation.acknowledged_by is not None:
        messages.info(
            request,
            _("%(name)s had already acknowledged the escalation of %(reference)s")
            % {"name": escalation.acknowledged_by.display_name, "reference": reference},
        )
    else:
        messages.success(
            request, _("Escalation of %(reference)s acknowledged") % {"reference": reference}
        )
    # A fixed choice of where to go back to, never a URL from the form.
    if request.POST.get("back") == "list":
        return redirect("cases:escalations")
    return redirect(reverse("cases:case", kwargs={"reference": reference}) + "#escalations")


# Opening a case ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new_case(request: HttpRequest) -> HttpResponse:
    """Open a case; with ?contact=<id> (the desktop's button) it is opened from that contact."""
    council = _council(request)
    policies.require_open_cases(request.user, council)
    actions.ensure_case_types(council)
    contact = None
    contact_id = request.GET.get("contact") or request.POST.get("contact")
    if contact_id:
        if not str(contact_id).isdigit():
            raise Http404("contact")
        contact = (
            Contact.objects.filter(council=council, pk=int(contact_id))
            .select_related("service")
            .first()
        )
        if contact is None:
            raise Http404("contact")
        if contact.sensitivity != "normal" and not policies.may_open_restricted(
            request.user, council
        ):
            raise Http404("contact")
    initial: dict[str, Any] = {}
    if contact is not None:
        initial["service"] = contact.service_id
    form = OpenCaseForm(
        request.POST or None, council=council, from_contact=contact is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parties = []
        if data.get("party_reference"):
            party = (
                parties_visible_to(request.user)
                .filter(council=council, reference=data["party_reference"].strip().upper())
                .first()
            )
            if party is None:
                form.add_error("party_reference", _("No resident has that reference"))
            else:
                parties.append(actions.NewParty(party, data.get("party_role") or "subject"))
        if not form.errors:
            try:
                case = actions.do_open_case(
                    actor=request.user,
                    council=council,
                    case_type=data["case_type"],
                    service=data["service"],
                    summary=data["summary"],
                    details=data["details"],
                    received_on=data.get("received_on"),
                    contact=contact,
                    priority=data["priority"],
                    sensitivity=data["sensitivity"],
                    parties=parties,
                    anonymous=data["anonymous"],
                    owner_team=data["owner_team"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Case %(reference)s opened") % {"reference": case.reference}
                )
                if case.restricted:
                    _remember_reason(request, case.reference, _("Opened the case"))
                return redirect("cases:case", reference=case.reference)
    received = council.local_date(contact.offered_at) if contact is not None else None
    return _render(
        request,
        "cases/new.html",
        {"form": form, "contact": contact, "received": received},
        status=400 if form.errors else 200,
    )


# The case page ----------------------------------------------------------------------------------


def _remember_reason(request: HttpRequest, reference: str, reason: str) -> None:
    reasons = request.session.get(REASON_SESSION_KEY, {})
    until = timezone.now() + dt.timedelta(minutes=REASON_MINUTES)
    reasons[reference] = [reason, until.isoformat()]
    request.session[REASON_SESSION_KEY] = reasons


def _reason_for(request: HttpRequest, reference: str) -> str:
    """The break-glass reason this user gave for the case in the last half hour, if any."""
    stored = request.session.get(REASON_SESSION_KEY, {}).get(reference)
    if not stored:
        return ""
    reason, until = stored
    if dt.datetime.fromisoformat(until) < timezone.now():
        return ""
    return str(reason)


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The case page; a restricted case first asks why it is being opened."""
    council = _council(request)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _remember_reason(request, reference, form.cleaned_data["reason"])
        return redirect("cases:case", reference=reference)
    try:
        page = selectors.case_page(
            request.user, council, reference, reason=_reason_for(request, reference)
        )
    except selectors.ReasonRequired:
        return _render(
            request,
            "cases/reason.html",
            {"form": form, "reference": reference},
            status=400 if form.errors else 200,
        )
    return _render(request, "cases/case.html", {"page": page, "case": page.case})


def _case_for_action(request: HttpRequest, reference: str, view: str) -> Case:
    """The case an action page works on, opened (and logged) like the case page."""
    return selectors.open_case(
        request.user,
        _council(request),
        reference,
        reason=_reason_for(request, reference),
        view=view,
    )


def _action_page(
    request: HttpRequest,
    reference: str,
    *,
    view: str,
    title: str,
    button: str,
    make_form: Callable[[Case, Any], Any],
    act: Callable[[Case, Any], str],
    files: bool = False,
) -> HttpResponse:
    """One action on a case as a GOV.UK question page: the form, its errors, then back to the
    case with a success message."""
    try:
        case = _case_for_action(request, reference, view)
    except selectors.ReasonRequired:
        return redirect("cases:case", reference=reference)
    data = request.POST if request.method == "POST" else None
    form = make_form(case, (data, request.FILES) if files and data is not None else data)
    if request.method == "POST" and form.is_valid():
        try:
            done = act(case, form)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("cases:case", reference=case.reference)
    return _render(
        request,
        "cases/action.html",
        {"form": form, "case": case, "title": title, "button": button, "files": files},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> StatusForm:
        policies.require_work(request.user, case)
        choices = [
            (code, case.case_type.status_label(code))
            for code in case.case_type.allowed_from(case.status)
        ]
        return StatusForm(data, choices=choices)

    def act(case: Case, form: StatusForm) -> str:
        actions.do_change_status(
            actor=request.user,
            case=case,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        return _("Status changed")

    return _action_page(
        request,
        reference,
        view="cases.case.status",
        title=_("Change the status"),
        button=_("Change status"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> NoteForm:
        policies.require_note(request.user, case)
        form = NoteForm(data)
        if not policies.may_open_restricted(request.user, case):
            form.fields["sensitivity"].choices = [("normal", _("Normal"))]  # type: ignore[attr-defined]
        return form

    def act(case: Case, form: NoteForm) -> str:
        actions.do_add_note(
            actor=request.user,
            case=case,
            text=form.cleaned_data["text"],
            sensitivity=form.cleaned_data["sensitivity"],
        )
        return _("Note added")

    return _action_page(
        request,
        reference,
        view="cases.case.note",
        title=_("Add a note"),
        button=_("Add note"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def record_clock_event(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> ClockEventForm:
        policies.require_work(request.user, case)
        return ClockEventForm(data, allowed=actions.allowed_clock_events(case))

    def act(case: Case, form: ClockEventForm) -> str:
        kind, reason = form.event_parts()
        actions.do_record_clock_event(
            actor=request.user,
            case=case,
            kind=kind,
            reason=reason,
            on=form.cleaned_data["on"],
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        )
        return _("Clock updated")

    return _action_page(
        request,
        reference,
        view="cases.case.clock",
        title=_("Record a clock event"),
        button=_("Record"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> HandoverForm:
        policies.require_note(request.user, case)
        return HandoverForm(data, case=case)

    def act(case: Case, form: HandoverForm) -> str:
        handover = actions.do_hand_over(
            actor=request.user,
            case=case,
            to_team=form.cleaned_data["to_team"],
            service=form.cleaned_data["service"],
            note=form.cleaned_data["note"],
        )
        return _("Handed over to %(team)s") % {"team": handover.to_team.name}

    return _action_page(
        request,
        reference,
        view="cases.case.hand_over",
        title=_("Hand over the case"),
        button=_("Hand over"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> AssignForm:
        policies.require_work(request.user, case)
        members = (
            list(
                User.objects.filter(teammembership__team_id=case.owner_team_id).order_by(
                    "first_name", "last_name", "username"
                )
            )
            if case.owner_team_id is not None
            else []
        )
        return AssignForm(data, members=members, initial={"owner": case.owner_id or ""})

    def act(case: Case, form: AssignForm) -> str:
        owner_id = form.cleaned_data["owner"]
        owner = User.objects.filter(pk=int(owner_id)).first() if owner_id else None
        actions.do_assign(actor=request.user, case=case, owner=owner)
        return _("Owner changed")

    return _action_page(
        request,
        reference,
        view="cases.case.assign",
        title=_("Assign the case"),
        button=_("Assign"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def attach(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> AttachForm:
        policies.require_note(request.user, case)
        form = AttachForm(*(data if isinstance(data, tuple) else (data,)))
        if not policies.may_open_restricted(request.user, case):
            form.fields["sensitivity"].choices = [("normal", _("Normal"))]  # type: ignore[attr-defined]
        return form

    def act(case: Case, form: AttachForm) -> str:
        actions.do_attach(
            actor=request.user,
            case=case,
            upload=form.cleaned_data["file"],
            sensitivity=form.cleaned_data["sensitivity"],
        )
        return _("File attached")

    return _action_page(
        request,
        reference,
        view="cases.case.attach",
        title=_("Attach a file"),
        button=_("Attach file"),
        make_form=make,
        act=act,
        files=True,
    )


@require_http_methods(["GET", "POST"])
def stage_two(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> StageTwoForm:
        policies.require_work(request.user, case)
        return StageTwoForm(data)

    def act(case: Case, form: StageTwoForm) -> str:
        actions.do_start_stage_two(
            actor=request.user, case=case, requested_on=form.cleaned_data["requested_on"]
        )
        return _("The complaint is at stage 2")

    return _action_page(
        request,
        reference,
        view="cases.case.stage",
        title=_("Move the complaint to stage 2"),
        button=_("Move to stage 2"),
        make_form=make,
        act=act,
    )


@require_http_methods(["GET", "POST"])
def ombudsman(request: HttpRequest, reference: str) -> HttpResponse:
    def make(case: Case, data: Any) -> OmbudsmanForm:
        policies.require_work(request.user, case)
        return OmbudsmanForm(data)

    def act(case: Case, form: OmbudsmanForm) -> str:
        actions.do_record_ombudsman_referral(
            actor=request.user,
            case=case,
            referred_on=form.cleaned_data["referred_on"],
            reference=form.cleaned_data["reference"],
        )
        return _("Ombudsman referral recorded")

    return _action_page(
        request,
        reference,
        view="cases.case.ombudsman",
        title=_("Record a referral to the ombudsman"),
        button=_("Record referral"),
        make_form=make,
        act=act,
    )


def attachment(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """Download a file of the case (logged like a view of the case)."""
    try:
        case = _case_for_action(request, reference, "cases.case.attachment")
    except selectors.ReasonRequired as error:
        raise Http404("case") from error
    file = get_object_or_404(case.attachments, pk=pk)
    if not policies.may_see(request.user, case, file.sensitivity):
        raise Http404("attachment")
    record_access(
        actor=request.user,
        view="cases.attachment",
        instance=file,
        subject=selectors.case_subject(case),
        kind=AccessKind.EXPORT,
        council_id=case.council_id,
    )
    return FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.name, content_type=file.content_type
    )


# Handovers --------------------------------------------------------------------------------------


def handovers(request: HttpRequest) -> HttpResponse:
    """The handover inbox of the user's teams: to accept or bounce, and bounced back."""
    council = _council(request)
    inbox = selectors.handover_inbox(request.user, council)
    return _render(request, "cases/handovers.html", {"inbox": inbox})


def _handover(request: HttpRequest, pk: int) -> Handover:
    council = _council(request)
    visible = policies.visible_sensitivities(request.user, council)
    handover = (
        Handover.objects.filter(council=council, pk=pk, case__sensitivity__in=visible)
        .select_related("case__case_type", "to_team", "from_team", "service")
        .first()
    )
    if handover is None:
        raise Http404("handover")
    return handover


@require_POST
def accept_handover(request: HttpRequest, pk: int) -> HttpResponse:
    handover = _handover(request, pk)
    try:
        actions.do_accept_handover(actor=request.user, handover=handover)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("You accepted %(reference)s") % {"reference": handover.case.reference}
        )
    return redirect("cases:case", reference=handover.case.reference)


@require_http_methods(["GET", "POST"])
def bounce_handover(request: HttpRequest, pk: int) -> HttpResponse:
    handover = _handover(request, pk)
    form = BounceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_bounce_handover(
                actor=request.user, handover=handover, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s was bounced back to %(team)s")
                % {
                    "reference": handover.case.reference,
                    "team": handover.from_team.name if handover.from_team else _("its sender"),
                },
            )
            return redirect("cases:handovers")
    return _render(
        request,
        "cases/action.html",
        {
            "form": form,
            "case": handover.case,
            "title": _("Bounce the handover"),
            "button": _("Bounce"),
            "handover": handover,
        },
        status=400 if form.errors else 200,
    )


def handover_report(request: HttpRequest) -> HttpResponse:
    """Bounce rates and time in service, per service, for a period."""
    council = _council(request)
    form = ReportPeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.handover_report(request.user, council, start=start, end=end)
    return _render(
        request,
        "cases/handover_report.html",
        {"form": form, "rows": rows, "start": start, "end": end},
        status=400 if form.errors else 200,
    )


# Case KPIs and updates to residents -------------------------------------------------------------


def case_kpis(request: HttpRequest) -> HttpResponse:
    """Open, opened, closed, met, time to close, ageing and chasing, by type, service and team."""
    council = _council(request)
    if not policies.may_view_kpis(request.user, council):
        raise PermissionDenied("view_performance")
    form = KpiPeriodForm(request.GET or None, today=selectors.local_today(council))
    if request.GET and not form.is_valid():
        return _render(request, "cases/kpis.html", {"form": form}, status=400)
    if not request.GET:
        form = KpiPeriodForm({}, today=selectors.local_today(council))
        form.is_valid()
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    kpis = selectors.case_kpis(request.user, council, start, end)
    return _render(
        request,
        "cases/kpis.html",
        {
            "form": form,
            "kpis": kpis,
            "dimensions": [
                ("type", _("By type of case"), kpis.by_type),
                ("service", _("By service"), kpis.by_service),
                ("team", _("By team"), kpis.by_team),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def updates(request: HttpRequest) -> HttpResponse:
    """The council's switch for status updates to residents and which statuses send one."""
    council = _council(request)
    policies.require_configure(request.user, council)
    actions.ensure_case_types(council)
    form = StatusUpdateForm(
        request.POST or None, council=council, initial={"language": "en", "active": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_status_update(
                actor=request.user,
                case_type=data["case_type"],
                status=data["status"].strip(),
                language=data["language"],
                status_text=data["status_text"],
                next_steps=data["next_steps"],
                active=data["active"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Update saved"))
            return redirect("cases:updates")
    rules = StatusUpdateRule.objects.filter(council=council).select_related("case_type")
    return _render(
        request,
        "cases/updates.html",
        {
            "form": form,
            "switch": selectors.resident_updates_of(council),
            "rules": rules.order_by("case_type__name", "status", "language"),
            "types": CaseType.objects.filter(council=council, active=True).order_by("name"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def switch_updates(request: HttpRequest) -> HttpResponse:
    council = _council(request)
    form = UpdatesSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404("switch")
    switch = actions.do_switch_resident_updates(
        actor=request.user, council=council, on=form.cleaned_data["on"]
    )
    messages.success(
        request,
        _("Updates to residents are on") if switch.on else _("Updates to residents are off"),
    )
    return redirect("cases:updates")


@require_POST
def default_updates(request: HttpRequest) -> HttpResponse:
    council = _council(request)
    created = actions.do_use_default_updates(actor=request.user, council=council)
    messages.success(request, _("%(count)s default updates added") % {"count": len(created)})
    return redirect("cases:updates")


# Configuring case types -------------------------------------------------------------------------


def case_types(request: HttpRequest) -> HttpResponse:
    """The council's case types, for its administrators to configure."""
    council = _council(request)
    policies.require_configure(request.user, council)
    actions.ensure_case_types(council)
    types = selectors.configurable_case_types(request.user, council)
    return _render(
        request,
        "cases/case_types.html",
        {"types": [(case_type, selectors.clock_summary(case_type)) for case_type in types]},
    )


@require_http_methods(["GET", "POST"])
def edit_case_type(request: HttpRequest, type_id: str) -> HttpResponse:
    """One case type's name, statuses, transitions and clock, saved through
    `do_configure_case_type` (whose checks show in the error summary)."""
    council = _council(request)
    case_type = selectors.configurable_case_type(request.user, council, type_id)
    form = CaseTypeForm(
        request.POST or None,
        case_type=case_type,
        procedures=selectors.procedure_choices(council),
    )
    if request.method == "POST" and form.is_valid():
        statuses, transitions = form.workflow()
        clock_policy, clock_params = form.clock()
        try:
            actions.do_configure_case_type(
                actor=request.user,
                council=council,
                type_id=case_type.type_id,
                name=form.cleaned_data["name"].strip(),
                kind=case_type.kind,
                statuses=statuses,
                initial_status=form.cleaned_data["initial_status"],
                transitions=transitions,
                clock_policy=clock_policy,
                clock_params=clock_params,
                active=form.cleaned_data["active"],
            )
        except ValidationError as error:
            # The workflow's problems belong to the whole table (the summary links to it); the
            # clock's to the clock's question.
            clock_field = "clock" if "clock" in form.fields else "procedure"
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for key, problems in errors.items():
                field = clock_field if key == "clock_policy" else key
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("%(name)s saved") % {"name": form.cleaned_data["name"]})
            return redirect("cases:types")
    return _render(
        request,
        "cases/case_type.html",
        {
            "form": form,
            "case_type": case_type,
            "rows": form.status_rows(),
            "deletable": not case_type_actions.deletion_blockers(case_type),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def new_case_type(request: HttpRequest) -> HttpResponse:
    """Add a case type: its name and id, kind, clock and starting statuses (the usual ones for
    its kind or a copy of another type's); then on to its edit page to refine the workflow."""
    council = _council(request)
    policies.require_configure(request.user, council)
    actions.ensure_case_types(council)
    form = NewCaseTypeForm(
        request.POST or None,
        council=council,
        templates=selectors.case_types_of(council, active_only=False).order_by("name"),
        procedures=selectors.procedure_choices(council),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        clock_policy, clock_params = form.clock()
        try:
            case_type = case_type_actions.do_create_case_type(
                actor=request.user,
                council=council,
                type_id=data["type_id"],
                name=data["name"],
                kind=data["kind"],
                template=data["template"],
                copy_clock=form.copies_clock(),
                clock_policy=clock_policy,
                clock_params=clock_params,
            )
        except ValidationError as error:
            # A clock problem belongs to the question that gave the clock.
            clock_field = (
                "copy_clock"
                if form.copies_clock()
                else "procedure"
                if data["kind"] == "complaint"
                else "amount"
            )
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for key, problems in errors.items():
                field = clock_field if key == "clock_policy" else key
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                _("%(name)s added: check its statuses, moves and clock") % {"name": case_type.name},
            )
            return redirect("cases:type", type_id=case_type.type_id)
    return _render(
        request, "cases/case_type_new.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
def retire_case_type(request: HttpRequest, type_id: str) -> HttpResponse:
    """Stop offering a type for new cases; its cases keep it, and it stays on the list."""
    case_type = selectors.configurable_case_type(request.user, _council(request), type_id)
    case_type_actions.do_retire_case_type(actor=request.user, case_type=case_type)
    messages.success(
        request,
        _("%(name)s retired: it is no longer offered for new cases, and its cases keep it")
        % {"name": case_type.name},
    )
    return redirect("cases:types")


@require_POST
def reinstate_case_type(request: HttpRequest, type_id: str) -> HttpResponse:
    """Offer a retired type for new cases again."""
    case_type = selectors.configurable_case_type(request.user, _council(request), type_id)
    case_type_actions.do_reinstate_case_type(actor=request.user, case_type=case_type)
    messages.success(
        request, _("%(name)s reinstated: it is offered for new cases") % {"name": case_type.name}
    )
    return redirect("cases:types")


@require_http_methods(["GET", "POST"])
def delete_case_type(request: HttpRequest, type_id: str) -> HttpResponse:
    """Ask before deleting a type no case used; explain why not for any other type."""
    case_type = selectors.configurable_case_type(request.user, _council(request), type_id)
    reasons = case_type_actions.deletion_blockers(case_type)
    if request.method == "POST" and not reasons:
        name = case_type.name
        try:
            case_type_actions.do_delete_case_type(actor=request.user, case_type=case_type)
        except ValidationError as error:
            # Used since the page was shown: say why, as the page would now.
            reasons = error.messages
        else:
            messages.success(request, _("%(name)s deleted") % {"name": name})
            return redirect("cases:types")
    return _render(
        request,
        "cases/case_type_delete.html",
        {"case_type": case_type, "reasons": reasons},
        status=400 if request.method == "POST" else 200,
    )
