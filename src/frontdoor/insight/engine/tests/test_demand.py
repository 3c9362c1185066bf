"""Demand insight (engine/demand.py) on hand-checked facts.

Every expected number is worked out by hand from the rows of its test.
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

from frontdoor.insight.engine import demand
from frontdoor.insight.engine.demand import DemandQuery, facts_connection
from frontdoor.insight.engine.facts import FACT_SCHEMA
from frontdoor.insight.engine.kpis import FactSource, KpiQuery, channel_shift, compute_kpis

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
_keys = itertools.count(1)
JANUARY = DemandQuery(dt.date(2026, 1, 1), dt.date(2026, 1, 31))


def fact(at: str, **values: Any) -> dict[str, Any]:
    """A counted phone contact about Council Tax at a London wall-clock time, answered after
    10 seconds, with no person."""
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


def source(*rows: dict[str, Any]) -> FactSource:
    return FactSource(fresh=pa.Table.from_pylist(list(rows), schema=FACT_SCHEMA))


def run(function: Any, facts: FactSource, query: DemandQuery = JANUARY, **options: Any) -> Any:
    with facts_connection(facts, 1, query, look_ahead=True) as connection:
        return function(connection, 1, query, **options)


def test_the_weekly_profile_counts_offered_contacts_by_weekday_and_hour() -> None:
    facts = source(
        fact("2026-01-05T09:10:00"),  # Monday
        fact("2026-01-12T09:59:59"),  # the next Monday, the same hour
        fact("2026-01-06T14:00:00"),  # Tuesday
        fact("2026-01-05T09:20:00", outcome="abandoned", wait_seconds=2.0),  # short abandon
        fact("2026-01-05T09:30:00", counted=False),  # a transfer leg
        fact("2026-01-05T09:40:00", channel="email", wait_seconds=None),
        fact("2025-12-29T09:00:00"),  # before the period
    )
    query = DemandQuery(dt.date(2026, 1, 5), dt.date(2026, 1, 18), channel="phone")
    rows = run(demand.weekly_profile, facts, query)
    assert len(rows) == 7 * 24
    assert [(r["weekday"], r["hour"]) for r in rows[:2]] == [(1, 0), (1, 1)]
    cells = {(r["weekday"], r["hour"]): r for r in rows}
    assert cells[(1, 9)]["offered"] == 2
    assert cells[(1, 9)]["per_day"] == 1.0  # two Mondays in the period
    assert cells[(1, 9)]["share"] == pytest.approx(2 / 3)
    assert cells[(2, 14)]["offered"] == 1
    assert cells[(7, 23)] == {"weekday": 7, "hour": 23, "offered": 0, "share": 0.0, "per_day": 0.0}
    every_channel = DemandQuery(dt.date(2026, 1, 5), dt.date(2026, 1, 18))
    cells = {(r["weekday"], r["hour"]): r for r in run(demand.weekly_profile, facts, every_channel)}
    assert cells[(1, 9)]["offered"] == 3


def test_an_empty_period_has_a_profile_of_zeros_and_no_shares() -> None:
    rows = run(demand.weekly_profile, source())
    assert {r["offered"] for r in rows} == {0}
    assert {r["share"] for r in rows} == {None}


def test_days_of_week_in_a_period() -> None:
    # Monday 5 to Thursday 15 January 2026: 11 days.
    assert demand.days_of_week_in(dt.date(2026, 1, 5), dt.date(2026, 1, 15)) == {
        1: 2,
        2: 2,
        3: 2,
        4: 2,
        5: 1,
        6: 1,
        7: 1,
    }


def test_the_abandonment_curve_bands_waits_with_lower_bounds_included() -> None:
    waits = [0, 4.9, 5, 29.99, 30, 59, 60, 119, 120, 299, 300, 599, 600, 3000]
    facts = source(
        *(fact("2026-01-05T09:00:00", outcome="abandoned", wait_seconds=w) for w in waits),
        fact("2026-01-05T09:00:00", outcome="abandoned", wait_seconds=None),
        fact("2026-01-05T09:00:00", outcome="answered", wait_seconds=1.0),
        fact("2026-01-05T09:00:00", outcome="abandoned", wait_seconds=1.0, counted=False),
        fact("2026-02-01T09:00:00", outcome="abandoned", wait_seconds=1.0),  # after the period
    )
    curve = run(demand.abandonment_curve, facts)
    assert [b["band"] for b in curve["bands"]] == [
        "0-5s",
        "5-30s",
        "30-60s",
        "1-2min",
        "2-5min",
        "5-10min",
        "10min+",
    ]
    assert [b["abandoned"] for b in curve["bands"]] == [2] * 7
    assert (curve["with_wait"], curve["without_wait"]) == (14, 1)
    assert [b["share"] for b in curve["bands"]] == [pytest.approx(1 / 7)] * 7
    assert curve["bands"][2]["cumulative_share"] == pytest.approx(3 / 7)
    assert curve["bands"][-1]["cumulative_share"] == pytest.approx(1.0)
    assert (curve["bands"][-1]["lower_seconds"], curve["bands"][-1]["upper_seconds"]) == (
        600.0,
        None,
    )


def test_the_abandonment_curve_keeps_the_channel_filter_and_has_no_shares_when_empty() -> None:
    facts = source(
        fact("2026-01-05T09:00:00", outcome="abandoned", wait_seconds=40, channel="webchat")
    )
    phone = DemandQuery(dt.date(2026, 1, 1), dt.date(2026, 1, 31), channel="phone")
    curve = run(demand.abandonment_curve, facts, phone)
    assert curve["with_wait"] == 0
    assert {b["share"] for b in curve["bands"]} == {None}
    assert run(demand.abandonment_curve, facts)["bands"][2]["abandoned"] == 1


def test_repeat_contacts_by_service_follow_the_168_hour_rule_and_the_same_service() -> None:
    start = dt.datetime(2026, 1, 25, 9)

    def at(hours: float) -> str:
        return (start + dt.timedelta(hours=hours)).isoformat()

    facts = source(
        # p1: Council Tax, then Rents 100 hours later, then Rents exactly 168 hours after that
        # (5 February, past the period: a look-ahead contact, itself not measured).
        fact(at(0), person_key="p1"),
        fact(at(100), person_key="p1", service="rents", channel="email", wait_seconds=None),
        fact(at(268), person_key="p1", service="rents"),
        # p2: two contacts at the same instant (neither is later than the other), then one
        # 169 hours on (1 February, past the period).
        fact(at(1), person_key="p2"),
        fact(at(1), person_key="p2"),
        fact(at(170), person_key="p2"),
        # p3: a short abandon is not measured but does count as the later contact.
        fact(at(2), person_key="p3", service="rents"),
        fact(at(3), person_key="p3", service="rents", outcome="abandoned", wait_seconds=1.0),
        # no person: offered, but not with a person
        fact(at(4)),
    )
    rows = run(demand.repeat_contacts_by_service, facts)
    assert [r["service"] for r in rows] == ["council-tax", "rents"]
    tax, rents = rows
    # Council Tax in January: p1's, p2's two and the one without a person.
    assert (tax["offered"], tax["with_person"]) == (4, 3)
    # p1's is followed 100 h later (by Rents); p2's two only 169 h later: too late.
    assert (tax["repeated"], tax["repeated_same_service"]) == (1, 0)
    assert tax["repeat_share"] == pytest.approx(1 / 3)
    assert tax["same_service_share"] == 0.0
    # Rents in January: p1's at 100 h (followed by Rents at exactly 168 h: the bound is
    # included) and p3's (followed by its own short abandon an hour later).
    assert (rents["offered"], rents["with_person"]) == (2, 2)
    assert (rents["repeated"], rents["repeated_same_service"]) == (2, 2)
    assert rents["repeat_share"] == 1.0


def test_repeat_shares_equal_the_kpi_engine_repeat_7d_by_service() -> None:
    start = dt.datetime(2026, 1, 3, 8)
    rows = []
    for person, hours, service, channel in [
        ("a", 0, "council-tax", "phone"),
        ("a", 50, "rents", "webchat"),
        ("a", 230, "rents", "phone"),
        ("b", 5, "rents", "phone"),
        ("b", 173, "rents", "phone"),
        ("c", 10, "council-tax", "phone"),
        ("c", 10, "waste", "phone"),
        ("c", 700, "waste", "phone"),
    ]:
        when = (start + dt.timedelta(hours=hours)).isoformat()
        rows.append(fact(when, person_key=person, service=service, channel=channel))
    facts = source(*rows)
    query = DemandQuery(dt.date(2026, 1, 1), dt.date(2026, 1, 31), channel="phone")
    ours = {
        r["service"]: r["repeat_share"]
        for r in run(demand.repeat_contacts_by_service, facts, query)
    }
    kpis = compute_kpis(
        facts,
        1,
        KpiQuery(dt.date(2026, 1, 1), dt.date(2026, 1, 31), by=("service",), channel="phone"),
        dt.date(2027, 1, 1),
    )
    assert ours == {row["service"]: row["repeat_7d"] for row in kpis}


def test_repeat_contacts_read_the_look_ahead_partition_of_a_snapshot(tmp_path: Path) -> None:
    january = [fact("2026-01-30T10:00:00", person_key="p")]
    february = [fact("2026-02-03T10:00:00", person_key="p")]
    for month, rows in (("2026-01", january), ("2026-02", february)):
        folder = tmp_path / "council_id=1" / f"month={month}"
        folder.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=FACT_SCHEMA), folder / "facts.parquet")
    rows = run(demand.repeat_contacts_by_service, FactSource(root=tmp_path))
    assert [(r["service"], r["offered"], r["repeated"]) for r in rows] == [("council-tax", 1, 1)]


def test_crossover_counts_people_by_services_and_the_top_pairs() -> None:
    contacts = {
        "p1": ["council-tax", "rents", "waste", "waste"],
        "p2": ["council-tax", "rents"],
        "p3": ["council-tax", "council-tax"],
        "p4": ["council-tax", "rents", "libraries", "planning"],
    }
    facts = source(
        *(
            fact("2026-01-05T09:00:00", person_key=person, service=service)
            for person, services in contacts.items()
            for service in services
        ),
        fact("2026-01-05T09:00:00", service="blue-badge"),  # no person
        # a short abandon does not make p3 a Blue Badge contact
        fact(
            "2026-01-05T09:00:00",
            person_key="p3",
            service="blue-badge",
            outcome="abandoned",
            wait_seconds=1.0,
        ),
    )
    result = run(demand.crossover, facts, top=3)
    assert result["people"] == 4
    assert [(b["services"], b["persons"]) for b in result["by_services"]] == [
        ("1", 1),
        ("2", 1),
        ("3", 1),
        ("4+", 1),
    ]
    assert (result["several"], result["several_share"]) == (3, 0.75)
    assert [(p["first"], p["second"], p["persons"]) for p in result["pairs"]] == [
        ("council-tax", "rents", 3),
        ("council-tax", "libraries", 1),  # ties: by the services' ids
        ("council-tax", "planning", 1),
    ]
    assert result["pairs"][0]["share"] == 0.75


def test_failure_demand_by_service_wrap_code_and_type() -> None:
    facts = source(
        fact(
            "2026-01-05T09:00:00",
            failure_demand=True,
            failure_demand_type="chasing",
            wrap_code="CHASE",
        ),
        fact(
            "2026-01-05T09:00:00",
            failure_demand=True,
            failure_demand_type="chasing",
            wrap_code="CHASE",
        ),
        fact("2026-01-05T09:00:00", failure_demand=True, wrap_code="BILL"),  # type not recorded
        fact("2026-01-05T09:00:00", failure_demand=False, wrap_code="BILL"),
        fact("2026-01-05T09:00:00", failure_demand=None, wrap_code="BILL"),
        fact(
            "2026-01-05T09:00:00",
            service="rents",
            failure_demand=True,
            failure_demand_type="could_not_complete_online",
        ),
        fact("2026-01-05T09:00:00", service="rents", failure_demand=False),
        # a short abandon counts nowhere
        fact("2026-01-05T09:00:00", failure_demand=True, outcome="abandoned", wait_seconds=0.5),
    )
    with facts_connection(facts, 1, JANUARY) as connection:
        by_service = demand.failure_demand_by_service(connection, 1, JANUARY)
        by_code = demand.failure_demand_by_wrap_code(connection, 1, JANUARY)
    tax, rents = by_service
    assert (tax["service"], tax["offered"], tax["with_value"], tax["failure"]) == (
        "council-tax",
        5,
        4,
        3,
    )
    assert tax["share"] == 0.75
    assert (tax["chasing"], tax["type_not_recorded"], tax["other"]) == (2, 1, 0)
    assert (rents["failure"], rents["share"], rents["could_not_complete_online"]) == (1, 0.5, 1)
    assert [(r["wrap_code"], r["failure"], r["with_value"]) for r in by_code] == [
        ("CHASE", 2, 2),
        ("BILL", 1, 2),
        (None, 1, 2),
    ]
    by_type = {
        r["type"]: (r["contacts"], r["share"]) for r in demand.failure_demand_by_type(by_service)
    }
    assert by_type == {
        "chasing": (2, 0.5),
        "not_right_first_time": (0, 0.0),
        "could_not_complete_online": (1, 0.25),
        "other": (0, 0.0),
        "type_not_recorded": (1, 0.25),
    }


def test_contacts_without_an_email_by_service() -> None:
    facts = source(
        fact("2026-01-05T09:00:00", email_known=False),
        fact("2026-01-05T09:00:00", email_known=True),
        fact("2026-01-05T09:00:00", email_known=None),
        fact("2026-01-05T09:00:00", service="rents"),
    )
    rows = run(demand.no_email_contacts_by_service, facts)
    assert [
        (r["service"], r["offered"], r["with_value"], r["without_email"], r["share"]) for r in rows
    ] == [
        ("council-tax", 3, 2, 1, 0.5),
        ("rents", 1, 0, 0, None),
    ]


def test_the_channel_mix_sums_the_engines_channel_shift_over_services() -> None:
    facts = source(
        # 2026: three phone calls and one webchat; 2025: two phone calls and two emails.
        fact("2026-01-05T09:00:00"),
        fact("2026-01-05T09:00:00", service="rents"),
        fact("2026-01-05T09:00:00", service="rents", outcome="abandoned", wait_seconds=1.0),
        fact("2026-01-06T09:00:00", channel="webchat"),
        fact("2025-01-05T09:00:00"),
        fact("2025-01-05T09:00:00"),
        fact("2025-01-05T09:00:00", channel="email", service="rents"),
        fact("2025-01-05T09:00:00", channel="email", service="rents"),
    )
    shift = channel_shift(facts, 1, dt.date(2026, 1, 1), dt.date(2026, 1, 31), 2025)
    mix = {r["channel"]: r for r in demand.channel_mix(shift)}
    assert list(mix) == ["email", "phone", "webchat"]
    assert (mix["phone"]["contacts"], mix["phone"]["share"]) == (3, 0.75)  # short abandons count
    assert (mix["phone"]["baseline_contacts"], mix["phone"]["baseline_share"]) == (2, 0.5)
    assert mix["phone"]["change_pp"] == pytest.approx(25.0)
    assert (mix["email"]["share"], mix["email"]["change_pp"]) == (0.0, -50.0)
    assert mix["webchat"]["change_pp"] == pytest.approx(25.0)
    assert demand.channel_mix([]) == []


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        DemandQuery(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
