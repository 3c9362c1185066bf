"""The outbound planner: a response curve learnt from a planted campaign, the spike of a
planned one against the staff's capacity, the staggering shown, the assumed response when
nothing can be learnt, and who may use it."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.models import Queue
from frontdoor.planning import actions, selectors
from frontdoor.planning.models import Campaign
from frontdoor.planning.tests.helpers import HEADER, open_weekdays, seed_history

pytestmark = pytest.mark.django_db

# The planted text campaign of 1,000 messages at 10:00 brought 20, 10 and 5 extra calls in the
# three half hours after it: 0.02, 0.01 and 0.005 calls per message.
PLANTED = [20, 10, 5]
PLANTED_SIZE = 1000


@pytest.fixture
def queue(catalogued_council):
    queue = Queue.objects.get(council=catalogued_council, queue_id="council-tax")
    open_weekdays(queue)
    return queue


@pytest.fixture
def planner(make_user):
    return make_user("planner")


@pytest.fixture
def client(planner):
    client = Client()
    client.force_login(planner)
    return client


def campaign_day(council) -> dt.date:
    """A weekday about a week ago, with four same weekdays of history before it."""
    day = selectors.today_of(council) - dt.timedelta(days=7)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def plant_campaign(council, queue, planner) -> Campaign:
    """Six weeks of identical weekdays, and on one of them a text campaign's extra calls."""
    seed_history(council, weeks=6)
    day = campaign_day(council)
    lines = [HEADER]
    for slot, extra in enumerate(PLANTED):
        for k in range(extra):
            minute = 10 * 60 + slot * 30 + k
            at = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"
            lines.append(f"text-{slot}-{k},phone,council-tax,{at},answered,25,240,false,rent\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "campaign.csv"
        path.write_text("".join(lines))
        assert import_contacts_file(actor=None, council=council, path=path).ok
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=council.zone)
    return actions.do_add_campaign(
        actor=planner,
        council=council,
        values={
            "name": "Rent reminder",
            "queue": queue,
            "channel": "text",
            "size": PLANTED_SIZE,
            "planned_send_at": moment,
            "sent": True,
        },
    )


def planned_day(council) -> dt.date:
    """Next week's Tuesday."""
    return selectors.next_week_start(council) + dt.timedelta(days=1)


def add_planned(client, council, *, channel="text", size=10_000, time="10:00") -> Campaign:
    response = client.post(
        "/planning/outbound/",
        {
            "name": f"Planned {channel}",
            "queue": "council-tax",
            "channel": channel,
            "size": str(size),
            "send_date": planned_day(council).isoformat(),
            "send_time": time,
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name=f"Planned {channel}")
    assert response["Location"] == f"/planning/outbound/{campaign.pk}/"
    return campaign


def roster(planner, queue, day: dt.date, staff: int) -> None:
    actions.do_enter_rostered_staff(
        actor=planner, queue=queue, date=day, starts=dt.time(9), ends=dt.time(17), staff=staff
    )


def test_only_planners_reach_the_outbound_planner(catalogued_council, queue, make_user):
    agent = Client()
    agent.force_login(make_user("agent"))
    assert agent.get("/planning/outbound/").status_code == 403
    assert agent.post("/planning/outbound/", {"name": "x"}).status_code == 403
    assert Campaign.objects.count() == 0


def test_the_response_curve_is_learnt_from_a_planted_campaign(
    catalogued_council, queue, planner, client
):
    planted = plant_campaign(catalogued_council, queue, planner)

    learnt = selectors.learn_responses(catalogued_council, 30)["text"]

    # Every other weekday is identical, so the same-weekday baseline is exact.
    assert [p.campaign for p in learnt.used] == [planted]
    assert learnt.horizon == 8  # four hours of half hours
    assert learnt.curve is not None
    assert learnt.curve.tolist() == pytest.approx([0.02, 0.01, 0.005, 0, 0, 0, 0, 0])
    assert learnt.calls_per_thousand == pytest.approx(35)
    assert learnt.lasts_minutes == 90
    assert learnt.used[0].per_thousand == pytest.approx(35)
    assert selectors.learn_responses(catalogued_council, 30)["email"].curve is None
    page = client.get("/planning/outbound/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "What sent campaigns have taught" in html
    assert "35.0" in html and "same-weekday baseline" in html
    assert audited("planning.add_campaign") == 1


def audited(action: str) -> int:
    return ChangeLogEntry.objects.filter(action=action).count()


def test_a_planned_text_shows_its_spike_the_breach_and_a_staggering_within_capacity(
    catalogued_council, queue, planner, client
):
    plant_campaign(catalogued_council, queue, planner)
    day = planned_day(catalogued_council)
    roster(planner, queue, day, 30)
    campaign = add_planned(client, catalogued_council, size=10_000)

    page = client.get(f"/planning/outbound/{campaign.pk}/")

    assert page.status_code == 200
    plan = page.context["plan"]
    assert plan.curve_source == "learnt" and plan.staff_source == "rostered"
    assert plan.slots[plan.send_index] == (day, 20)  # 10:00 in half hours
    # 10,000 messages bring 200, 100 and 50 extra calls from 10:00.
    send = plan.send_index
    assert plan.extra[send : send + 4].tolist() == pytest.approx([200, 100, 50, 0])
    assert plan.extra.sum() == pytest.approx(350)
    # 30 staff less 30% shrinkage are 21 agents; they cannot take 200 more calls at once.
    assert {a for (d, _), a in zip(plan.slots, plan.agents, strict=True) if d == day} == {21}
    assert plan.breached and plan.over_as_planned >= 1
    assert plan.over_without == 0
    staggering = plan.staggering
    assert staggering.feasible and len(staggering.sends) > 1
    assert sum(size for _, size in staggering.sends) == 10_000
    on_the_day = np.array([d == day for d, _ in plan.slots])
    assert np.all(staggering.calls[on_the_day] <= plan.capacity[on_the_day] + 1e-9)
    # The next morning (nobody rostered yet) gets no call from the campaign.
    assert np.all(staggering.calls[~on_the_day] == plan.baseline[~on_the_day])
    assert staggering.sends[0][0] == send  # the first chunk goes at the planned time
    assert all(plan.slots[i][0] == day for i, _ in staggering.sends)  # all on the day
    html = page.content.decode()
    assert "Expected calls with Planned text sent at once" in html  # the chart's name
    assert 'aria-labelledby="campaign-chart-title campaign-chart-description"' in html
    assert "Calls and capacity per interval" in html
    assert "breaks the wait target" in html
    assert "Chunks and send times" in html
    for chunk in page.context["sends"]:
        assert f"{chunk['time']}</th>" in html
    assert len(page.context["rows"]) == 16  # the day's open half hours, 09:00 to 16:30


def test_with_the_agents_the_forecast_needs_no_staggering_fits_and_the_page_says_so(
    catalogued_council, queue, planner, client
):
    plant_campaign(catalogued_council, queue, planner)
    campaign = add_planned(client, catalogued_council, size=10_000)

    page = client.get(f"/planning/outbound/{campaign.pk}/?staff=requirement")

    plan = page.context["plan"]
    assert plan.staff_source == "requirement"
    # The forecast's own staff have a few calls of headroom; a twelfth of the batch brings 17.
    assert not plan.staggering.feasible
    assert "No staggering keeps within the wait target" in page.content.decode()


def test_a_small_batch_needs_no_staggering(catalogued_council, queue, planner, client):
    plant_campaign(catalogued_council, queue, planner)
    roster(planner, queue, planned_day(catalogued_council), 30)
    campaign = add_planned(client, catalogued_council, size=1_000)

    page = client.get(f"/planning/outbound/{campaign.pk}/")

    plan = page.context["plan"]
    assert not plan.breached
    assert plan.staggering.sends == ((plan.send_index, 1_000),)
    assert "No staggering is needed: send the whole batch at 10:00." in page.content.decode()


def test_without_a_past_campaign_of_the_channel_the_planner_enters_a_response(
    catalogued_council, queue, planner, client
):
    plant_campaign(catalogued_council, queue, planner)  # a text: nothing about emails
    campaign = add_planned(client, catalogued_council, channel="email", size=4_000)

    page = client.get(f"/planning/outbound/{campaign.pk}/")
    assert page.context["plan"].curve_source == "none"
    assert "No email campaign has been sent" in page.content.decode()

    response = client.post(
        f"/planning/outbound/{campaign.pk}/response/",
        {"assumed_calls_per_thousand": "30", "assumed_minutes": "90"},
    )
    assert response.status_code == 302
    assert audited("planning.set_campaign_response") == 1
    plan = client.get(f"/planning/outbound/{campaign.pk}/").context["plan"]
    assert plan.curve_source == "assumed"
    # 30 calls per 1,000 over three half hours, tailing off: 3/6, 2/6 and 1/6 of 120 calls.
    send = plan.send_index
    assert plan.extra[send : send + 4].tolist() == pytest.approx([60, 40, 20, 0])

    bad = client.post(f"/planning/outbound/{campaign.pk}/response/", {"assumed_minutes": "90"})
    assert bad.status_code == 400
    assert "Enter the calls per 1,000 messages" in bad.content.decode()


def test_marking_a_campaign_sent_makes_it_teach_and_is_audited(
    catalogued_council, queue, planner, client
):
    seed_history(catalogued_council, weeks=6)
    campaign = add_planned(client, catalogued_council)
    day = campaign_day(catalogued_council)
    response = client.post(
        f"/planning/outbound/{campaign.pk}/sent/",
        {"sent_date": day.isoformat(), "sent_time": "10:00"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.sent
    assert campaign.sent_at == dt.datetime.combine(day, dt.time(10), tzinfo=catalogued_council.zone)
    assert audited("planning.mark_campaign_sent") == 1
    learnt = selectors.learn_responses(catalogued_council, 30)["text"]
    # Sent on a normal day: it is learnt from, and found to bring no extra calls.
    assert [p.campaign for p in learnt.used] == [campaign]
    assert learnt.calls_per_thousand == pytest.approx(0)
    again = client.post(
        f"/planning/outbound/{campaign.pk}/sent/",
        {"sent_date": day.isoformat(), "sent_time": "10:00"},
    )
    assert again.status_code == 400


def test_a_campaign_form_with_errors_is_refused(catalogued_council, queue, client):
    response = client.post("/planning/outbound/", {"name": "", "queue": "council-tax"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Enter a name" in html
    assert Campaign.objects.count() == 0


def test_another_councils_campaign_is_not_found(catalogued_council, queue, planner, client):
    campaign = plant_campaign(catalogued_council, queue, planner)
    from frontdoor.core.models import Council
    from frontdoor.testing.factories import UserFactory

    other = Council.objects.create(slug="elsewhere", name="Elsewhere Council")
    stranger = Client()
    stranger.force_login(UserFactory(council=other, roles=["planner"]))
    assert stranger.get(f"/planning/outbound/{campaign.pk}/").status_code == 404
    assert stranger.post(f"/planning/outbound/{campaign.pk}/delete/").status_code == 404
    assert client.post(f"/planning/outbound/{campaign.pk}/delete/").status_code == 302
    assert Campaign.objects.count() == 0
    assert audited("planning.delete_campaign") == 1


def test_a_campaign_sent_after_closing_brings_its_calls_when_the_queue_opens(
    catalogued_council, queue, planner, client
):
    plant_campaign(catalogued_council, queue, planner)
    campaign = add_planned(client, catalogued_council, size=1_000, time="18:30")

    page = client.get(f"/planning/outbound/{campaign.pk}/?staff=requirement")

    plan = page.context["plan"]
    wednesday = planned_day(catalogued_council) + dt.timedelta(days=1)
    assert plan.slots[plan.send_index] == (wednesday, 18)  # 09:00 the next morning
    assert plan.extra[plan.send_index : plan.send_index + 3].tolist() == pytest.approx([20, 10, 5])
    assert "The queue is shut at the planned time" in page.content.decode()


def test_a_campaign_whose_response_is_still_coming_is_not_learnt_from_yet(
    catalogued_council, queue, planner, client
):
    seed_history(catalogued_council, weeks=6)
    today = selectors.today_of(catalogued_council)
    actions.do_add_campaign(
        actor=planner,
        council=catalogued_council,
        values={
            "name": "Sent this morning",
            "queue": queue,
            "channel": "letter",
            "size": 500,
            "planned_send_at": dt.datetime.combine(
                today, dt.time(9), tzinfo=catalogued_council.zone
            ),
            "sent": True,
        },
    )
    learnt = selectors.learn_responses(catalogued_council, 30)["letter"]
    assert learnt.curve is None and learnt.horizon == 80  # a letter is followed for 40 hours
    assert [p.skipped for p in learnt.past] == ["recent"]
    assert (
        "not yet: its response is still coming"
        in client.get("/planning/outbound/").content.decode()
    )
