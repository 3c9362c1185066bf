"""Which council a request acts for."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from frontdoor.core.models import Council

SESSION_KEY = "frontdoor_council_id"


class CurrentCouncilMiddleware:
    """Sets `request.council`: the council chosen in the session if the user may act for it,
    else the user's home council, else the first council they were granted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.council = current_council(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def current_council(request: HttpRequest) -> Council | None:
    """The council the signed-in user is acting for, or None when signed out."""
    from frontdoor.identity.policies import council_ids_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    allowed = council_ids_for(user)
    chosen = request.session.get(SESSION_KEY)
    for candidate in (chosen, user.council_id):
        if candidate in allowed:
            return Council.objects.filter(pk=candidate).first()
    return Council.objects.filter(pk__in=allowed).order_by("name").first()
