"""API: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .roles import roles_of

router = Router(tags=["Staff"])


class MeOut(Schema):
    username: str
    council: str | None
    roles: list[str]


@router.get("/me", response=MeOut, summary="The user the token or session acts as")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        council=user.council.slug if user.council else None,
        roles=roles_of(user),
    )
