"""Arrivals for planning: the contacts offered to agents, per queue, local day and interval.

Pure: DuckDB SQL over the contact facts (`facts.py`) through the KPI engine's view (the council's
Parquet partitions plus fresh rows). No Django, no personal data.

What a planner staffs for is the work that reaches an agent, so an *arrival* here is, in the
words of `contact-records-and-kpis.md` §2, a **counted** contact that is neither a **short
abandon** (the caller hung up within `short_abandon_seconds`, before any agent could have
answered) nor **deflected** (closed by a menu message or self-service, without an agent).
Answered, abandoned and callback contacts are arrivals: a caller who abandons after a real wait
was demand the queue failed to meet, and a callback is work returned later.

Times are the council's wall-clock time (`offered_local`), so a 09:00 interval is 09:00 in
summer and in winter. On the night the clocks go back, 01:00 to 02:00 happens twice and both
hours fall in the same intervals; on the night they go forward that hour has no contacts.
Contact centres are shut at those hours, so neither matters in practice.

Besides the counts, `queue_handling` reads what staffing needs from the same contacts: the
average handle time, an estimate of callers' patience, the share of each wrap code and the
share of failure demand (for the "what if" scenarios).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from .kpis import FactSource, connect_facts

INTERVAL_CHOICES = (15, 30)


@dataclass(frozen=True)
class ArrivalQuery:
    """Inclusive local dates, the interval length, the short-abandon threshold, and optional
    filters on queues and channels (None: every queue, every channel)."""

    date_from: dt.date
    date_to: dt.date
    interval_minutes: int = 30
    short_abandon_seconds: float = 5.0
    queues: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")
        if self.interval_minutes not in INTERVAL_CHOICES:
            raise ValueError("interval_minutes must be 15 or 30")
        if self.short_abandon_seconds < 0:
            raise ValueError("short_abandon_seconds must be zero or more")

    @property
    def intervals_per_day(self) -> int:
        return 24 * 60 // self.interval_minutes


# Arrivals: counted, not a short abandon, not deflected. A missing wait is never "short".
_ARRIVAL = (
    "council_id = $council AND counted "
    "AND offered_local >= $period_start AND offered_local < $period_end "
    "AND outcome <> 'deflected' "
    "AND NOT coalesce(outcome = 'abandoned' AND wait_seconds < $short, FALSE)"
)


def _where(query: ArrivalQuery) -> str:
    """The arrival filter plus the optional queue and channel filters (values are parameters)."""
    text = _ARRIVAL
    if query.queues is not None:
        text += " AND list_contains($queues, queue)"
    if query.channels is not None:
        text += " AND list_contains($channels, channel)"
    return text


def _values(query: ArrivalQuery, council_id: int, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "council": council_id,
        "period_start": dt.datetime.combine(query.date_from, dt.time()),
        "period_end": dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time()),
        "short": float(query.short_abandon_seconds),
    }
    if query.queues is not None:
        values["queues"] = list(query.queues)
    if query.channels is not None:
        values["channels"] = list(query.channels)
    values.update(extra)
    return values


@dataclass
class QueueArrivals:
    """One queue's arrivals: for each local day that had any, the count in each interval."""

    queue: str
    intervals_per_day: int
    days: dict[dt.date, NDArray[np.float64]] = field(default_factory=dict)

    def matrix(self, dates: Sequence[dt.date]) -> NDArray[np.float64]:
        """Counts for `dates` in order, one row each; a date without arrivals is a row of zeros
        (the caller decides which dates were open: a zero on an open day is a real zero)."""
        out = np.zeros((len(dates), self.intervals_per_day))
        for row, day in enumerate(dates):
            counts = self.days.get(day)
            if counts is not None:
                out[row] = counts
        return out

    def total(self) -> float:
        return float(sum(counts.sum() for counts in self.days.values()))


def arrivals_by_interval(
    source: FactSource, council_id: int, query: ArrivalQuery
) -> dict[str, QueueArrivals]:
    """Arrivals per queue, local day and interval of the period: one DuckDB pass over the facts.

    Returns a mapping queue -> QueueArrivals; queues with no arrival in the period are absent.
    """
    step = query.interval_minutes
    sql = f"""
        SELECT queue, CAST(offered_local AS DATE) AS day,
            (hour(offered_local) * 60 + minute(offered_local)) // {step:d} AS slot,
            count(*) AS arrivals
        FROM facts WHERE {_where(query)}
        GROUP BY ALL
    """  # noqa: S608 (only an integer goes into the text; every value is a parameter)
    connection = connect_facts(source, council_id, query.date_from, query.date_to)
    try:
        rows = connection.execute(sql, _values(query, council_id)).fetchnumpy()
    finally:
        connection.close()
    result: dict[str, QueueArrivals] = {}
    width = query.intervals_per_day
    if len(rows["queue"]) == 0:
        return result
    # Group in numpy, not Python: a year of 15-minute intervals for 30 queues is ~700k rows.
    names, queue_index = np.unique(rows["queue"].astype(str), return_inverse=True)
    day_numbers = rows["day"].astype("datetime64[D]").astype(np.int64)
    first = int(day_numbers.min())
    keys = queue_index.astype(np.int64) * 1_000_000 + (day_numbers - first)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    slots = np.asarray(rows["slot"], dtype=np.int64)[order]
    counts = np.asarray(rows["arrivals"], dtype=np.float64)[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    epoch = dt.date(1970, 1, 1)
    for begin, end in zip(starts.tolist(), ends.tolist(), strict=True):
        queue = str(names[keys[begin] // 1_000_000])
        day = epoch + dt.timedelta(days=first + int(keys[begin] % 1_000_000))
        row = np.zeros(width)
        row[slots[begin:end]] = counts[begin:end]
        result.setdefault(queue, QueueArrivals(queue, width)).days[day] = row
    return result


@dataclass(frozen=True)
class QueueHandling:
    """What the history says about handling one queue's arrivals.

    * ``aht_seconds``: mean handle_seconds of answered arrivals that have one (None without).
    * ``patience_seconds``: the maximum-likelihood mean of an exponential patience from waits
      that end either in an abandon (the patience ran out) or an answer (it was censored):
      total seconds waited by answered and abandoned arrivals over the number of abandons
      (None without an abandon). Short abandons are not arrivals, so this slightly overstates
      patience, on the side that staffs a little more rather than less.
    * ``wrap_codes``: arrivals per wrap code; ``wrap_known`` arrivals that have one.
    * ``failure_demand`` arrivals marked as failure demand; ``failure_known`` those with a value.
    """

    queue: str
    arrivals: int
    answered: int
    aht_seconds: float | None
    abandoned: int
    patience_seconds: float | None
    wrap_codes: dict[str, int]
    wrap_known: int
    failure_demand: int
    failure_known: int

    def wrap_share(self, code: str) -> float:
        """The share of arrivals with wrap code `code` among those that have a wrap code."""
        return self.wrap_codes.get(code, 0) / self.wrap_known if self.wrap_known else 0.0

    @property
    def failure_share(self) -> float:
        """The share of failure demand among arrivals with a failure-demand value."""
        return self.failure_demand / self.failure_known if self.failure_known else 0.0


def queue_handling(
    source: FactSource, council_id: int, query: ArrivalQuery
) -> dict[str, QueueHandling]:
    """Handle time, patience, wrap codes and failure demand of each queue's arrivals."""
    where = _where(query)
    values = _values(query, council_id)
    main_sql = f"""
        SELECT queue, count(*) AS arrivals,
            count_if(outcome = 'answered') AS answered,
            avg(handle_seconds) FILTER (outcome = 'answered') AS aht,
            count_if(outcome = 'abandoned') AS abandoned,
            fsum(wait_seconds) FILTER (outcome IN ('answered', 'abandoned')) AS waited,
            count_if(coalesce(failure_demand, FALSE)) AS failure,
            count(failure_demand) AS failure_known,
            count(wrap_code) AS wrap_known
        FROM facts WHERE {where}
        GROUP BY queue ORDER BY queue
    """  # noqa: S608
    wrap_sql = f"""
        SELECT queue, wrap_code, count(*) AS n
        FROM facts WHERE {where} AND wrap_code IS NOT NULL
        GROUP BY ALL ORDER BY queue, n DESC, wrap_code
    """  # noqa: S608
    connection = connect_facts(source, council_id, query.date_from, query.date_to)
    try:
        main = _rows(connection, main_sql, values)
        wraps = _rows(connection, wrap_sql, values)
    finally:
        connection.close()
    codes: dict[str, dict[str, int]] = {}
    for row in wraps:
        codes.setdefault(row["queue"], {})[row["wrap_code"]] = int(row["n"])
    result = {}
    for row in main:
        abandoned = int(row["abandoned"])
        waited = row["waited"]
        result[row["queue"]] = QueueHandling(
            queue=row["queue"],
            arrivals=int(row["arrivals"]),
            answered=int(row["answered"]),
            aht_seconds=None if row["aht"] is None else float(row["aht"]),
            abandoned=abandoned,
            patience_seconds=(float(waited) / abandoned if abandoned and waited else None),
            wrap_codes=codes.get(row["queue"], {}),
            wrap_known=int(row["wrap_known"]),
            failure_demand=int(row["failure"]),
            failure_known=int(row["failure_known"]),
        )
    return result


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, values)
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
