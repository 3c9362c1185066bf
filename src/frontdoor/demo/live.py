"""The demo's live queues: the last three hours of calls on a few queues, played as queue events.

Calls arrive at random (seeded), wait first come first served for the agents on duty, give up
when their patience runs out, and are answered and ended by named agents. Council Tax has a
surge (a bill reminder went out), so its longest wait passes the tier thresholds and comes back
down; a few callers are still waiting at the end, so the wallboard has something live to show.
The events go through the same action the API uses, so finished calls become contact records.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

import numpy as np

from frontdoor.core.models import Council
from frontdoor.omnichannel.actions import do_receive_queue_events

PLATFORM = "demo-switch"
WINDOW = dt.timedelta(hours=3)


@dataclass(frozen=True)
class QueuePlan:
    queue: str
    service: str
    calls_per_hour: float
    agents: int
    surge_calls_per_hour: float = 0.0  # extra, in the middle hour


PLANS = (
    QueuePlan("council-tax", "council-tax", 50, 6, surge_calls_per_hour=30),
    QueuePlan("housing", "housing-needs", 40, 5),
    QueuePlan("environment", "waste", 25, 3),
)
AHT_SECONDS = 300.0
PATIENCE_SECONDS = 420.0


def _events_of_queue(
    plan: QueuePlan, start: dt.datetime, end: dt.datetime, rng: np.random.Generator
) -> list[dict[str, object]]:
    seconds = (end - start).total_seconds()
    arrivals: list[float] = []
    moment = 0.0
    while True:
        third = int(3 * moment / seconds)
        rate = plan.calls_per_hour + (plan.surge_calls_per_hour if third == 1 else 0.0)
        moment += float(rng.exponential(3600 / rate))
        if moment >= seconds:
            break
        arrivals.append(moment)
    # A heap of (when the agent is next free, the agent's number).
    free_at = [(0.0, number) for number in range(1, plan.agents + 1)]
    heapq.heapify(free_at)
    events: list[dict[str, object]] = []

    def at(offset: float) -> str:
        return (start + dt.timedelta(seconds=round(offset))).isoformat()

    for number, arrived in enumerate(arrivals):
        call = f"{start:%Y%m%d}-{plan.queue}-{number:04d}"
        base = {"platform": PLATFORM, "call_id": call, "queue": plan.queue}
        events.append(base | {"type": "queued", "timestamp": at(arrived), "service": plan.service})
        patience = float(rng.exponential(PATIENCE_SECONDS))
        answer = max(arrived, free_at[0][0])
        if answer > arrived + patience:
            if arrived + patience < seconds:
                events.append(base | {"type": "abandoned", "timestamp": at(arrived + patience)})
            continue  # gave up (or is still waiting at the end)
        if answer >= seconds:
            continue  # still waiting now
        _free, agent = heapq.heappop(free_at)
        finished = answer + float(rng.exponential(AHT_SECONDS))
        heapq.heappush(free_at, (finished, agent))
        agent_ref = f"agent-{plan.queue}-{agent}"
        events.append(base | {"type": "answered", "timestamp": at(answer), "agent_ref": agent_ref})
        if finished < seconds:
            events.append(base | {"type": "ended", "timestamp": at(finished)})
    return events


def play_recent_calls(council: Council, *, seed: int, now: dt.datetime) -> int:
    """Send the last three hours of demo calls as queue events; returns how many were new."""
    end = now.replace(microsecond=0) - dt.timedelta(minutes=1)
    start = end - WINDOW
    rng = np.random.default_rng(seed)
    events = [e for plan in PLANS for e in _events_of_queue(plan, start, end, rng)]
    events.sort(key=lambda event: str(event["timestamp"]))
    accepted = 0
    for first in range(0, len(events), 1000):
        result = do_receive_queue_events(
            actor=None, council=council, raw_events=events[first : first + 1000]
        )
        accepted += result.count("accepted")
    return accepted
