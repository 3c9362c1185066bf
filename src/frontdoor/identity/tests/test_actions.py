"""Staff actions: permission-checked, audited, one transaction each."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.identity.actions import (
    do_add_to_team,
    do_create_staff_member,
    do_grant_council_access,
    do_issue_api_token,
    do_link_external_identity,
    do_revoke_api_token,
    do_set_roles,
)
from frontdoor.identity.models import ApiToken, hash_token
from frontdoor.identity.policies import council_ids_for, may
from frontdoor.testing.factories import TeamFactory


def test_only_administrators_of_the_council_may_change_staff(make_user, council, other_council):
    with pytest.raises(PermissionDenied):
        do_create_staff_member(
            actor=make_user("team_leader"),
            council=council,
            username="x",
            first_name="X",
            last_name="Y",
            email="x@example.gov.uk",
            roles=[],
        )
    with pytest.raises(PermissionDenied):
        do_create_staff_member(
            actor=make_user("administrator"),
            council=other_council,
            username="x",
            first_name="X",
            last_name="Y",
            email="x@example.gov.uk",
            roles=[],
        )
    assert not ChangeLogEntry.objects.exists()


def test_setting_roles_is_audited_once_and_idempotent(make_user):
    admin, agent = make_user("administrator"), make_user("agent")
    do_set_roles(actor=admin, user=agent, roles=["agent", "team_leader"])
    do_set_roles(actor=admin, user=agent, roles=["agent", "team_leader"])
    entries = ChangeLogEntry.objects.filter(action="staff.set_roles")
    assert entries.count() == 1
    assert entries[0].changes["roles"] == {"old": "agent", "new": "agent, team_leader"}
    assert may(agent, "lead_team")


def test_unknown_roles_are_refused(make_user):
    with pytest.raises(ValueError, match="unknown roles"):
        do_set_roles(actor=make_user("administrator"), user=make_user(), roles=["wizard"])


def test_teams_take_only_staff_of_their_council(make_user, other_council):
    admin = make_user("administrator")
    team = TeamFactory(council=admin.council)
    do_add_to_team(actor=admin, user=make_user("agent"), team=team, is_leader=True)
    assert team.teammembership_set.get().is_leader
    outsider = make_user("agent", council=other_council)
    with pytest.raises(ValueError):
        do_add_to_team(actor=admin, user=outsider, team=team)


def test_a_grant_lets_staff_act_for_a_partner_council(make_user, council, other_council):
    from frontdoor.testing.factories import UserFactory

    partner_admin = UserFactory(council=other_council, roles=["administrator"])
    agent = make_user("agent")
    do_grant_council_access(actor=partner_admin, user=agent, council=other_council)
    assert council_ids_for(agent) == {council.id, other_council.id}


def test_external_ids_map_staff_to_other_systems(make_user):
    admin, agent = make_user("administrator"), make_user("agent")
    link = do_link_external_identity(actor=admin, user=agent, system="telephony", external_id="A17")
    assert link.user == agent and link.council == agent.council


def test_api_tokens_are_stored_hashed_and_can_be_revoked(make_user):
    admin, agent = make_user("administrator"), make_user("agent")
    token, raw = do_issue_api_token(actor=admin, user=agent, name="telephony bridge")
    assert raw.startswith("fd_") and raw not in str(ApiToken.objects.values())
    assert token.token_hash == hash_token(raw)
    do_revoke_api_token(actor=admin, token=token)
    token.refresh_from_db()
    assert not token.active
