"""Turning a day of a telephony export into the queue events the platform would have sent.

The export is read through a contact-record mapping (`contacts/mappings/`, the same file
`import_contacts --mapping` uses), so each row gives the contact's own values: its id, service,
offered_at, outcome, wait and handle time. A call then becomes, at the times those imply:

- answered: queued at offered_at, answered after its wait, ended after its handle time;
- abandoned: queued, then abandoned after its wait;
- callback: queued, then callback_requested after its wait.

Rows the mapping skips (for the Anonymous Bank: calls that hung up in the menu and never
queued), rows it cannot read, retracted rows (the bank's PHANTOM calls, "to be ignored") and
deflected contacts (never queued for an agent) send no events; they are counted by reason.
Replaying the file therefore yields the very contact records importing it would.

No Django here: the command decides where the events go.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from frontdoor.contacts.reading import SourceRecord

# Order of a call's events that share a second: queued before answered before ended.
_RANK = {"queued": 0, "answered": 1, "abandoned": 2, "callback_requested": 2, "ended": 3}
_TRUE = {"true", "1", "yes"}


@dataclass(order=True, frozen=True)
class TimedEvent:
    at: dt.datetime
    rank: int
    seq: int
    event: dict[str, Any] = field(compare=False)


@dataclass
class DayOfCalls:
    """The events of one day, in time order, and what was left out and why.

    `skipped` counts the day's calls that send no events; `not_calls` the rows of the whole
    file the mapping skips (they carry no values, so not even a date).
    """

    day: dt.date | None
    events: list[TimedEvent]
    calls: int
    skipped: Counter[str]
    not_calls: Counter[str]


def day_of_calls(
    records: Iterable[SourceRecord],
    zone: zoneinfo.ZoneInfo | None,
    platform: str,
    day: dt.date | None = None,
) -> DayOfCalls:
    """The events of `day` (default: the earliest day in the file), sorted by time.

    `zone` is the zone of the export's naive times (the mapping's `time_zone`).
    """
    chosen: list[dict[str, str]] = []
    chosen_day = day
    skipped: Counter[str] = Counter()
    not_calls: Counter[str] = Counter()
    unreadable = 0
    for record in records:
        if record.skipped is not None:
            not_calls[record.skipped] += 1
            continue
        values = record.values or {}
        if record.problems:
            unreadable += 1
            continue
        offered = values.get("offered_at", "")
        try:
            record_day = dt.date.fromisoformat(offered[:10])
        except ValueError:
            not_calls["no offered_at date"] += 1
            continue
        if day is None and (chosen_day is None or record_day < chosen_day):
            # An earlier day than any so far: what was gathered belongs to a later day.
            chosen_day = record_day
            chosen = []
        if record_day != chosen_day:
            continue
        chosen.append(values)
    events: list[TimedEvent] = []
    calls = 0
    for values in chosen:
        made = events_of_call(values, zone, platform, len(events))
        if isinstance(made, str):
            skipped[made] += 1
            continue
        calls += 1
        events.extend(made)
    events.sort()
    if unreadable:
        not_calls["could not be read"] += unreadable
    return DayOfCalls(chosen_day, events, calls, skipped, not_calls)


def events_of_call(
    values: dict[str, str], zone: zoneinfo.ZoneInfo | None, platform: str, seq: int
) -> list[TimedEvent] | str:
    """A call's events, or the reason it has none."""
    if values.get("retracted", "").strip().lower() in _TRUE:
        return "retracted by the source (not a real call)"
    outcome = values.get("outcome", "").strip().lower()
    if outcome not in ("answered", "abandoned", "callback"):
        return f"outcome {outcome or 'missing'} (never queued for an agent)"
    try:
        offered = dt.datetime.fromisoformat(values.get("offered_at", ""))
    except ValueError:
        return "offered_at is not a date and time"
    if offered.tzinfo is None and zone is not None:
        # Naive times are the export's wall clock; without a zone they are sent naive, and
        # the API reads them in the council's zone.
        offered = offered.replace(tzinfo=zone)
    wait = _seconds(values.get("wait_seconds")) or 0.0
    handle = _seconds(values.get("handle_seconds")) or 0.0
    call_id = values.get("contact_id", "")
    if not call_id:
        return "no contact_id"
    common = {"platform": platform, "call_id": call_id, "service": values.get("service", "")}
    if values.get("queue"):
        common["queue"] = values["queue"]

    def event(kind: str, at: dt.datetime, **extra: str) -> TimedEvent:
        body = {
            **common,
            "type": kind,
            "event_id": f"{call_id}:{kind}",
            "timestamp": at.isoformat(),
        }
        body.update({k: v for k, v in extra.items() if v})
        return TimedEvent(at, _RANK[kind], seq, body)

    queued = event(
        "queued",
        offered,
        channel=values.get("channel", ""),
        direction=values.get("direction", ""),
        citizen_ref=values.get("citizen_ref", ""),
    )
    left = offered + dt.timedelta(seconds=wait)
    if outcome == "answered":
        agent = values.get("agent_ref", "")
        return [
            queued,
            event("answered", left, agent_ref=agent),
            event("ended", left + dt.timedelta(seconds=handle), agent_ref=agent),
        ]
    kind = "abandoned" if outcome == "abandoned" else "callback_requested"
    return [queued, event(kind, left)]


def batches(
    events: list[TimedEvent], speed: float, batch_size: int, clock: Any, sleep: Any
) -> Iterator[list[TimedEvent]]:
    """The events in batches as they fall due at `speed` times real time (0: at once).

    `clock` and `sleep` are passed in (time.monotonic and time.sleep) so tests need not wait.
    """
    if not events:
        return
    if speed <= 0:
        for start in range(0, len(events), batch_size):
            yield events[start : start + batch_size]
        return
    first = events[0].at
    started = clock()
    index = 0
    while index < len(events):
        due_by = first + dt.timedelta(seconds=(clock() - started) * speed)
        end = index
        while end < len(events) and events[end].at <= due_by and end - index < batch_size:
            end += 1
        if end == index:
            wait = (events[index].at - first).total_seconds() / speed - (clock() - started)
            sleep(max(0.0, wait))
            continue
        yield events[index:end]
        index = end


def _seconds(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
