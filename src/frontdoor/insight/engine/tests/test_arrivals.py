"""Arrivals for planning (engine/arrivals.py) on hand-checked facts.

Every expected number is worked out by hand from the rows of its test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdoor.insight.engine.arrivals import (
    ArrivalQuery,
    arrivals_by_interval,
    queue_handling,
)
from frontdoor.insight.engine.facts import FACT_SCHEMA
from frontdoor.insight.engine.kpis import FactSource

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
_keys = itertools.count(1)
MONDAY = dt.date(2026, 3, 2)
WEEK = ArrivalQuery(MONDAY, MONDAY + dt.timedelta(days=6), interval_minutes=30)


def fact(at: str, **values: Any) -> dict[str, Any]:
    """A counted phone call to the council-tax queue at a London wall-clock time, answered after
    10 seconds and handled for 200."""
    local = dt.datetime.fromisoformat(at)
    row = {
        "council_id": 1,
        "contact_key": next(_keys),
        "counted": True,
        "channel": "phone",
        "service": "council-tax",
        "family": "council-tax",
        "queue": "council-tax",
        "offered_at_utc": local.replace(tzinfo=LONDON).astimezone(dt.UTC),
        "offered_local": local,
        "month": local.strftime("%Y-%m"),
        "outcome": "answered",
        "wait_seconds": 10.0,
        "handle_seconds": 200.0,
        "resolution": None,
        "failure_demand": None,
        "failure_demand_type": None,
        "csat_sign": None,
        "person_key": None,
        "email_known": None,
        "wrap_code": None,
    }
    row.update(values)
    return row


def source(*rows: dict[str, Any]) -> FactSource:
    return FactSource(fresh=pa.Table.from_pylist(list(rows), schema=FACT_SCHEMA))


def test_arrivals_are_counted_contacts_less_short_abandons_and_deflected_ones() -> None:
    facts = source(
        fact("2026-03-02T09:05:00"),  # answered: an arrival
        fact("2026-03-02T09:29:59", outcome="abandoned", wait_seconds=40.0),  # gave up: arrival
        fact("2026-03-02T09:10:00", outcome="callback", wait_seconds=None),  # work: arrival
        fact("2026-03-02T09:12:00", outcome="abandoned", wait_seconds=3.0),  # short abandon
        fact("2026-03-02T09:13:00", outcome="abandoned", wait_seconds=None),  # no wait: arrival
        fact("2026-03-02T09:14:00", outcome="deflected", wait_seconds=None),  # no agent
        fact("2026-03-02T09:15:00", counted=False),  # a transfer leg
        fact("2026-03-02T09:30:00"),  # the next interval
        fact("2026-03-03T16:45:00"),  # Tuesday
        fact("2026-03-09T09:00:00"),  # after the period
        fact("2026-03-02T09:00:00", council_id=2),  # another council
    )
    found = arrivals_by_interval(facts, 1, WEEK)
    assert list(found) == ["council-tax"]
    queue = found["council-tax"]
    assert queue.intervals_per_day == 48
    assert sorted(queue.days) == [MONDAY, MONDAY + dt.timedelta(days=1)]
    monday = queue.days[MONDAY]
    assert monday[18] == 4  # 09:00-09:30: answered, long abandon, callback, abandon without wait
    assert monday[19] == 1  # 09:30-10:00
    assert monday.sum() == 5
    assert queue.days[MONDAY + dt.timedelta(days=1)][33] == 1  # 16:30-17:00
    assert queue.total() == 6


def test_fifteen_minute_intervals_and_queues_are_kept_apart() -> None:
    facts = source(
        fact("2026-03-02T09:05:00"),
        fact("2026-03-02T09:14:59"),
        fact("2026-03-02T09:15:00"),
        fact("2026-03-02T09:20:00", queue="housing"),
    )
    query = ArrivalQuery(MONDAY, MONDAY, interval_minutes=15)
    found = arrivals_by_interval(facts, 1, query)
    assert sorted(found) == ["council-tax", "housing"]
    tax = found["council-tax"].days[MONDAY]
    assert len(tax) == 96 and tax[36] == 2 and tax[37] == 1
    assert found["housing"].days[MONDAY][37] == 1


def test_the_queue_and_channel_filters_narrow_the_arrivals() -> None:
    facts = source(
        fact("2026-03-02T09:05:00"),
        fact("2026-03-02T09:06:00", channel="webchat"),
        fact("2026-03-02T09:07:00", channel="email", wait_seconds=None),
        fact("2026-03-02T09:08:00", queue="housing"),
    )
    phone_and_chat = ArrivalQuery(MONDAY, MONDAY, channels=("phone", "webchat"))
    found = arrivals_by_interval(facts, 1, phone_and_chat)
    assert found["council-tax"].total() == 2 and found["housing"].total() == 1
    only_housing = ArrivalQuery(MONDAY, MONDAY, queues=("housing",))
    assert list(arrivals_by_interval(facts, 1, only_housing)) == ["housing"]


def test_local_wall_clock_time_decides_the_interval_in_summer_time() -> None:
    # 30 March 2026 is in British Summer Time: 09:10 local is 08:10 UTC, still the 09:00 slot.
    facts = source(fact("2026-03-30T09:10:00"))
    query = ArrivalQuery(dt.date(2026, 3, 30), dt.date(2026, 3, 30))
    assert arrivals_by_interval(facts, 1, query)["council-tax"].days[dt.date(2026, 3, 30)][18] == 1


def test_the_matrix_gives_a_row_per_date_with_zeros_where_nothing_arrived() -> None:
    facts = source(fact("2026-03-02T09:05:00"), fact("2026-03-04T10:00:00"))
    queue = arrivals_by_interval(facts, 1, WEEK)["council-tax"]
    dates = [MONDAY + dt.timedelta(days=n) for n in range(3)]
    matrix = queue.matrix(dates)
    assert matrix.shape == (3, 48)
    assert matrix[0, 18] == 1 and matrix[1].sum() == 0 and matrix[2, 20] == 1


def test_snapshot_rows_and_fresh_rows_both_count_and_a_fresh_row_replaces_its_snapshot(
    tmp_path: Path,
) -> None:
    old = fact("2026-03-02T09:05:00")
    kept = fact("2026-03-02T09:06:00")
    folder = tmp_path / "council_id=1" / "month=2026-03"
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist([old, kept], schema=FACT_SCHEMA)
    pq.write_table(table.drop(["council_id", "month"]), folder / "facts.parquet")
    # The first contact was later re-imported as deflected: it no longer reaches an agent.
    changed = dict(old, outcome="deflected", wait_seconds=None)
    fresh = pa.Table.from_pylist([changed, fact("2026-03-02T11:00:00")], schema=FACT_SCHEMA)
    found = arrivals_by_interval(FactSource(root=tmp_path, fresh=fresh), 1, WEEK)
    monday = found["council-tax"].days[MONDAY]
    assert monday[18] == 1 and monday[22] == 1 and monday.sum() == 2


def test_no_arrivals_gives_no_queues() -> None:
    assert arrivals_by_interval(FactSource(), 1, WEEK) == {}


def test_a_bad_query_is_refused() -> None:
    with pytest.raises(ValueError, match="15 or 30"):
        ArrivalQuery(MONDAY, MONDAY, interval_minutes=20)
    with pytest.raises(ValueError, match="ends before"):
        ArrivalQuery(MONDAY, MONDAY - dt.timedelta(days=1))


def test_queue_handling_reads_handle_time_patience_wrap_codes_and_failure_demand() -> None:
    facts = source(
        fact("2026-03-02T09:00:00", handle_seconds=100.0, wait_seconds=20.0, wrap_code="bill"),
        fact("2026-03-02T09:01:00", handle_seconds=300.0, wait_seconds=40.0, wrap_code="bill"),
        fact("2026-03-02T09:02:00", handle_seconds=None, wait_seconds=0.0, wrap_code="move"),
        fact("2026-03-02T09:03:00", outcome="abandoned", wait_seconds=60.0, failure_demand=True),
        fact("2026-03-02T09:04:00", outcome="abandoned", wait_seconds=80.0, failure_demand=False),
        fact("2026-03-02T09:05:00", outcome="abandoned", wait_seconds=2.0),  # short: not counted
        fact("2026-03-02T09:06:00", outcome="callback", wait_seconds=None, failure_demand=True),
    )
    handling = queue_handling(facts, 1, WEEK)["council-tax"]
    assert handling.arrivals == 6 and handling.answered == 3
    assert handling.aht_seconds == pytest.approx(200.0)  # (100 + 300) / 2; a missing one is left
    assert handling.abandoned == 2
    # Waits of answered and abandoned arrivals: 20 + 40 + 0 + 60 + 80 = 200 s over 2 abandons.
    assert handling.patience_seconds == pytest.approx(100.0)
    assert handling.wrap_codes == {"bill": 2, "move": 1} and handling.wrap_known == 3
    assert handling.wrap_share("bill") == pytest.approx(2 / 3)
    assert handling.wrap_share("unknown") == 0.0
    assert handling.failure_demand == 2 and handling.failure_known == 3
    assert handling.failure_share == pytest.approx(2 / 3)


def test_queue_handling_without_abandons_or_handle_times_says_so() -> None:
    facts = source(fact("2026-03-02T09:00:00", handle_seconds=None))
    handling = queue_handling(facts, 1, WEEK)["council-tax"]
    assert handling.aht_seconds is None and handling.patience_seconds is None
    assert handling.failure_share == 0.0 and handling.wrap_share("bill") == 0.0


def test_a_large_history_groups_quickly_into_the_same_totals() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for offset in range(14):
        day = MONDAY + dt.timedelta(days=offset)
        for minute in rng.integers(8 * 60, 18 * 60, size=50):
            rows.append(fact(f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"))
    query = ArrivalQuery(MONDAY, MONDAY + dt.timedelta(days=13), interval_minutes=15)
    found = arrivals_by_interval(source(*rows), 1, query)["council-tax"]
    assert found.total() == 700 and len(found.days) == 14
    assert all(counts.sum() == 50 for counts in found.days.values())
