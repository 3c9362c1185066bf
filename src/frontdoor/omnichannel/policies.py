"""Who may do what with live queues: the one place the omnichannel views, API and actions ask.

Decisions combine a platform permission with the council (through `identity.policies`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from frontdoor.identity.policies import may

WATCH_PERMISSION = "view_performance"  # the wallboard and the live-queues API
# The tier-rules page is for team leaders; the API has always let planners set tiers too.
LEAD_PERMISSION = "lead_team"
PLAN_PERMISSION = "plan_staffing"


def may_lead_queues(user: Any, council: Any) -> bool:
    """May the user use the team leaders' tier-rules page for this council's queues?"""
    return may(user, LEAD_PERMISSION, council)


def may_set_tier_rules(user: Any, council: Any) -> bool:
    """May the user change this council's tier rules (team leaders and planners)?"""
    return may(user, LEAD_PERMISSION, council) or may(user, PLAN_PERMISSION, council)


def require_set_tier_rules(user: Any, council: Any) -> None:
    """Raise PermissionDenied unless `may_set_tier_rules`."""
    if not may_set_tier_rules(user, council):
        raise PermissionDenied(PLAN_PERMISSION)
