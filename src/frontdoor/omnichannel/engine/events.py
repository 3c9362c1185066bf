"""Reading one queue event from the JSON a platform sent, with a clear reason for each fault.

An event is a JSON object::

    {"platform": "telephony", "event_id": "e-1001", "type": "queued", "call_id": "c-77",
     "queue": "council-tax", "timestamp": "2026-01-05T09:00:00+00:00",
     "service": "council-tax", "agent_ref": "a-12", "agents_available": 6}

- `platform` (required): the system sending it; it becomes the contact records' source.
- `type` (required): queued, answered, abandoned, callback_requested, ended, or agents (a count
  of agents available, with no call).
- `call_id` (required except for agents): the platform's id of the call; with the platform it
  is the call's identity, and the contact record's contact_id.
- `event_id` (optional): the event's id on the platform, which makes re-sending harmless; when
  absent it is `{call_id}:{type}` (one event of each type per call), or for agents events
  `agents:{queue}:{timestamp}`.
- `queue` (a catalogue queue id) or `service` (a catalogue service id, whose family queue is
  then the queue): at least one of them. A service given on a queued event becomes the contact
  record's service.
- `timestamp` (required): ISO 8601 date and time; without an offset it is the council's local
  time, as in the contact-record format.
- `agent_ref`, `citizen_ref`, `channel` (phone or webchat, default phone), `direction` (inbound
  or outbound, default inbound), `agents_available` (a whole number): optional.

Unknown keys are ignored, as unknown columns of a contact file are.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

QUEUED = "queued"
ANSWERED = "answered"
ABANDONED = "abandoned"
CALLBACK_REQUESTED = "callback_requested"
ENDED = "ended"
AGENTS = "agents"
EVENT_TYPES = (QUEUED, ANSWERED, ABANDONED, CALLBACK_REQUESTED, ENDED, AGENTS)
CHANNELS = ("phone", "webchat")
DIRECTIONS = ("inbound", "outbound")
MAX_AGENTS = 100_000

# Longest allowed text of each text field (the contact record's limits where they meet).
TEXT_LIMITS = {
    "platform": 50,
    "event_id": 100,
    "call_id": 100,
    "queue": 63,
    "service": 63,
    "agent_ref": 100,
    "citizen_ref": 200,
}


@dataclass(frozen=True)
class ParsedEvent:
    """A well-formed event: catalogue ids not yet checked against the council's catalogue."""

    platform: str
    event_id: str
    type: str
    call_id: str
    queue: str
    service: str
    at: dt.datetime  # aware, UTC
    agent_ref: str = ""
    citizen_ref: str = ""
    channel: str = "phone"
    direction: str = "inbound"
    agents_available: int | None = None


def parse_event(raw: object, zone: zoneinfo.ZoneInfo) -> ParsedEvent | list[str]:
    """The event, or every reason it is not one (each "field: reason")."""
    if not isinstance(raw, Mapping):
        return ["the event must be a JSON object"]
    problems: list[str] = []
    text: dict[str, str] = {}
    for name, longest in TEXT_LIMITS.items():
        value = raw.get(name)
        if value is None:
            text[name] = ""
        elif not isinstance(value, str):
            problems.append(f"{name}: must be a string")
            text[name] = ""
        else:
            text[name] = value.strip()
            if len(text[name]) > longest:
                problems.append(f"{name}: is longer than {longest} characters")

    kind = _choice(raw.get("type"), "type", EVENT_TYPES, problems, required=True)
    if not text["platform"]:
        problems.append("platform: is required")
    if kind != AGENTS and kind and not text["call_id"]:
        problems.append(f"call_id: is required for {kind} events")
    if not text["queue"] and not text["service"]:
        problems.append("queue: is required (or give the service, whose family queue it is)")
    channel = _choice(raw.get("channel"), "channel", CHANNELS, problems) or "phone"
    direction = _choice(raw.get("direction"), "direction", DIRECTIONS, problems) or "inbound"
    at = _timestamp(raw.get("timestamp"), zone, problems)
    agents = _count(raw.get("agents_available"), problems)
    if kind == AGENTS and agents is None and "agents_available" not in raw:
        problems.append("agents_available: is required for agents events")
    if problems or at is None:
        return problems
    event_id = text["event_id"]
    if not event_id:
        if kind == AGENTS:
            event_id = f"agents:{text['queue'] or text['service']}:{at.isoformat()}"
        else:
            event_id = f"{text['call_id']}:{kind}"
        if len(event_id) > TEXT_LIMITS["event_id"]:
            return ["event_id: is required when call_id and type make more than 100 characters"]
    return ParsedEvent(
        platform=text["platform"],
        event_id=event_id,
        type=kind,
        call_id=text["call_id"] if kind != AGENTS else "",
        queue=text["queue"],
        service=text["service"],
        at=at,
        agent_ref=text["agent_ref"],
        citizen_ref=text["citizen_ref"],
        channel=channel,
        direction=direction,
        agents_available=agents,
    )


def _choice(
    value: object, name: str, allowed: tuple[str, ...], problems: list[str], required: bool = False
) -> str:
    if value is None or value == "":
        if required:
            problems.append(f"{name}: is required")
        return ""
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        problems.append(f"{name}: {value!r} is not one of {', '.join(sorted(allowed))}")
        return ""
    return value.strip().lower()


def _timestamp(value: object, zone: zoneinfo.ZoneInfo, problems: list[str]) -> dt.datetime | None:
    if value is None or value == "":
        problems.append("timestamp: is required")
        return None
    if not isinstance(value, str) or len(value) <= 10 or value[10] not in "Tt ":
        problems.append("timestamp: must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z")
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        problems.append("timestamp: must be an ISO 8601 date and time, e.g. 2026-01-05T09:00:00Z")
        return None
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC)
    # Naive: the council's wall clock. A time inside the spring gap does not survive the round
    # trip and is refused, as the contact-record format refuses it.
    local = moment.replace(tzinfo=zone)
    in_utc = local.astimezone(dt.UTC)
    if in_utc.astimezone(zone).replace(tzinfo=None) != moment:
        problems.append(
            "timestamp: does not exist in the council's time zone (clocks went forward)"
        )
        return None
    return in_utc


def _count(value: Any, problems: list[str]) -> int | None:
    if value is None:
        return None
    # JSON has one number type; a bool is not a count even though Python calls it an int.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AGENTS:
        problems.append(f"agents_available: must be a whole number from 0 to {MAX_AGENTS}")
        return None
    return value
