"""Changes to staff, teams, grants and tokens: each one transaction, one permission check, audited.

`actor` None means the system (the command line run by the council's IT team).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.recorder import created, diff, record_change, snapshot
from frontdoor.audit.sealing import destroy_key, subject_ref
from frontdoor.core.models import Council

from .models import (
    ApiToken,
    CouncilAccess,
    ExternalIdentity,
    Team,
    TeamMembership,
    User,
    hash_token,
)
from .policies import require
from .roles import ROLE_PERMISSIONS

STAFF_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


def _authorise(actor: Any, council: Council | None) -> None:
    if actor is not None:
        require(actor, "manage_staff", council)


@transaction.atomic
def do_create_staff_member(
    *,
    actor: Any,
    council: Council,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: list[str],
) -> User:
    """Add a member of staff to `council` with some roles; they set a password by reset or SSO."""
    _authorise(actor, council)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        council=council,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    record_change(
        actor=actor,
        action="staff.create",
        instance=user,
        changes=created(user, STAFF_FIELDS),
    )
    _set_roles(actor, user, roles)
    return user


@transaction.atomic
def do_update_staff_member(*, actor: Any, user: User, **values: Any) -> User:
    """Change a member of staff's names, email, username or whether they are active."""
    _authorise(actor, user.council)
    unknown = set(values) - set(STAFF_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    before = snapshot(user, values)
    for name, value in values.items():
        setattr(user, name, value)
    user.full_clean()
    changes = diff(before, snapshot(user, values))
    if changes:
        user.save(update_fields=list(changes))
        record_change(actor=actor, action="staff.update", instance=user, changes=changes)
    return user


@transaction.atomic
def do_set_roles(*, actor: Any, user: User, roles: list[str]) -> User:
    """Give a member of staff exactly these roles."""
    _authorise(actor, user.council)
    _set_roles(actor, user, roles)
    return user


def _set_roles(actor: Any, user: User, roles: list[str]) -> None:
    unknown = set(roles) - set(ROLE_PERMISSIONS)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    before = sorted(user.groups.filter(name__in=ROLE_PERMISSIONS).values_list("name", flat=True))
    after = sorted(set(roles))
    if before == after:
        return
    user.groups.remove(*Group.objects.filter(name__in=set(before) - set(after)))
    user.groups.add(*Group.objects.filter(name__in=after))
    record_change(
        actor=actor,
        action="staff.set_roles",
        instance=user,
        changes={"roles": (", ".join(before), ", ".join(after))},
    )


@transaction.atomic
def do_add_to_team(*, actor: Any, user: User, team: Team, is_leader: bool = False) -> None:
    """Put a member of staff in a team of their council (or make them its leader)."""
    _authorise(actor, team.council)
    if user.council_id != team.council_id:
        raise ValueError("a team takes only staff of its own council")
    membership, created = TeamMembership.objects.get_or_create(
        team=team, user=user, defaults={"is_leader": is_leader}
    )
    if not created and membership.is_leader == is_leader:
        return
    old = None if created else membership.is_leader
    membership.is_leader = is_leader
    membership.save()
    record_change(
        actor=actor,
        action="team.add_member",
        instance=team,
        changes={"member": (None, user.pk), "is_leader": (old, is_leader)},
    )


@transaction.atomic
def do_remove_from_team(*, actor: Any, user: User, team: Team) -> None:
    _authorise(actor, team.council)
    deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
    if deleted:
        record_change(
            actor=actor,
            action="team.remove_member",
            instance=team,
            changes={"member": (user.pk, None)},
        )


@transaction.atomic
def do_grant_council_access(*, actor: Any, user: User, council: Council) -> None:
    """Let a member of staff act for another council (a shared-service partnership)."""
    _authorise(actor, council)
    _grant, created = CouncilAccess.objects.get_or_create(user=user, council=council)
    if created:
        record_change(
            actor=actor,
            action="staff.grant_council",
            instance=user,
            changes={"council_access": (None, council.pk)},
            council_id=council.pk,
        )


@transaction.atomic
def do_revoke_council_access(*, actor: Any, user: User, council: Council) -> None:
    _authorise(actor, council)
    deleted, _ = CouncilAccess.objects.filter(user=user, council=council).delete()
    if deleted:
        record_change(
            actor=actor,
            action="staff.revoke_council",
            instance=user,
            changes={"council_access": (council.pk, None)},
            council_id=council.pk,
        )


@transaction.atomic
def do_link_external_identity(
    *, actor: Any, user: User, system: str, external_id: str
) -> ExternalIdentity:
    """Record a member of staff's id in another system (a telephony agent id, the SSO subject)."""
    _authorise(actor, user.council)
    link, created = ExternalIdentity.objects.update_or_create(
        council=user.council, system=system, external_id=external_id, defaults={"user": user}
    )
    if created:
        record_change(
            actor=actor,
            action="staff.link_external_id",
            instance=user,
            changes={f"external_id:{system}": (None, external_id)},
        )
    return link


@transaction.atomic
def do_issue_api_token(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token acting as `user`. Returns the row and the raw token, which is never stored."""
    _authorise(actor, user.council)
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], token_hash=hash_token(raw)
    )
    record_change(
        actor=actor,
        action="api_token.issue",
        instance=token,
        changes={"name": (None, name), "prefix": (None, token.prefix)},
        council_id=user.council_id,
    )
    return token, raw


@transaction.atomic
def do_revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    _authorise(actor, token.user.council)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            actor=actor,
            action="api_token.revoke",
            instance=token,
            changes={"revoked_at": (None, token.revoked_at)},
            council_id=token.user.council_id,
        )


@transaction.atomic
def do_erase_staff_member(*, actor: Any, user: User) -> User:
    """Erase a person's personal data: blank it, and destroy the key that seals it in the audit.

    The row stays (as "erased-<id>") so log entries still say which account acted; every personal
    value the logs hold about the person was sealed under their key and now reads "[erased]".
    """
    _authorise(actor, user.council)
    if actor is not None and actor.pk == user.pk:
        raise ValueError("staff cannot erase themselves")
    before = snapshot(user, STAFF_FIELDS)
    user.username = f"erased-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.erased_at = timezone.now()
    user.save()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=user.erased_at)
    ExternalIdentity.objects.filter(user=user).delete()
    record_change(
        actor=actor,
        action="staff.erase",
        instance=user,
        changes=diff(before, snapshot(user, STAFF_FIELDS)),
    )
    destroy_key(subject_ref(user))
    return user
