"""The planning pages: forecast, staffing and the gap, events, scenarios, simulation, rosters.

A small history (three weeks of weekday calls on one queue) keeps these fast; the engines'
own tests check the maths.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.core.models import Queue
from frontdoor.planning import selectors
from frontdoor.planning.models import (
    PlannedEvent,
    QueuePlanningSettings,
    Roster,
    RosteredStaff,
    RosterStatus,
    Scenario,
    ShiftPattern,
    StaffProfile,
)
from frontdoor.planning.tests.helpers import PROFILE, open_weekdays, seed_history
from frontdoor.testing.factories import QueueFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(catalogued_council):
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    open_weekdays(queue)
    return queue


@pytest.fixture
def history(catalogued_council, queue):
    return seed_history(catalogued_council)


@pytest.fixture
def planner(make_user):
    return make_user("planner")


@pytest.fixture
def client(planner):
    client = Client()
    client.force_login(planner)
    return client


def week_of(council) -> dt.date:
    return selectors.next_week_start(council)


def audited(action: str) -> int:
    return ChangeLogEntry.objects.filter(action=action).count()


def test_only_people_who_plan_staffing_reach_planning(catalogued_council, make_user, client):
    agent = Client()
    agent.force_login(make_user("agent"))
    assert agent.get("/planning/").status_code == 403
    page = client.get("/planning/")
    assert page.status_code == 200
    assert 'href="/planning/"' in page.content.decode()  # the Planning area in the navigation


def test_the_overview_shows_next_weeks_forecast_staff_needed_and_the_gap(
    catalogued_council, history, client
):
    page = client.get("/planning/")
    rows = {row["queue"].queue_id: row for row in page.context["rows"]}
    tax = rows["council-tax"]
    # Three identical weeks of history: next week is forecast as one of them.
    assert tax["calls"] == pytest.approx(sum(PROFILE) * 5, rel=0.01)
    assert tax["lower"] < tax["calls"] < tax["upper"]
    assert tax["peak"] > 0 and tax["hours_required"] > 0
    assert tax["gap"] == 1.0  # nobody rostered yet: the whole requirement is short
    assert rows["housing"]["calls"] == 0 and rows["housing"]["gap"] is None
    assert page.context["week"] == week_of(catalogued_council)


def test_the_forecast_page_charts_and_tables_each_open_interval(
    catalogued_council, history, client
):
    week = week_of(catalogued_council)
    page = client.get(f"/planning/queues/council-tax/?week={week}")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "Forecast calls per interval, Council Tax" in html
    intervals = page.context["intervals"]
    assert [row["interval"] for row in intervals][:2] == ["09:00", "09:30"]
    assert len(intervals) == 16  # 09:00 to 17:00 in half hours
    assert intervals[2]["mean"] == pytest.approx(PROFILE[2], rel=0.01)
    assert all(row["lower"] <= row["mean"] <= row["upper"] for row in intervals)
    quarter_hours = client.get(f"/planning/queues/council-tax/?week={week}&interval=15")
    fine = quarter_hours.context["intervals"]
    assert len(fine) == 32 and fine[1]["interval"] == "09:15"
    assert sum(r["mean"] for r in fine) == pytest.approx(sum(r["mean"] for r in intervals))
    saturday = week + dt.timedelta(days=5)
    closed = client.get(f"/planning/queues/council-tax/?week={week}&day={saturday}")
    assert "The queue is closed on this day." in closed.content.decode()
    assert client.get("/planning/queues/no-such-queue/").status_code == 404


def test_a_learnt_event_raises_its_coming_day(catalogued_council, queue, client, planner):
    today = selectors.today_of(catalogued_council)
    # A bill run two weeks ago doubled that day's calls.
    past = today - dt.timedelta(days=14)
    while past.weekday() >= 5:
        past -= dt.timedelta(days=1)
    seed_history(catalogued_council, weeks=6, busy_days={past: 2})
    week = week_of(catalogued_council)
    coming = week + dt.timedelta(days=past.weekday())
    plain = selectors.forecasts_for_week(catalogued_council, week, queues=[queue])[0]
    for day in (past, coming):
        client.post(
            "/planning/events/",
            {"date": day.isoformat(), "kind": "bill_run", "queue": "", "description": "Bills"},
        )
    assert PlannedEvent.objects.filter(council=catalogued_council).count() == 2
    assert audited("planning.add_event") == 2
    learnt = selectors.forecasts_for_week(catalogued_council, week, queues=[queue])[0]
    row = learnt.days.index(coming)
    assert learnt.learnt_events == {"bill_run": 1}
    # Unmarked, the bill run inflated the same weekday's level; marked, it is left out of the
    # normal level and its own uplift (twice the usual day) is applied to the coming one.
    assert plain.mean[row].sum() > sum(PROFILE) * 1.1
    assert learnt.mean[row].sum() == pytest.approx(2 * sum(PROFILE), rel=0.02)
    others = [i for i, day in enumerate(learnt.days) if day != coming and day.weekday() < 5]
    assert all(learnt.mean[i].sum() == pytest.approx(sum(PROFILE), rel=0.02) for i in others)
    page = client.get(f"/planning/queues/council-tax/?week={week}")
    assert "Learnt from past events" in page.content.decode()


def test_entering_rostered_staff_narrows_the_gap_and_is_audited(
    catalogued_council, history, client, queue
):
    monday = week_of(catalogued_council)
    response = client.post(
        f"/planning/queues/council-tax/rostered/?week={monday}",
        {
            "queue": "council-tax",
            "date": monday.isoformat(),
            "starts": "09:00",
            "ends": "12:00",
            "staff": "3",
        },
    )
    assert response.status_code == 302
    assert RosteredStaff.objects.get(queue=queue).staff == 3
    assert audited("planning.enter_rostered_staff") == 1
    page = client.get(f"/planning/queues/council-tax/staffing/?week={monday}&day={monday}")
    rows = {row["interval"]: row for row in page.context["rows"]}
    assert rows["09:00"]["rostered"] == 3 and rows["12:00"]["rostered"] == 0
    assert rows["09:00"]["short"] == rows["09:00"]["required"] - 3
    assert rows["12:00"]["share"] == 1.0
    assert page.context["staffing"].rostered_source == "entered"
    html = page.content.decode()
    assert "Staff needed and staff rostered, Council Tax" in html
    # The same times again replace the entry rather than adding to it.
    client.post(
        f"/planning/queues/council-tax/rostered/?week={monday}",
        {"queue": "council-tax", "date": monday, "starts": "09:00", "ends": "12:00", "staff": 5},
    )
    assert list(RosteredStaff.objects.values_list("staff", flat=True)) == [5]


def test_the_week_can_be_listed_worst_intervals_first(catalogued_council, history, client):
    monday = week_of(catalogued_council)
    page = client.get(f"/planning/queues/council-tax/staffing/?week={monday}&order=worst")
    rows = page.context["rows"]
    assert len(rows) == 5 * 16
    shorts = [row["short"] for row in rows]
    assert shorts == sorted(shorts, reverse=True)


def test_a_bad_rostered_entry_shows_the_error_summary(catalogued_council, history, client):
    monday = week_of(catalogued_council)
    page = client.post(
        f"/planning/queues/council-tax/rostered/?week={monday}",
        {"queue": "council-tax", "date": monday, "starts": "12:00", "ends": "09:00", "staff": 2},
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html and "The end must be after the start" in html
    assert RosteredStaff.objects.count() == 0


def test_queue_settings_are_saved_audited_and_used(catalogued_council, history, client, queue):
    page = client.get("/planning/queues/council-tax/settings/")
    assert "average handle time 240 seconds" in page.content.decode()
    response = client.post(
        "/planning/queues/council-tax/settings/",
        {
            "channels": "phone",
            "aht_seconds": "300",
            "target_kind": "service_level",
            "target_service_level": "90",
            "target_seconds": "30",
            "shrinkage": "35",
            "patience_seconds": "120",
        },
    )
    assert response.status_code == 302
    plan = QueuePlanningSettings.objects.get(queue=queue)
    assert (plan.aht_seconds, plan.target_service_level, plan.shrinkage) == (300, 0.9, 0.35)
    assert audited("planning.update_queue_settings") == 1
    staffing = client.get("/planning/queues/council-tax/staffing/").context["staffing"]
    assert staffing.rule.patience_seconds == 120 and staffing.aht_source == "entered"
    bad = client.post(
        "/planning/queues/council-tax/settings/",
        {
            "channels": "phone",
            "target_kind": "asa",
            "target_service_level": "80",
            "target_seconds": "20",
            "shrinkage": "30",
        },
    )
    assert bad.status_code == 400
    assert "Enter the average speed of answer to aim for" in bad.content.decode()


def test_a_scenario_is_stored_and_shows_the_change_in_calls_staff_and_service_level(
    catalogued_council, history, client, planner
):
    response = client.post(
        "/planning/scenarios/",
        {
            "name": "Council tax up 40%",
            "kind": "demand_change",
            "queue": "council-tax",
            "share": "40",
        },
    )
    scenario = Scenario.objects.get(name="Council tax up 40%")
    assert response.status_code == 302 and response["Location"].endswith(f"/{scenario.pk}/")
    assert scenario.share == pytest.approx(0.4) and scenario.created_by == planner
    assert audited("planning.save_scenario") == 1
    page = client.get(f"/planning/scenarios/{scenario.pk}/")
    (outcome,) = page.context["outcomes"]
    assert outcome["result"].calls_change_share == pytest.approx(0.4)
    assert outcome["new_hours"] > outcome["base_hours"]
    assert outcome["new_sl"] < 0.8 <= outcome["base_sl"]
    assert "Expected service level at the baseline's staff" in page.content.decode()


def test_a_bill_run_scenario_without_past_bill_runs_uses_the_rise_entered(
    catalogued_council, history, client
):
    monday = week_of(catalogued_council)
    client.post(
        "/planning/scenarios/",
        {
            "name": "Annual billing",
            "kind": "bill_run",
            "queue": "council-tax",
            "share": "100",
            "date_from": monday.isoformat(),
        },
    )
    scenario = Scenario.objects.get(name="Annual billing")
    page = client.get(f"/planning/scenarios/{scenario.pk}/?week={monday}")
    (outcome,) = page.context["outcomes"]
    assert outcome["assumption"] == "entered"
    monday_row = outcome["daily"][0]
    assert monday_row["new_calls"] == pytest.approx(2 * monday_row["base_calls"])
    assert outcome["daily"][1]["new_calls"] == pytest.approx(outcome["daily"][1]["base_calls"])


def test_a_scenario_needs_its_figures(catalogued_council, client):
    page = client.post("/planning/scenarios/", {"name": "Half", "kind": "callbacks"})
    assert page.status_code == 400
    assert "Enter the share, as a percentage" in page.content.decode()
    online = client.post(
        "/planning/scenarios/", {"name": "Online", "kind": "reason_online", "share": "30"}
    )
    assert "Enter the wrap code of the reason" in online.content.decode()
    assert Scenario.objects.count() == 0


def test_failure_demand_and_reasons_online_cut_calls_by_their_share_of_history(
    catalogued_council, history, client
):
    client.post("/planning/scenarios/", {"name": "Fix it", "kind": "failure_demand"})
    client.post(
        "/planning/scenarios/",
        {
            "name": "Bills online",
            "kind": "reason_online",
            "share": "50",
            "wrap_code": "bill",
            "queue": "council-tax",
        },
    )
    halved = client.get(f"/planning/scenarios/{Scenario.objects.get(name='Fix it').pk}/").context[
        "outcomes"
    ]
    tax = next(o for o in halved if o["queue"].queue_id == "council-tax")
    # A quarter of the seeded calls are failure demand: halving it removes an eighth.
    assert tax["result"].calls_change_share == pytest.approx(-0.125, abs=0.01)
    online = client.get(
        f"/planning/scenarios/{Scenario.objects.get(name='Bills online').pk}/"
    ).context["outcomes"]
    # A third of the calls have the wrap code "bill": half of them online removes a sixth.
    assert online[0]["result"].calls_change_share == pytest.approx(-1 / 6, abs=0.01)


def test_a_day_is_simulated_with_callbacks(catalogued_council, history, client):
    monday = week_of(catalogued_council)
    asked = {
        "queue": "council-tax",
        "day": monday.isoformat(),
        "staff_source": "requirement",
        "patience_seconds": "120",
        "callback_after_seconds": "60",
        "callback_share": "50",
        "seed": "3",
        "replications": "3",
    }
    page = client.get("/planning/simulation/", asked)
    assert page.status_code == 200
    simulated = page.context["simulated"]
    assert simulated.labels[0] == "09:00" and len(simulated.labels) == 16
    assert page.context["totals"].calls > 0
    assert 0.5 < page.context["totals"].service_level <= 1
    html = page.content.decode()
    assert "Simulated service level per interval, Council Tax" in html
    again = client.get("/planning/simulation/", asked)  # seeded: the same day again
    assert vars(again.context["totals"]) == vars(page.context["totals"])
    saturday = monday + dt.timedelta(days=5)
    closed = client.get(
        "/planning/simulation/",
        {
            "queue": "council-tax",
            "day": saturday,
            "staff_source": "requirement",
            "seed": 1,
            "replications": 1,
        },
    )
    assert "The queue is closed on that day." in closed.content.decode()
    bad = client.get(
        "/planning/simulation/",
        {
            "queue": "council-tax",
            "day": monday,
            "staff_source": "requirement",
            "callback_after_seconds": "60",
            "seed": 1,
            "replications": 1,
        },
    )
    assert bad.status_code == 400


def test_a_roster_is_proposed_reviewed_published_and_feeds_the_gap(
    catalogued_council, history, client, planner
):
    client.post(
        "/planning/shift-patterns/",
        {
            "name": "Day",
            "starts": "09:00",
            "length_minutes": "480",
            "break_after_minutes": "240",
            "break_minutes": "30",
        },
    )
    client.post(
        "/planning/shift-patterns/", {"name": "Morning", "starts": "09:00", "length_minutes": "240"}
    )
    assert ShiftPattern.objects.count() == 2 and audited("planning.add_shift_pattern") == 2
    staff = [UserFactory(council=catalogued_council) for _ in range(8)]
    for person in staff:
        response = client.post(
            f"/planning/staff/{person.pk}/",
            {"contracted_hours": "37.5", "max_days": "5", "skills": ["council-tax"]},
        )
        assert response.status_code == 302
    assert StaffProfile.objects.count() == 8
    week = week_of(catalogued_council)
    response = client.post("/planning/rosters/", {"week_start": week.isoformat()})
    roster = Roster.objects.get()
    assert response.status_code == 302 and roster.status == RosterStatus.PROPOSED
    assert roster.solver_status in ("OPTIMAL", "FEASIBLE")
    assert roster.shifts.exists() and audited("planning.propose_roster") == 1
    review = client.get(f"/planning/rosters/{roster.pk}/")
    assert "Publish this roster" in review.content.decode()
    client.post(f"/planning/rosters/{roster.pk}/publish/")
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED and roster.published_by == planner
    staffing = client.get(f"/planning/queues/council-tax/staffing/?week={week}").context["staffing"]
    assert staffing.rostered_source == "roster"
    assert staffing.staff_hours_rostered > 0
    # A second roster for the week, once published, supersedes the first.
    client.post("/planning/rosters/", {"week_start": week.isoformat()})
    second = Roster.objects.exclude(pk=roster.pk).get()
    client.post(f"/planning/rosters/{second.pk}/publish/")
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SUPERSEDED


def test_a_roster_needs_shift_patterns_and_staff(catalogued_council, client):
    week = week_of(catalogued_council)
    page = client.post("/planning/rosters/", {"week_start": week.isoformat()})
    assert page.status_code == 400
    assert "Add at least one shift pattern" in page.content.decode()
    tuesday = client.post("/planning/rosters/", {"week_start": week + dt.timedelta(days=1)})
    assert "The week must start on a Monday" in tuesday.content.decode()


def test_another_councils_records_are_not_found(catalogued_council, other_council, client):
    QueueFactory(council=other_council, queue_id="theirs")
    scenario = Scenario.objects.create(
        council=other_council, name="Theirs", kind="callbacks", share=0.1
    )
    assert client.get("/planning/queues/theirs/").status_code == 404
    assert client.get(f"/planning/scenarios/{scenario.pk}/").status_code == 404
    outsider = UserFactory(council=other_council)
    assert client.get(f"/planning/staff/{outsider.pk}/").status_code == 404
