"""Reading queue events, and the life of a call."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from frontdoor.omnichannel.engine.calls import FINISHED, TALKING, WAITING, Step, advance
from frontdoor.omnichannel.engine.events import ParsedEvent, parse_event

pytestmark = pytest.mark.no_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def event(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "platform": "telephony",
        "type": "queued",
        "call_id": "c1",
        "queue": "council-tax",
        "timestamp": "2026-07-01T09:00:00+01:00",
    }
    base.update(fields)
    return base


def parsed(**fields: object) -> ParsedEvent:
    result = parse_event(event(**fields), LONDON)
    assert isinstance(result, ParsedEvent), result
    return result


def test_a_good_event_is_read_with_its_time_in_utc_and_a_default_event_id() -> None:
    result = parsed()
    assert result.at == dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert result.event_id == "c1:queued"
    assert (result.channel, result.direction) == ("phone", "inbound")


def test_a_naive_timestamp_is_the_councils_local_time() -> None:
    assert parsed(timestamp="2026-07-01T09:00:00").at == dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)
    problems = parse_event(event(timestamp="2026-03-29T01:30:00"), LONDON)
    assert problems == [
        "timestamp: does not exist in the council's time zone (clocks went forward)"
    ]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"type": "transferred"},
            "type: 'transferred' is not one of abandoned, agents, answered, "
            "callback_requested, ended, queued",
        ),
        ({"type": None}, "type: is required"),
        ({"platform": ""}, "platform: is required"),
        ({"call_id": None}, "call_id: is required for queued events"),
        ({"queue": None}, "queue: is required (or give the service, whose family queue it is)"),
        (
            {"timestamp": "yesterday"},
            "timestamp: must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z",
        ),
        (
            {"timestamp": "2026-07-01"},
            "timestamp: must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z",
        ),
        ({"call_id": 17}, "call_id: must be a string"),
        ({"agent_ref": "x" * 101}, "agent_ref: is longer than 100 characters"),
        ({"agents_available": -1}, "agents_available: must be a whole number from 0 to 100000"),
        ({"agents_available": True}, "agents_available: must be a whole number from 0 to 100000"),
        ({"channel": "carrier pigeon"}, "channel: 'carrier pigeon' is not one of phone, webchat"),
    ],
)
def test_each_fault_is_named_with_its_field(fields: dict[str, object], reason: str) -> None:
    problems = parse_event(event(**fields), LONDON)
    assert isinstance(problems, list) and reason in problems


def test_every_fault_of_an_event_is_reported_at_once() -> None:
    problems = parse_event({"type": "queued"}, LONDON)
    assert isinstance(problems, list)
    assert {p.split(":")[0] for p in problems} == {"platform", "call_id", "queue", "timestamp"}
    assert parse_event(["not", "an", "object"], LONDON) == ["the event must be a JSON object"]


def test_an_agents_event_needs_a_count_but_no_call() -> None:
    result = parsed(type="agents", call_id=None, agents_available=7)
    assert (result.agents_available, result.call_id) == (7, "")
    assert result.event_id.startswith("agents:council-tax:")
    problems = parse_event(event(type="agents", call_id=None), LONDON)
    assert problems == ["agents_available: is required for agents events"]


def _run(*events: ParsedEvent) -> list[Step | str]:
    call = None
    steps: list[Step | str] = []
    for e in events:
        result = advance(call, e, "council-tax")
        steps.append(result)
        if isinstance(result, Step):
            call = result.call
    return steps


def test_an_answered_call_counts_once_and_finishes_when_it_ends() -> None:
    queued, answered, ended = _run(
        parsed(),
        parsed(type="answered", timestamp="2026-07-01T09:02:00+01:00", agent_ref="a7"),
        parsed(type="ended", timestamp="2026-07-01T09:07:30+01:00"),
    )
    assert isinstance(queued, Step) and queued.call.state == WAITING
    assert isinstance(answered, Step) and answered.counts == "answered"
    assert answered.call.state == TALKING and not answered.finished
    assert isinstance(ended, Step) and ended.finished and ended.counts == ""
    assert ended.call.state == FINISHED and ended.call.outcome == "answered"
    assert (ended.call.wait_seconds, ended.call.handle_seconds) == (120.0, 330.0)
    assert ended.call.agent_ref == "a7"


def test_abandoning_finishes_the_call_and_a_later_ended_changes_nothing() -> None:
    _, abandoned, ended = _run(
        parsed(),
        parsed(type="abandoned", timestamp="2026-07-01T09:00:45+01:00"),
        parsed(type="ended", timestamp="2026-07-01T09:00:45+01:00"),
    )
    assert isinstance(abandoned, Step) and abandoned.finished and abandoned.counts == "abandoned"
    assert abandoned.call.wait_seconds == 45.0 and abandoned.call.handle_seconds is None
    assert isinstance(ended, Step) and not ended.finished and ended.call == abandoned.call


def test_ended_while_waiting_is_an_abandon_and_a_callback_request_is_a_callback() -> None:
    (_, ended) = _run(parsed(), parsed(type="ended", timestamp="2026-07-01T09:01:00+01:00"))
    assert isinstance(ended, Step) and ended.call.outcome == "abandoned"
    (_, callback) = _run(
        parsed(), parsed(type="callback_requested", timestamp="2026-07-01T09:03:00+01:00")
    )
    assert isinstance(callback, Step) and callback.call.outcome == "callback"
    assert callback.counts == "callbacks" and callback.call.wait_seconds == 180.0


def test_events_that_do_not_fit_the_call_are_refused_with_the_reason() -> None:
    assert advance(None, parsed(type="answered"), "council-tax") == (
        "call c1 has not been queued: send its queued event first"
    )
    steps = _run(
        parsed(),
        parsed(),
        parsed(type="answered", timestamp="2026-07-01T08:59:00+01:00"),
        parsed(type="answered", timestamp="2026-07-01T09:01:00+01:00"),
        parsed(type="abandoned", timestamp="2026-07-01T09:02:00+01:00"),
    )
    assert steps[1] == "call c1 was already queued"
    assert steps[2] == "timestamp: is before call c1 was queued"
    assert steps[4] == "call c1 is not waiting (it is answered)"
    queued = Step
    first = _run(parsed())[0]
    assert isinstance(first, queued)
    assert advance(first.call, parsed(type="answered"), "housing") == (
        "call c1 is in queue council-tax, not housing"
    )
