"""One interval's staffing question answered as the command line and the API print it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .erlang import Target, agents_needed, offered_load, staff_with_shrinkage


@dataclass(frozen=True)
class StaffingQuestion:
    """Demand in one interval and what it must reach."""

    arrivals: float
    interval_minutes: float
    aht_seconds: float
    target_sl: float | None = None
    target_seconds: float = 20.0
    target_asa: float | None = None
    patience_seconds: float | None = None
    shrinkage: float = 0.0
    max_occupancy: float | None = None


def answer(question: StaffingQuestion) -> dict[str, Any]:
    """Agents needed and what they give: the object `frontdoor staffing --format json` prints.

    `p_abandon` is present only when a patience was given (Erlang A); otherwise Erlang C.
    """
    load = offered_load(question.arrivals, question.interval_minutes * 60, question.aht_seconds)
    target = Target(
        service_level=question.target_sl,
        within_seconds=question.target_seconds,
        asa_seconds=question.target_asa,
        max_occupancy=question.max_occupancy,
    )
    result = agents_needed(load, question.aht_seconds, target, question.patience_seconds)
    output: dict[str, Any] = {
        "model": "erlang_a" if question.patience_seconds is not None else "erlang_c",
        "offered_load_erlangs": load,
        "agents": result.agents,
        "service_level": result.service_level,
        "service_level_seconds": question.target_seconds,
        "asa_seconds": result.asa_seconds,
        "p_wait": result.p_wait,
    }
    if question.patience_seconds is not None:
        output["p_abandon"] = result.p_abandon
    output["occupancy"] = result.occupancy
    output["shrinkage"] = question.shrinkage
    output["staff_with_shrinkage"] = staff_with_shrinkage(result.agents, question.shrinkage)
    return output
