"""Demand insight: when contacts arrive, how long people wait before they give up, who comes back
within a week, who crosses services, avoidable contact, digital exclusion and the channel mix.

Pure: DuckDB SQL over the same contact facts as the KPI engine (`facts.py`), read through the
engine's view (the council's Parquet partitions plus fresh rows). No Django, no personal data.

Which contacts each measure is about, in the words of `contact-records-and-kpis.md` §2:

- *offered*: the period's counted contacts in the channel filter, less short abandons. Every
  measure below is over offered contacts, except two that say otherwise:
- the **abandonment curve** is over every counted abandoned contact, short abandons included
  (they are its first band: how quickly people give up is the question);
- the **channel mix** is over counted contacts of every channel, short abandons included, as the
  reference's channel shift is (it speaks of counted contacts).

Every function returns plain rows (dicts), unrounded, sorted in a stated order, so the pages and
their CSV files show the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

from .facts import FAILURE_DEMAND_TYPES
from .kpis import LOOK_AHEAD_DAYS, REPEAT_WINDOW_US, FactSource, connect_facts

# How long abandoned contacts waited: (band id, lower bound included, upper bound excluded).
ABANDON_BANDS: tuple[tuple[str, float, float | None], ...] = (
    ("0-5s", 0.0, 5.0),
    ("5-30s", 5.0, 30.0),
    ("30-60s", 30.0, 60.0),
    ("1-2min", 60.0, 120.0),
    ("2-5min", 120.0, 300.0),
    ("5-10min", 300.0, 600.0),
    ("10min+", 600.0, None),
)
WEEKDAYS = tuple(range(1, 8))  # ISO: 1 = Monday
HOURS = tuple(range(24))
TOP_PAIRS = 10


@dataclass(frozen=True)
class DemandQuery:
    """A period (inclusive local dates), a channel filter (None: every channel) and the
    short-abandon threshold the KPIs use."""

    date_from: dt.date
    date_to: dt.date
    channel: str | None = None
    short_abandon_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")


@contextmanager
def facts_connection(
    source: FactSource, council_id: int, query: DemandQuery, *, look_ahead: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One connection with the engine's `facts` view over the period's partitions (and the
    repeat look-ahead's, when asked): open it once and run several measures on it."""
    last = query.date_to + dt.timedelta(days=LOOK_AHEAD_DAYS if look_ahead else 0)
    connection = connect_facts(source, council_id, query.date_from, last)
    try:
        yield connection
    finally:
        connection.close()


def _values(query: DemandQuery, council_id: int, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "council": council_id,
        "period_start": dt.datetime.combine(query.date_from, dt.time()),
        "period_end": dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time()),
        "short": float(query.short_abandon_seconds),
    }
    if query.channel is not None:
        values["channel"] = query.channel
    values.update(extra)
    return values


def _channel(query: DemandQuery) -> str:
    return "" if query.channel is None else "AND channel = $channel"


_SHORT = "coalesce(outcome = 'abandoned' AND wait_seconds < $short, FALSE)"


def _offered(query: DemandQuery) -> str:
    """The period's offered contacts (counted, in the channel filter, not short abandons)."""
    return (
        "council_id = $council AND counted "
        "AND offered_local >= $period_start AND offered_local < $period_end "
        f"{_channel(query)} AND NOT {_SHORT}"
    )


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, values: dict[str, Any]
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, values)
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _share(part: int | float, whole: int | float) -> float | None:
    return None if not whole else part / whole


# --- when contacts arrive -----------------------------------------------------------------------


def days_of_week_in(date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """How many Mondays (1) ... Sundays (7) the period holds."""
    days = (date_to - date_from).days + 1
    counts = dict.fromkeys(WEEKDAYS, days // 7)
    for offset in range(days % 7):
        counts[(date_from + dt.timedelta(days=offset)).isoweekday()] += 1
    return counts


def weekly_profile(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> list[dict[str, Any]]:
    """Offered contacts by day of the week and hour of the day (local time).

    One row for each of the 168 weekday-hour cells, zeros included, sorted by weekday then hour:
    `offered`, `share` of the period's offered contacts, and `per_day`, the mean over the
    period's days of that weekday (a period may hold five Mondays and four Tuesdays).
    """
    sql = f"""
        SELECT isodow(offered_local) AS weekday, hour(offered_local) AS hour, count(*) AS offered
        FROM facts WHERE {_offered(query)}
        GROUP BY ALL
    """  # noqa: S608
    found = {
        (row["weekday"], row["hour"]): int(row["offered"])
        for row in _rows(connection, sql, _values(query, council_id))
    }
    total = sum(found.values())
    days = days_of_week_in(query.date_from, query.date_to)
    return [
        {
            "weekday": weekday,
            "hour": hour,
            "offered": found.get((weekday, hour), 0),
            "share": _share(found.get((weekday, hour), 0), total),
            "per_day": _share(found.get((weekday, hour), 0), days[weekday]),
        }
        for weekday in WEEKDAYS
        for hour in HOURS
    ]


# --- how long people wait before they give up ---------------------------------------------------


def abandonment_curve(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> dict[str, Any]:
    """Counted abandoned contacts (short abandons included) by how long they waited.

    Returns `bands`: one row per band of ABANDON_BANDS (lower bound included, upper excluded),
    with `abandoned`, `share` of the abandoned contacts that have a wait and `cumulative_share`
    (the share that gave up before the band's upper bound); `with_wait`, the abandoned contacts
    that have a wait_seconds; `without_wait`, those that have none (not in any band).
    """
    cases = " ".join(
        f"WHEN wait_seconds < {upper!r} THEN {index}"
        for index, (_, _, upper) in enumerate(ABANDON_BANDS)
        if upper is not None
    )
    sql = f"""
        SELECT CASE WHEN wait_seconds IS NULL THEN -1 {cases} ELSE {len(ABANDON_BANDS) - 1} END
                AS band,
            count(*) AS abandoned
        FROM facts
        WHERE council_id = $council AND counted AND outcome = 'abandoned'
          AND offered_local >= $period_start AND offered_local < $period_end {_channel(query)}
        GROUP BY ALL
    """  # noqa: S608
    values = _values(query, council_id)
    del values["short"]
    counts = {int(r["band"]): int(r["abandoned"]) for r in _rows(connection, sql, values)}
    with_wait = sum(n for band, n in counts.items() if band >= 0)
    bands = []
    running = 0
    for index, (band_id, lower, upper) in enumerate(ABANDON_BANDS):
        running += counts.get(index, 0)
        bands.append(
            {
                "band": band_id,
                "lower_seconds": lower,
                "upper_seconds": upper,
                "abandoned": counts.get(index, 0),
                "share": _share(counts.get(index, 0), with_wait),
                "cumulative_share": _share(running, with_wait),
            }
        )
    return {"bands": bands, "with_wait": with_wait, "without_wait": counts.get(-1, 0)}


# --- repeat contacts ----------------------------------------------------------------------------


def repeat_contacts_by_service(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> list[dict[str, Any]]:
    """Repeat contacts within 7 days, by service (the connection must hold the look-ahead).

    For each service with an offered contact: `offered`; `with_person`, those with a person;
    `repeated`, those followed by another counted contact of the same person (any channel,
    service or outcome, short abandons included) later and at most 168 hours after, exactly as
    the KPI `repeat_7d`; `repeated_same_service`, those followed so by a contact about the same
    service; and the two shares of `with_person`. Sorted by service.
    """
    sql = f"""
        WITH timeline AS (
            SELECT person_key, service, epoch_us(offered_at_utc) AS at_us,
                offered_local < $period_end {_channel(query)} AND NOT {_SHORT} AS measured
            FROM facts
            WHERE council_id = $council AND counted AND person_key IS NOT NULL
              AND offered_local >= $period_start AND offered_local < $horizon
        ),
        followed AS (
            -- The next distinct instant of the person's contacts (contacts at the same instant
            -- are not "later"), of any service, and of the same service.
            SELECT service, measured, at_us,
                first_value(at_us) OVER (
                    PARTITION BY person_key ORDER BY at_us
                    GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING
                ) AS next_any,
                first_value(at_us) OVER (
                    PARTITION BY person_key, service ORDER BY at_us
                    GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING
                ) AS next_same
            FROM timeline
        ),
        repeats AS (
            SELECT service, count(*) AS with_person,
                count_if(next_any - at_us <= $window) AS repeated,
                count_if(next_same - at_us <= $window) AS repeated_same_service
            FROM followed WHERE measured GROUP BY service
        ),
        offered AS (SELECT service, count(*) AS offered FROM facts WHERE {_offered(query)}
                    GROUP BY service)
        SELECT service, offered,
            coalesce(with_person, 0) AS with_person, coalesce(repeated, 0) AS repeated,
            coalesce(repeated_same_service, 0) AS repeated_same_service
        FROM offered LEFT JOIN repeats USING (service)
        ORDER BY service
    """  # noqa: S608
    values = _values(
        query,
        council_id,
        horizon=dt.datetime.combine(
            query.date_to + dt.timedelta(days=LOOK_AHEAD_DAYS + 1), dt.time()
        ),
        window=REPEAT_WINDOW_US,
    )
    rows = []
    for row in _rows(connection, sql, values):
        counts = {key: int(row[key]) for key in row if key != "service"}
        rows.append(
            {
                "service": row["service"],
                **counts,
                "repeat_share": _share(counts["repeated"], counts["with_person"]),
                "same_service_share": _share(
                    counts["repeated_same_service"], counts["with_person"]
                ),
            }
        )
    return rows


# --- crossover demand ---------------------------------------------------------------------------


def crossover(
    connection: duckdb.DuckDBPyConnection,
    council_id: int,
    query: DemandQuery,
    *,
    top: int = TOP_PAIRS,
) -> dict[str, Any]:
    """People who contacted several services in the period, and the pairs they combine.

    Over offered contacts that have a person. Returns `people` (persons with such a contact);
    `by_services`: persons by how many distinct services they contacted (1, 2, 3, and "4+"),
    each with its share of `people`; `several`, persons with two or more services, and its
    share; `pairs`: the `top` pairs of services (first < second) by the persons who contacted
    both, most first, ties by the services' ids, each with its share of `people`.
    """
    base = f"""
        WITH person_services AS (
            SELECT DISTINCT person_key, service FROM facts
            WHERE {_offered(query)} AND person_key IS NOT NULL
        )
    """  # noqa: S608
    values = _values(query, council_id)
    counted = _rows(
        connection,
        base  # noqa: S608 (only fixed text: every value is a parameter)
        + """
        SELECT services, count(*) AS persons FROM (
            SELECT person_key, count(*) AS services FROM person_services GROUP BY person_key
        ) GROUP BY services
        """,
        values,
    )
    per_count = {int(row["services"]): int(row["persons"]) for row in counted}
    people = sum(per_count.values())
    buckets = [("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4+", 4, None)]
    by_services = []
    for label, low, high in buckets:
        persons = sum(n for k, n in per_count.items() if k >= low and (high is None or k <= high))
        by_services.append(
            {"services": label, "persons": persons, "share": _share(persons, people)}
        )
    several = sum(n for k, n in per_count.items() if k >= 2)
    pairs = _rows(
        connection,
        base  # noqa: S608 (only fixed text: every value is a parameter)
        + """
        SELECT a.service AS first, b.service AS second, count(*) AS persons
        FROM person_services AS a JOIN person_services AS b
          ON a.person_key = b.person_key AND a.service < b.service
        GROUP BY ALL
        ORDER BY persons DESC, first, second
        LIMIT $top
        """,
        {**values, "top": int(top)},
    )
    return {
        "people": people,
        "by_services": by_services,
        "several": several,
        "several_share": _share(several, people),
        "pairs": [
            {
                "first": row["first"],
                "second": row["second"],
                "persons": int(row["persons"]),
                "share": _share(int(row["persons"]), people),
            }
            for row in pairs
        ],
    }


# --- failure demand -----------------------------------------------------------------------------


def _failure_rows(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery, key: str
) -> list[dict[str, Any]]:
    types = ", ".join(
        f"coalesce(count_if(failure_demand AND failure_demand_type = '{name}'), 0) AS \"{name}\""
        for name in FAILURE_DEMAND_TYPES
    )
    sql = f"""
        SELECT {key} AS key, count(*) AS offered,
            count(failure_demand) AS with_value,
            coalesce(count_if(failure_demand), 0) AS failure,
            {types},
            coalesce(count_if(failure_demand AND failure_demand_type IS NULL), 0)
                AS type_not_recorded
        FROM facts WHERE {_offered(query)}
        GROUP BY ALL
    """  # noqa: S608
    rows = []
    for row in _rows(connection, sql, _values(query, council_id)):
        counts = {name: int(row[name]) for name in row if name != "key"}
        rows.append(
            {"key": row["key"], **counts, "share": _share(counts["failure"], counts["with_value"])}
        )
    return rows


def failure_demand_by_service(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> list[dict[str, Any]]:
    """Failure demand by service: offered contacts, those with a failure_demand value, those
    that were failure demand and their `share` (the KPI `failure_demand`), and the failure
    demand contacts of each type (and of none recorded). Sorted by service."""
    rows = _failure_rows(connection, council_id, query, "service")
    for row in rows:
        row["service"] = row.pop("key")
    return sorted(rows, key=lambda row: row["service"])


def failure_demand_by_wrap_code(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> list[dict[str, Any]]:
    """Failure demand by the agent's wrap code (None: contacts without one), with the same
    columns as by service. Sorted by failure demand contacts, most first, then by code (None
    last), so the codes behind the most avoidable contact come first."""
    rows = _failure_rows(connection, council_id, query, "wrap_code")
    for row in rows:
        row["wrap_code"] = row.pop("key")
    return sorted(
        rows,
        key=lambda row: (-row["failure"], row["wrap_code"] is None, row["wrap_code"] or ""),
    )


def failure_demand_by_type(by_service: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failure demand contacts by type, over every service (from `failure_demand_by_service`'s
    rows): `contacts` of each type and their share of all failure demand contacts."""
    total = sum(row["failure"] for row in by_service)
    rows = []
    for name in (*FAILURE_DEMAND_TYPES, "type_not_recorded"):
        contacts = sum(row[name] for row in by_service)
        rows.append({"type": name, "contacts": contacts, "share": _share(contacts, total)})
    return rows


# --- digital exclusion --------------------------------------------------------------------------


def no_email_contacts_by_service(
    connection: duckdb.DuckDBPyConnection, council_id: int, query: DemandQuery
) -> list[dict[str, Any]]:
    """Offered contacts by service with an email_known value, those whose value is false, and
    the `share` (the KPI `no_email_share`). Sorted by service. (The share of *people* without an
    email is the KPI engine's `people_without_email_share`.)"""
    sql = f"""
        SELECT service, count(*) AS offered, count(email_known) AS with_value,
            coalesce(count_if(NOT email_known), 0) AS without_email
        FROM facts WHERE {_offered(query)}
        GROUP BY service ORDER BY service
    """  # noqa: S608
    rows = []
    for row in _rows(connection, sql, _values(query, council_id)):
        counts = {name: int(row[name]) for name in ("offered", "with_value", "without_email")}
        rows.append(
            {
                "service": row["service"],
                **counts,
                "share": _share(counts["without_email"], counts["with_value"]),
            }
        )
    return rows


# --- channel mix --------------------------------------------------------------------------------


def channel_mix(shift_rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The council's channel mix from the engine's `channel_shift` rows (per service and
    channel): each channel's counted contacts over every service, its share of all of them, the
    same in the baseline period, and the change in percentage points. Sorted by channel."""
    now: dict[str, int] = {}
    then: dict[str, int] = {}
    for row in shift_rows:
        now[row["channel"]] = now.get(row["channel"], 0) + int(row["contacts"])
        then[row["channel"]] = then.get(row["channel"], 0) + int(row["baseline_contacts"])
    total, base_total = sum(now.values()), sum(then.values())
    rows = []
    for channel in sorted(now.keys() | then.keys()):
        share = _share(now.get(channel, 0), total)
        base_share = _share(then.get(channel, 0), base_total)
        rows.append(
            {
                "channel": channel,
                "contacts": now.get(channel, 0),
                "share": share,
                "baseline_contacts": then.get(channel, 0),
                "baseline_share": base_share,
                "change_pp": (
                    (share - base_share) * 100
                    if share is not None and base_share is not None
                    else None
                ),
            }
        )
    return rows
