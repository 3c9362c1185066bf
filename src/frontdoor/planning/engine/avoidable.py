"""The avoidable-demand model: how much of each service's demand could be avoided or moved online.

The consultancy version of this is a spreadsheet; here it is a function of measured inputs and
stated assumptions, so a planner can see and change every factor:

* **Avoidable failure demand.** Contacts caused by a failure to do something or do it right. Each
  failure-demand type has an assumed share that fixing its cause would remove: chasing (proactive
  progress updates), not right first time (getting it right), could not complete online (fixing the
  online form: these mostly move online rather than vanish), other.
* **Movable online.** Value demand whose reason (wrap code) the council marks as something a
  resident can do online, times the share of that service's contacts from people with an email
  address (a proxy for being online; the digitally excluded are never counted as movable), times an
  assumed take-up.
* **Hours freed** = contacts avoided or moved x the service's average handle time; in full-time
  equivalents over the period at the stated productive hours per FTE.

Nothing is counted twice: a contact counted as avoidable failure demand is not also movable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Assumed share of each failure-demand type that fixing its cause removes (planner-editable).
DEFAULT_AVOIDABLE_SHARE: Mapping[str, float] = {
    "chasing": 0.6,
    "not_right_first_time": 0.5,
    "could_not_complete_online": 0.7,
    "other": 0.25,
}
DEFAULT_ONLINE_TAKE_UP = 0.5
# 37 hours a week for 52 weeks, less 30% shrinkage (leave, training, sickness): about 1,347 hours.
DEFAULT_PRODUCTIVE_HOURS_PER_FTE_YEAR = 37 * 52 * 0.7


@dataclass(frozen=True)
class ServiceDemand:
    """What was measured for one service over the period."""

    service: str
    contacts: int
    aht_seconds: float
    failure_demand: Mapping[str, int] = field(default_factory=dict)  # by failure-demand type
    value_demand_by_reason: Mapping[str, int] = field(default_factory=dict)  # wrap code -> count
    email_known_share: float = 0.0  # of the service's contacts, from people with an email


@dataclass(frozen=True)
class Assumptions:
    """The factors the model applies; every one is shown beside the result."""

    avoidable_share: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_AVOIDABLE_SHARE)
    )
    online_reasons: Mapping[str, Sequence[str]] = field(default_factory=dict)  # service -> codes
    online_take_up: float = DEFAULT_ONLINE_TAKE_UP
    period_years: float = 1.0
    productive_hours_per_fte_year: float = DEFAULT_PRODUCTIVE_HOURS_PER_FTE_YEAR

    def __post_init__(self) -> None:
        shares = [*self.avoidable_share.values(), self.online_take_up]
        if any(not 0 <= share <= 1 for share in shares):
            raise ValueError("shares and take-up must be between 0 and 1")
        if self.period_years <= 0 or self.productive_hours_per_fte_year <= 0:
            raise ValueError("the period and the productive hours must be positive")


@dataclass(frozen=True)
class ServiceOpportunity:
    """The model's answer for one service."""

    service: str
    contacts: int
    failure_demand: int
    avoidable: float
    movable_online: float
    hours_freed: float
    fte_freed: float

    @property
    def share_of_demand(self) -> float | None:
        """Avoidable plus movable, as a share of the service's contacts."""
        if not self.contacts:
            return None
        return (self.avoidable + self.movable_online) / self.contacts


def avoidable_demand(
    services: Sequence[ServiceDemand], assumptions: Assumptions | None = None
) -> list[ServiceOpportunity]:
    """Each service's avoidable and movable demand and the staff time it frees, largest first."""
    assumptions = assumptions or Assumptions()
    results = []
    for demand in services:
        failure = sum(demand.failure_demand.values())
        avoidable = sum(
            count * assumptions.avoidable_share.get(kind, 0.0)
            for kind, count in demand.failure_demand.items()
        )
        reasons = set(assumptions.online_reasons.get(demand.service, ()))
        online_capable = sum(
            count for code, count in demand.value_demand_by_reason.items() if code in reasons
        )
        movable = online_capable * demand.email_known_share * assumptions.online_take_up
        hours = (avoidable + movable) * demand.aht_seconds / 3600
        fte = hours / (assumptions.productive_hours_per_fte_year * assumptions.period_years)
        results.append(
            ServiceOpportunity(
                demand.service, demand.contacts, failure, avoidable, movable, hours, fte
            )
        )
    return sorted(results, key=lambda r: (-r.hours_freed, r.service))
