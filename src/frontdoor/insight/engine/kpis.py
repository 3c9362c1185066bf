"""The KPI engine: every rule of `contact-records-and-kpis.md` §2 as one DuckDB query.

Input is contact facts (`facts.py`): Parquet snapshot partitions plus *fresh* rows, which replace
snapshot rows with the same contact key. Output is the rows of §3's machine output, unrounded.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .facts import FACT_COLUMNS, FACT_SCHEMA

GROUP_KEYS = (
    "service",
    "family",
    "channel",
    "queue",
    "day",
    "week",
    "month",
    "weekday",
    "hour",
    "interval",
)
COUNT_KPIS = ("offered", "answered", "abandoned", "callbacks", "deflected")
RATIO_KPIS = (
    "pct_answered",
    "pct_abandoned",
    "asa_seconds",
    "avg_wait_seconds",
    "service_level",
    "aht_seconds",
    "fcr",
    "overall_resolution",
    "failure_demand",
    "csat",
    "csat_net",
    "repeat_7d",
    "no_email_share",
)
REPEAT_WINDOW_US = 168 * 3600 * 1_000_000  # 168 hours of elapsed time, in microseconds
# Facts past the period that a repeat can still find: 168 hours after the period's last local
# instant, plus a day for the clock change and the zone's offset.
LOOK_AHEAD_DAYS = 9


@dataclass(frozen=True)
class FactSource:
    """Where the facts are: a snapshot folder (hive-style) and the fresh rows."""

    root: Path | None = None
    fresh: pa.Table | None = None


@dataclass(frozen=True)
class KpiQuery:
    """A period (inclusive local dates), a grouping and the settings to compute with."""

    date_from: dt.date
    date_to: dt.date
    by: tuple[str, ...] = ()
    channel: str | None = None
    interval_minutes: int = 30
    short_abandon_seconds: float = 5.0
    service_level_seconds: float = 60.0


def _key_expression(key: str, interval_minutes: int) -> str:
    expressions = {
        "service": "service",
        "family": "family",
        "channel": "channel",
        "queue": "queue",
        "day": "strftime(offered_local, '%Y-%m-%d')",
        "week": "printf('%04d-W%02d', isoyear(offered_local), weekofyear(offered_local))",
        "month": "strftime(offered_local, '%Y-%m')",
        "weekday": "isodow(offered_local)",
        "hour": "hour(offered_local)",
        "interval": (
            "printf('%02d:%02d', hour(offered_local), "
            f"(minute(offered_local) // {interval_minutes}) * {interval_minutes})"
        ),
    }
    return expressions[key]


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """The "YYYY-MM" months from `first`'s to `last`'s, inclusive."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def snapshot_files(root: Path, council_id: int, first: dt.date, last: dt.date) -> list[str]:
    """The partition files of a council for the months a query needs (those that exist)."""
    folder = root / f"council_id={council_id}"
    files = []
    for month in months_between(first, last):
        path = folder / f"month={month}" / "facts.parquet"
        if path.exists():
            files.append(str(path))
    return files


def compute_kpis(
    source: FactSource, council_id: int, query: KpiQuery, today: dt.date
) -> list[dict[str, Any]]:
    """Every KPI of §2 for one council, one row per group, sorted by the grouping keys."""
    unknown = [key for key in query.by if key not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"unknown grouping key(s): {', '.join(unknown)}")
    if query.interval_minutes not in (15, 30):
        raise ValueError("interval_minutes must be 15 or 30")
    horizon = query.date_to + dt.timedelta(days=LOOK_AHEAD_DAYS)
    connection = duckdb.connect()
    try:
        _register_facts(connection, source, council_id, query.date_from, horizon)
        rows = connection.execute(
            _kpi_sql(query), _parameters(query, council_id, horizon)
        ).fetchall()
        names = [column[0] for column in connection.description or ()]
    finally:
        connection.close()
    result = []
    for values in rows:
        record = dict(zip(names, values, strict=True))
        keys = {key: record[key] for key in query.by}
        result.append(
            {
                **keys,
                "provisional": today < _period_end(keys, query) + dt.timedelta(days=8),
                **{kpi: int(record[kpi]) for kpi in COUNT_KPIS},
                **{kpi: _number(record[kpi]) for kpi in RATIO_KPIS},
            }
        )
    return result


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _register_facts(
    connection: duckdb.DuckDBPyConnection,
    source: FactSource,
    council_id: int,
    first: dt.date,
    last: dt.date,
) -> None:
    """Make a view `facts`: the snapshot rows not replaced by a fresh row, and the fresh rows."""
    fresh = source.fresh if source.fresh is not None else FACT_SCHEMA.empty_table()
    connection.register("fresh", fresh.select(list(FACT_COLUMNS)))
    columns = ", ".join(FACT_COLUMNS)
    files = snapshot_files(source.root, council_id, first, last) if source.root else []
    if files:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        connection.execute(
            f"CREATE VIEW facts AS "  # noqa: S608 (file names we built, quoted)
            f"SELECT {columns} FROM read_parquet([{listed}]) "
            f"WHERE contact_key NOT IN (SELECT contact_key FROM fresh) "
            f"UNION ALL SELECT {columns} FROM fresh"
        )
    else:
        connection.execute(f"CREATE VIEW facts AS SELECT {columns} FROM fresh")  # noqa: S608


def _parameters(query: KpiQuery, council_id: int, horizon: dt.date) -> dict[str, Any]:
    return {
        "council": council_id,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "horizon": horizon,
        "channel": query.channel,
        "short": float(query.short_abandon_seconds),
        "sl": float(query.service_level_seconds),
        "window": REPEAT_WINDOW_US,
    }


def _kpi_sql(query: KpiQuery) -> str:
    # Keys that are fact columns (service, family, channel, queue, month) are used as they are.
    keys = [
        f"{_key_expression(key, query.interval_minutes)} AS {_quoted(key)}"
        for key in query.by
        if key not in FACT_COLUMNS
    ]
    group = ", ".join(_quoted(key) for key in query.by)
    key_list = (", ".join(keys) + ",") if keys else ""
    # Only grouping keys from GROUP_KEYS and numbers reach the text; values are parameters.
    return f"""
WITH counted AS (
    SELECT *, epoch_us(offered_at_utc) AS at_us
    FROM facts
    WHERE council_id = $council AND counted
      AND offered_local >= $date_from::TIMESTAMP
      AND offered_local < ($horizon::DATE + INTERVAL 1 DAY)
),
flagged AS (
    SELECT *,
        CASE WHEN person_key IS NULL THEN FALSE ELSE
            count(*) OVER (
                PARTITION BY person_key ORDER BY at_us
                RANGE BETWEEN 1 FOLLOWING AND $window FOLLOWING
            ) > 0
        END AS repeated
    FROM counted
),
measured AS (
    SELECT *,
        outcome = 'abandoned' AND wait_seconds IS NOT NULL AND wait_seconds < $short AS short
    FROM flagged
    WHERE CAST(offered_local AS DATE) BETWEEN $date_from AND $date_to
      AND ($channel::VARCHAR IS NULL OR channel = $channel::VARCHAR)
),
kept AS (
    SELECT {key_list} *
    FROM measured
)
SELECT
    {group + "," if group else ""}
    count(*) FILTER (WHERE NOT short) AS offered,
    count(*) FILTER (WHERE NOT short AND outcome = 'answered') AS answered,
    count(*) FILTER (WHERE NOT short AND outcome = 'abandoned') AS abandoned,
    count(*) FILTER (WHERE NOT short AND outcome = 'callback') AS callbacks,
    count(*) FILTER (WHERE NOT short AND outcome = 'deflected') AS deflected,
    count(*) FILTER (WHERE NOT short AND outcome = 'answered')
        / nullif(count(*) FILTER (WHERE NOT short), 0) AS pct_answered,
    count(*) FILTER (WHERE NOT short AND outcome = 'abandoned')
        / nullif(count(*) FILTER (WHERE NOT short), 0) AS pct_abandoned,
    avg(wait_seconds) FILTER (WHERE outcome = 'answered') AS asa_seconds,
    avg(wait_seconds) FILTER (
        WHERE NOT short AND outcome IN ('answered', 'abandoned')) AS avg_wait_seconds,
    count(*) FILTER (WHERE outcome = 'answered' AND wait_seconds <= $sl)
        / nullif(count(*) FILTER (
            WHERE NOT short AND outcome IN ('answered', 'abandoned')
              AND wait_seconds IS NOT NULL), 0) AS service_level,
    avg(handle_seconds) FILTER (WHERE outcome = 'answered') AS aht_seconds,
    count(*) FILTER (WHERE outcome = 'answered' AND resolution = 'first_contact')
        / nullif(count(*) FILTER (
            WHERE outcome = 'answered' AND resolution IS NOT NULL), 0) AS fcr,
    count(*) FILTER (
        WHERE outcome = 'answered' AND resolution IN ('first_contact', 'follow_up_resolved'))
        / nullif(count(*) FILTER (
            WHERE outcome = 'answered' AND resolution IS NOT NULL), 0) AS overall_resolution,
    count(*) FILTER (WHERE NOT short AND failure_demand)
        / nullif(count(*) FILTER (
            WHERE NOT short AND failure_demand IS NOT NULL), 0) AS failure_demand,
    count(*) FILTER (WHERE NOT short AND csat_sign = 1)
        / nullif(count(*) FILTER (WHERE NOT short AND csat_sign IS NOT NULL), 0) AS csat,
    avg(csat_sign) FILTER (WHERE NOT short) AS csat_net,
    count(*) FILTER (WHERE NOT short AND person_key IS NOT NULL AND repeated)
        / nullif(count(*) FILTER (
            WHERE NOT short AND person_key IS NOT NULL), 0) AS repeat_7d,
    count(*) FILTER (WHERE NOT short AND email_known = FALSE)
        / nullif(count(*) FILTER (
            WHERE NOT short AND email_known IS NOT NULL), 0) AS no_email_share
FROM kept
{"GROUP BY " + group if group else ""}
HAVING count(*) > 0
{"ORDER BY " + group if group else ""}
"""  # noqa: S608


def _quoted(key: str) -> str:
    return f'"{key}"'


def _period_end(keys: dict[str, Any], query: KpiQuery) -> dt.date:
    """The last local date of a row's period: its day, week or month, within the query's."""
    end = query.date_to
    if "day" in keys:
        end = min(end, dt.date.fromisoformat(keys["day"]))
    elif "week" in keys:
        year, week = keys["week"].split("-W")
        end = min(end, dt.date.fromisocalendar(int(year), int(week), 7))
    elif "month" in keys:
        year, month = (int(part) for part in keys["month"].split("-"))
        end = min(end, dt.date(year, month, calendar.monthrange(year, month)[1]))
    return end


def evaluate_target(value: float | None, direction: str, green: float, amber: float) -> str | None:
    """Red, amber or green for an unrounded value; green and amber include their thresholds."""
    if value is None:
        return None
    if direction == "higher":
        return "green" if value >= green else "amber" if value >= amber else "red"
    if direction == "lower":
        return "green" if value <= green else "amber" if value <= amber else "red"
    raise ValueError(f"direction must be higher or lower, not {direction!r}")


def kpi_names() -> Sequence[str]:
    """Every KPI of the machine output, in its order."""
    return (*COUNT_KPIS, *RATIO_KPIS)
