"""Case KPIs on hand-checked cases: open at the end, opened and closed, met, nearest-rank
percentiles of the time to close (waits left out), ageing, chasing per open case; by type,
service and team; the page and the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from frontdoor.cases.actions import do_change_status, do_record_clock_event
from frontdoor.cases.engine import kpis as engine
from frontdoor.cases.models import Case
from frontdoor.cases.selectors import average_open_cases, case_kpis
from frontdoor.contacts.models import Contact

LONDON = zoneinfo.ZoneInfo("Europe/London")
JAN_1, JAN_31 = dt.date(2026, 1, 1), dt.date(2026, 1, 31)


@pytest.fixture
def analyst(make_user):
    return make_user("performance_analyst", username="analyst")


@pytest.fixture
def make(setup, open_case):
    """make(type, received, closed=..., days=..., due=..., responded=..., service=, team=)"""

    def build(type_id, received, *, closed=None, days=None, due=None, responded=None, **values):
        values.setdefault("service", setup.housing_service)
        values.setdefault("owner_team", setup.housing)
        if values["owner_team"] != setup.housing:
            values.setdefault("owner", None)
        case = open_case(type_id, received_on=received, **values)
        Case.objects.filter(pk=case.pk).update(
            closed=closed is not None,
            closed_on=closed,
            days_to_close=days
            if days is not None
            else (closed - received).days
            if closed
            else None,
            due=due,
            responded_on=responded,
        )
        return case

    return build


def test_counts_and_percentiles_by_type_service_and_team(setup, make, analyst):
    # Closed in January, days to close 2, 4, 6, 8, 10 (complaints) and 30 (an FOI).
    for received, closed in (
        ("2026-01-05", "2026-01-07"),
        ("2026-01-05", "2026-01-09"),
        ("2026-01-06", "2026-01-12"),
        ("2026-01-06", "2026-01-14"),
        ("2025-12-29", "2026-01-08"),
    ):
        make(
            "complaint",
            dt.date.fromisoformat(received),
            closed=dt.date.fromisoformat(closed),
            due=dt.date(2026, 1, 9),
        )
    make(
        "foi",
        dt.date(2025, 12, 2),
        closed=dt.date(2026, 1, 1),
        due=dt.date(2026, 1, 2),
        responded=dt.date(2026, 1, 3),  # answered late, closed earlier: the answer counts
        service=setup.repairs_service,
        owner_team=setup.repairs,
    )
    make("complaint", dt.date(2025, 11, 1))  # open all along: 91 days old on 31 January
    make("complaint", dt.date(2026, 1, 30))  # opened in January, open at the end: 1 day old
    make("complaint", dt.date(2025, 12, 1), closed=dt.date(2025, 12, 31))  # closed before
    make("complaint", dt.date(2026, 1, 20), closed=dt.date(2026, 2, 3))  # open at the end
    make("foi", dt.date(2026, 2, 2), service=setup.repairs_service, owner_team=setup.repairs)

    kpis = case_kpis(analyst, setup.council, JAN_1, JAN_31)

    total = kpis.total
    assert (total.open_at_end, total.opened, total.closed) == (3, 6, 6)
    # With a clock: all six closed; met: closed (no answer recorded) by 9 January: 3 of 5
    # complaints (those closed on the 12th and the 14th are late), and the FOI was late.
    assert (total.closed_with_clock, total.met) == (6, 3)
    assert total.met_share == pytest.approx(0.5)
    # Days 2, 4, 6, 8, 10, 30: median is the 3rd value (6); p90 the 6th (30).
    assert (total.median_days, total.p90_days) == (6, 30)
    bands = dict(zip(kpis.bands, total.ageing, strict=True))
    assert bands["0-7"] == 1 and bands["8-14"] == 1 and bands["57-91"] == 1
    assert sum(total.ageing) == total.open_at_end

    by_type = {row.name: row for row in kpis.by_type}
    assert (by_type["Complaint"].closed, by_type["Complaint"].median_days) == (5, 6)
    assert (by_type["Complaint"].p90_days, by_type["Complaint"].open_at_end) == (10, 3)
    foi = by_type["Freedom of Information request"]
    assert (foi.closed, foi.median_days, foi.met, foi.opened) == (1, 30, 0, 0)
    by_service = {row.name: row for row in kpis.by_service}
    assert (by_service["Repairs"].closed, by_service["Housing"].closed) == (1, 5)
    by_team = {row.name: row for row in kpis.by_team}
    assert (by_team["Repairs team"].p90_days, by_team["Housing team"].open_at_end) == (30, 3)


def test_time_to_close_leaves_out_the_days_spent_waiting_for_the_requester(
    setup, open_case, analyst
):
    with freeze_time("2026-01-05 10:00:00"):
        case = open_case("sar", received_on=dt.date(2026, 1, 5))
        case = do_change_status(actor=setup.officer, case=case, status="in-progress")
    with freeze_time("2026-01-07 10:00:00"):
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="wait-started",
            reason="clarification",
            on=dt.date(2026, 1, 7),
        )
    with freeze_time("2026-01-12 10:00:00"):
        do_record_clock_event(
            actor=setup.officer,
            case=case,
            kind="wait-ended",
            reason="clarification",
            on=dt.date(2026, 1, 12),
        )
        do_change_status(actor=setup.officer, case=case, status="responded")
        case = do_change_status(actor=setup.officer, case=case, status="closed")

    case.refresh_from_db()
    # 7 days from receipt to closing, 5 of them waiting.
    assert (case.closed_on, case.paused_days, case.days_to_close) == (dt.date(2026, 1, 12), 5, 2)
    with freeze_time("2026-01-13 10:00:00"):
        case = do_change_status(actor=setup.officer, case=case, status="in-progress")
    case.refresh_from_db()
    assert (case.closed_on, case.days_to_close) == (None, None)
    kpis = case_kpis(analyst, setup.council, JAN_1, JAN_31)
    assert (kpis.total.open_at_end, kpis.total.closed, kpis.total.opened) == (1, 0, 1)


def test_the_average_of_open_cases_counts_the_days_each_was_open_at_a_day_s_end(
    setup, make, analyst
):
    make("complaint", dt.date(2025, 12, 1))  # open every day of January: 31 days
    make("complaint", dt.date(2026, 1, 11), closed=dt.date(2026, 1, 21))  # 11th to 20th: 10
    make("complaint", dt.date(2026, 1, 31))  # 1 day
    make("complaint", dt.date(2026, 1, 15), closed=dt.date(2026, 1, 15))  # closed the same day
    make("complaint", dt.date(2025, 12, 1), closed=dt.date(2026, 1, 1))  # not open at any end
    make("complaint", dt.date(2026, 1, 2), service=setup.repairs_service, owner_team=setup.repairs)

    averages = average_open_cases(setup.council, JAN_1, JAN_31)

    assert averages[setup.housing_service.pk] == pytest.approx((31 + 10 + 1) / 31)
    assert averages[setup.repairs_service.pk] == pytest.approx(30 / 31)


def test_chasing_contacts_per_open_case_by_service(setup, make, analyst):
    make("complaint", dt.date(2025, 12, 1))
    make("complaint", dt.date(2025, 12, 1))
    for day, kind in ((5, "chasing"), (6, "chasing"), (7, "chasing"), (8, "not_right_first_time")):
        Contact.objects.create(
            council=setup.council,
            source="desktop",
            contact_id=f"c{day}",
            channel="phone",
            service=setup.housing_service,
            queue=setup.queue,
            offered_at=dt.datetime(2026, 1, day, 10, tzinfo=LONDON),
            outcome="answered",
            failure_demand=True,
            failure_demand_type=kind,
        )

    kpis = case_kpis(analyst, setup.council, JAN_1, JAN_31)

    housing = next(row for row in kpis.by_service if row.name == "Housing")
    assert (housing.chasing, housing.average_open) == (3, pytest.approx(2.0))
    assert housing.chasing_per_open_case == pytest.approx(1.5)
    assert kpis.total.chasing_per_open_case == pytest.approx(1.5)
    assert kpis.by_type[0].chasing is None  # by service only


def test_only_performance_staff_and_leaders_see_case_kpis(setup, analyst):
    with pytest.raises(PermissionDenied):
        case_kpis(setup.officer, setup.council, JAN_1, JAN_31)
    assert case_kpis(setup.leader, setup.council, JAN_1, JAN_31).total.opened == 0


def test_the_kpis_take_a_fixed_number_of_queries_whatever_the_cases(setup, make, analyst):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            case_kpis(analyst, setup.council, JAN_1, JAN_31)
        return len(captured)

    queries()  # the viewer's permissions are read once and kept on the user
    for day in range(1, 15):
        make("complaint", dt.date(2026, 1, day), closed=dt.date(2026, 1, day + 3))
    few = queries()
    for day in range(1, 29):
        make("foi", dt.date(2026, 1, day), service=setup.repairs_service, owner_team=setup.repairs)
    assert queries() == few <= 20


@pytest.mark.no_db
def test_nearest_rank_percentiles_and_paused_days():
    assert [engine.nearest_rank(50, n) for n in (1, 2, 3, 4, 5, 10)] == [1, 1, 2, 2, 3, 5]
    assert [engine.nearest_rank(90, n) for n in (1, 9, 10, 11, 20)] == [1, 9, 9, 10, 18]
    assert engine.percentile_of(90, [15, 20, 35, 40, 50]) == 50
    assert engine.percentile_of(50, [15, 20, 35, 40, 50]) == 35
    assert engine.percentile_of_counts(50, [(3, 2), (1, 1), (9, 1)]) == 3
    assert engine.percentile_of(50, []) is None
    day = dt.date
    waits = [
        ("started", day(2026, 1, 7)),
        ("ended", day(2026, 1, 12)),
        ("started", day(2026, 2, 1)),
    ]
    assert engine.paused_days(waits, until=day(2026, 2, 4)) == 5 + 3
    assert engine.paused_days([("ended", day(2026, 1, 2))], until=day(2026, 1, 9)) == 0
    assert engine.days_to_close(day(2026, 1, 5), day(2026, 1, 6), paused=4) == 0
    assert engine.band_of(0) == "0-7" and engine.band_of(366) == "366+"
    assert engine.band_received_range("8-14", day(2026, 1, 31)) == (
        day(2026, 1, 17),
        day(2026, 1, 23),
    )


def test_the_kpi_page_shows_the_period_s_figures(setup, make, analyst, client):
    make("complaint", dt.date(2026, 1, 5), closed=dt.date(2026, 1, 7), due=dt.date(2026, 1, 9))
    make("complaint", dt.date(2026, 1, 6))
    client.force_login(analyst)

    page = client.get(
        "/cases/reports/kpis/",
        {
            "start_day": "1",
            "start_month": "1",
            "start_year": "2026",
            "end_day": "31",
            "end_month": "1",
            "end_year": "2026",
        },
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "1 January 2026 to 31 January 2026" in text
    assert "100.0% (1 of 1)" in text
    assert '<th scope="row" class="govuk-table__header">Housing team</th>' in text
    assert client.get("/cases/reports/kpis/").status_code == 200  # the last 90 days
    bad = client.get("/cases/reports/kpis/", {"start_day": "1", "start_month": "1"})
    assert bad.status_code == 400
    client.force_login(setup.officer)
    assert client.get("/cases/reports/kpis/").status_code == 403


def test_the_kpi_api_gives_the_same_figures(setup, make, analyst):
    from django.test import Client

    from frontdoor.identity.actions import do_issue_api_token

    make("complaint", dt.date(2026, 1, 5), closed=dt.date(2026, 1, 7), due=dt.date(2026, 1, 9))
    make("complaint", dt.date(2026, 1, 6))
    _token, raw = do_issue_api_token(actor=None, user=analyst, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    answer = api.get("/api/councils/northshire/case-kpis?start=2026-01-01&end=2026-01-31")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"]["opened"], body["total"]["closed"], body["total"]["met_share"]) == (
        2,
        1,
        1.0,
    )
    assert body["total"]["ageing"]["15-28"] == 1
    assert [row["name"] for row in body["by_team"]] == ["Housing team"]
    bad = api.get("/api/councils/northshire/case-kpis?start=2026-02-01&end=2026-01-01")
    assert bad.status_code == 400
