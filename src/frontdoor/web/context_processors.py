"""What every page needs: the council acting for, the user's roles, and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for


def platform(request: HttpRequest) -> dict[str, Any]:
    from frontdoor.identity.roles import ROLE_LABELS, roles_of

    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None else []
    return {
        "council": getattr(request, "council", None),
        "user_roles": [ROLE_LABELS[r] for r in roles],
        "navigation": navigation_for(request),
    }
