"""The JSON API: one NinjaAPI, each app adding its router; errors are always JSON."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from frontdoor import __version__

from .auth import AUTH

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Frontdoor API",
    version=__version__,
    description="The Frontdoor citizen-experience platform for councils. Authenticate with a "
    "bearer token; every call acts as the token's user and sees only that user's councils.",
    auth=AUTH,
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required: send a valid bearer token.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "You do not have permission to do that.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, "The request is not valid.", details=exc.errors)


@api.exception_handler(ValidationError)
def on_invalid_data(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 400, "The data is not valid.", details=details)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected API error", extra={"path": request.path})
    return _error(request, 500, "Something went wrong on our side; it has been logged.")


def api_not_found(request: HttpRequest) -> HttpResponse:
    """Unknown paths under /api/ answer like the API: JSON (401 signed out, else 404)."""
    from frontdoor.web.errors import not_found

    return not_found(request)


def _mount_app_routers() -> None:
    """Each app's api.py exposes `router`; mounted here so the document lists them all."""
    from frontdoor.core.api import router as core_router
    from frontdoor.identity.api import router as identity_router
    from frontdoor.planning.api import router as planning_router

    api.add_router("/", core_router)
    api.add_router("/", "frontdoor.core.calendars.api.router")
    api.add_router("/", identity_router)
    api.add_router("/", planning_router)
    api.add_router("/", "frontdoor.contacts.api.router")
    api.add_router("/", "frontdoor.insight.api.router")
    api.add_router("/", "frontdoor.citizens.api.router")
    api.add_router("/", "frontdoor.cases.api.router")
    api.add_router("/", "frontdoor.omnichannel.api.router")


_mount_app_routers()
