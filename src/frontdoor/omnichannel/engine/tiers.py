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

`step` has no hysteresis: a busy queue whose longest wait hovers around a threshold flaps
between two tiers every few seconds. `evaluate` is what the live queues use. It raises a tier
the moment its measure reaches the threshold (as `step` does) but clears it only once the
measure has stayed below the rule's exit level (the threshold less a clear margin) for the
rule's hold time, the way contact-centre escalation works. It needs a little memory between
calls, the `Latches`: which rules have raised their tier and not cleared it yet, and since when
each one's measure has been below its exit level. With no margin and no hold it behaves as
`step`. Clearing is as exact as raising: between events the longest wait only grows, so the
moment a hold ran out (or the wait climbed back to the exit level) is known to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LONGEST_WAIT = "longest_wait_seconds"
WAITING = "waiting_count"
MEASURES = (LONGEST_WAIT, WAITING)

# A clear margin is a percentage of the threshold, or an amount in the measure's own unit
# (seconds of longest wait, or callers).
PERCENT = "percent"
ABSOLUTE = "absolute"
MARGIN_UNITS = (PERCENT, ABSOLUTE)
# What a rule gets unless someone says otherwise: clear 10% below the threshold, after 2 minutes.
DEFAULT_CLEAR_MARGIN = 10
DEFAULT_MARGIN_UNIT = PERCENT
DEFAULT_HOLD_SECONDS = 120


@dataclass(frozen=True)
class Rule:
    """`tier` is reached when `measure` >= `threshold`; it clears (with `evaluate`) once the
    measure has stayed below `exit_level` for `hold_seconds`. The engine's defaults are no
    margin and no hold (exactly `step`); stored rules default to DEFAULT_CLEAR_MARGIN and
    DEFAULT_HOLD_SECONDS."""

    tier: int
    measure: str
    threshold: float
    clear_margin: float = 0.0
    margin_unit: str = PERCENT
    hold_seconds: float = 0.0

    @property
    def exit_level(self) -> float:
        """The level the measure must fall below before the tier may clear (never below 0)."""
        if self.margin_unit == PERCENT:
            margin = self.threshold * self.clear_margin / 100
        else:
            margin = self.clear_margin
        return max(0.0, self.threshold - margin)


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


# -- hysteresis ---------------------------------------------------------------------------------

# The rules that have raised their tier and not cleared it, by tier (one rule a tier), each with
# the moment since when its measure has been below its exit level (None: it is not below now).
Latches = Mapping[int, dt.datetime | None]


@dataclass(frozen=True)
class Evaluation:
    """The queue after `evaluate`: its tier, the latches to keep for the next call, and the
    levels that ended and started, each at its exact moment (in time order; a level may end and
    start again within one call, never the other way round)."""

    tier: int
    latches: dict[int, dt.datetime | None]
    started: list[tuple[int, dt.datetime]] = field(default_factory=list)
    ended: list[tuple[int, dt.datetime]] = field(default_factory=list)


def below_exit(rule: Rule, queue: QueueNow, at: dt.datetime) -> bool:
    """Whether the rule's measure is strictly below its exit level at `at`.

    Nobody waiting is no wait at all, so an empty queue is below every longest-wait exit level.
    """
    if rule.measure == LONGEST_WAIT and queue.waiting == 0:
        return True
    return queue.value(rule.measure, at) < rule.exit_level


def _calm_ends(rule: Rule, queue: QueueNow) -> dt.datetime | None:
    """When a measure now below its exit level reaches it again with the queue unchanged
    (None: never; only a growing longest wait climbs)."""
    if rule.measure == LONGEST_WAIT and queue.waiting and queue.oldest_since is not None:
        return queue.oldest_since + dt.timedelta(seconds=rule.exit_level)
    return None


@dataclass(frozen=True)
class _RuleCourse:
    """What one rule did within [since, at]: cleared at, raised at, and its latch at `at`."""

    cleared: dt.datetime | None
    raised: dt.datetime | None
    latched: bool
    calm_since: dt.datetime | None


def _course(
    rule: Rule,
    queue: QueueNow,
    latched: bool,
    calm_since: dt.datetime | None,
    since: dt.datetime,
    at: dt.datetime,
) -> _RuleCourse:
    if latched:
        if not below_exit(rule, queue, since):
            # At or above the exit level, and a longest wait only grows: no clearing this time.
            return _RuleCourse(None, None, True, None)
        calm_from = calm_since if calm_since is not None and calm_since <= since else since
        calm_ends = _calm_ends(rule, queue)
        # The measure must be below the exit level at every moment of [calm_from, clear], so
        # the clear comes strictly before the wait climbs back to the exit level.
        clear = max(since, calm_from + dt.timedelta(seconds=rule.hold_seconds))
        if clear <= at and (calm_ends is None or clear < calm_ends):
            raised = crossed_at(rule, queue, clear, at) if holds(rule, queue, at) else None
            return _RuleCourse(clear, raised, raised is not None, None)
        still_calm = calm_ends is None or calm_ends > at
        return _RuleCourse(None, None, True, calm_from if still_calm else None)
    if holds(rule, queue, at):
        return _RuleCourse(None, crossed_at(rule, queue, since, at), True, None)
    return _RuleCourse(None, None, False, None)


def evaluate(
    rules: Sequence[Rule],
    queue: QueueNow,
    current: int,
    latches: Latches,
    since: dt.datetime,
    at: dt.datetime,
) -> Evaluation:
    """Evaluate the queue over [since, at] with hysteresis (see the module docstring).

    `current` is the tier the queue was at when last evaluated at `since`, `latches` what that
    evaluation returned. As with `step`, the queue is unchanged over the interval: call once
    with the queue as it was (time passing up to an event) and once with the queue after the
    event and `since` = `at`. Rules have distinct tiers; a latch of a tier with no rule is
    dropped (at `since`).
    """
    since = min(since, at)
    courses = {
        rule.tier: _course(rule, queue, rule.tier in latches, latches.get(rule.tier), since, at)
        for rule in rules
    }
    ruled = {rule.tier for rule in rules}
    # Sweep the moments at which some rule cleared or raised, in order.
    moments = sorted(
        {since}
        | {c.cleared for c in courses.values() if c.cleared is not None}
        | {c.raised for c in courses.values() if c.raised is not None}
    )
    latched = {tier for tier in latches if tier in ruled}
    tier = current
    started: list[tuple[int, dt.datetime]] = []
    ended: list[tuple[int, dt.datetime]] = []
    for moment in moments:
        latched -= {t for t, c in courses.items() if c.cleared == moment}
        latched |= {t for t, c in courses.items() if c.raised == moment}
        new = max(latched, default=0)
        if new < tier:
            ended.extend((level, moment) for level in range(tier, new, -1))
        elif new > tier:
            started.extend((level, moment) for level in sorted(ruled) if tier < level <= new)
        tier = new
    kept = {t: c.calm_since for t, c in courses.items() if c.latched}
    return Evaluation(tier, kept, started, ended)


def carry_latches(
    old_rules: Sequence[Rule], new_rules: Sequence[Rule], latches: Latches
) -> dict[int, dt.datetime | None]:
    """The latches to keep when a queue's rules are replaced.

    A tier that was raised stays raised while its tier still has a rule (changing the rules is
    no reason to flap); it then clears by the new rule's margin and hold. Its time below the
    exit level carries over only when the measure and exit level are unchanged: otherwise the
    hold starts again from the change.
    """
    old = {r.tier: r for r in old_rules}
    kept: dict[int, dt.datetime | None] = {}
    for rule in new_rules:
        if rule.tier not in latches:
            continue
        before = old.get(rule.tier)
        same = (
            before is not None
            and before.measure == rule.measure
            and before.exit_level == rule.exit_level
        )
        kept[rule.tier] = latches[rule.tier] if same else None
    return kept


def clears_at(rules: Sequence[Rule], queue: QueueNow, latches: Latches) -> dt.datetime | None:
    """When the queue's top tier will clear if nothing changes (None: not on its way down).

    For the wallboard: a tier held by hysteresis is counting down its hold time.
    """
    if not latches:
        return None
    top = max(latches)
    rule = next((r for r in rules if r.tier == top), None)
    calm_since = latches[top]
    if rule is None or calm_since is None:
        return None
    moment = calm_since + dt.timedelta(seconds=rule.hold_seconds)
    calm_ends = _calm_ends(rule, queue)
    return moment if calm_ends is None or moment < calm_ends else None
