"""The public question "when is a request of this type received on this day due?".

`frontdoor due_date` and GET /api/due-date both print `answer(...)`: the acknowledgement and
response dates of a request received that day with nothing paused or extended, so anyone can
check the rules. Complaint stages assume the acknowledgement is sent on the last day allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .clocks import ClockCalendar, compute_clock
from .policies import (
    DP_COMPLAINT,
    NO_CLOCK,
    CalendarRule,
    ClockPolicy,
    ClockSettings,
    PolicyError,
    data_rights_policy,
    eir_policy,
    eir_review_policy,
    foi_policy,
    foi_review_policy,
    member_enquiry_policy,
    service_standard_policy,
)

# Every type the question answers, with what it is.
CLOCK_TYPES: dict[str, str] = {
    "complaint-stage-1": "Complaint, stage 1 (procedure from --policy)",
    "complaint-stage-2": "Complaint, stage 2 (procedure from --policy)",
    "foi": "Freedom of Information request",
    "eir": "Environmental information request",
    "foi-internal-review": "FOI internal review",
    "eir-internal-review": "EIR internal review (reconsideration)",
    "sar": "Subject access request",
    "erasure": "Erasure request",
    "rectification": "Rectification request",
    "dp-complaint": "Data protection complaint (acknowledgement only)",
    "member-enquiry": "Member (councillor) enquiry",
    "service-request": "Service request (standard from --policy, e.g. 5-working-days)",
    "compliment": "Compliment (no clock)",
    "comment": "Comment (no clock)",
}

# The types whose --policy chooses something: a complaint procedure or a service standard.
POLICY_TYPES = ("complaint-stage-1", "complaint-stage-2", "service-request")

CalendarSource = Callable[[CalendarRule], ClockCalendar]


def policy_for(
    clock_type: str, *, division: str, settings: ClockSettings, policy: str | None = None
) -> ClockPolicy:
    """The clock of `clock_type` for a council of `division` with `settings`."""
    if clock_type not in CLOCK_TYPES:
        raise PolicyError(f"unknown type {clock_type!r}; known: {', '.join(CLOCK_TYPES)}")
    if policy is not None and clock_type not in POLICY_TYPES:
        raise PolicyError(
            f"--policy applies to {', '.join(POLICY_TYPES)}; {clock_type} follows the law"
        )
    if clock_type.startswith("complaint-stage-"):
        stage = int(clock_type.rsplit("-", 1)[1])
        return settings.procedure(policy, division).stage(stage)
    if clock_type == "service-request":
        if policy is None:
            raise PolicyError(
                "a service request needs its standard: --policy 5-working-days (or a named one)"
            )
        return service_standard_policy(f"service-standard/{policy}", settings.standard(policy))
    if clock_type == "member-enquiry":
        return member_enquiry_policy(settings.member_acknowledge, settings.member_respond)
    builders: dict[str, Callable[[str], ClockPolicy]] = {
        "foi": foi_policy,
        "eir": eir_policy,
        "foi-internal-review": foi_review_policy,
        "eir-internal-review": eir_review_policy,
    }
    if clock_type in builders:
        return builders[clock_type](division)
    if clock_type in ("sar", "erasure", "rectification"):
        return data_rights_policy(clock_type, CLOCK_TYPES[clock_type])
    if clock_type == "dp-complaint":
        return DP_COMPLAINT
    return NO_CLOCK


def answer(
    clock_type: str,
    received: dt.date,
    *,
    division: str,
    settings: ClockSettings,
    calendars: CalendarSource,
    policy: str | None = None,
) -> dict[str, Any]:
    """{"type", "received", "acknowledge_by", "due", "provisional"} for a request received on
    `received` with nothing paused or extended.

    `provisional` is true when a date relies on bank holidays later than GOV.UK's data, which
    were calculated from rules and may yet change.
    """
    clock_policy = policy_for(clock_type, division=division, settings=settings, policy=policy)
    if clock_policy.hour_based:
        raise PolicyError(
            "an hour-based standard needs the moment of receipt and the service's opening "
            "hours; this question answers day-based clocks"
        )
    calendar = calendars(clock_policy.calendar)
    clock = compute_clock(clock_policy, received, (), calendar)
    dates = [day for day in (clock.acknowledge_by, clock.due) if day is not None]
    return {
        "type": clock_type,
        "received": received.isoformat(),
        "acknowledge_by": clock.acknowledge_by.isoformat() if clock.acknowledge_by else None,
        "due": clock.due.isoformat() if clock.due else None,
        "provisional": any(calendar.is_provisional(day) for day in dates),
    }
