"""The outbound-communications planner: the call spike a text, email or letter batch causes, and
how to stagger the batch so the wait stays under target.

* **Learning the response.** For each past campaign, the calls in each interval after the send
  minus the calls expected without it (the baseline forecast) are its excess calls. Divided by the
  batch size and averaged over campaigns of the same channel, this is the response curve: calls
  per message in each interval after the send. A letter's response is spread over days, a text's
  over the first hour, so each channel learns its own curve. A reminder about council tax and
  one about bin collections bring different calls, so a queue with enough past campaigns of the
  channel (`MIN_QUEUE_CAMPAIGNS`) learns its own curve; one with fewer borrows the channel's
  curve pooled over every queue.
* **Expecting a spike.** A batch of n messages sent in interval s adds n x curve[k] calls in
  interval s + k.
* **Staggering.** Given the baseline calls and the calls the rostered staff can take per interval
  while meeting the wait target (from Erlang), split the batch into equal chunks sent at chosen
  intervals so that no interval goes over that capacity; choose the fewest chunks, then the
  earliest sends. A greedy earliest-feasible placement is exact for equal chunks checked in order,
  and it says plainly when no staggering within the window keeps under target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .erlang import Target, measures, offered_load

Series = NDArray[np.float64]


@dataclass(frozen=True)
class PastCampaign:
    """A batch sent before: which interval of the series it went in, and how many messages."""

    send_index: int
    size: int


def learn_response_curve(
    campaigns: Sequence[PastCampaign],
    actual: Series,
    baseline: Series,
    horizon: int,
) -> Series:
    """Calls per message in each of the `horizon` intervals after a send (mean over campaigns).

    Negative excess (fewer calls than the baseline) counts as zero: a campaign does not remove
    calls, the baseline was just high. The zero floor is applied to the mean over campaigns, not
    to each campaign's intervals: flooring each interval first would keep every upward wobble of
    the calls and drop every downward one, so pure noise would read as a response.
    """
    if not campaigns:
        raise ValueError("no past campaigns to learn from")
    curves = []
    for campaign in campaigns:
        if campaign.size <= 0:
            continue
        end = min(campaign.send_index + horizon, len(actual))
        excess = np.zeros(horizon)
        window = slice(campaign.send_index, end)
        excess[: end - campaign.send_index] = actual[window] - baseline[window]
        curves.append(excess / campaign.size)
    if not curves:
        raise ValueError("every past campaign had no messages")
    return np.asarray(np.maximum(np.mean(curves, axis=0), 0.0))


# A queue has its own curve from this many learnt campaigns of the channel on it. Each campaign's
# excess is measured against a baseline that is itself a mean of at most four same weekdays, so
# one campaign's curve carries the noise of two busy days: with three, one odd campaign (a
# phone outage, a local news story) is outvoted two to one and the mean's noise is about 0.6 of
# one campaign's, while a queue messaged monthly still earns its own curve within a quarter.
# Below that, the channel's curve pooled over every queue is the better estimate.
MIN_QUEUE_CAMPAIGNS = 3


@dataclass(frozen=True)
class QueueCampaign:
    """A past campaign as the learning sees it: the queue it went to, where its send falls in
    the channel's series, and how many messages it had."""

    queue: str
    campaign: PastCampaign


@dataclass(frozen=True)
class ChosenCurve:
    """The curve to use for one queue, and where it came from: "queue" (learnt from
    `queue_campaigns` of its own), "pooled" (from `pooled_campaigns` on every queue, the queue
    having too few) or "none" (nothing learnt on any queue)."""

    curve: Series | None
    scope: str
    queue_campaigns: int
    pooled_campaigns: int
    minimum: int


@dataclass(frozen=True)
class ResponseCurves:
    """A channel's response curves: pooled over every queue, and per queue with enough campaigns."""

    pooled: Series | None
    by_queue: dict[str, Series]
    campaigns_by_queue: dict[str, int]
    minimum: int

    @property
    def pooled_campaigns(self) -> int:
        return sum(self.campaigns_by_queue.values())

    def for_queue(self, queue: str) -> ChosenCurve:
        """The queue's own curve when it has `minimum` campaigns, else the pooled one."""
        own = self.by_queue.get(queue)
        count = self.campaigns_by_queue.get(queue, 0)
        if own is not None:
            return ChosenCurve(own, "queue", count, self.pooled_campaigns, self.minimum)
        scope = "pooled" if self.pooled is not None else "none"
        return ChosenCurve(self.pooled, scope, count, self.pooled_campaigns, self.minimum)


def learn_response_curves(
    campaigns: Sequence[QueueCampaign],
    actual: Series,
    baseline: Series,
    horizon: int,
    minimum: int = MIN_QUEUE_CAMPAIGNS,
) -> ResponseCurves:
    """A channel's curve pooled over every campaign, and one per queue that has at least
    `minimum` campaigns (each learnt as `learn_response_curve` learns, from that queue's
    campaigns only). Campaigns without messages teach nothing and are not counted."""
    if minimum < 1:
        raise ValueError("a queue needs at least one campaign of its own")
    counted = [c for c in campaigns if c.campaign.size > 0]
    by_queue_campaigns: dict[str, list[PastCampaign]] = {}
    for item in counted:
        by_queue_campaigns.setdefault(item.queue, []).append(item.campaign)
    pooled = (
        learn_response_curve([c.campaign for c in counted], actual, baseline, horizon)
        if counted
        else None
    )
    by_queue = {
        queue: learn_response_curve(own, actual, baseline, horizon)
        for queue, own in by_queue_campaigns.items()
        if len(own) >= minimum
    }
    counts = {queue: len(own) for queue, own in by_queue_campaigns.items()}
    return ResponseCurves(pooled, by_queue, counts, minimum)


def expected_calls(curve: Series, size: int, send_index: int, length: int) -> Series:
    """The extra calls a batch of `size` sent in interval `send_index` brings, per interval."""
    extra = np.zeros(length)
    end = min(send_index + len(curve), length)
    if send_index < length:
        extra[send_index:end] = size * curve[: end - send_index]
    return extra


@dataclass(frozen=True)
class Staggering:
    """When to send each chunk, and what the intervals then look like."""

    sends: tuple[tuple[int, int], ...]  # (interval, messages)
    calls: Series  # baseline plus every chunk's response
    worst_headroom: float  # min over intervals of capacity minus calls (negative: over)
    feasible: bool


def _with_sends(curve: Series, baseline: Series, sends: Sequence[tuple[int, int]]) -> Series:
    calls = baseline.astype(float).copy()
    for index, size in sends:
        calls += expected_calls(curve, size, index, len(baseline))
    return calls


def suggest_staggering(
    curve: Series,
    size: int,
    baseline: Series,
    capacity: Series,
    send_window: Sequence[int],
    max_chunks: int = 12,
) -> Staggering:
    """The fewest equal chunks, sent at the earliest allowed intervals, that keep every interval's
    calls within `capacity` (calls the staff can take at the wait target)."""
    if size <= 0:
        raise ValueError("the batch must have at least one message")
    allowed = sorted(set(send_window))
    if not allowed:
        raise ValueError("no interval to send in")
    best: Staggering | None = None
    for chunks in range(1, max_chunks + 1):
        sizes = [size // chunks + (1 if i < size % chunks else 0) for i in range(chunks)]
        sends: list[tuple[int, int]] = []
        for chunk in sizes:
            placed = False
            for index in allowed:
                if sends and index <= sends[-1][0]:
                    continue
                trial = [*sends, (index, chunk)]
                if np.all(_with_sends(curve, baseline, trial) <= capacity + 1e-9):
                    sends = trial
                    placed = True
                    break
            if not placed:
                break
        calls = _with_sends(curve, baseline, sends)
        if len(sends) == chunks:
            return Staggering(tuple(sends), calls, float(np.min(capacity - calls)), True)
        if best is None:
            # Remember the single send at the first allowed interval, to show what would happen.
            everything = [(allowed[0], size)]
            all_calls = _with_sends(curve, baseline, everything)
            best = Staggering(
                tuple(everything), all_calls, float(np.min(capacity - all_calls)), False
            )
    assert best is not None
    return best


def calls_within_target(
    agents: int,
    interval_seconds: float,
    aht_seconds: float,
    target: Target,
    patience_seconds: float | None = None,
) -> float:
    """The most calls an interval can take with `agents` agents and still meet `target`.

    Service level falls and ASA rises as calls are added, so the answer is found by bisection on
    the call count (to a tenth of a call).
    """
    if agents <= 0:
        return 0.0

    def meets(calls: float) -> bool:
        if calls <= 0:
            return True
        load = offered_load(calls, interval_seconds, aht_seconds)
        if patience_seconds is None and load >= agents:
            return False  # Erlang C has no steady state at or above the agents
        result = measures(agents, load, aht_seconds, target.within_seconds, patience_seconds)
        return target.met_by(result)

    low, high = 0.0, agents * interval_seconds / aht_seconds * 2 + 1
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (middle, high) if meets(middle) else (low, middle)
    return math.floor(low * 10) / 10


def capacity_series(
    agents: Sequence[int],
    interval_seconds: float,
    aht_seconds: float,
    target: Target,
    patience_seconds: float | None = None,
) -> Series:
    """`calls_within_target` for each interval's rostered agents (cached per agent count)."""
    known: dict[int, float] = {}
    values = []
    for count in agents:
        if count not in known:
            known[count] = calls_within_target(
                count, interval_seconds, aht_seconds, target, patience_seconds
            )
        values.append(known[count])
    return np.array(values, dtype=float)
