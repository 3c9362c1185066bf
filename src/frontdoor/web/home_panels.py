"""What each role sees first on the home page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontdoor.identity.policies import has_permission


@dataclass
class Panel:
    title: str
    body: str
    links: list[tuple[str, str]] = field(default_factory=list)


def panels_for(user: Any, council: Any) -> list[Panel]:
    """Panels in priority order for the user's permissions; later apps add theirs."""
    panels: list[Panel] = []
    teams = list(user.teams.all().prefetch_related("services")) if user.is_authenticated else []
    if teams:
        served = sorted({s.name for t in teams for s in t.services.all()})
        panels.append(
            Panel(
                _("Your teams"),
                ", ".join(t.name for t in teams)
                + (" — " + _("serving") + " " + ", ".join(served) if served else ""),
            )
        )
    if has_permission(user, "view_audit"):
        panels.append(
            Panel(
                _("Audit"),
                _("See every change made and who viewed which record."),
                [
                    (_("Change log"), reverse("audit:changes")),
                    (_("Access log"), reverse("audit:access")),
                ],
            )
        )
    if has_permission(user, "manage_staff"):
        panels.append(
            Panel(
                _("Staff and teams"),
                _("Manage staff, roles and teams."),
                [(_("Staff and teams"), reverse("identity:staff"))],
            )
        )
    panels.append(
        Panel(
            _("Service catalogue"),
            _("The council's services, their families and queues."),
            [
                (_("Services"), reverse("core:services")),
                (_("Working-day calendar"), reverse("core:calendar")),
            ],
        )
    )
    return panels
