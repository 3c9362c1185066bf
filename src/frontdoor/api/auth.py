"""API authentication: bearer tokens for machine clients, the session for pages' own scripts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from frontdoor.identity.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fd_...`: the token acts as its user, with that user's permissions."""

    openapi_description = "A token an administrator issued with `frontdoor issue_token`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user", "user__council")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        row.touch()
        request.user = row.user
        return row.user


class StaffSessionAuth(SessionAuth):
    """The signed-in page session (CSRF-checked by ninja for unsafe methods)."""


AUTH = [TokenAuth(), StaffSessionAuth()]
