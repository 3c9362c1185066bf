"""The KPI rules of contact-records-and-kpis.md §2, on hand-checked facts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from frontdoor.insight.engine.facts import FACT_SCHEMA
from frontdoor.insight.engine.kpis import FactSource, KpiQuery, compute_kpis, evaluate_target

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = dt.date(2027, 1, 1)
_keys = iter(range(1, 1_000_000))


def fact(at: str, **values: Any) -> dict[str, Any]:
    """A counted phone contact offered at a local London time, answered after 10 s."""
    local = dt.datetime.fromisoformat(at)
    utc = local.replace(tzinfo=LONDON).astimezone(dt.UTC)
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


def kpis(*rows: dict[str, Any], **query: Any) -> list[dict[str, Any]]:
    query.setdefault("date_from", dt.date(2026, 1, 1))
    query.setdefault("date_to", dt.date(2026, 12, 31))
    return compute_kpis(FactSource(fresh=table(*rows)), 1, KpiQuery(**query), TODAY)


def only(*rows: dict[str, Any], **query: Any) -> dict[str, Any]:
    [row] = kpis(*rows, **query)
    return row


def test_a_wait_exactly_at_the_threshold_is_not_a_short_abandon():
    row = only(
        fact("2026-01-05 09:00", outcome="abandoned", wait_seconds=5.0),
        fact("2026-01-05 09:01", outcome="abandoned", wait_seconds=4.999),
        fact("2026-01-05 09:02"),
    )
    assert (row["offered"], row["abandoned"], row["answered"]) == (2, 1, 1)
    assert row["pct_abandoned"] == 0.5
    assert row["avg_wait_seconds"] == 7.5  # (5 + 10) / 2: the short abandon is left out


def test_uncounted_contacts_count_nowhere():
    row = only(fact("2026-01-05 09:00"), fact("2026-01-05 09:01", counted=False))
    assert row["offered"] == 1


def test_a_group_of_only_short_abandons_has_a_row_with_null_ratios():
    rows = kpis(
        fact("2026-01-05 09:00", service="rents", outcome="abandoned", wait_seconds=1.0),
        fact("2026-01-05 09:00"),
        by=("service",),
    )
    assert [r["service"] for r in rows] == ["council-tax", "rents"]
    rents = rows[1]
    assert rents["offered"] == 0
    assert rents["pct_answered"] is None
    assert rents["service_level"] is None
    assert rents["asa_seconds"] is None


def test_service_level_counts_answered_within_the_threshold_over_answered_and_abandoned():
    row = only(
        fact("2026-01-05 09:00", wait_seconds=60.0),
        fact("2026-01-05 09:01", wait_seconds=61.0),
        fact("2026-01-05 09:02", outcome="abandoned", wait_seconds=30.0),
        fact("2026-01-05 09:03", outcome="callback", wait_seconds=None),
    )
    assert row["service_level"] == pytest.approx(1 / 3)
    assert row["offered"] == 4
    assert row["callbacks"] == 1
    assert row["asa_seconds"] == 60.5


def test_resolution_csat_failure_demand_and_email_rates():
    row = only(
        fact("2026-01-05 09:00", resolution="first_contact", csat_sign=1, failure_demand=False),
        fact("2026-01-05 09:01", resolution="follow_up_resolved", csat_sign=0),
        fact("2026-01-05 09:02", resolution="handed_over", csat_sign=-1, failure_demand=True),
        fact("2026-01-05 09:03", email_known=False),
        fact("2026-01-05 09:04", email_known=True),
    )
    assert row["fcr"] == pytest.approx(1 / 3)
    assert row["overall_resolution"] == pytest.approx(2 / 3)
    assert row["csat"] == pytest.approx(1 / 3)
    assert row["csat_net"] == 0.0
    assert row["failure_demand"] == 0.5
    assert row["no_email_share"] == 0.5


def test_a_repeat_at_exactly_168_hours_counts_and_a_microsecond_later_does_not():
    start = dt.datetime(2026, 1, 5, 9, 0)
    later = start + dt.timedelta(hours=168)
    first = fact(start.isoformat(), person_key="a")
    second = fact("2026-01-05 10:00", person_key="b")
    rows = kpis(
        first,
        fact(later.isoformat(), person_key="a"),
        second,
        fact((start + dt.timedelta(hours=169, microseconds=1)).isoformat(), person_key="b"),
        by=("day",),
        date_to=dt.date(2026, 1, 5),
    )
    assert rows[0]["repeat_7d"] == 0.5  # a repeats (168 h); b's next is 1 µs past 168 h


def test_a_repeat_may_fall_outside_the_period_and_the_channel_and_be_a_short_abandon():
    row = only(
        fact("2026-01-31 23:00", person_key="a"),
        fact(
            "2026-02-01 08:00",
            person_key="a",
            channel="email",
            outcome="abandoned",
            wait_seconds=1.0,
        ),
        date_to=dt.date(2026, 1, 31),
        channel="phone",
    )
    assert row["repeat_7d"] == 1.0


def test_grouping_uses_local_time_across_the_clock_change():
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    moment = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    local = moment.astimezone(LONDON).replace(tzinfo=None)
    rows = kpis(
        fact(local.isoformat()),
        by=("month", "hour"),
    )
    assert [(r["month"], r["hour"]) for r in rows] == [("2026-04", 0)]


def test_iso_weeks_intervals_and_weekdays():
    rows = kpis(
        fact("2025-12-29 09:14"),
        fact("2025-12-29 09:15"),
        by=("week", "weekday", "interval"),
        date_from=dt.date(2025, 12, 1),
        interval_minutes=15,
    )
    assert [(r["week"], r["weekday"], r["interval"]) for r in rows] == [
        ("2026-W01", 1, "09:00"),
        ("2026-W01", 1, "09:15"),
    ]


def test_fresh_rows_replace_snapshot_rows_with_the_same_key(tmp_path):
    snapshot = fact("2026-01-05 09:00", outcome="abandoned", wait_seconds=30.0)
    folder = tmp_path / "council_id=1" / "month=2026-01"
    folder.mkdir(parents=True)
    pq.write_table(table(snapshot, fact("2026-01-05 09:05")), folder / "facts.parquet")
    edited = {**snapshot, "outcome": "answered"}
    rows = compute_kpis(
        FactSource(root=tmp_path, fresh=table(edited)),
        1,
        KpiQuery(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31)),
        TODAY,
    )
    assert (rows[0]["offered"], rows[0]["answered"]) == (2, 2)


def test_rows_whose_period_ended_less_than_a_week_ago_are_provisional():
    rows = compute_kpis(
        FactSource(fresh=table(fact("2026-12-20 09:00"), fact("2026-12-24 09:00"))),
        1,
        KpiQuery(date_from=dt.date(2026, 12, 1), date_to=dt.date(2026, 12, 31), by=("day",)),
        dt.date(2026, 12, 31),
    )
    # 20 Dec ends at midnight on the 21st: a full week before the 31st has passed by the 28th.
    assert [(r["day"], r["provisional"]) for r in rows] == [
        ("2026-12-20", False),
        ("2026-12-24", True),
    ]


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (0.90, "higher", "green"),
        (0.85, "higher", "amber"),
        (0.8499, "higher", "red"),
        (180.0, "lower", "green"),
        (240.0, "lower", "amber"),
        (240.01, "lower", "red"),
        (None, "higher", None),
    ],
)
def test_targets_include_their_thresholds(value, direction, expected):
    green, amber = (0.90, 0.85) if direction == "higher" else (180.0, 240.0)
    assert evaluate_target(value, direction, green, amber) == expected
