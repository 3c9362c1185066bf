"""The platform's roles, as groups holding the platform permissions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

AGENT = "agent"
TEAM_LEADER = "team_leader"
SERVICE_OFFICER = "service_officer"
PERFORMANCE_ANALYST = "performance_analyst"
PLANNER = "planner"
IG_OFFICER = "ig_officer"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    AGENT: _("Contact-centre agent"),
    TEAM_LEADER: _("Team leader"),
    SERVICE_OFFICER: _("Service officer"),
    PERFORMANCE_ANALYST: _("Performance analyst"),
    PLANNER: _("Planner"),
    IG_OFFICER: _("Information-governance officer"),
    ADMINISTRATOR: _("Administrator"),
}

# What each role may do. The policy module is the only reader of this table.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    AGENT: {"use_desktop"},
    TEAM_LEADER: {
        "use_desktop",
        "lead_team",
        "view_performance",
        "plan_staffing",
        "view_vulnerability_detail",
        "manage_safety_markers",
        "open_restricted",
    },
    SERVICE_OFFICER: {"handle_cases", "open_restricted"},
    PERFORMANCE_ANALYST: {"view_performance", "publish_performance", "import_contacts"},
    PLANNER: {"view_performance", "plan_staffing"},
    IG_OFFICER: {
        "view_audit",
        "govern_information",
        "view_vulnerability_detail",
        "manage_safety_markers",
        "open_restricted",
    },
    ADMINISTRATOR: {
        "administer_council",
        "manage_staff",
        "view_audit",
        "view_performance",
        "import_contacts",
        "import_residents",
        "configure_cases",
    },
}


def ensure_roles(**_kwargs: Any) -> None:
    """Create the role groups and give them their permissions (idempotent; runs after migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from .models import PlatformPermission

    content_type = ContentType.objects.get_for_model(PlatformPermission, for_concrete_model=False)
    for codename, name in PlatformPermission._meta.permissions:
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": str(name)}
        )
    by_codename = {p.codename: p for p in Permission.objects.filter(content_type=content_type)}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*(by_codename[c] for c in codenames))


def roles_of(user: Any) -> list[str]:
    """The role names a user holds, in the table's order."""
    if not getattr(user, "is_authenticated", False):
        return []
    names = {g.name for g in user.groups.all()}
    return [role for role in ROLE_PERMISSIONS if role in names]
