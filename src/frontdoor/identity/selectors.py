"""Reads of staff and teams, one council at a time."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from frontdoor.core.models import Council

from .models import Team, TeamMembership, User


def teams_of(council: Council) -> QuerySet[Team]:
    return Team.objects.filter(council=council).prefetch_related(
        "services",
        Prefetch("teammembership_set", queryset=TeamMembership.objects.select_related("user")),
    )


def staff_of(council: Council) -> QuerySet[User]:
    return (
        User.objects.filter(council=council, erased_at__isnull=True)
        .prefetch_related("groups", "teams")
        .order_by("last_name", "first_name")
    )
