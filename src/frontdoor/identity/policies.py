"""The one place that answers "may this user do this to that?".

Every view, API endpoint, action and selector asks here. A decision combines what the user's
roles allow (permissions held through groups) with which council the thing belongs to: staff act
for their home council and for councils they were explicitly granted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from frontdoor.core.models import Council

PERMISSION_PREFIX = "identity."


def has_permission(user: Any, permission: str) -> bool:
    """True when the user's roles grant `permission` (a PlatformPermission codename)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.has_perm(PERMISSION_PREFIX + permission))


def council_ids_for(user: Any) -> set[int]:
    """The ids of the councils the user may act for."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if has_permission(user, "act_across_councils"):
        return set(Council.objects.values_list("id", flat=True))
    cached = getattr(user, "_frontdoor_council_ids", None)
    if cached is None:
        cached = {grant.council_id for grant in user.council_grants.all()}
        if user.council_id:
            cached.add(user.council_id)
        user._frontdoor_council_ids = cached
    return set(cached)


def councils_for(user: Any) -> QuerySet[Council]:
    """The councils the user may act for."""
    return Council.objects.filter(id__in=council_ids_for(user))


def council_of(target: Any) -> int | None:
    """The id of the council that owns `target` (a council, a council-owned record, or None)."""
    if target is None:
        return None
    if isinstance(target, Council):
        return target.pk
    council_id = getattr(target, "council_id", None)
    if council_id is None:
        raise TypeError(f"{type(target).__name__} does not belong to a council")
    return int(council_id)


def may(user: Any, permission: str, target: Any = None) -> bool:
    """May `user` use `permission` on `target` (a council or a record owned by one)?"""
    if not has_permission(user, permission):
        return False
    council_id = council_of(target)
    return council_id is None or council_id in council_ids_for(user)


def require(user: Any, permission: str, target: Any = None) -> None:
    """Raise PermissionDenied unless `may(user, permission, target)`."""
    if not may(user, permission, target):
        raise PermissionDenied(permission)


def scope_to_councils(queryset: QuerySet[Any], user: Any, field: str = "council") -> QuerySet[Any]:
    """Restrict a queryset of council-owned records to the councils the user may act for."""
    return queryset.filter(**{f"{field}_id__in": council_ids_for(user)})
