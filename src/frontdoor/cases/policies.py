"""Who may do what with cases, built only on `frontdoor.identity.policies`.

- Reading cases: service officers (handle_cases), team leaders (lead_team), agents at the
  desktop (use_desktop: a resident chasing a case is answered from it) and information-governance
  officers (govern_information: subject access and the other data-rights requests).
- Opening a case: agents (from a contact) and service officers.
- Working a case (status, clock events, assignment, stage 2, ombudsman referral, files):
  handle_cases or lead_team. Anyone who may read a case may add a note and hand it over.
- Accepting or bouncing a handover: a member of the receiving team who may work cases.
- Acknowledging an escalation: someone who may read the case and either received the
  escalation or leads the case's team (or the team it was escalated for).
- Restricted and safeguarding cases: only with open_restricted, each opening giving a reason
  that goes into the access log (break-glass). Without it they are not listed at all.
- Configuring case types: configure_cases.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from frontdoor.core.models import Sensitivity
from frontdoor.identity.policies import may, require

READ_PERMISSIONS = ("handle_cases", "lead_team", "use_desktop", "govern_information")
OPEN_PERMISSIONS = ("use_desktop", "handle_cases")
WORK_PERMISSIONS = ("handle_cases", "lead_team")


def _any(user: Any, permissions: tuple[str, ...], target: Any) -> bool:
    return any(may(user, permission, target) for permission in permissions)


def may_read_cases(user: Any, target: Any) -> bool:
    """May the user list and read cases of `target`'s council (a council or a case)?"""
    return _any(user, READ_PERMISSIONS, target)


def require_read_cases(user: Any, target: Any) -> None:
    if not may_read_cases(user, target):
        raise PermissionDenied("handle_cases")


def may_open_cases(user: Any, target: Any) -> bool:
    return _any(user, OPEN_PERMISSIONS, target)


def require_open_cases(user: Any, target: Any) -> None:
    if user is None:  # the system: imports and the command line
        return
    if not may_open_cases(user, target):
        raise PermissionDenied("handle_cases")


def may_open_restricted(user: Any, target: Any) -> bool:
    return may(user, "open_restricted", target)


def visible_sensitivities(user: Any, target: Any) -> tuple[str, ...]:
    """The sensitivities of cases (and notes, files) the user may see in `target`'s council."""
    if may_open_restricted(user, target):
        return tuple(Sensitivity.values)
    return (Sensitivity.NORMAL,)


def may_see(user: Any, target: Any, sensitivity: str) -> bool:
    return sensitivity == Sensitivity.NORMAL or may_open_restricted(user, target)


def _require_sensitivity(user: Any, case: Any) -> None:
    if case.sensitivity != Sensitivity.NORMAL:
        require(user, "open_restricted", case)


def may_work(user: Any, case: Any) -> bool:
    """May the user change a case's status, clock, owner, stage and files?"""
    return _any(user, WORK_PERMISSIONS, case) and may_see(user, case, case.sensitivity)


def require_work(user: Any, case: Any) -> None:
    if user is None:
        return
    if not _any(user, WORK_PERMISSIONS, case):
        raise PermissionDenied("handle_cases")
    _require_sensitivity(user, case)


def may_note(user: Any, case: Any) -> bool:
    return may_read_cases(user, case) and may_see(user, case, case.sensitivity)


def require_note(user: Any, case: Any) -> None:
    """Adding a note or handing a case over: anyone who may read it."""
    if user is None:
        return
    require_read_cases(user, case)
    _require_sensitivity(user, case)


def require_decide_handover(user: Any, handover: Any, team_ids: set[int]) -> None:
    """Accepting or bouncing: someone who may work cases, in the receiving team."""
    if user is None:
        return
    require_work(user, handover.case)
    if handover.to_team_id not in team_ids:
        raise PermissionDenied("not a member of the receiving team")


def may_acknowledge_escalation(
    user: Any, escalation: Any, *, recipient: bool, leading_team_ids: set[int]
) -> bool:
    """May the user say "I've seen this escalation and I'm dealing with it"?

    `recipient` is whether it was escalated to them; `leading_team_ids` the teams they lead.
    """
    case = escalation.case
    if not may_read_cases(user, case) or not may_see(user, case, case.sensitivity):
        return False
    teams = {case.owner_team_id, escalation.team_id} - {None}
    return recipient or bool(teams & leading_team_ids)


def require_acknowledge_escalation(
    user: Any, escalation: Any, *, recipient: bool, leading_team_ids: set[int]
) -> None:
    """Only a person acknowledges: the system (None) may not."""
    if not may_acknowledge_escalation(
        user, escalation, recipient=recipient, leading_team_ids=leading_team_ids
    ):
        raise PermissionDenied("not a recipient of the escalation or a leader of the team")


def may_lead(user: Any, target: Any) -> bool:
    return may(user, "lead_team", target)


def require_configure(user: Any, target: Any) -> None:
    if user is None:
        return
    require(user, "configure_cases", target)


KPI_PERMISSIONS = ("view_performance", "lead_team")


def may_view_kpis(user: Any, target: Any) -> bool:
    """Case KPIs (counts, no personal data): performance staff and team leaders."""
    return _any(user, KPI_PERMISSIONS, target)


def may_configure(user: Any, target: Any) -> bool:
    return may(user, "configure_cases", target)
