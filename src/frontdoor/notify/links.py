"""Links to Frontdoor's own pages in messages, which are read outside the site (an inbox)."""

from __future__ import annotations

from django.conf import settings

# What `frontdoor serve` answers on by default: the demo's address.
DEBUG_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The site's address without a trailing slash.

    FRONTDOOR_SITE_URL when the install sets it; else the first named host of ALLOWED_HOSTS
    (over https); else, on a debug install, where `frontdoor serve` listens by default.
    """
    configured = settings.FRONTDOOR_SITE_URL
    if configured:
        return configured.rstrip("/")
    if settings.DEBUG:
        return DEBUG_SITE_URL
    # A leading dot allows subdomains and '*' anything: neither is an address to link to.
    host = next((h for h in settings.ALLOWED_HOSTS if h and h[0] not in ".*"), "")
    return f"https://{host}" if host else ""


def absolute_link(path: str) -> str:
    """`path` (from `reverse`) as a link a recipient can follow from their inbox."""
    return f"{site_url()}{path}"
