"""The KPI engine: the rules of `contact-records-and-kpis.md` §2 as DuckDB SQL over contact facts.

Input is contact facts (`facts.py`): Parquet snapshot partitions laid out hive-style
(`council_id=<n>/month=YYYY-MM/*.parquet`) plus *fresh* rows, which replace snapshot rows with the
same contact key and are added when new. Output is the rows of §3's machine output, unrounded.

How a query runs (one in-memory DuckDB connection per call):

- Only the partitions needed are read: the council's, for the months that overlap the period and
  the 8 days after it (the 168-hour repeat look-ahead, with a day to spare for the clock change).
- Every KPI but `repeat_7d` comes from one pass over the period's counted contacts: a first
  aggregation by the grouping keys, the outcome and the short-abandon flag (so every KPI's filter
  becomes a choice among a handful of partial rows), then a second over those partial rows.
- `repeat_7d` comes from a window over each person's counted contacts (period and look-ahead, any
  channel) ordered by `offered_at_utc`: the first contact of the next *distinct* instant
  (`GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING`, so contacts at the same instant are not "later")
  at most 168 hours later. Only the person, the instant and one 64-bit hash of the row's grouping
  keys go through that sort: carrying wide rows through a window costs more than a second scan.
  The hash is checked against the groups of the first pass; should two groups ever share one, the
  query runs again carrying the keys themselves, so the figures never depend on luck.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
# Partitions read past the period for the repeat look-ahead: 168 hours after the period's last
# local instant is at most 8 local days later (a clock change moves the wall clock by an hour).
LOOK_AHEAD_DAYS = 8
# A period "ended less than 7 days ago" until 7 full days after its last local date.
PROVISIONAL_DAYS = 8

Direction = Literal["higher", "lower"]
Rag = Literal["green", "amber", "red"]


@dataclass(frozen=True)
class FactSource:
    """Where the facts are: a snapshot folder (hive-style) and the fresh rows (FACT_SCHEMA)."""

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


def kpi_names() -> Sequence[str]:
    """Every KPI of the machine output, in its order."""
    return (*COUNT_KPIS, *RATIO_KPIS)


# --- partitions ---------------------------------------------------------------------------------


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """The "YYYY-MM" months from `first`'s to `last`'s, inclusive."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def snapshot_files(root: Path, council_id: int, first: dt.date, last: dt.date) -> list[str]:
    """The Parquet files of a council's partitions for the months from `first` to `last`."""
    folder = root / f"council_id={council_id}"
    files: list[str] = []
    for month in months_between(first, last):
        partition = folder / f"month={month}"
        if partition.is_dir():
            files.extend(str(path) for path in sorted(partition.glob("*.parquet")))
    return files


def connect_facts(
    source: FactSource, council_id: int, first: dt.date, last: dt.date
) -> duckdb.DuckDBPyConnection:
    """A connection with a view `facts`: the snapshot rows of the council's partitions from
    `first`'s month to `last`'s that no fresh row replaces, and the fresh rows.

    Public for the other engines of insight and planning that query the same facts."""
    connection = duckdb.connect(config={"preserve_insertion_order": False})
    try:
        files = snapshot_files(source.root, council_id, first, last) if source.root else []
        fresh = source.fresh
        if fresh is not None and fresh.num_rows == 0:
            fresh = None
        if fresh is not None:
            missing = [name for name in FACT_COLUMNS if name not in fresh.column_names]
            if missing:
                raise ValueError(f"fresh rows lack column(s): {', '.join(missing)}")
            connection.register("fresh_rows", fresh.select(list(FACT_COLUMNS)).cast(FACT_SCHEMA))
        elif not files:
            connection.register("fresh_rows", FACT_SCHEMA.empty_table())
        connection.execute(_view_sql(files, fresh=fresh is not None))
    except BaseException:
        connection.close()
        raise
    return connection


def _view_sql(files: Sequence[str], *, fresh: bool) -> str:
    """The view `facts`: a fresh row replaces the snapshot row of the same contact, wherever it
    was, and is added when new. Column names and the quoted paths of the files we listed are the
    only text put in."""
    columns = ", ".join(FACT_COLUMNS)
    listed = ", ".join("'" + name.replace("'", "''") + "'" for name in files)
    snapshot = f"""
        SELECT {columns} FROM read_parquet(
            [{listed}], hive_partitioning = true,
            hive_types = {{'council_id': BIGINT, 'month': VARCHAR}}
        )"""  # noqa: S608
    if files and fresh:
        return f"""
            CREATE VIEW facts AS
            SELECT {columns} FROM ({snapshot}) AS snapshot
            ANTI JOIN fresh_rows USING (contact_key)
            UNION ALL
            SELECT {columns} FROM fresh_rows"""  # noqa: S608
    if files:
        return f"CREATE VIEW facts AS {snapshot}"
    return f"CREATE VIEW facts AS SELECT {columns} FROM fresh_rows"  # noqa: S608


# --- grouping keys ------------------------------------------------------------------------------

# The value each key is grouped and sorted by (cheap to compute and to hash), and how that value
# is shown in the output. Sorting the raw value gives the natural order of the shown one.
_RAW_KEYS = {
    "service": "service",
    "family": "family",
    "channel": "channel",
    "queue": "queue",
    "day": "CAST(offered_local AS DATE)",
    "week": "CAST(date_trunc('week', offered_local) AS DATE)",
    "month": "CAST(date_trunc('month', offered_local) AS DATE)",
    "weekday": "isodow(offered_local)",
    "hour": "hour(offered_local)",
    "interval": "(hour(offered_local) * 60 + minute(offered_local)) // {step} * {step}",
}
_SHOWN_KEYS = {
    "service": "{k}",
    "family": "{k}",
    "channel": "{k}",
    "queue": "{k}",
    "day": "strftime({k}, '%Y-%m-%d')",
    "week": "printf('%04d-W%02d', isoyear({k}), week({k}))",
    "month": "strftime({k}, '%Y-%m')",
    "weekday": "{k}",
    "hour": "{k}",
    "interval": "printf('%02d:%02d', {k} // 60, {k} % 60)",
}


# Keys that are periods of time (a row's period for the provisional flag and for a person's
# latest email_known value); weekday, hour and interval are times of day or week, not periods.
_PERIOD_KEYS = ("day", "week", "month")


def _check(query: KpiQuery) -> None:
    unknown = [key for key in query.by if key not in GROUP_KEYS]
    if unknown:
        raise ValueError(f"unknown grouping key(s): {', '.join(unknown)}")
    if len(set(query.by)) != len(query.by):
        raise ValueError("a grouping key is given twice")
    if query.interval_minutes not in (15, 30):
        raise ValueError("interval_minutes must be 15 or 30")
    if query.date_to < query.date_from:
        raise ValueError("the period ends before it starts")


def _key_columns(by: Sequence[str], interval_minutes: int) -> list[tuple[str, str]]:
    """(column name, raw expression) of each grouping key."""
    return [(f"k{i}", _RAW_KEYS[key].format(step=interval_minutes)) for i, key in enumerate(by)]


def _parameters(query: KpiQuery, council_id: int, *, look_ahead: bool) -> dict[str, Any]:
    """The values of a query's SQL (only those it uses: DuckDB rejects the others)."""
    values: dict[str, Any] = {
        "council": council_id,
        "period_start": dt.datetime.combine(query.date_from, dt.time()),
        "period_end": dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time()),
        "short": float(query.short_abandon_seconds),
    }
    if query.channel is not None:
        values["channel"] = query.channel
    if look_ahead:
        values["horizon"] = dt.datetime.combine(
            query.date_to + dt.timedelta(days=LOOK_AHEAD_DAYS + 1), dt.time()
        )
        values["sl"] = float(query.service_level_seconds)
        values["window"] = REPEAT_WINDOW_US
    return values


def _channel_filter(query: KpiQuery) -> str:
    return "" if query.channel is None else "AND channel = $channel"


def _period_filter(query: KpiQuery) -> str:
    """The period's counted contacts (short abandons included), in the channel filter."""
    return (
        "council_id = $council AND counted "
        "AND offered_local >= $period_start AND offered_local < $period_end "
        + _channel_filter(query)
    )


_SHORT = "coalesce(outcome = 'abandoned' AND wait_seconds < $short, FALSE)"


def _kpi_sql(query: KpiQuery, *, exact_keys: bool) -> str:
    keys = _key_columns(query.by, query.interval_minutes)
    names = [name for name, _ in keys]
    raw = ", ".join(f"{expression} AS {name}" for name, expression in keys)
    group_hash = f"hash({', '.join(names)})" if names else "0::UBIGINT"
    row_key = f"hash({', '.join(expr for _, expr in keys)})" if keys else "0::UBIGINT"
    if exact_keys and keys:
        group_hash = f"row({', '.join(names)})"
        row_key = f"row({', '.join(expr for _, expr in keys)})"
    shown = ", ".join(
        _SHOWN_KEYS[key].format(k=name) + f' AS "{key}"'
        for key, name in zip(query.by, names, strict=True)
    )
    group_by = f"GROUP BY {', '.join(names)}" if names else ""
    order_by = f"ORDER BY {', '.join(names)}" if names else ""
    # Only names from GROUP_KEYS and numbers reach the text; every value is a parameter.
    return f"""
WITH partial AS (
    -- One row per group, outcome and short-abandon flag: every KPI's filter is then a choice
    -- among these few rows.
    SELECT {raw + "," if raw else ""} outcome, {_SHORT} AS short,
        count(*) AS n,
        fsum(wait_seconds) AS wait_sum, count(wait_seconds) AS wait_n,
        count_if(wait_seconds <= $sl) AS within_sl,
        fsum(handle_seconds) AS handle_sum, count(handle_seconds) AS handle_n,
        count_if(resolution = 'first_contact') AS first_contact,
        count_if(resolution = 'follow_up_resolved') AS follow_up_resolved,
        count(resolution) AS resolution_n,
        count_if(failure_demand) AS failure, count(failure_demand) AS failure_n,
        count_if(csat_sign = 1) AS csat_good, count(csat_sign) AS csat_n,
        sum(csat_sign) AS csat_sum,
        count_if(NOT email_known) AS no_email, count(email_known) AS email_n
    FROM facts
    WHERE {_period_filter(query)}
    GROUP BY ALL
),
kinds AS (
    SELECT *,
        outcome = 'answered' AND NOT short AS answered,
        outcome IN ('answered', 'abandoned') AND NOT short AS queued
    FROM partial
),
grouped AS (
    SELECT {", ".join(names) + "," if names else ""} {group_hash} AS group_key,
        coalesce(sum(n) FILTER (NOT short), 0) AS offered,
        coalesce(sum(n) FILTER (answered), 0) AS answered,
        coalesce(sum(n) FILTER (outcome = 'abandoned' AND NOT short), 0) AS abandoned,
        coalesce(sum(n) FILTER (outcome = 'callback' AND NOT short), 0) AS callbacks,
        coalesce(sum(n) FILTER (outcome = 'deflected' AND NOT short), 0) AS deflected,
        fsum(wait_sum) FILTER (answered) AS asa_sum,
        coalesce(sum(wait_n) FILTER (answered), 0) AS asa_n,
        fsum(wait_sum) FILTER (queued) AS wait_sum,
        coalesce(sum(wait_n) FILTER (queued), 0) AS wait_n,
        coalesce(sum(within_sl) FILTER (answered), 0) AS within_sl,
        fsum(handle_sum) FILTER (answered) AS handle_sum,
        coalesce(sum(handle_n) FILTER (answered), 0) AS handle_n,
        coalesce(sum(first_contact) FILTER (answered), 0) AS first_contact,
        coalesce(sum(follow_up_resolved) FILTER (answered), 0) AS follow_up,
        coalesce(sum(resolution_n) FILTER (answered), 0) AS resolution_n,
        coalesce(sum(failure) FILTER (NOT short), 0) AS failure,
        coalesce(sum(failure_n) FILTER (NOT short), 0) AS failure_n,
        coalesce(sum(csat_good) FILTER (NOT short), 0) AS csat_good,
        coalesce(sum(csat_n) FILTER (NOT short), 0) AS csat_n,
        coalesce(sum(csat_sum) FILTER (NOT short), 0) AS csat_sum,
        coalesce(sum(no_email) FILTER (NOT short), 0) AS no_email,
        coalesce(sum(email_n) FILTER (NOT short), 0) AS email_n
    FROM kinds
    {group_by}
    HAVING count(*) > 0
),
timeline AS (
    -- Every counted contact of a person from the period's start to the look-ahead's end, any
    -- channel; the offered contacts of the period carry their group's key.
    SELECT person_key, epoch_us(offered_at_utc) AS at_us,
        CASE WHEN offered_local < $period_end {_channel_filter(query)} AND NOT {_SHORT}
            THEN {row_key} END AS group_key
    FROM facts
    WHERE council_id = $council AND counted AND person_key IS NOT NULL
      AND offered_local >= $period_start AND offered_local < $horizon
),
repeats AS (
    SELECT group_key, count(*) AS with_person,
        coalesce(count_if(next_at - at_us <= $window), 0) AS repeated
    FROM (
        SELECT group_key, at_us,
            first_value(at_us) OVER (
                PARTITION BY person_key ORDER BY at_us
                GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING
            ) AS next_at
        FROM timeline
    )
    WHERE group_key IS NOT NULL
    GROUP BY group_key
)
SELECT {shown + "," if shown else ""}
    offered, answered, abandoned, callbacks, deflected,
    answered / nullif(offered, 0) AS pct_answered,
    abandoned / nullif(offered, 0) AS pct_abandoned,
    asa_sum / nullif(asa_n, 0) AS asa_seconds,
    wait_sum / nullif(wait_n, 0) AS avg_wait_seconds,
    within_sl / nullif(wait_n, 0) AS service_level,
    handle_sum / nullif(handle_n, 0) AS aht_seconds,
    first_contact / nullif(resolution_n, 0) AS fcr,
    (first_contact + follow_up) / nullif(resolution_n, 0) AS overall_resolution,
    failure / nullif(failure_n, 0) AS failure_demand,
    csat_good / nullif(csat_n, 0) AS csat,
    csat_sum / nullif(csat_n, 0) AS csat_net,
    repeated / nullif(with_person, 0) AS repeat_7d,
    no_email / nullif(email_n, 0) AS no_email_share,
    count(*) OVER (PARTITION BY grouped.group_key) AS sharing_key
FROM grouped LEFT JOIN repeats USING (group_key)
{order_by}
"""  # noqa: S608


def compute_kpis(
    source: FactSource, council_id: int, query: KpiQuery, today: dt.date
) -> list[dict[str, Any]]:
    """Every KPI of §2 for one council, one row per group, sorted by the grouping keys.

    A row: the grouping keys (in `query.by`'s order), "provisional", then the KPIs of §3.
    """
    _check(query)
    first, last = query.date_from, query.date_to + dt.timedelta(days=LOOK_AHEAD_DAYS)
    connection = connect_facts(source, council_id, first, last)
    try:
        parameters = _parameters(query, council_id, look_ahead=True)
        rows, names = _fetch(connection, _kpi_sql(query, exact_keys=False), parameters)
        if any(record[-1] > 1 for record in rows):
            # Two groups share a 64-bit hash: carry the keys themselves instead.
            rows, names = _fetch(connection, _kpi_sql(query, exact_keys=True), parameters)
    finally:
        connection.close()
    result = []
    for values in rows:
        record = dict(zip(names, values, strict=True))
        keys = {key: record[key] for key in query.by}
        result.append(
            {
                **keys,
                "provisional": is_provisional(keys, query, today),
                **{kpi: int(record[kpi] or 0) for kpi in COUNT_KPIS},
                **{kpi: _number(record[kpi]) for kpi in RATIO_KPIS},
            }
        )
    return result


def _fetch(
    connection: Any, sql: str, parameters: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], list[str]]:
    cursor = connection.execute(sql, parameters)
    rows = cursor.fetchall()
    names = [column[0] for column in cursor.description or ()]
    return rows, names


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# --- provisional rows and targets ---------------------------------------------------------------


def period_end(keys: dict[str, Any], query: KpiQuery) -> dt.date:
    """The last local date of a row's period: its day, week or month, within the query's."""
    end = query.date_to
    if "day" in keys:
        end = min(end, dt.date.fromisoformat(keys["day"]))
    if "week" in keys:
        year, week = keys["week"].split("-W")
        end = min(end, dt.date.fromisocalendar(int(year), int(week), 7))
    if "month" in keys:
        year, month = (int(part) for part in keys["month"].split("-"))
        end = min(end, dt.date(year, month, calendar.monthrange(year, month)[1]))
    return end


def is_provisional(keys: dict[str, Any], query: KpiQuery, today: dt.date) -> bool:
    """A row is provisional while its period ended less than 7 days before `today`."""
    return today < period_end(keys, query) + dt.timedelta(days=PROVISIONAL_DAYS)


def evaluate_target(
    value: float | None, direction: Direction | str, green: float, amber: float
) -> Rag | None:
    """Red, amber or green for an unrounded value; green and amber include their thresholds."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be higher or lower, not {direction!r}")
    if value is None:
        return None
    if direction == "higher":
        return "green" if value >= green else "amber" if value >= amber else "red"
    return "green" if value <= green else "amber" if value <= amber else "red"


# --- people without an email address ------------------------------------------------------------


def people_without_email_share(
    source: FactSource, council_id: int, query: KpiQuery, today: dt.date
) -> list[dict[str, Any]]:
    """The share of people (not of contacts) without an email address, per group.

    The contacts are those the KPIs measure: the offered contacts of the period (counted, short
    abandons left out) in the channel filter. A row's persons are the distinct persons with such
    a contact in the row's group. A person's value is the email_known of their latest contact
    with a value (by offered_at_utc, then contact key) in the row's period: the whole period, or
    the row's day, week or month when the grouping has one (any service or queue: it is the
    person's, not the service's). The share is the persons whose value is false over the persons
    with a value; None when none has one. A group has a row when a counted contact of the period
    falls in it, as in `compute_kpis`.
    """
    _check(query)
    keys = _key_columns(query.by, query.interval_minutes)
    names = [name for name, _ in keys]
    periods = [name for key, name in zip(query.by, names, strict=True) if key in _PERIOD_KEYS]
    raw = ", ".join(f"{expression} AS {name}" for name, expression in keys)
    shown = ", ".join(
        _SHOWN_KEYS[key].format(k=name) + f' AS "{key}"'
        for key, name in zip(query.by, names, strict=True)
    )
    listed = ", ".join(names)
    sql = f"""
WITH counted AS (
    SELECT {raw + "," if raw else ""} person_key, email_known, contact_key,
        epoch_us(offered_at_utc) AS at_us, {_SHORT} AS short
    FROM facts
    WHERE {_period_filter(query)}
),
measured AS (SELECT * FROM counted WHERE NOT short AND person_key IS NOT NULL),
status AS (
    SELECT {", ".join([*periods, "person_key"])},
        arg_max(email_known, (at_us, contact_key)) FILTER (email_known IS NOT NULL)
            AS email_known
    FROM measured
    GROUP BY ALL
),
members AS (SELECT DISTINCT {", ".join([*names, "person_key"])} FROM measured),
counts AS (
    SELECT {listed + "," if names else ""}
        count(status.email_known) AS persons,
        count(*) FILTER (NOT status.email_known) AS without_email
    FROM members JOIN status USING ({", ".join([*periods, "person_key"])})
    {"GROUP BY " + listed if names else ""}
),
groups AS (SELECT DISTINCT {listed if names else "TRUE AS whole_period"} FROM counted)
SELECT {shown + "," if shown else ""}
    coalesce(persons, 0) AS persons, coalesce(without_email, 0) AS without_email,
    without_email / nullif(persons, 0) AS share
FROM groups {"LEFT JOIN counts USING (" + listed + ")" if names else ", counts"}
{"ORDER BY " + listed if names else ""}
"""  # noqa: S608
    connection = connect_facts(source, council_id, query.date_from, query.date_to)
    try:
        rows, columns = _fetch(connection, sql, _parameters(query, council_id, look_ahead=False))
    finally:
        connection.close()
    result = []
    for values in rows:
        record = dict(zip(columns, values, strict=True))
        group = {key: record[key] for key in query.by}
        result.append(
            {
                **group,
                "provisional": is_provisional(group, query, today),
                "persons": int(record["persons"]),
                "persons_without_email": int(record["without_email"]),
                "people_without_email_share": _number(record["share"]),
            }
        )
    return result


# --- channel shift ------------------------------------------------------------------------------


def same_period_in(year: int, date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The same dates in another year (29 February becomes 28 February)."""

    def moved(day: dt.date) -> dt.date:
        last = calendar.monthrange(year, day.month)[1]
        return dt.date(year, day.month, min(day.day, last))

    return moved(date_from), moved(date_to)


def channel_shift(
    source: FactSource,
    council_id: int,
    date_from: dt.date,
    date_to: dt.date,
    baseline_year: int,
    *,
    service: str | None = None,
) -> list[dict[str, Any]]:
    """Each channel's share of a service's counted contacts, and its change since a baseline.

    For each service (or only `service`) and each channel seen in either period: the counted
    contacts (short abandons included: the rule speaks of counted contacts) in the period and in
    the same dates of `baseline_year`, the channel's share of the service's counted contacts in
    each (None when the service has none), and the change in percentage points (None without
    both shares). Rows are sorted by service, then channel.
    """
    if date_to < date_from:
        raise ValueError("the period ends before it starts")
    base_from, base_to = same_period_in(baseline_year, date_from, date_to)
    periods = [(date_from, date_to), (base_from, base_to)]
    counts: list[dict[tuple[str, str], int]] = []
    for start, end in periods:
        connection = connect_facts(source, council_id, start, end)
        try:
            cursor = connection.execute(
                """
                SELECT service, channel, count(*) FROM facts
                WHERE council_id = $council AND counted
                  AND offered_local >= $start AND offered_local < $end
                  AND ($service::VARCHAR IS NULL OR service = $service::VARCHAR)
                GROUP BY ALL
                """,
                {
                    "council": council_id,
                    "start": dt.datetime.combine(start, dt.time()),
                    "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
                    "service": service,
                },
            )
            counts.append({(s, c): int(n) for s, c, n in cursor.fetchall()})
        finally:
            connection.close()
    current, baseline = counts
    totals = [_service_totals(current), _service_totals(baseline)]
    rows = []
    for key in sorted(current.keys() | baseline.keys()):
        service_id, channel = key
        now, then = current.get(key, 0), baseline.get(key, 0)
        share = now / totals[0][service_id] if totals[0].get(service_id) else None
        base_share = then / totals[1][service_id] if totals[1].get(service_id) else None
        rows.append(
            {
                "service": service_id,
                "channel": channel,
                "contacts": now,
                "share": share,
                "baseline_contacts": then,
                "baseline_share": base_share,
                "change_pp": (
                    (share - base_share) * 100
                    if share is not None and base_share is not None
                    else None
                ),
            }
        )
    return rows


def _service_totals(counts: dict[tuple[str, str], int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (service_id, _), number in counts.items():
        totals[service_id] = totals.get(service_id, 0) + number
    return totals
