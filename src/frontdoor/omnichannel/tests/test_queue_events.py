"""The queue-events API: validation, idempotency, live state, tiers and contact records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.contacts.models import Contact
from frontdoor.identity.actions import do_issue_api_token
from frontdoor.omnichannel.models import (
    LiveCall,
    LiveQueueState,
    QueueEvent,
    TierEpisode,
    TierRule,
)

from .conftest import Post, ev


def utc(time: str, day: int = 5) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-01-{day:02d}T{time}+00:00")


def state(queue_id: str = "council-tax") -> LiveQueueState:
    return LiveQueueState.objects.get(queue__queue_id=queue_id)


def episodes() -> list[tuple[str, int, dt.datetime, dt.datetime | None]]:
    return [
        (e.queue.queue_id, e.tier, e.started_at, e.ended_at)
        for e in TierEpisode.objects.select_related("queue").order_by("started_at", "tier")
    ]


# -- validation -------------------------------------------------------------------------------


def test_a_single_event_is_accepted(post: Post) -> None:
    response = post(ev("queued", "c1", "09:00:00"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["received"], body["accepted"], body["rejected"]) == (1, 1, 0)
    assert body["results"] == [
        {"index": 0, "event_id": "c1:queued", "status": "accepted", "errors": []}
    ]
    stored = QueueEvent.objects.get()
    assert (stored.platform, stored.event_id, stored.type, stored.queue.queue_id) == (
        "telephony",
        "c1:queued",
        "queued",
        "council-tax",
    )
    assert stored.occurred_at == utc("09:00:00")


def test_bad_events_are_rejected_with_their_reasons_and_the_good_ones_applied(post: Post) -> None:
    response = post(
        ev("queued", "c1", "09:00:00"),
        ev("queued", "c2", "nine o'clock"),
        ev("queued", "c3", "09:00:05", queue="no-such-queue"),
        ev("answered", "c4", "09:00:06"),
        ev("queued", "c5", "09:00:07", queue="housing"),
        {"type": "queued"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "5 of 6 events were rejected (see results); the others were applied."
    statuses = [(r["index"], r["status"]) for r in body["results"]]
    assert statuses == [
        (0, "accepted"),
        (1, "rejected"),
        (2, "rejected"),
        (3, "rejected"),
        (4, "rejected"),
        (5, "rejected"),
    ]
    errors = [r["errors"] for r in body["results"]]
    assert errors[1] == ["timestamp: must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z"]
    assert errors[2] == ["queue: 'no-such-queue' is not a queue in the catalogue"]
    assert errors[3] == ["call c4 has not been queued: send its queued event first"]
    assert errors[4] == [
        "service: is required: queue 'housing' has no service of the same id to record the "
        "call against"
    ]
    assert len(errors[5]) == 4  # platform, call_id, queue and timestamp, all at once
    assert QueueEvent.objects.count() == 1
    assert state().waiting == 1


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{not json", 400, "The body must be JSON: one event object, or an array of them."),
        (b"[]", 400, "The array has no events."),
        (b'"queued"', 400, "The body must be one event object, or an array of them."),
    ],
)
def test_a_body_that_is_not_events_is_refused(
    api: Client, catalogued_council: Any, body: bytes, status: int, error: str
) -> None:
    response = api.post(
        "/api/councils/northshire/queue-events", data=body, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json() == {"error": error}


def test_only_those_who_may_import_contacts_post_events_and_only_for_their_council(
    catalogued_council: Any, other_council: Any, make_user: Any, api: Client
) -> None:
    event = json.dumps(ev("queued", "c1", "09:00:00"))
    url = "/api/councils/northshire/queue-events"
    assert Client().post(url, data=event, content_type="application/json").status_code == 401
    _token, raw = do_issue_api_token(actor=None, user=make_user("team_leader"), name="t")
    leader = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert leader.post(url, data=event, content_type="application/json").status_code == 403
    other = api.post(
        "/api/councils/southvale/queue-events", data=event, content_type="application/json"
    )
    assert other.status_code == 404
    assert not QueueEvent.objects.exists()


# -- idempotency and live state ---------------------------------------------------------------

DAY = [
    ev("queued", "c1", "09:00:00", agents_available=4),
    ev("queued", "c2", "09:00:30"),
    ev("queued", "c3", "09:01:00"),
    ev("answered", "c1", "09:01:30", agent_ref="agent-7"),
    ev("abandoned", "c2", "09:02:00"),
    ev("queued", "c4", "09:02:10"),
    ev("callback_requested", "c4", "09:02:40"),
    ev("ended", "c1", "09:06:30"),
    ev("queued", "h1", "09:02:30", queue="housing", service="homelessness"),
]


def test_live_state_after_a_sequence_of_events(post: Post, api: Client) -> None:
    assert post(*DAY).status_code == 200
    tax = state("council-tax")
    # c3 waits (since 09:01:00); c1 answered, c2 abandoned, c4 asked for a callback.
    assert (tax.waiting, tax.answered, tax.abandoned, tax.callbacks) == (1, 1, 1, 1)
    assert tax.as_of == utc("09:06:30")
    assert tax.longest_wait_seconds == 330.0
    assert tax.agents_available == 4
    housing = state("housing")
    # Time passes for every queue: the housing caller has waited until the latest event.
    assert (housing.waiting, housing.as_of, housing.longest_wait_seconds) == (
        1,
        utc("09:06:30"),
        240.0,
    )
    live = api.get("/api/councils/northshire/live-queues").json()
    assert live["as_of"] == "2026-01-05T09:06:30+00:00"
    by_queue = {q["queue"]: q for q in live["queues"]}
    assert by_queue["council-tax"] | {"actions": None} == {
        "queue": "council-tax",
        "name": by_queue["council-tax"]["name"],
        "day": "2026-01-05",
        "as_of": "2026-01-05T09:06:30+00:00",
        "waiting": 1,
        "longest_wait_seconds": 330.0,
        "answered_today": 1,
        "abandoned_today": 1,
        "callbacks_today": 1,
        "agents_available": 4,
        "tier": 1,
        "actions": None,
    }
    assert by_queue["council-tax"]["actions"] == [
        {"tier": 1, "actions": "Move agents from other queues to this one."}
    ]


def test_an_agents_event_reports_the_agents_available(post: Post) -> None:
    post(ev("queued", "c1", "09:00:00"))
    response = post({**ev("agents", "", "09:00:10"), "agents_available": 9})
    assert response.status_code == 200, response.json()
    assert state().agents_available == 9


def test_resending_the_same_events_changes_nothing(post: Post) -> None:
    post(*DAY)
    before = {
        "events": list(QueueEvent.objects.values_list("pk", flat=True)),
        "calls": list(LiveCall.objects.order_by("pk").values()),
        "states": list(LiveQueueState.objects.order_by("pk").values("waiting", "answered", "tier")),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "episodes": episodes(),
    }
    again = post(*DAY).json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, len(DAY), 0)
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert list(QueueEvent.objects.values_list("pk", flat=True)) == before["events"]
    assert list(LiveCall.objects.order_by("pk").values()) == before["calls"]
    assert (
        list(LiveQueueState.objects.order_by("pk").values("waiting", "answered", "tier"))
        == before["states"]
    )
    assert list(Contact.objects.order_by("pk").values()) == before["contacts"]
    assert episodes() == before["episodes"]


def test_a_duplicate_within_one_batch_is_applied_once(post: Post) -> None:
    body = post(ev("queued", "c1", "09:00:00"), ev("queued", "c1", "09:00:00")).json()
    assert [r["status"] for r in body["results"]] == ["accepted", "duplicate"]
    assert state().waiting == 1


def test_the_days_counts_start_again_on_a_new_day(post: Post) -> None:
    post(*DAY)
    post(
        {**ev("queued", "d1", "08:00:00"), "timestamp": "2026-01-06T08:00:00"},
        {**ev("answered", "d1", "08:00:20"), "timestamp": "2026-01-06T08:00:20"},
    )
    tax = state()
    assert (tax.day, tax.answered, tax.abandoned, tax.callbacks) == (dt.date(2026, 1, 6), 1, 0, 0)


def test_a_caller_left_waiting_yesterday_does_not_hold_todays_queue_at_a_tier(post: Post) -> None:
    post(ev("queued", "lost", "16:00:00"))  # the platform never sends its end
    post({**ev("queued", "d1", "08:00:00"), "timestamp": "2026-01-06T08:00:00"})
    post({**ev("queued", "d2", "08:10:00"), "timestamp": "2026-01-06T08:10:00"})
    tax = state()
    assert (tax.day, tax.waiting, tax.longest_wait_seconds) == (dt.date(2026, 1, 6), 2, 600.0)
    assert tax.tier == 2  # d1 has waited 10 minutes; "lost" would have made it tier 3
    # If its end does come, the call still becomes a contact.
    post({**ev("abandoned", "lost", "16:05:00"), "timestamp": "2026-01-05T16:05:00"})
    assert Contact.objects.get(contact_id="lost").outcome == "abandoned"
    assert (state().abandoned, state().waiting) == (0, 2)


def test_events_of_an_earlier_day_become_contacts_but_leave_todays_board(post: Post) -> None:
    post({**ev("queued", "d1", "08:00:00"), "timestamp": "2026-01-06T08:00:00"})
    before = LiveQueueState.objects.values().get()
    post(ev("queued", "old", "09:00:00"), ev("answered", "old", "09:20:00"))
    post(ev("ended", "old", "09:25:00"))
    assert LiveQueueState.objects.values().get() | {"updated_at": None} == before | {
        "updated_at": None
    }
    assert not TierEpisode.objects.exists()
    contact = Contact.objects.get(contact_id="old")
    assert (contact.wait_seconds, contact.handle_seconds) == (1200.0, 300.0)


# -- tiers ------------------------------------------------------------------------------------


def test_a_queue_gets_the_default_tiers_with_its_first_event(post: Post) -> None:
    post(ev("queued", "c1", "09:00:00"))
    rules = TierRule.objects.filter(queue__queue_id="council-tax").order_by("tier")
    assert [(r.tier, r.measure, r.threshold) for r in rules] == [
        (1, "longest_wait_seconds", 180),
        (2, "longest_wait_seconds", 480),
        (3, "longest_wait_seconds", 900),
    ]
    assert "back-office" in rules[2].actions


def test_tiers_rise_and_clear_at_their_thresholds_and_are_logged(post: Post) -> None:
    post(ev("queued", "c1", "09:00:00"), ev("queued", "c2", "09:01:00"))
    # Without hysteresis (no clear margin, no hold time) a tier clears the moment its measure
    # falls below the threshold. (Changed with hysteresis: the default rules now hold on.)
    TierRule.objects.update(clear_margin=0, hold_seconds=0)
    post(ev("queued", "c3", "09:02:59"))
    assert state().tier == 0 and not episodes()
    post(ev("queued", "c4", "09:03:00"))  # c1 has waited exactly 3 minutes
    assert state().tier == 1
    assert episodes() == [("council-tax", 1, utc("09:03:00"), None)]
    # Nothing happens until 09:16: tiers 2 and 3 began when c1 passed 8 and 15 minutes.
    body = post(ev("queued", "c5", "09:16:00")).json()
    assert body["tier_changes"] == [{"queue": "council-tax", "before": 1, "after": 3}]
    assert state().tier == 3
    assert episodes() == [
        ("council-tax", 1, utc("09:03:00"), None),
        ("council-tax", 2, utc("09:08:00"), None),
        ("council-tax", 3, utc("09:15:00"), None),
    ]
    # c1 is answered: c2 (since 09:01) has waited 15 min 0 s, so tier 3 holds still...
    post(ev("answered", "c1", "09:16:00"))
    assert state().tier == 3
    # ...until c2 is answered: c3 has waited 13 min 1 s: back to tier 2.
    post(ev("answered", "c2", "09:16:00"))
    assert state().tier == 2
    # Everyone answered: the remaining tiers end at that moment.
    post(
        ev("answered", "c3", "09:17:00"),
        ev("answered", "c4", "09:17:00"),
        ev("answered", "c5", "09:17:00"),
    )
    assert state().tier == 0
    assert episodes() == [
        ("council-tax", 1, utc("09:03:00"), utc("09:17:00")),
        ("council-tax", 2, utc("09:08:00"), utc("09:17:00")),
        ("council-tax", 3, utc("09:15:00"), utc("09:16:00")),
    ]
    episode = TierEpisode.objects.get(tier=2)
    assert (episode.measure, episode.threshold, episode.duration_seconds) == (
        "longest_wait_seconds",
        480,
        540.0,
    )
    assert "callbacks" in episode.actions


def test_a_tier_that_rises_and_clears_within_one_batch_is_logged(post: Post) -> None:
    # (Changed with hysteresis: the tier ends 2 minutes after the queue fell below its exit
    # level, so the batch runs on to 09:06:30; before, it ended at 09:04:00.)
    body = post(
        ev("queued", "c1", "09:00:00"),
        ev("queued", "c2", "09:04:00"),
        ev("answered", "c1", "09:04:00"),
        ev("answered", "c2", "09:04:30"),
        {**ev("agents", "", "09:06:30"), "agents_available": 2},
    ).json()
    assert body["tier_changes"] == []  # net, over the batch
    assert body["tier_episodes"] == [
        {
            "queue": "council-tax",
            "tier": 1,
            "started_at": "2026-01-05T09:03:00+00:00",
            "ended_at": "2026-01-05T09:06:00+00:00",
        }
    ]


def test_with_the_default_hysteresis_tiers_clear_only_after_the_hold_time(post: Post) -> None:
    post(ev("queued", "c1", "09:00:00"), ev("queued", "c2", "09:01:00"))
    post(ev("queued", "c3", "09:02:00"), ev("queued", "c4", "09:16:00"))
    assert state().tier == 3
    # c1 and c2 answered: c3 has waited 14 min, under 15 min but not under the exit level of
    # 13 min 30 s (15 min less 10%): tier 3 holds on, and no hold time is counting yet.
    post(ev("answered", "c1", "09:16:00"), ev("answered", "c2", "09:16:00"))
    assert state().tier == 3
    assert state().tier_latches == {"1": None, "2": None, "3": None}
    # c3 answered too: c4 waited 0 s, below every exit level, from 09:16:30.
    body = post(ev("answered", "c3", "09:16:30")).json()
    assert body["tier_changes"] == [] and state().tier == 3
    assert state().tier_latches == {
        "1": "2026-01-05T09:16:30+00:00",
        "2": "2026-01-05T09:16:30+00:00",
        "3": "2026-01-05T09:16:30+00:00",
    }
    # The hold runs out at 09:18:30, before c4's wait climbs back to tier 1's exit level of
    # 2 min 42 s (at 09:18:42): every tier ends then, noticed at the next event.
    body = post({**ev("agents", "", "09:18:40"), "agents_available": 1}).json()
    assert body["tier_changes"] == [{"queue": "council-tax", "before": 3, "after": 0}]
    assert episodes() == [
        ("council-tax", 1, utc("09:03:00"), utc("09:18:30")),
        ("council-tax", 2, utc("09:08:00"), utc("09:18:30")),
        ("council-tax", 3, utc("09:15:00"), utc("09:18:30")),
    ]
    assert state().tier_latches == {}


def test_a_busy_queue_hovering_around_a_threshold_stays_at_one_tier(post: Post) -> None:
    # Every 20 s the oldest caller is answered and the next one has waited about 3 minutes,
    # now just over, now just under: before hysteresis, tier 1 started and ended each time.
    post(*[ev("queued", f"c{n}", f"09:{n // 3:02d}:{n % 3 * 20:02d}") for n in range(9)])
    for n, when in enumerate(["09:03:05", "09:03:25", "09:03:45", "09:04:05", "09:04:25"]):
        post(ev("answered", f"c{n}", when))
    assert state().tier == 1
    assert episodes() == [("council-tax", 1, utc("09:03:00"), None)]


def test_a_waiting_count_rule_and_new_thresholds_apply_at_once(
    post: Post, make_user: Any, catalogued_council: Any
) -> None:
    post(*[ev("queued", f"c{n}", f"09:00:0{n}") for n in range(5)])
    assert state().tier == 0
    _token, raw = do_issue_api_token(actor=None, user=make_user("team_leader"), name="t")
    leader = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # No clear margin and no hold: tiers clear as soon as the measure falls below the threshold.
    rules = {
        "rules": [
            {"tier": 1, "threshold": 60, "actions": "Move agents.", "hold_seconds": 0},
            {
                "tier": 2,
                "measure": "waiting_count",
                "threshold": 5,
                "actions": "Play a message.",
                "clear_margin": 0,
                "hold_seconds": 0,
            },
        ]
    }
    response = leader.put(
        "/api/councils/northshire/queues/council-tax/tier-rules",
        data=json.dumps(rules),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    # (Changed with hysteresis: a rule now also says how it clears.)
    assert response.json()["rules"][1] == {
        "tier": 2,
        "measure": "waiting_count",
        "threshold": 5,
        "actions": "Play a message.",
        "clear_margin": 0,
        "margin_unit": "percent",
        "hold_seconds": 0,
    }
    assert response.json()["rules"][0]["clear_margin"] == 10  # the default
    # Five waiting (a count rule) at the state's time 09:00:04: tiers 1 and 2 start then.
    assert state().tier == 2
    assert episodes() == [
        ("council-tax", 1, utc("09:00:04"), None),
        ("council-tax", 2, utc("09:00:04"), None),
    ]
    assert ChangeLogEntry.objects.filter(action="omnichannel.tier_rules").count() == 1
    # One answered: four wait, the oldest (c1, since 09:00:01) for 29 s: no tier.
    post(ev("answered", "c0", "09:00:30"))
    assert state().tier == 0
    assert [e[3] for e in episodes()] == [utc("09:00:30"), utc("09:00:30")]
    # Time passing alone brings tier 1 back when c1 has waited 60 s.
    post({**ev("agents", "", "09:01:10"), "agents_available": 3})
    assert episodes()[-1] == ("council-tax", 1, utc("09:01:01"), None)
    analyst_put = Client().put("/api/councils/northshire/queues/council-tax/tier-rules")
    assert analyst_put.status_code == 401


# -- contact records --------------------------------------------------------------------------


def test_finished_calls_become_contact_records(post: Post) -> None:
    body = post(*DAY).json()
    assert body["contacts_created"] == 3
    contacts = {c.contact_id: c for c in Contact.objects.select_related("service", "queue")}
    # c3 is still waiting and h1 too: not contacts yet.
    assert set(contacts) == {"c1", "c2", "c4"}
    answered = contacts["c1"]
    assert (answered.source, answered.channel, answered.direction, answered.outcome) == (
        "telephony",
        "phone",
        "inbound",
        "answered",
    )
    assert (answered.service.service_id, answered.queue.queue_id) == ("council-tax", "council-tax")
    assert answered.offered_at == utc("09:00:00")
    assert (answered.wait_seconds, answered.handle_seconds, answered.agent_ref) == (
        90.0,
        300.0,
        "agent-7",
    )
    assert (contacts["c2"].outcome, contacts["c2"].wait_seconds) == ("abandoned", 90.0)
    assert (contacts["c4"].outcome, contacts["c4"].wait_seconds) == ("callback", 30.0)
    batch = ChangeLogEntry.objects.get(action="contact.import_batch").batch
    assert batch is not None and batch["created"] == 3
    ours = ChangeLogEntry.objects.get(action="omnichannel.queue_events").batch
    assert ours is not None and (ours["accepted"], ours["contacts_created"]) == (len(DAY), 3)


def test_a_call_finished_by_a_later_batch_becomes_a_contact_then(post: Post) -> None:
    post(ev("queued", "h1", "09:00:00", queue="housing", service="homelessness"))
    post(ev("answered", "h1", "09:00:40", queue="housing"))
    assert not Contact.objects.exists()
    body = post(ev("ended", "h1", "09:05:00", queue="housing")).json()
    assert body["contacts_created"] == 1
    contact = Contact.objects.select_related("service", "queue").get()
    assert (contact.service.service_id, contact.queue.queue_id) == ("homelessness", "housing")
    assert (contact.wait_seconds, contact.handle_seconds) == (40.0, 260.0)
