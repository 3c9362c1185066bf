"""The URL map: each app mounts its own pages; the API lives under /api/."""

from django.conf import settings
from django.urls import include, path, re_path

from frontdoor.api.router import api, api_not_found

urlpatterns = [
    path("", include("frontdoor.web.urls")),
    path("", include("frontdoor.core.urls")),
    path("staff/", include("frontdoor.identity.urls")),
    path("audit/", include("frontdoor.audit.urls")),
    path("contacts/", include("frontdoor.contacts.urls")),
    path("residents/", include("frontdoor.citizens.urls")),
    path("cases/", include("frontdoor.cases.urls")),
    path("live/", include("frontdoor.omnichannel.urls")),
    path("planning/", include("frontdoor.planning.urls")),
    path("performance/published/", include("frontdoor.insight.publishing_urls")),
    path("performance/", include("frontdoor.insight.urls")),
    path("api/", api.urls),
    # Anything else under /api/ answers like the API does: JSON, never an HTML page.
    re_path(r"^api/", api_not_found),
]

if settings.FRONTDOOR_OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "frontdoor.web.errors.forbidden"
handler404 = "frontdoor.web.errors.not_found"
handler500 = "frontdoor.web.errors.server_error"
