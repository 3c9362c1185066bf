"""The seam for the council's single sign-on (OpenID Connect), off by default.

Staff are matched by the identity provider's stable subject (`sub`), recorded beforehand by an
administrator as an id in another system (`ExternalIdentity`, system "oidc"). Nobody gets an
account just by holding one at the identity provider: a council's IdP knows every employee, and
only contact-centre and service staff belong in Frontdoor, each with roles chosen by a person.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

OIDC_SYSTEM = "oidc"


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Signs in existing, active staff whose IdP subject an administrator has linked."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        subject = claims.get("sub")
        if not subject:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(
            external_ids__system=OIDC_SYSTEM,
            external_ids__external_id=subject,
            is_active=True,
            erased_at__isnull=True,
        )

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def create_user(self, claims: dict[str, Any]) -> None:
        """Never: unknown subjects are refused (see the module's docstring)."""
        return None

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        # The IdP does not overwrite what the council recorded; sign-in only.
        return user

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"subject {claims.get('sub')!r}"
