"""Pages of omnichannel intake: the live wallboard of the council's queues."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from .consumers import PERMISSION
from .selectors import board_for


def _council(request: HttpRequest) -> Council:
    """The council the request acts for, if the user may watch its queues."""
    require(request.user, PERMISSION)
    council: Council | None = request.council  # type: ignore[attr-defined]
    if council is None:
        raise Http404("council")
    require(request.user, PERMISSION, council)
    return council


@require_GET
def wallboard(request: HttpRequest) -> HttpResponse:
    """Every live queue now, its tier and what to do, and today's tier history.

    The page is complete without script (with a link to refresh it); its script then keeps it
    up to date over a websocket.
    """
    council = _council(request)
    return render(
        request,
        "omnichannel/wallboard.html",
        {"board": board_for(council), "socket_path": f"/ws/live/{council.slug}/"},
    )
