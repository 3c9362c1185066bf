"""Error pages: GOV.UK-styled for people, JSON under /api/ for machines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"error": _("You do not have permission to do that.")}, status=403)
    return render(request, "web/errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        if not request.user.is_authenticated and not request.headers.get("Authorization"):
            return JsonResponse(
                {"error": _("Authentication required: send a valid bearer token.")}, status=401
            )
        return JsonResponse({"error": _("Not found.")}, status=404)
    return render(request, "web/errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": _("Something went wrong on our side; it has been logged.")}, status=500
        )
    # A plain template: the context processors may be what failed.
    return render(request, "web/errors/500.html", status=500)
