"""Pages: staff and teams of the council, adding, editing and erasing staff."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import actions, selectors
from .forms import EraseForm, StaffForm
from .models import ExternalIdentity, Team, TeamMembership, User
from .policies import require
from .roles import roles_of

TELEPHONY = "telephony"


def staff(request: HttpRequest) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "manage_staff", council)
    return render(
        request,
        "identity/staff.html",
        {"teams": selectors.teams_of(council), "people": selectors.staff_of(council)},
    )


def add_staff_member(request: HttpRequest) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "manage_staff", council)
    form = StaffForm(request.POST if request.method == "POST" else None, council=council)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            data = form.cleaned_data
            person = actions.do_create_staff_member(
                actor=request.user,
                council=council,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
            )
            _apply_teams_and_ids(request, person, data)
        messages.success(request, _("%(name)s was added.") % {"name": person.display_name})
        return redirect("identity:staff")
    return render(request, "identity/staff_form.html", {"form": form, "person": None})


def edit_staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "manage_staff", council)
    person = get_object_or_404(selectors.staff_of(council), pk=pk)
    initial = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "roles": roles_of(person),
        "teams": list(person.teams.filter(council=council)),
        "telephony_id": ExternalIdentity.objects.filter(user=person, system=TELEPHONY)
        .values_list("external_id", flat=True)
        .first()
        or "",
    }
    form = StaffForm(
        request.POST if request.method == "POST" else None,
        council=council,
        user=person,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            actions.do_update_staff_member(
                actor=request.user,
                user=person,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
            actions.do_set_roles(actor=request.user, user=person, roles=data["roles"])
            _apply_teams_and_ids(request, person, data)
        messages.success(request, _("The changes were saved."))
        return redirect("identity:staff")
    return render(request, "identity/staff_form.html", {"form": form, "person": person})


def _apply_teams_and_ids(request: HttpRequest, person: User, data: dict) -> None:
    wanted = set(data["teams"])
    current = {m.team for m in TeamMembership.objects.filter(user=person).select_related("team")}
    for team in wanted - current:
        actions.do_add_to_team(actor=request.user, user=person, team=team)
    for team in current - wanted:
        if isinstance(team, Team):
            actions.do_remove_from_team(actor=request.user, user=person, team=team)
    if data.get("telephony_id"):
        actions.do_link_external_identity(
            actor=request.user, user=person, system=TELEPHONY, external_id=data["telephony_id"]
        )


def erase_staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "manage_staff", council)
    person = get_object_or_404(selectors.staff_of(council), pk=pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if person.pk == request.user.pk:
            form.add_error(None, _("You cannot erase yourself."))
        else:
            actions.do_erase_staff_member(actor=request.user, user=person)
            messages.success(request, _("The person's data was erased."))
            return redirect("identity:staff")
    return render(request, "identity/staff_erase.html", {"form": form, "person": person})
