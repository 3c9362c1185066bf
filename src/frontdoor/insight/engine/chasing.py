"""Chasing contacts per open case: are residents chasing less since the council started telling
them when their case moves?

Pure: DuckDB SQL over the contact facts (the same `facts` view as the other measures), and
plain arithmetic over the open-case averages the caller reads from the cases app. No Django.

* **Chasing contacts** of a service in a period: the period's offered contacts (counted, every
  channel, short abandons left out, as the failure-demand table counts them) about the service
  whose failure demand type is ``chasing``.
* **Chasing per open case**: those contacts over the average number of the service's cases open
  at the end of each day of the period. With no open case the ratio is undefined (None).
* **Before and after** updates were switched on: two periods of the same length, the one ending
  the day before the switch and the one starting on it (cut at `last_day`, the last day with
  complete figures, and the before period cut to match), so their ratios compare like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb

from .demand import DemandQuery


@dataclass(frozen=True)
class Window:
    """A period of local dates, both included."""

    date_from: dt.date
    date_to: dt.date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def chasing_contacts(
    connection: duckdb.DuckDBPyConnection,
    council_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    short_abandon_seconds: float = 5.0,
) -> dict[str, int]:
    """Offered contacts of failure demand type `chasing` in the period, per service id."""
    query = DemandQuery(date_from, date_to, None, short_abandon_seconds)
    sql = """
        SELECT service, count(*) AS chasing
        FROM facts
        WHERE council_id = $council AND counted
            AND offered_local >= $period_start AND offered_local < $period_end
            AND NOT coalesce(outcome = 'abandoned' AND wait_seconds < $short, FALSE)
            AND coalesce(failure_demand, FALSE) AND failure_demand_type = 'chasing'
        GROUP BY service
    """
    values = {
        "council": council_id,
        "period_start": dt.datetime.combine(query.date_from, dt.time()),
        "period_end": dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time()),
        "short": float(query.short_abandon_seconds),
    }
    return {str(service): int(n) for service, n in connection.execute(sql, values).fetchall()}


def per_open_case(chasing: int, average_open: float) -> float | None:
    """Chasing contacts over the average of open cases; None when no case was open."""
    return chasing / average_open if average_open > 0 else None


def before_and_after(
    switched_on: dt.date, length_days: int, last_day: dt.date
) -> tuple[Window, Window] | None:
    """The periods of `length_days` just before and from `switched_on`, the after one cut at
    `last_day` and the before one cut to the same length; None when the switch has no complete
    day behind it yet."""
    if length_days < 1:
        raise ValueError("a period has at least one day")
    after_end = min(switched_on + dt.timedelta(days=length_days - 1), last_day)
    if after_end < switched_on:
        return None
    days = (after_end - switched_on).days + 1
    before = Window(switched_on - dt.timedelta(days=days), switched_on - dt.timedelta(days=1))
    return before, Window(switched_on, after_end)


def service_rows(
    chasing: Mapping[str, int], average_open: Mapping[str, float]
) -> list[dict[str, Any]]:
    """One row per service that had chasing contacts or open cases: `chasing`,
    `average_open` and `per_open_case`, sorted by service id."""
    rows = []
    for service in sorted(set(chasing) | set(average_open)):
        contacts = int(chasing.get(service, 0))
        average = float(average_open.get(service, 0.0))
        rows.append(
            {
                "service": service,
                "chasing": contacts,
                "average_open": average,
                "per_open_case": per_open_case(contacts, average),
            }
        )
    return rows


def comparison_rows(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Before and after side by side per service, with the change of chasing per open case
    (after less before; None unless both are known) and its relative change."""
    earlier = {row["service"]: row for row in before}
    later = {row["service"]: row for row in after}
    empty = {"chasing": 0, "average_open": 0.0, "per_open_case": None}
    rows = []
    for service in sorted(set(earlier) | set(later)):
        was, now = earlier.get(service, empty), later.get(service, empty)
        change = relative = None
        if was["per_open_case"] is not None and now["per_open_case"] is not None:
            change = now["per_open_case"] - was["per_open_case"]
            relative = change / was["per_open_case"] if was["per_open_case"] else None
        rows.append(
            {
                "service": service,
                "before": {k: was[k] for k in ("chasing", "average_open", "per_open_case")},
                "after": {k: now[k] for k in ("chasing", "average_open", "per_open_case")},
                "change": change,
                "relative_change": relative,
            }
        )
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """All services together: chasing contacts and open cases added up, then divided."""
    contacts = sum(row["chasing"] for row in rows)
    average = sum(row["average_open"] for row in rows)
    return {
        "service": None,
        "chasing": contacts,
        "average_open": average,
        "per_open_case": per_open_case(contacts, average),
    }
