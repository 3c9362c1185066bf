"""Outbound response curves per queue: a queue with enough past campaigns of a channel plans
with its own curve, one with too few with the channel's curve pooled across queues, and the
campaign page says which."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.test import Client

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.models import Council, Queue
from frontdoor.identity.models import User
from frontdoor.planning import actions, selectors
from frontdoor.planning.models import Campaign
from frontdoor.planning.tests.helpers import HEADER, open_weekdays, seed_history

pytestmark = pytest.mark.django_db

SIZE = 1000
TAX = [30, 10]  # extra calls per 1,000 council tax reminders, in the two half hours after
RENTS = [5, 5, 5, 5]  # rent notices: a slower trickle


@pytest.fixture
def queues(catalogued_council) -> dict[str, Queue]:
    found = {}
    for queue_id in ("council-tax", "housing"):
        queue = Queue.objects.get(council=catalogued_council, queue_id=queue_id)
        open_weekdays(queue)
        found[queue_id] = queue
    seed_history(catalogued_council, service="council-tax", weeks=6)
    seed_history(catalogued_council, service="rents", weeks=6, prefix="r")
    return found


@pytest.fixture
def planner(make_user) -> User:
    return make_user("planner")


@pytest.fixture
def client(planner) -> Client:
    client = Client()
    client.force_login(planner)
    return client


def recent_weekdays(council: Council, count: int) -> list[dt.date]:
    """`count` weekdays from a week ago backwards: each has four normal same weekdays before."""
    days: list[dt.date] = []
    day = selectors.today_of(council) - dt.timedelta(days=7)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def send(
    council: Council, planner: User, queue: Queue, service: str, day: dt.date, extra: list[int]
) -> None:
    """A sent email campaign at 10:00 on `day`, and the extra calls it brought."""
    lines = [HEADER]
    for slot, calls in enumerate(extra):
        for k in range(calls):
            minute = 10 * 60 + slot * 30 + k
            at = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"
            lines.append(f"{service}-{day}-{slot}-{k},phone,{service},{at},answered,25,240,,\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "campaign.csv"
        path.write_text("".join(lines))
        assert import_contacts_file(actor=None, council=council, path=path).ok
    actions.do_add_campaign(
        actor=planner,
        council=council,
        values={
            "name": f"{service} {day}",
            "queue": queue,
            "channel": "email",
            "size": SIZE,
            "planned_send_at": dt.datetime.combine(day, dt.time(10), tzinfo=council.zone),
            "sent": True,
        },
    )


def plan_email(client: Client, council: Council, queue_id: str) -> Campaign:
    day = selectors.next_week_start(council) + dt.timedelta(days=1)
    response = client.post(
        "/planning/outbound/",
        {
            "name": f"Next {queue_id}",
            "queue": queue_id,
            "channel": "email",
            "size": "2000",
            "send_date": day.isoformat(),
            "send_time": "10:00",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Campaign.objects.get(name=f"Next {queue_id}")


def test_a_queue_with_three_past_campaigns_plans_with_its_own_curve_and_says_so(
    catalogued_council, queues, planner, client
):
    days = recent_weekdays(catalogued_council, 4)
    for day in days[:3]:
        send(catalogued_council, planner, queues["council-tax"], "council-tax", day, TAX)
    send(catalogued_council, planner, queues["housing"], "rents", days[3], RENTS)
    campaign = plan_email(client, catalogued_council, "council-tax")

    page = client.get(f"/planning/outbound/{campaign.pk}/?staff=requirement")

    plan = page.context["plan"]
    assert plan.curve_source == "learnt"
    assert plan.chosen.scope == "queue" and plan.chosen.queue_campaigns == 3
    # Council tax's own response, not blurred with the rent notice's.
    assert plan.curve[:4].tolist() == pytest.approx([0.03, 0.01, 0, 0])
    send_index = plan.send_index
    assert plan.extra[send_index : send_index + 3].tolist() == pytest.approx([60, 20, 0])
    html = page.content.decode()
    assert "learnt from 3 past email campaigns on this queue." in html
    overview = client.get("/planning/outbound/").content.decode()
    assert "Queues with a curve of their own" in overview
    assert "A queue with 3 or more past campaigns of a channel has a curve of its own" in overview


def test_a_queue_with_too_few_campaigns_uses_the_pooled_curve_and_says_so(
    catalogued_council, queues, planner, client
):
    days = recent_weekdays(catalogued_council, 4)
    for day in days[:3]:
        send(catalogued_council, planner, queues["council-tax"], "council-tax", day, TAX)
    send(catalogued_council, planner, queues["housing"], "rents", days[3], RENTS)
    campaign = plan_email(client, catalogued_council, "housing")

    page = client.get(f"/planning/outbound/{campaign.pk}/?staff=requirement")

    plan = page.context["plan"]
    assert plan.chosen.scope == "pooled"
    assert plan.chosen.queue_campaigns == 1 and plan.chosen.pooled_campaigns == 4
    # The mean over all four campaigns, per message.
    assert plan.curve[:4].tolist() == pytest.approx(
        [(3 * 0.03 + 0.005) / 4, (3 * 0.01 + 0.005) / 4, 0.005 / 4, 0.005 / 4]
    )
    html = page.content.decode()
    assert "Too few past email campaigns on this queue (1 of the 3 needed" in html
    assert "pooled across queues, from 4 campaigns." in html


def test_below_the_minimum_on_every_queue_the_pooled_curve_is_used(
    catalogued_council, queues, planner
):
    days = recent_weekdays(catalogued_council, 2)
    for day in days:
        send(catalogued_council, planner, queues["council-tax"], "council-tax", day, TAX)

    learnt = selectors.learn_responses(catalogued_council, 30)["email"]

    chosen = learnt.for_queue("council-tax")
    assert chosen.scope == "pooled" and chosen.queue_campaigns == 2
    assert chosen.curve is not None and chosen.curve[:2].tolist() == pytest.approx([0.03, 0.01])
    assert learnt.queue_curves() == []
    assert learnt.for_queue("housing").scope == "pooled"
    assert (
        selectors.learn_responses(catalogued_council, 30)["text"].for_queue("council-tax").scope
        == "none"
    )
