"""Interval staffing for a forecast and the capacity gap against the staff rostered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .erlang import Target, agents_needed, offered_load, staff_with_shrinkage


@dataclass(frozen=True)
class IntervalRequirement:
    """What one interval's forecast calls need."""

    calls: float
    agents: int
    staff: int  # after shrinkage
    service_level: float
    asa_seconds: float
    occupancy: float


@dataclass(frozen=True)
class IntervalGap:
    """Rostered staff against the requirement: positive `short` means too few staff."""

    required: int
    rostered: int
    short: int
    share_of_requirement: float | None  # short / required; None when nothing is required


def interval_requirements(
    calls: Sequence[float],
    *,
    interval_minutes: float,
    aht_seconds: float,
    target: Target,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
) -> list[IntervalRequirement]:
    """Agents and staff needed in each interval for the forecast calls (closed intervals: 0 calls).

    Answers are cached per call volume: a week of 15-minute intervals repeats many volumes.
    """

    @lru_cache(maxsize=4096)
    def one(volume: float) -> IntervalRequirement:
        if volume <= 0:
            return IntervalRequirement(0.0, 0, 0, 1.0, 0.0, 0.0)
        load = offered_load(volume, interval_minutes * 60, aht_seconds)
        result = agents_needed(load, aht_seconds, target, patience_seconds)
        return IntervalRequirement(
            volume,
            result.agents,
            staff_with_shrinkage(result.agents, shrinkage),
            result.service_level,
            result.asa_seconds,
            result.occupancy,
        )

    return [one(round(float(volume), 6)) for volume in calls]


def capacity_gap(required: Sequence[int], rostered: Sequence[int]) -> list[IntervalGap]:
    """Per interval, how many staff short (or over, negative) the roster is, and as a share."""
    if len(required) != len(rostered):
        raise ValueError("one rostered figure per interval")
    return [
        IntervalGap(need, have, need - have, (need - have) / need if need else None)
        for need, have in zip(required, rostered, strict=True)
    ]


def overall_gap(gaps: Sequence[IntervalGap]) -> float | None:
    """Staff-intervals short over staff-intervals required (overstaffing elsewhere does not
    offset a shortfall: a surplus at 4 pm answers no call at 10 am)."""
    required = sum(g.required for g in gaps)
    short = sum(max(g.short, 0) for g in gaps)
    return short / required if required else None
