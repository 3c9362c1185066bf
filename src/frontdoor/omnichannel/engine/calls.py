"""A call's life as its events tell it: queued, then answered and ended, or abandoned, or a
callback asked for instead of waiting.

`advance(call, event)` is the whole state machine. It returns the call after the event, what the
event adds to its queue's counts, and whether the call has just finished (and so becomes a
contact record); or the reason the event does not fit the call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .events import ABANDONED, ANSWERED, CALLBACK_REQUESTED, ENDED, QUEUED, ParsedEvent

WAITING = "waiting"
TALKING = "answered"
FINISHED = "finished"


@dataclass(frozen=True)
class Call:
    """What the engine needs of a call (the catalogue's keys stay with the caller)."""

    call_id: str
    queue: str
    state: str
    queued_at: dt.datetime
    answered_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    outcome: str = ""
    agent_ref: str = ""

    @property
    def wait_seconds(self) -> float | None:
        """Seconds from queued to answered, or to leaving the queue unanswered."""
        end = self.answered_at or (self.finished_at if self.outcome != "answered" else None)
        return None if end is None else (end - self.queued_at).total_seconds()

    @property
    def handle_seconds(self) -> float | None:
        """Seconds with an agent, for an answered call that has ended."""
        if self.answered_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.answered_at).total_seconds()


@dataclass(frozen=True)
class Step:
    """The call after one event, the count it adds to its queue (if any), and if it finished."""

    call: Call
    counts: str = ""  # "answered", "abandoned" or "callbacks"
    finished: bool = False


def advance(call: Call | None, event: ParsedEvent, queue: str) -> Step | str:
    """Apply `event` (for `queue`, resolved by the caller) to `call`; a string is the refusal."""
    if event.type == QUEUED:
        if call is not None:
            return f"call {event.call_id} was already queued"
        return Step(Call(event.call_id, queue, WAITING, event.at, agent_ref=event.agent_ref))
    if call is None:
        return f"call {event.call_id} has not been queued: send its queued event first"
    if queue != call.queue:
        return f"call {event.call_id} is in queue {call.queue}, not {queue}"
    if event.at < call.queued_at:
        return f"timestamp: is before call {event.call_id} was queued"
    agent = event.agent_ref or call.agent_ref
    if event.type == ANSWERED:
        if call.state != WAITING:
            return f"call {event.call_id} is not waiting (it is {call.state})"
        return Step(replace(call, state=TALKING, answered_at=event.at, agent_ref=agent), "answered")
    if event.type in (ABANDONED, CALLBACK_REQUESTED):
        if call.state != WAITING:
            return f"call {event.call_id} is not waiting (it is {call.state})"
        outcome, counts = (
            ("abandoned", "abandoned") if event.type == ABANDONED else ("callback", "callbacks")
        )
        finished = replace(call, state=FINISHED, finished_at=event.at, outcome=outcome)
        return Step(finished, counts, finished=True)
    if event.type == ENDED:
        if call.state == FINISHED:
            # The platform's end-of-call after an abandon or a callback request: nothing new.
            return Step(call)
        if call.state == WAITING:
            # Ended without an agent: the caller hung up while waiting.
            finished = replace(call, state=FINISHED, finished_at=event.at, outcome="abandoned")
            return Step(finished, "abandoned", finished=True)
        if call.answered_at is not None and event.at < call.answered_at:
            return f"timestamp: is before call {event.call_id} was answered"
        finished = replace(
            call, state=FINISHED, finished_at=event.at, outcome="answered", agent_ref=agent
        )
        return Step(finished, finished=True)
    return f"type: {event.type} events do not belong to a call"
