"""The KPI rules of contact-records-and-kpis.md §2 and §3, on hand-checked facts.

Every expected number below is worked out by hand from the rows of its test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdoor.insight.engine import kpis as engine
from frontdoor.insight.engine.facts import FACT_SCHEMA
from frontdoor.insight.engine.kpis import (
    FactSource,
    KpiQuery,
    channel_shift,
    compute_kpis,
    evaluate_target,
    kpi_names,
    people_without_email_share,
)

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = dt.date(2027, 1, 1)  # every period of 2026 has ended long before
_keys = itertools.count(1)


def fact(at: str | dt.datetime, **values: Any) -> dict[str, Any]:
    """A counted phone contact offered at a London wall-clock time, answered after 10 s."""
    local = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    utc = local.replace(tzinfo=LONDON).astimezone(dt.UTC)
    return _row(local, utc, values)


def fact_utc(at: str, **values: Any) -> dict[str, Any]:
    """The same, offered at an instant given in UTC (its London wall-clock time derived)."""
    utc = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
    local = utc.astimezone(LONDON).replace(tzinfo=None)
    return _row(local, utc, values)


def _row(local: dt.datetime, utc: dt.datetime, values: dict[str, Any]) -> dict[str, Any]:
    row = {
        "council_id": 1,
        "contact_key": next(_keys),
        "counted": True,
        "channel": "phone",
        "service": "council-tax",
        "family": "council-tax",
        "queue": "council-tax",
        "offered_at_utc": utc,
        "offered_local": local,
        "month": local.strftime("%Y-%m"),
        "outcome": "answered",
        "wait_seconds": 10.0,
        "handle_seconds": None,
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


def table(*rows: dict[str, Any]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=FACT_SCHEMA)


def write_snapshot(root: Path, *rows: dict[str, Any]) -> None:
    """Rows as hive-style partitions: council_id=<n>/month=YYYY-MM/facts.parquet."""
    by_partition: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_partition.setdefault((row["council_id"], row["month"]), []).append(row)
    for (council, month), members in by_partition.items():
        folder = root / f"council_id={council}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table(*members), folder / "facts.parquet")


def kpis(*rows: dict[str, Any], **query: Any) -> list[dict[str, Any]]:
    query.setdefault("date_from", dt.date(2026, 1, 1))
    query.setdefault("date_to", dt.date(2026, 12, 31))
    return compute_kpis(FactSource(fresh=table(*rows)), 1, KpiQuery(**query), TODAY)


def only(*rows: dict[str, Any], **query: Any) -> dict[str, Any]:
    [row] = kpis(*rows, **query)
    return row


# --- counted contacts and short abandons -------------------------------------------------------


def test_a_wait_exactly_at_the_threshold_is_not_a_short_abandon():
    row = only(
        fact("2026-01-05 09:00", outcome="abandoned", wait_seconds=5.0),
        fact("2026-01-05 09:01", outcome="abandoned", wait_seconds=4.999),
        fact("2026-01-05 09:02", wait_seconds=10.0),
    )
    # The 4.999 s abandon is short and left out everywhere; the 5 s one is an abandon.
    assert (row["offered"], row["answered"], row["abandoned"]) == (2, 1, 1)
    assert row["pct_abandoned"] == 0.5
    assert row["pct_answered"] == 0.5
    assert row["avg_wait_seconds"] == 7.5  # (5 + 10) / 2
    assert row["service_level"] == 0.5  # 1 answered within 60 s / (1 answered + 1 abandoned)


def test_the_short_abandon_threshold_is_a_setting():
    rows = [
        fact("2026-01-05 09:00", outcome="abandoned", wait_seconds=5.0),
        fact("2026-01-05 09:01", outcome="abandoned", wait_seconds=9.0),
        fact("2026-01-05 09:02", outcome="abandoned", wait_seconds=None),  # no wait: never short
    ]
    assert only(*rows)["offered"] == 3
    assert only(*rows, short_abandon_seconds=10)["offered"] == 1
    assert only(*rows, short_abandon_seconds=5.0001)["offered"] == 2


def test_uncounted_contacts_count_nowhere():
    # Outbound, retracted and continuation (child) contacts arrive with counted = False.
    outbound = fact("2026-01-05 09:01", counted=False, wrap_code="outbound", person_key="p")
    retracted = fact("2026-01-05 09:02", counted=False, wrap_code="retracted", service="rents")
    child = fact("2026-01-05 09:03", counted=False, wrap_code="transfer leg", person_key="p")
    rows = kpis(
        fact("2026-01-05 09:00", person_key="p", email_known=False),
        outbound,
        retracted,
        child,
        by=("service",),
    )
    # No row for "rents": its only contact is not counted. The person's later uncounted
    # contacts are not repeats.
    assert [r["service"] for r in rows] == ["council-tax"]
    assert (rows[0]["offered"], rows[0]["answered"]) == (1, 1)
    assert rows[0]["repeat_7d"] == 0.0
    assert rows[0]["no_email_share"] == 1.0


def test_contacts_of_another_council_are_ignored():
    row = only(fact("2026-01-05 09:00"), fact("2026-01-05 09:01", council_id=2))
    assert row["offered"] == 1


def test_no_counted_contact_gives_no_rows():
    assert kpis(fact("2026-01-05 09:00", counted=False)) == []
    assert kpis(fact("2025-12-31 23:59")) == []  # before the period


# --- every KPI, by hand ------------------------------------------------------------------------


def test_every_kpi_of_a_small_day_by_hand():
    row = only(
        # answered: waits 20, 40, 100 (two within 60 s), one without a wait
        fact(
            "2026-03-02 09:00",
            wait_seconds=20.0,
            handle_seconds=300.0,
            resolution="first_contact",
            failure_demand=False,
            csat_sign=1,
            person_key="a",
            email_known=True,
        ),
        fact(
            "2026-03-02 09:05",
            wait_seconds=40.0,
            handle_seconds=200.0,
            resolution="follow_up_resolved",
            failure_demand=True,
            csat_sign=0,
            person_key="a",
            email_known=False,
        ),
        fact(
            "2026-03-02 09:10",
            wait_seconds=100.0,
            handle_seconds=None,
            resolution="handed_over",
            csat_sign=-1,
            person_key="b",
        ),
        fact(
            "2026-03-02 09:15",
            channel="email",
            wait_seconds=None,
            handle_seconds=100.0,
            failure_demand=False,
        ),
        # abandoned after 80 s; a short abandon (2 s) with values that must count nowhere
        fact("2026-03-02 09:20", outcome="abandoned", wait_seconds=80.0, person_key="c"),
        fact(
            "2026-03-02 09:25",
            outcome="abandoned",
            wait_seconds=2.0,
            failure_demand=True,
            csat_sign=-1,
            email_known=False,
            person_key="d",
        ),
        fact("2026-03-02 09:30", outcome="callback", wait_seconds=None, email_known=True),
        fact(
            "2026-03-02 09:35",
            channel="web_form",
            outcome="deflected",
            wait_seconds=None,
            csat_sign=1,
        ),
        date_from=dt.date(2026, 3, 2),
        date_to=dt.date(2026, 3, 2),
    )
    assert list(row) == ["provisional", *kpi_names()]
    assert row == {
        "provisional": False,
        "offered": 7,
        "answered": 4,
        "abandoned": 1,
        "callbacks": 1,
        "deflected": 1,
        "pct_answered": 4 / 7,
        "pct_abandoned": 1 / 7,
        "asa_seconds": (20 + 40 + 100) / 3,
        "avg_wait_seconds": (20 + 40 + 100 + 80) / 4,
        "service_level": 2 / 4,
        "aht_seconds": (300 + 200 + 100) / 3,
        "fcr": 1 / 3,
        "overall_resolution": 2 / 3,
        "failure_demand": 1 / 3,
        "csat": 2 / 4,
        "csat_net": (1 + 0 - 1 + 1) / 4,
        # a (09:00) is followed by a (09:05); a (09:05), b and c are not; d is a short abandon
        "repeat_7d": 1 / 4,
        "no_email_share": 1 / 3,
    }


def test_service_level_uses_its_setting_inclusively():
    rows = [
        fact("2026-01-05 09:00", wait_seconds=60.0),
        fact("2026-01-05 09:01", wait_seconds=61.0),
        fact("2026-01-05 09:02", outcome="abandoned", wait_seconds=30.0),
        fact("2026-01-05 09:03", outcome="callback", wait_seconds=None),
    ]
    assert only(*rows)["service_level"] == 1 / 3
    assert only(*rows, service_level_seconds=61)["service_level"] == 2 / 3
    assert only(*rows, service_level_seconds=59.9)["service_level"] == 0.0


def test_ratios_are_null_when_their_denominator_is_zero():
    row = only(fact("2026-01-05 09:00", channel="letter", outcome="deflected", wait_seconds=None))
    assert (row["offered"], row["deflected"]) == (1, 1)
    assert (row["pct_answered"], row["pct_abandoned"]) == (0.0, 0.0)
    for kpi in (
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
    ):
        assert row[kpi] is None, kpi


def test_a_group_of_only_short_abandons_has_a_row_with_null_ratios():
    rows = kpis(
        fact(
            "2026-01-05 09:00",
            service="rents",
            outcome="abandoned",
            wait_seconds=1.0,
            person_key="a",
            email_known=False,
        ),
        fact("2026-01-05 09:00"),
        by=("service",),
    )
    assert [r["service"] for r in rows] == ["council-tax", "rents"]
    rents = rows[1]
    assert [rents[kpi] for kpi in engine.COUNT_KPIS] == [0, 0, 0, 0, 0]
    assert all(rents[kpi] is None for kpi in engine.RATIO_KPIS)


# --- repeat_7d --------------------------------------------------------------------------------


def test_a_repeat_at_exactly_168_hours_counts_and_a_microsecond_later_does_not():
    start = dt.datetime(2026, 1, 5, 9, 0)
    row = only(
        fact(start, person_key="a"),
        fact(start + dt.timedelta(hours=168), person_key="a"),
        fact(start, person_key="b"),
        fact(start + dt.timedelta(hours=168, microseconds=1), person_key="b"),
        date_to=dt.date(2026, 1, 5),
    )
    assert row["offered"] == 2
    assert row["repeat_7d"] == 0.5  # a's first contact repeats; b's does not


def test_a_contact_at_the_same_instant_is_not_later():
    start = dt.datetime(2026, 1, 5, 9, 0)
    row = only(
        fact(start, person_key="a"),
        fact(start, person_key="a"),
        fact(start, person_key="b"),
        fact(start, person_key="b"),
        fact(start + dt.timedelta(hours=1), person_key="b"),
        date_to=dt.date(2026, 1, 5),
    )
    # a's two contacts are at one instant: neither repeats. b's two at 09:00 both repeat (10:00),
    # b's 10:00 does not. 2 of 5.
    assert row["repeat_7d"] == 2 / 5


def test_contacts_without_a_person_are_outside_the_repeat_rate():
    row = only(
        fact("2026-01-05 09:00", person_key="a"),
        fact("2026-01-05 09:30"),
        fact("2026-01-05 10:00"),
        fact("2026-01-06 09:00", person_key="a"),
        date_to=dt.date(2026, 1, 6),
    )
    assert row["repeat_7d"] == 1 / 2


def test_the_repeat_may_fall_after_the_period():
    rows = kpis(
        fact("2026-01-31 23:00", person_key="a"),
        fact("2026-02-07 22:59", person_key="a"),  # 167 h 59 min later, after the period
        date_to=dt.date(2026, 1, 31),
        by=("month",),
    )
    assert [(r["month"], r["offered"], r["repeat_7d"]) for r in rows] == [("2026-01", 1, 1.0)]


def test_the_repeat_ignores_the_channel_filter():
    rows = [
        fact("2026-01-05 09:00", person_key="a"),
        fact("2026-01-06 09:00", person_key="a", channel="email", wait_seconds=None),
        fact("2026-01-05 09:00", person_key="b"),
    ]
    phone = only(*rows, channel="phone")
    assert (phone["offered"], phone["repeat_7d"]) == (2, 0.5)
    email = only(*rows, channel="email")
    assert (email["offered"], email["repeat_7d"]) == (1, 0.0)


def test_a_later_short_abandon_makes_a_repeat():
    row = only(
        fact("2026-01-05 09:00", person_key="a", channel="webchat"),
        fact("2026-01-05 09:05", person_key="a", outcome="abandoned", wait_seconds=1.0),
        date_to=dt.date(2026, 1, 5),
    )
    assert row["offered"] == 1  # the short abandon itself is not measured...
    assert row["repeat_7d"] == 1.0  # ...but it is a later contact of the person


def test_the_repeat_is_measured_in_elapsed_time_across_the_clock_change():
    # Sat 28 March 2026 12:00 GMT = 12:00 UTC; Sat 4 April 12:30 BST = 11:30 UTC: 167.5 h
    # elapsed although the wall clocks are 168.5 h apart.
    row = only(
        fact_utc("2026-03-28 12:00", person_key="a"),
        fact_utc("2026-04-04 11:30", person_key="a"),
        date_from=dt.date(2026, 3, 28),
        date_to=dt.date(2026, 3, 28),
    )
    assert row["repeat_7d"] == 1.0


# --- grouping keys and order ------------------------------------------------------------------


def test_grouping_uses_the_local_wall_clock_across_the_clock_change():
    rows = kpis(
        # 00:30 UTC on Sunday 29 March 2026 is still GMT: local 00:30 that day
        fact_utc("2026-03-29 00:30"),
        # 01:30 UTC that day is 02:30 BST
        fact_utc("2026-03-29 01:30"),
        # 23:30 UTC on 31 March is 00:30 BST on 1 April: April's
        fact_utc("2026-03-31 23:30"),
        by=("month", "day", "hour"),
    )
    assert [(r["month"], r["day"], r["hour"], r["offered"]) for r in rows] == [
        ("2026-03", "2026-03-29", 0, 1),
        ("2026-03", "2026-03-29", 2, 1),
        ("2026-04", "2026-04-01", 0, 1),
    ]


def test_the_iso_week_weekday_and_intervals():
    rows = kpis(
        fact("2025-12-29 09:14"),
        fact("2025-12-29 09:15"),
        fact("2026-01-04 23:59"),
        by=("week", "weekday", "interval"),
        date_from=dt.date(2025, 12, 1),
        interval_minutes=15,
    )
    assert [(r["week"], r["weekday"], r["interval"]) for r in rows] == [
        ("2026-W01", 1, "09:00"),  # Monday 29 December 2025 is in ISO week 2026-W01
        ("2026-W01", 1, "09:15"),
        ("2026-W01", 7, "23:45"),
    ]
    thirty = kpis(fact("2026-01-05 09:14"), fact("2026-01-05 09:45"), by=("interval",))
    assert [(r["interval"], r["offered"]) for r in thirty] == [("09:00", 1), ("09:30", 1)]


def test_rows_are_sorted_by_the_keys_in_order_numbers_numerically():
    rows = kpis(
        fact("2026-01-05 10:00", service="rents"),
        fact("2026-01-05 09:00", service="rents"),
        fact("2026-01-05 10:00", service="benefits"),
        fact("2026-01-06 09:00", service="benefits"),
        by=("hour", "service"),
    )
    assert [(r["hour"], r["service"]) for r in rows] == [
        (9, "benefits"),
        (9, "rents"),
        (10, "benefits"),
        (10, "rents"),
    ]
    assert list(rows[0])[:3] == ["hour", "service", "provisional"]


def test_grouping_by_family_channel_and_queue():
    rows = kpis(
        fact("2026-01-05 09:00", family="housing", queue="housing-q", channel="webchat"),
        fact("2026-01-05 09:00", family="housing", queue="housing-q", channel="webchat"),
        fact("2026-01-05 09:00", family="housing", queue="repairs-q", channel="phone"),
        by=("family", "channel", "queue"),
    )
    assert [(r["family"], r["channel"], r["queue"], r["offered"]) for r in rows] == [
        ("housing", "phone", "repairs-q", 1),
        ("housing", "webchat", "housing-q", 2),
    ]


def test_bad_queries_are_refused():
    with pytest.raises(ValueError, match="unknown grouping"):
        kpis(fact("2026-01-05 09:00"), by=("colour",))
    with pytest.raises(ValueError, match="interval_minutes"):
        kpis(fact("2026-01-05 09:00"), interval_minutes=20)
    with pytest.raises(ValueError, match="ends before"):
        kpis(fact("2026-01-05 09:00"), date_to=dt.date(2025, 1, 1))


def test_groups_sharing_a_hash_fall_back_to_the_keys_themselves(monkeypatch):
    rows = [
        fact("2026-01-05 09:00", service="rents", person_key="a"),
        fact("2026-01-06 09:00", service="benefits", person_key="a"),
        fact("2026-01-07 09:00", service="benefits", person_key="b"),
    ]
    hashed = kpis(*rows, by=("service", "day"))
    calls = []
    real = engine._kpi_sql

    def colliding(query: KpiQuery, *, exact_keys: bool) -> str:
        calls.append(exact_keys)
        # Every group hashes to the same value: the check must catch it.
        sql = real(query, exact_keys=exact_keys)
        return sql if exact_keys else sql.replace("hash(", "0 * hash(")

    monkeypatch.setattr(engine, "_kpi_sql", colliding)
    assert kpis(*rows, by=("service", "day")) == hashed
    assert calls == [False, True]
    assert [(r["service"], r["day"], r["repeat_7d"]) for r in hashed] == [
        ("benefits", "2026-01-06", 0.0),
        ("benefits", "2026-01-07", 0.0),
        ("rents", "2026-01-05", 1.0),
    ]


# --- snapshots and fresh rows ---------------------------------------------------------------


def test_fresh_rows_replace_snapshot_rows_and_new_ones_are_added(tmp_path):
    edited = fact("2026-01-05 09:00", outcome="abandoned", wait_seconds=30.0)
    moved = fact("2026-01-06 09:00")
    withdrawn = fact("2026-01-07 09:00")
    write_snapshot(tmp_path, edited, moved, withdrawn, fact("2026-01-08 09:00"))
    fresh = table(
        {**edited, "outcome": "answered"},
        {**fact("2026-02-03 09:00"), "contact_key": moved["contact_key"]},  # now in February
        {**withdrawn, "counted": False},  # retracted since the snapshot
        fact("2026-01-09 09:00", outcome="callback", wait_seconds=None),  # new
    )
    rows = compute_kpis(
        FactSource(root=tmp_path, fresh=fresh),
        1,
        KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 2, 28), by=("month",)),
        TODAY,
    )
    assert [(r["month"], r["offered"], r["answered"], r["callbacks"]) for r in rows] == [
        ("2026-01", 3, 2, 1),
        ("2026-02", 1, 1, 0),
    ]


def test_only_the_partitions_needed_are_read(tmp_path):
    write_snapshot(
        tmp_path,
        fact("2026-01-05 09:00", person_key="a"),
        fact("2026-02-08 08:00", person_key="a"),  # the look-ahead reads February
        fact("2026-01-05 09:00", council_id=2),
    )
    # Files that would break the query if they were read: another council's, a later month's.
    for folder in ("council_id=1/month=2026-03", "council_id=2/month=2026-01"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "facts.parquet").write_bytes(b"not parquet")
    assert engine.snapshot_files(tmp_path, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 8)) == [
        str(tmp_path / "council_id=1/month=2026-01/facts.parquet"),
        str(tmp_path / "council_id=1/month=2026-02/facts.parquet"),
    ]
    rows = compute_kpis(
        FactSource(root=tmp_path),
        1,
        KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31)),
        TODAY,
    )
    assert [(r["offered"], r["repeat_7d"]) for r in rows] == [(1, 0.0)]  # 8 days is > 168 h
    rows = compute_kpis(
        FactSource(root=tmp_path),
        1,
        KpiQuery(date_from=dt.date(2026, 1, 5), date_to=dt.date(2026, 1, 5)),
        TODAY,
    )
    assert [(r["offered"], r["repeat_7d"]) for r in rows] == [(1, 0.0)]
    rows = compute_kpis(
        FactSource(root=tmp_path),
        1,
        KpiQuery(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 1)),
        TODAY,
    )
    assert rows == []


def test_a_snapshot_without_fresh_rows_and_no_source_at_all(tmp_path):
    write_snapshot(tmp_path, fact("2026-01-05 09:00"), fact("2026-01-05 09:01"))
    query = KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31))
    assert compute_kpis(FactSource(root=tmp_path), 1, query, TODAY)[0]["offered"] == 2
    assert compute_kpis(FactSource(), 1, query, TODAY) == []


# --- provisional rows -------------------------------------------------------------------------


def test_rows_whose_period_ended_less_than_a_week_ago_are_provisional():
    rows = compute_kpis(
        FactSource(fresh=table(fact("2026-12-20 09:00"), fact("2026-12-24 09:00"))),
        1,
        KpiQuery(date_from=dt.date(2026, 12, 1), date_to=dt.date(2026, 12, 31), by=("day",)),
        dt.date(2026, 12, 28),
    )
    # 20 December ended at midnight on the 21st: 7 days later is the 28th.
    assert [(r["day"], r["provisional"]) for r in rows] == [
        ("2026-12-20", False),
        ("2026-12-24", True),
    ]


@pytest.mark.parametrize(
    ("by", "today", "expected"),
    [
        ((), dt.date(2026, 2, 7), True),  # the period ends on 31 January
        ((), dt.date(2026, 2, 8), False),
        (("month",), dt.date(2026, 2, 7), True),
        (("week",), dt.date(2026, 1, 11), True),  # 2026-W01 ends on Sunday 4 January
        (("week",), dt.date(2026, 1, 12), False),
        (("week", "month"), dt.date(2026, 1, 12), False),
        (("hour",), dt.date(2026, 2, 7), True),  # no period key: the query's end
    ],
)
def test_the_provisional_flag_follows_the_row_period(by, today, expected):
    rows = compute_kpis(
        FactSource(fresh=table(fact("2026-01-02 09:00"))),
        1,
        KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31), by=by),
        today,
    )
    assert [r["provisional"] for r in rows] == [expected]


def test_a_week_row_ends_with_the_period_when_the_period_ends_first():
    query = KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 7), by=("week",))
    # Week 2026-W02 runs to 11 January but the period ends on the 7th.
    assert engine.period_end({"week": "2026-W02"}, query) == dt.date(2026, 1, 7)
    assert engine.period_end({"week": "2026-W01"}, query) == dt.date(2026, 1, 4)


# --- targets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (0.95, "higher", "green"),
        (0.90, "higher", "green"),  # green includes its threshold
        (0.8999999, "higher", "amber"),
        (0.85, "higher", "amber"),  # so does amber
        (0.8499999, "higher", "red"),
        (120.0, "lower", "green"),
        (180.0, "lower", "green"),
        (180.0001, "lower", "amber"),
        (240.0, "lower", "amber"),
        (240.01, "lower", "red"),
        (None, "higher", None),
        (None, "lower", None),
    ],
)
def test_targets_include_their_thresholds(value, direction, expected):
    green, amber = (0.90, 0.85) if direction == "higher" else (180.0, 240.0)
    assert evaluate_target(value, direction, green, amber) == expected


def test_targets_compare_the_unrounded_value_and_check_the_direction():
    # 0.8996 shows as 90.0% on a page, but it is below a 90% target.
    assert evaluate_target(0.8996, "higher", 0.90, 0.85) == "amber"
    with pytest.raises(ValueError, match="direction"):
        evaluate_target(0.5, "sideways", 0.9, 0.8)


# --- people without an email address ------------------------------------------------------------


def people(*rows: dict[str, Any], **query: Any) -> list[dict[str, Any]]:
    query.setdefault("date_from", dt.date(2026, 1, 1))
    query.setdefault("date_to", dt.date(2026, 12, 31))
    return people_without_email_share(FactSource(fresh=table(*rows)), 1, KpiQuery(**query), TODAY)


PEOPLE = (
    # a: false in January, true in February (latest: true)
    fact("2026-01-05 09:00", person_key="a", email_known=False),
    fact("2026-02-05 09:00", person_key="a", email_known=True, service="rents"),
    # b: false; c: no value at all; d: false on a short abandon only (left out)
    fact("2026-01-06 09:00", person_key="b", email_known=False, service="rents"),
    fact("2026-01-06 09:00", person_key="b", email_known=None, service="rents"),
    fact("2026-01-06 09:00", person_key="c"),
    fact(
        "2026-01-07 09:00",
        person_key="d",
        email_known=False,
        outcome="abandoned",
        wait_seconds=1.0,
        service="waste",
    ),
)


def test_the_share_of_people_without_email_takes_each_person_latest_value():
    [overall] = people(*PEOPLE)
    assert (overall["persons"], overall["persons_without_email"]) == (2, 1)  # a true, b false
    assert overall["people_without_email_share"] == 0.5
    # The share of contacts differs: 2 false of 3 contacts with a value.
    assert only(*PEOPLE)["no_email_share"] == 2 / 3


def test_the_share_of_people_by_service_and_by_month():
    by_service = people(*PEOPLE, by=("service",))
    assert [
        (r["service"], r["persons"], r["persons_without_email"], r["people_without_email_share"])
        for r in by_service
    ] == [
        ("council-tax", 1, 0, 0.0),  # a, whose latest value in the period is true
        ("rents", 2, 1, 0.5),  # a (true) and b (false)
        ("waste", 0, 0, None),  # only a short abandon: a row, no persons
    ]
    by_month = people(*PEOPLE, by=("month",))
    assert [(r["month"], r["persons"], r["people_without_email_share"]) for r in by_month] == [
        ("2026-01", 2, 1.0),  # in January a's latest value is false
        ("2026-02", 1, 0.0),
    ]


def test_the_latest_value_breaks_ties_by_contact():
    rows = [
        fact("2026-01-05 09:00", person_key="a", email_known=True, contact_key=10_001),
        fact("2026-01-05 09:00", person_key="a", email_known=False, contact_key=10_002),
    ]
    assert people(*rows)[0]["people_without_email_share"] == 1.0


# --- channel shift ------------------------------------------------------------------------------


def test_channel_shift_against_the_same_period_of_a_baseline_year(tmp_path):
    write_snapshot(
        tmp_path,
        # 2025 (baseline), January: council tax 3 phone, 1 email
        fact("2025-01-10 09:00"),
        fact("2025-01-11 09:00"),
        fact("2025-01-12 09:00", outcome="abandoned", wait_seconds=1.0),  # counted all the same
        fact("2025-01-13 09:00", channel="email"),
        fact("2025-02-13 09:00", channel="email"),  # outside the period
        # 2026, January: council tax 1 phone, 2 email, 1 web form; rents 1 phone
        fact("2026-01-10 09:00"),
        fact("2026-01-11 09:00", channel="email"),
        fact("2026-01-12 09:00", channel="email"),
        fact("2026-01-13 09:00", channel="web_form"),
        fact("2026-01-13 09:00", channel="web_form", counted=False),
        fact("2026-01-13 09:00", service="rents"),
    )
    rows = channel_shift(
        FactSource(root=tmp_path), 1, dt.date(2026, 1, 1), dt.date(2026, 1, 31), 2025
    )
    assert [
        (r["service"], r["channel"], r["contacts"], r["share"], r["baseline_share"]) for r in rows
    ] == [
        ("council-tax", "email", 2, 0.5, 0.25),
        ("council-tax", "phone", 1, 0.25, 0.75),
        ("council-tax", "web_form", 1, 0.25, 0.0),
        ("rents", "phone", 1, 1.0, None),
    ]
    assert [r["change_pp"] for r in rows] == pytest.approx([25.0, -50.0, 25.0, None])
    only_rents = channel_shift(
        FactSource(root=tmp_path),
        1,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        2025,
        service="rents",
    )
    assert [(r["service"], r["channel"]) for r in only_rents] == [("rents", "phone")]


def test_the_same_period_of_a_year_without_29_february():
    assert engine.same_period_in(2025, dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == (
        dt.date(2025, 2, 1),
        dt.date(2025, 2, 28),
    )
