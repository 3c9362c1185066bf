"""Signed out, a user reaches only sign-in, the health check, static files, the accessibility
statement and the API (which answers 401 itself)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

PUBLIC_PREFIXES = ("/static/", "/api/", "/healthz", "/accessibility", "/branding/", "/oidc/")


class SignInRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated or self.is_public(request.path):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))

    @staticmethod
    def is_public(path: str) -> bool:
        return path == reverse(settings.LOGIN_URL) or path.startswith(PUBLIC_PREFIXES)
