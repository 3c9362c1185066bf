"""The home page, sign-in and sign-out, the accessibility statement, health and branding."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from frontdoor.core.middleware import SESSION_KEY
from frontdoor.core.models import Council
from frontdoor.identity.policies import council_ids_for

from . import health, home_panels
from .branding import council_css
from .forms import SignInForm


def home(request: HttpRequest) -> HttpResponse:
    """Each role sees first what it needs first."""
    panels = home_panels.panels_for(request.user, request.council)  # type: ignore[attr-defined]
    return render(request, "web/home.html", {"panels": panels})


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        from django.conf import settings

        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.FRONTDOOR_OIDC_ENABLED,
        }


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:sign-in")


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Checks the database and, when configured, Redis; 503 when any is down."""
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@require_GET
def branding_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The council's colours as a stylesheet (a file, so the CSP can forbid inline styles)."""
    council = get_object_or_404(Council, slug=slug)
    response = HttpResponse(council_css(council), content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def branding_logo(request: HttpRequest, slug: str) -> HttpResponse:
    """The council's logo (PNG or JPEG, checked on upload), or 404 when it has none."""
    council = get_object_or_404(Council, slug=slug)
    if not council.logo:
        raise Http404("logo")
    response = HttpResponse(bytes(council.logo), content_type=council.logo_content_type)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_POST
def switch_council(request: HttpRequest) -> HttpResponse:
    """Act for another council the user was granted (shared-service partnerships)."""
    try:
        council_id = int(request.POST.get("council", ""))
    except ValueError:
        council_id = -1
    if council_id in council_ids_for(request.user):
        request.session[SESSION_KEY] = council_id
    return redirect("web:home")
