"""Resilience tiers of a live queue: which tier it is at, and since exactly when.

A rule says a queue reaches `tier` when a measure is at or above a threshold: the longest wait
of the callers waiting now (seconds), or how many are waiting. The queue's tier is the highest
tier whose rule holds. Tiers escalate: a queue at tier 2 is also at tier 1 (tier 1's actions
still apply), so each level has its own episode, open while the queue's tier is at or above it.

Between two events nothing joins or leaves the queue, so the number waiting is constant and the
longest wait grows one second a second. That makes the moment a longest-wait threshold was
crossed exact even when no event happened then: the oldest caller's arrival plus the threshold.
`step` uses it: called with the previous evaluation time (`since`) and now (`at`), it returns the
levels that started in between with their exact start, and the levels that ended (at `at`:
the measures only fall when an event happens, and then the caller evaluates at that event).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

LONGEST_WAIT = "longest_wait_seconds"
WAITING = "waiting_count"
MEASURES = (LONGEST_WAIT, WAITING)


@dataclass(frozen=True)
class Rule:
    tier: int
    measure: str
    threshold: float


# The defaults a queue gets when it first sends events: 3, 8 and 15 minutes of longest wait.
DEFAULT_RULES = (
    (1, LONGEST_WAIT, 180, "Move agents from other queues to this one."),
    (2, LONGEST_WAIT, 480, "Offer callbacks and play a message about the wait."),
    (3, LONGEST_WAIT, 900, "Call in back-office staff to take calls."),
)


@dataclass(frozen=True)
class QueueNow:
    """The queue between two events: how many wait, and since when the oldest has waited."""

    waiting: int
    oldest_since: dt.datetime | None

    def longest_wait(self, at: dt.datetime) -> float:
        if self.oldest_since is None or self.waiting == 0:
            return 0.0
        return max(0.0, (at - self.oldest_since).total_seconds())

    def value(self, measure: str, at: dt.datetime) -> float:
        return self.longest_wait(at) if measure == LONGEST_WAIT else float(self.waiting)


@dataclass(frozen=True)
class TierStep:
    """The tier after a step, the levels that started (level, exact start) and those that ended."""

    tier: int
    started: list[tuple[int, dt.datetime]] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)


def holds(rule: Rule, queue: QueueNow, at: dt.datetime) -> bool:
    """Whether the rule's measure is at or above its threshold at `at`."""
    if rule.measure == LONGEST_WAIT and queue.waiting == 0:
        return False  # an empty queue has no wait, whatever a threshold of 0 would say
    return queue.value(rule.measure, at) >= rule.threshold


def tier_at(rules: Sequence[Rule], queue: QueueNow, at: dt.datetime) -> int:
    """The highest tier whose rule holds at `at` (0: none does)."""
    return max((r.tier for r in rules if holds(r, queue, at)), default=0)


def crossed_at(rule: Rule, queue: QueueNow, since: dt.datetime, at: dt.datetime) -> dt.datetime:
    """When, within (since, at], a rule that holds at `at` began to hold (the queue unchanged)."""
    if rule.measure == LONGEST_WAIT and queue.oldest_since is not None:
        moment = queue.oldest_since + dt.timedelta(seconds=rule.threshold)
        return min(at, max(since, moment))
    return since


def step(
    rules: Sequence[Rule], queue: QueueNow, current: int, since: dt.datetime, at: dt.datetime
) -> TierStep:
    """Evaluate the queue at `at`, having been at tier `current` when last evaluated at `since`.

    Call it twice per event: first with the queue as it was (time passing from `since` to the
    event), then with the queue after the event and `since` = `at` (the change is instant).
    """
    since = min(since, at)
    new = tier_at(rules, queue, at)
    started = []
    # Only levels that have a rule get an episode; a queue at tier 3 is at every level below.
    for level in sorted({r.tier for r in rules if current < r.tier <= new}):
        moments = [
            crossed_at(r, queue, since, at)
            for r in rules
            if r.tier >= level and holds(r, queue, at)
        ]
        started.append((level, min(moments)))
    ended = list(range(current, new, -1))
    return TierStep(new, started, ended)
