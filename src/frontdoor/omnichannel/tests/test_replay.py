"""Replaying real calls (an excerpt of the Anonymous Bank file) through the queue-events API."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.contacts.importing import import_contacts_file, shipped_mapping
from frontdoor.contacts.models import Contact
from frontdoor.contacts.reading import load_mapping, read_records
from frontdoor.omnichannel.models import LiveQueueState, QueueEvent, TierEpisode
from frontdoor.omnichannel.replay import TimedEvent, batches, day_of_calls

from .conftest import EXCERPT

MAPPING = Path(str(shipped_mapping("anonymous-bank")))
JERUSALEM = dt.timezone(dt.timedelta(hours=2))  # Israel in February 1999: UTC+2


def replay(*args: str) -> str:
    out = StringIO()
    call_command("replay_queue_events", str(EXCERPT), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def local(time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"1999-02-01T{time}").replace(tzinfo=JERUSALEM)


@pytest.mark.no_db
def test_the_excerpt_becomes_the_events_of_its_calls() -> None:
    mapping = load_mapping(MAPPING)
    plan = day_of_calls(
        read_records(EXCERPT, mapping), zoneinfo.ZoneInfo("Asia/Jerusalem"), "telephony"
    )
    assert plan.day == dt.date(1999, 2, 1)
    # 34 rows: one hung up in the menu (not a call), one PHANTOM (retracted), 32 calls.
    assert plan.not_calls == {"hung up in the VRU before reaching the queue": 1}
    assert plan.skipped == {"retracted by the source (not a real call)": 1}
    assert plan.calls == 32
    kinds = [e.event["type"] for e in plan.events]
    assert kinds.count("queued") == 32 and kinds.count("abandoned") == 5
    assert kinds.count("answered") == kinds.count("ended") == 27
    assert [e.at for e in plan.events] == sorted(e.at for e in plan.events)
    # Row 44: NW (housing register), queued 15:33:18, answered after 169 s, 65 s of talk.
    first = [e.event for e in plan.events if e.event["call_id"] == "AA0101-34578"]
    assert [(e["type"], e["timestamp"]) for e in first] == [
        ("queued", "1999-02-01T15:33:18+02:00"),
        ("answered", "1999-02-01T15:36:07+02:00"),
        ("ended", "1999-02-01T15:37:12+02:00"),
    ]
    assert first[0]["service"] == "housing-needs" and first[1]["agent_ref"] == "YITZ"


def test_replaying_the_excerpt_raises_and_clears_tiers_and_records_the_calls(
    analyst: Any,
) -> None:
    output = replay("--speed", "0")
    assert "acting as analyst" in output
    assert "32 calls, 91 events" in output
    assert "91 accepted, 0 duplicates, 0 rejected; contacts 32 created" in output
    assert Contact.objects.filter(source="telephony").count() == 32
    # Both queues passed 3 minutes of longest wait and came back below it.
    history = [
        (e.queue.queue_id, e.tier, e.started_at, e.ended_at)
        for e in TierEpisode.objects.select_related("queue").order_by("started_at")
    ]
    assert {(queue, tier) for queue, tier, _, _ in history} == {
        ("housing", 1),
        ("council-tax", 1),
    }
    assert all(ended is not None and ended > started for _, _, started, ended in history)
    # The housing caller queued at 15:36:41 waited 292 s: tier 1 from 15:39:41. The callers
    # after it kept the longest wait around 3 minutes until 15:46:47 (without hysteresis tier 1
    # ended at 15:41:33 and started twice more); from 15:46:47 the wait stayed under the exit
    # level of 2 min 42 s, so tier 1 cleared when the 2-minute hold ran out, at 15:48:47.
    # (Changed with hysteresis: before, one of three episodes ran from 15:39:41 to 15:41:33.)
    assert ("housing", 1, local("15:39:41"), local("15:48:47")) in history
    assert [h for h in history if h[0] == "housing"] == [
        ("housing", 1, local("15:39:41"), local("15:48:47"))
    ]
    assert set(LiveQueueState.objects.values_list("tier", "waiting")) == {(0, 0)}
    housing = LiveQueueState.objects.get(queue__queue_id="housing")
    council_tax = LiveQueueState.objects.get(queue__queue_id="council-tax")
    assert (housing.answered, housing.abandoned) == (6, 1)
    assert (council_tax.answered, council_tax.abandoned) == (21, 4)
    for queue, tier, started, _ended in history:
        assert f"{queue} tier {tier}: {started.astimezone(dt.UTC):%H:%M:%S} to " in output


def test_a_second_replay_changes_nothing_and_matches_importing_the_file(analyst: Any) -> None:
    replay("--speed", "0", "--batch-size", "7")
    contacts = list(Contact.objects.order_by("pk").values())
    episodes = list(TierEpisode.objects.order_by("pk").values())
    again = replay("--speed", "0")
    assert "0 accepted, 91 duplicates, 0 rejected; contacts 0 created, 0 updated" in again
    assert list(Contact.objects.order_by("pk").values()) == contacts
    assert list(TierEpisode.objects.order_by("pk").values()) == episodes
    assert QueueEvent.objects.count() == 91
    # The contacts app importing the same rows finds every replayed call as it would write it.
    result = import_contacts_file(
        actor=None,
        council=analyst.council,
        path=EXCERPT,
        mapping=load_mapping(MAPPING),
        mapping_name="anonymous-bank",
    )
    report = result.contact_import
    assert (report.created, report.updated, report.unchanged) == (1, 0, 32)  # + the PHANTOM
    assert Contact.objects.get(contact_id="AA0101-34578").handle_seconds == 65.0


def test_the_replay_can_act_as_a_named_user_or_token_and_refuses_a_day_without_calls(
    analyst: Any, make_user: Any
) -> None:
    make_user("agent", username="agnes")
    with pytest.raises(CommandError, match="agnes may not import contacts for northshire"):
        replay("--speed", "0", "--user", "agnes")
    with pytest.raises(CommandError, match="no calls to replay on 1999-02-02"):
        replay("--speed", "0", "--date", "1999-02-02")
    from frontdoor.identity.actions import do_issue_api_token

    _token, raw = do_issue_api_token(actor=None, user=analyst, name="replay")
    assert "91 accepted" in replay("--speed", "0", "--token", raw)


@pytest.mark.no_db
def test_at_a_speed_events_are_sent_when_they_fall_due() -> None:
    start = dt.datetime(1999, 2, 1, 9, tzinfo=dt.UTC)
    events = [
        TimedEvent(start + dt.timedelta(seconds=s), 0, n, {"n": n})
        for n, s in enumerate([0, 0, 30, 60, 61, 600])
    ]
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    sent = [
        [e.event["n"] for e in batch]
        for batch in batches(events, speed=30, batch_size=10, clock=lambda: now[0], sleep=sleep)
    ]
    # At 30x: 30 s of calls take 1 s, 60 s take 2 s, 600 s take 20 s.
    assert sent == [[0, 1], [2], [3], [4], [5]]
    assert slept == [1.0, 1.0, round(1 / 30, 6), round(539 / 30, 6)]
    assert [len(b) for b in batches(events, 0, 4, clock=lambda: 0.0, sleep=sleep)] == [4, 2]
