"""Who reaches what: signed out only the public pages; each role only what it may."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from frontdoor.core.calendars.models import ClosureDay
from frontdoor.identity.roles import ROLE_PERMISSIONS

PUBLIC = {"/sign-in/", "/accessibility/", "/healthz"}
# Parameters filled in so every route can be requested.
SAMPLE_VALUES = {"slug": "northshire", "pk": "1", "path": "frontdoor/frontdoor.css"}


def all_paths(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every route of the site, with sample values in place of its parameters."""
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths.extend(all_paths(entry, route))
        elif isinstance(entry, URLPattern):
            concrete = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m[1], "x"), route)
            concrete = concrete.lstrip("^").rstrip("$").replace("\\", "")
            paths.append("/" + concrete)
    return paths


def test_the_site_has_routes_to_check() -> None:
    paths = all_paths()
    assert "/sign-in/" in paths and "/audit/changes/" in paths and "/api/openapi.json" in paths


def test_signed_out_only_sign_in_health_accessibility_static_and_api_401s_are_reachable(
    client, council
) -> None:
    for path in all_paths():
        response = client.get(path)
        if path.startswith("/api/"):
            if path in ("/api/openapi.json", "/api/docs"):
                # The API's description is public, like any published API; it holds no data.
                assert response.status_code == 200, path
            else:
                assert response.status_code in (401, 405), (path, response.status_code)
                assert response["Content-Type"].startswith("application/json"), path
        elif path in PUBLIC:
            assert response.status_code in (200, 503), (path, response.status_code)
        elif path.startswith("/branding/"):  # colours and logo; 404 when there is no logo
            assert response.status_code in (200, 404), (path, response.status_code)
        else:
            assert response.status_code == 302, (path, response.status_code)
            assert response["Location"].startswith("/sign-in/?next="), path


def test_signed_out_posts_are_redirected_to_sign_in_too(client, council) -> None:
    response = client.post("/calendar/closures/", {"closure-date-day": "1"})
    assert response.status_code == 302
    assert not ClosureDay.objects.exists()


PAGES_BY_PERMISSION = {
    "/audit/changes/": "view_audit",
    "/audit/access/": "view_audit",
    "/staff/": "manage_staff",
    "/staff/add/": "manage_staff",
    "/council/settings/": "administer_council",
}


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_each_role_sees_only_the_pages_it_may(client, make_user, role) -> None:
    client.force_login(make_user(role))
    for path in ("/", "/services/", "/calendar/", "/accessibility/"):
        assert client.get(path).status_code == 200, (role, path)
    for path, permission in PAGES_BY_PERMISSION.items():
        expected = 200 if permission in ROLE_PERMISSIONS[role] else 403
        assert client.get(path).status_code == expected, (role, path)


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_navigation_shows_only_the_areas_a_role_may_use(client, make_user, role) -> None:
    client.force_login(make_user(role))
    html = client.get("/").content.decode()
    assert ('href="/audit/changes/"' in html) == ("view_audit" in ROLE_PERMISSIONS[role])
    assert ('href="/staff/"' in html) == ("manage_staff" in ROLE_PERMISSIONS[role])


def test_failed_sign_ins_are_rate_limited(client, make_user) -> None:
    make_user("agent", username="amira")
    for _ in range(4):
        response = client.post("/sign-in/", {"username": "amira", "password": "wrong"})
        assert response.status_code == 200
    assert client.post("/sign-in/", {"username": "amira", "password": "wrong"}).status_code == 429
    # Locked now, even with the right password.
    locked = client.post(
        "/sign-in/", {"username": "amira", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert b"Too many sign-in attempts" in locked.content


def test_signing_in_with_the_right_password_reaches_home(client, make_user) -> None:
    make_user("agent", username="amira")
    response = client.post(
        "/sign-in/", {"username": "amira", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_pages_carry_a_content_security_policy_and_frame_denial(client, council) -> None:
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_sign_out_needs_a_post_with_csrf(client, make_user) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("agent"))
    assert strict.get("/sign-out/").status_code == 405
    assert strict.post("/sign-out/").status_code == 403  # no CSRF token
