"""Chasing contacts per open case (engine/chasing.py) on hand-checked facts."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pyarrow as pa
import pytest

from frontdoor.insight.engine import chasing
from frontdoor.insight.engine.demand import DemandQuery, facts_connection
from frontdoor.insight.engine.facts import FACT_SCHEMA
from frontdoor.insight.engine.kpis import FactSource

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
_keys = itertools.count(1)
D = dt.date


def fact(at: str, service: str = "housing", **values: Any) -> dict[str, Any]:
    """A counted phone contact, answered after 10 seconds, recorded as chasing."""
    local = dt.datetime.fromisoformat(at)
    row = {
        "council_id": 1,
        "contact_key": next(_keys),
        "counted": True,
        "channel": "phone",
        "service": service,
        "family": "housing",
        "queue": "housing",
        "offered_at_utc": local.replace(tzinfo=LONDON).astimezone(dt.UTC),
        "offered_local": local,
        "month": local.strftime("%Y-%m"),
        "outcome": "answered",
        "wait_seconds": 10.0,
        "handle_seconds": None,
        "resolution": None,
        "failure_demand": True,
        "failure_demand_type": "chasing",
        "csat_sign": None,
        "person_key": None,
        "email_known": None,
        "wrap_code": None,
    }
    row.update(values)
    return row


JAN_1, JAN_31 = D(2026, 1, 1), D(2026, 1, 31)


def count(*rows: dict[str, Any], start: dt.date = JAN_1, end: dt.date = JAN_31) -> dict[str, int]:
    source = FactSource(fresh=pa.Table.from_pylist(list(rows), schema=FACT_SCHEMA))
    with facts_connection(source, 1, DemandQuery(start, end)) as connection:
        return chasing.chasing_contacts(connection, 1, start, end, short_abandon_seconds=5.0)


def test_chasing_contacts_are_offered_contacts_of_type_chasing_on_every_channel() -> None:
    found = count(
        fact("2026-01-05T09:00:00"),
        fact("2026-01-31T23:59:59", channel="email", wait_seconds=None),
        fact("2026-01-06T09:00:00", service="waste"),
        fact("2026-01-07T09:00:00", failure_demand_type="not_right_first_time"),
        fact("2026-01-07T10:00:00", failure_demand=False, failure_demand_type=None),
        fact("2026-01-08T09:00:00", outcome="abandoned", wait_seconds=2.0),  # short abandon
        fact("2026-01-08T10:00:00", outcome="abandoned", wait_seconds=40.0),  # counts
        fact("2026-01-09T09:00:00", counted=False),  # a transfer leg
        fact("2026-02-01T00:00:00"),  # after the period
        fact("2025-12-31T23:59:00"),  # before it
    )
    assert found == {"housing": 3, "waste": 1}


def test_before_and_after_are_periods_of_the_same_length_either_side_of_the_switch() -> None:
    windows = chasing.before_and_after(D(2026, 3, 2), 28, last_day=D(2026, 11, 29))
    assert windows is not None
    before, after = windows
    assert (before.date_from, before.date_to) == (D(2026, 2, 2), D(2026, 3, 1))
    assert (after.date_from, after.date_to, after.days) == (D(2026, 3, 2), D(2026, 3, 29), 28)
    # Switched on ten days ago: ten complete days either side.
    windows = chasing.before_and_after(D(2026, 11, 20), 28, last_day=D(2026, 11, 29))
    assert windows is not None
    before, after = windows
    assert (before.days, after.days) == (10, 10)
    assert before.date_to == D(2026, 11, 19)
    assert chasing.before_and_after(D(2026, 11, 30), 28, last_day=D(2026, 11, 29)) is None
    with pytest.raises(ValueError):
        chasing.before_and_after(D(2026, 1, 1), 0, last_day=D(2026, 2, 1))


def test_per_open_case_rows_and_the_change_after_switching_on() -> None:
    before = chasing.service_rows({"housing": 30, "waste": 4}, {"housing": 20.0, "parks": 5.0})
    after = chasing.service_rows({"housing": 12}, {"housing": 16.0, "waste": 0.0})
    assert [(r["service"], r["per_open_case"]) for r in before] == [
        ("housing", 1.5),
        ("parks", 0.0),
        ("waste", None),  # chasing, but no open case: no ratio
    ]
    rows = {row["service"]: row for row in chasing.comparison_rows(before, after)}
    assert rows["housing"]["after"]["per_open_case"] == 0.75
    assert rows["housing"]["change"] == pytest.approx(-0.75)
    assert rows["housing"]["relative_change"] == pytest.approx(-0.5)
    assert rows["parks"]["after"] == {"chasing": 0, "average_open": 0.0, "per_open_case": None}
    assert rows["parks"]["change"] is None
    total = chasing.totals(before)
    assert (total["chasing"], total["average_open"], total["per_open_case"]) == (34, 25.0, 1.36)
