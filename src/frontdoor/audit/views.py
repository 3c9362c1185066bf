"""Pages: the change log and the read-access log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdoor.identity.policies import require

from . import selectors

PAGE_SIZE = 50


def changes(request: HttpRequest) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "view_audit", council)
    page = Paginator(selectors.changes_for(council), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(entry, selectors.readable_changes(entry)) for entry in page]
    return render(request, "audit/changes.html", {"page": page, "rows": rows})


def access(request: HttpRequest) -> HttpResponse:
    council = request.council  # type: ignore[attr-defined]
    require(request.user, "view_audit", council)
    page = Paginator(selectors.access_for(council), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/access.html", {"page": page})
