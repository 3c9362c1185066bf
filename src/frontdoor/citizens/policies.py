"""Who may do what with residents' records, built only on `frontdoor.identity.policies`.

- Finding and reading people: agents at the desktop (use_desktop) and information-governance
  officers (govern_information, who answer subject access and erasure requests).
- Restricted and safeguarding parties: only with open_restricted, and each opening gives a
  reason that goes into the access log (break-glass). Without it they are not found at all.
- Vulnerability markers: anyone who may read the person sees that one exists and what to do;
  the type of a health marker and its details need view_vulnerability_detail.
- Staff-safety markers: anyone who may read the person sees the short warning of an approved
  marker; the detail, pending markers and approving need manage_safety_markers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from frontdoor.core.models import Sensitivity
from frontdoor.identity.policies import may, require

READ_PERMISSIONS = ("use_desktop", "govern_information")


def may_read_people(user: Any, target: Any) -> bool:
    """May the user find and read people of `target`'s council (a council or a party)?"""
    return any(may(user, permission, target) for permission in READ_PERMISSIONS)


def require_read_people(user: Any, target: Any) -> None:
    if not may_read_people(user, target):
        raise PermissionDenied("use_desktop")


def may_open_restricted(user: Any, target: Any) -> bool:
    return may(user, "open_restricted", target)


def visible_sensitivities(user: Any, target: Any) -> tuple[str, ...]:
    """The sensitivities of parties (and contacts) the user may find in `target`'s council."""
    if may_open_restricted(user, target):
        return tuple(Sensitivity.values)
    return (Sensitivity.NORMAL,)


def require_change_party(user: Any, party: Any) -> None:
    """Changing a party: a desktop user; a restricted party also needs open_restricted. Nobody
    changes an erased person: the record is a tombstone that must stay empty."""
    if getattr(party, "erased_at", None) is not None:
        raise PermissionDenied("this person's personal data was erased")
    if user is None:  # the system: the command line and imports run by the council's IT team
        return
    require(user, "use_desktop", party)
    if party.sensitivity != Sensitivity.NORMAL:
        require(user, "open_restricted", party)


def require_manage_safety_markers(user: Any, party: Any) -> None:
    """Deciding on, reviewing or ending a staff-safety marker: manage_safety_markers (team
    leaders and information-governance officers, who clear markers before an erasure), plus
    open_restricted for a restricted party; never on an erased person."""
    if getattr(party, "erased_at", None) is not None:
        raise PermissionDenied("this person's personal data was erased")
    if user is None:  # the system: the command line run by the council's IT team
        return
    require(user, "manage_safety_markers", party)
    if party.sensitivity != Sensitivity.NORMAL:
        require(user, "open_restricted", party)


def may_see_vulnerability_detail(user: Any, target: Any) -> bool:
    return may(user, "view_vulnerability_detail", target)


def may_manage_safety_markers(user: Any, target: Any) -> bool:
    return may(user, "manage_safety_markers", target)


def may_lead(user: Any, target: Any) -> bool:
    """Team leaders' worklists (reviews due, markers awaiting approval)."""
    return may(user, "lead_team", target) or may(user, "govern_information", target)
