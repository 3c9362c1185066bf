"""Tiers with hysteresis: raised at once at the threshold, cleared only after the measure has
stayed below the exit level (threshold less the clear margin) for the hold time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.omnichannel.engine.tiers import (
    ABSOLUTE,
    LONGEST_WAIT,
    PERCENT,
    WAITING,
    Evaluation,
    Latches,
    QueueNow,
    Rule,
    below_exit,
    carry_latches,
    clears_at,
    evaluate,
    step,
    tier_at,
)

pytestmark = pytest.mark.no_db

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
# The stored defaults: 3, 8 and 15 minutes, clearing 10% below after 2 minutes.
DEFAULTS = [
    Rule(1, LONGEST_WAIT, 180, 10, PERCENT, 120),
    Rule(2, LONGEST_WAIT, 480, 10, PERCENT, 120),
    Rule(3, LONGEST_WAIT, 900, 10, PERCENT, 120),
]
TIER_1 = DEFAULTS[:1]  # exit level 162 s


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def waited(seconds: float, now: float, waiting: int = 1) -> QueueNow:
    """A queue whose oldest caller had waited `seconds` at `now`."""
    return QueueNow(waiting, at(now - seconds))


EMPTY = QueueNow(0, None)


@dataclass
class Run:
    """Feeds events to `evaluate` as the live queues do: time passes up to each event with the
    queue as it was, then the event changes the queue at that instant."""

    rules: list[Rule]
    tier: int = 0
    latches: Latches = field(default_factory=dict)
    queue: QueueNow = EMPTY
    clock: dt.datetime = T0
    started: list[tuple[int, dt.datetime]] = field(default_factory=list)
    ended: list[tuple[int, dt.datetime]] = field(default_factory=list)
    tiers: list[int] = field(default_factory=list)

    def _apply(self, result: Evaluation) -> None:
        self.tier, self.latches = result.tier, result.latches
        self.started += result.started
        self.ended += result.ended
        self.tiers.append(result.tier)

    def event(self, moment: dt.datetime, queue: QueueNow) -> None:
        self._apply(evaluate(self.rules, self.queue, self.tier, self.latches, self.clock, moment))
        self.queue, self.clock = queue, moment
        self._apply(evaluate(self.rules, queue, self.tier, self.latches, moment, moment))


# -- exit level ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "exit_level"),
    [
        (Rule(1, LONGEST_WAIT, 180, 10, PERCENT), 162.0),
        (Rule(1, LONGEST_WAIT, 180, 30, ABSOLUTE), 150.0),
        (Rule(1, WAITING, 10, 2, ABSOLUTE), 8.0),
        (Rule(1, WAITING, 5, 10, PERCENT), 4.5),
        (Rule(1, LONGEST_WAIT, 180), 180.0),  # no margin: the threshold itself
        (Rule(1, WAITING, 3, 5, ABSOLUTE), 0.0),  # never below zero
    ],
)
def test_the_exit_level_is_the_threshold_less_the_margin(rule: Rule, exit_level: float) -> None:
    assert rule.exit_level == exit_level


def test_an_empty_queue_is_below_every_longest_wait_exit_level() -> None:
    assert below_exit(Rule(1, LONGEST_WAIT, 0), EMPTY, T0)
    assert not below_exit(Rule(1, WAITING, 1, 100, PERCENT), EMPTY, T0)  # 0 is not below 0


# -- raising --------------------------------------------------------------------------------------


def test_a_tier_is_raised_the_moment_the_threshold_is_reached() -> None:
    before = evaluate(TIER_1, waited(179, 179), 0, {}, T0, at(179))
    assert (before.tier, before.started) == (0, [])
    result = evaluate(TIER_1, waited(0, 0), 0, {}, T0, at(200))
    assert result.tier == 1
    assert result.started == [(1, at(180))]  # exactly when the oldest caller passed 3 minutes
    assert result.latches == {1: None}


def test_escalation_skips_no_level_and_each_starts_at_its_own_crossing() -> None:
    result = evaluate(DEFAULTS, waited(0, 0), 0, {}, T0, at(1000))
    assert result.tier == 3
    assert result.started == [(1, at(180)), (2, at(480)), (3, at(900))]


def test_a_count_rule_is_raised_at_the_count_itself() -> None:
    rules = [Rule(1, WAITING, 10, 2, ABSOLUTE, 60)]
    assert evaluate(rules, QueueNow(9, T0), 0, {}, T0, T0).tier == 0
    assert evaluate(rules, QueueNow(10, T0), 0, {}, T0, T0).started == [(1, T0)]


# -- clearing -------------------------------------------------------------------------------------


def test_falling_below_the_threshold_but_not_the_exit_level_does_not_clear() -> None:
    run = Run(TIER_1)
    run.event(at(0), waited(200, 0))  # raised
    run.event(at(10), waited(170, 10))  # answered: 170 s < 180 but >= 162
    run.event(at(10 + 3600), waited(162, 3610))  # an hour later, exactly at the exit level
    assert run.tier == 1 and run.ended == []
    assert run.latches == {1: None}  # not even counting down


def test_the_tier_clears_once_the_measure_stays_below_the_exit_level_for_the_hold() -> None:
    run = Run([Rule(1, WAITING, 10, 2, ABSOLUTE, 120)])  # exit level 8
    run.event(at(0), QueueNow(12, T0))
    run.event(at(30), QueueNow(7, T0))  # below the exit level from 30 s
    assert run.tier == 1 and run.latches == {1: at(30)}
    run.event(at(149), QueueNow(7, T0))  # 119 s of the 120
    assert run.tier == 1
    run.event(at(150), QueueNow(7, T0))  # the hold has run out exactly now
    assert run.tier == 0
    assert run.ended == [(1, at(150))]


def test_the_clear_is_dated_when_the_hold_ran_out_even_if_noticed_later() -> None:
    run = Run(TIER_1)
    run.event(at(0), waited(200, 0))
    run.event(at(10), EMPTY)  # everyone answered
    run.event(at(500), EMPTY)  # the next event, long after
    assert run.ended == [(1, at(130))]
    assert run.tier == 0 and run.latches == {}


def test_a_wait_climbing_back_to_the_exit_level_restarts_the_hold() -> None:
    run = Run(TIER_1)
    run.event(at(0), waited(200, 0))
    run.event(at(10), waited(100, 10))  # below 162 from 10 s; back at 162 at 72 s
    run.event(at(100), waited(150, 100))  # at 100 s the wait is down to 150 again
    assert run.tier == 1 and run.latches == {1: at(100)}
    run.event(at(105), waited(10, 105))  # and lower: still counting from 100 s
    run.event(at(230), waited(135, 230))
    assert run.ended == [(1, at(220))]


def test_a_wait_reaching_the_exit_level_just_as_the_hold_ends_does_not_clear() -> None:
    run = Run(TIER_1)
    run.event(at(0), waited(200, 0))
    run.event(at(10), waited(42, 10))  # reaches 162 at 130 s, when the hold would end
    run.event(at(131), waited(163, 131))
    assert run.tier == 1 and run.ended == []
    # One second more of margin and it clears, at 130 s.
    run = Run(TIER_1)
    run.event(at(0), waited(200, 0))
    run.event(at(10), waited(41, 10))  # reaches 162 at 131 s
    run.event(at(131), waited(162, 131))
    assert run.ended == [(1, at(130))]


def test_a_tier_can_clear_and_rise_again_between_two_events() -> None:
    rules = [Rule(1, LONGEST_WAIT, 180, 10, PERCENT, 10)]
    run = Run(rules)
    run.event(at(0), waited(200, 0))
    run.event(at(10), waited(100, 10))  # below 162 until 72 s: clears at 20 s; 180 s at 90 s
    run.event(at(120), waited(0, 120))
    assert run.ended == [(1, at(20))]
    assert run.started == [(1, at(0)), (1, at(90))]


def test_levels_clear_one_by_one_each_by_its_own_rule() -> None:
    run = Run(DEFAULTS)
    run.event(at(0), waited(1000, 0))  # tier 3
    run.event(at(10), waited(500, 10))  # below 810 (tier 3 exit), above 432 (tier 2 exit)
    run.event(at(20), waited(300, 20))  # below 432 from 20 s
    run.event(at(150), waited(0, 150))  # the wait had climbed to 430 s: still below 432
    # Tier 3 ended 120 s after 10 s, tier 2 120 s after 20 s; tier 1 (exit 162) holds on.
    assert run.ended == [(3, at(130)), (2, at(140))]
    assert run.tier == 1


def test_a_higher_tier_reached_during_the_hold_keeps_every_level_open() -> None:
    rules = [Rule(1, LONGEST_WAIT, 180, 10, PERCENT, 120), Rule(2, WAITING, 20, 0, PERCENT, 0)]
    run = Run(rules)
    run.event(at(0), waited(200, 0, waiting=5))
    run.event(at(10), waited(0, 10, waiting=25))  # tier 1's wait gone, tier 2 by count
    assert run.tier == 2
    run.event(at(160), waited(0, 160, waiting=1))  # count falls: no margin, no hold
    assert run.tier == 0
    # Tier 1's own rule cleared at 130 s (its wait stayed under 162 s), but level 1 stayed
    # open while tier 2 held: both end when tier 2 does.
    assert run.ended == [(2, at(160)), (1, at(160))]


@pytest.mark.parametrize(
    ("queue", "latches", "expected"),
    [
        (waited(100, 10), {1: at(10)}, at(130)),  # calm, the wait reaches 162 at 72 s...
        (EMPTY, {1: at(10)}, at(130)),
        (waited(170, 10), {1: None}, None),  # not below the exit level
        (EMPTY, {}, None),
    ],
)
def test_when_a_held_tier_will_clear(
    queue: QueueNow, latches: dict[int, dt.datetime | None], expected: dt.datetime | None
) -> None:
    if queue.waiting:
        # ...so it will not clear unless something changes.
        expected = None
    assert clears_at(TIER_1, queue, latches) == expected


# -- rules changing -------------------------------------------------------------------------------


def test_a_rule_change_keeps_a_raised_tier_and_restarts_the_hold_if_the_exit_moved() -> None:
    old = [Rule(1, LONGEST_WAIT, 180, 10, PERCENT, 120), Rule(2, LONGEST_WAIT, 480)]
    latches = {1: at(10), 2: at(10)}
    same_exit = [Rule(1, LONGEST_WAIT, 200, 20, ABSOLUTE, 60)]  # exit 180: moved
    assert carry_latches(old, same_exit, latches) == {1: None}
    unchanged = [Rule(1, LONGEST_WAIT, 180, 18, ABSOLUTE, 60), Rule(3, WAITING, 5)]
    assert carry_latches(old, unchanged, latches) == {1: at(10)}  # 162 either way
    # Tier 2 has no rule any more: its latch goes, and evaluate ends the level at once.
    result = evaluate(unchanged, EMPTY, 2, latches, at(50), at(50))
    assert result.ended == [(2, at(50))]
    assert (result.tier, result.latches) == (1, {1: at(10)})


# -- properties -----------------------------------------------------------------------------------

# A queue's history: (seconds since the previous event, the oldest caller's wait just after the
# event, callers waiting just after it).
events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=400),
        st.integers(min_value=0, max_value=1200),
        st.integers(min_value=0, max_value=30),
    ),
    max_size=40,
)
MIXED = [
    Rule(1, LONGEST_WAIT, 180, 10, PERCENT, 120),
    Rule(2, WAITING, 10, 3, ABSOLUTE, 60),
    Rule(3, LONGEST_WAIT, 900, 60, ABSOLUTE, 0),
]


def replay(rules: list[Rule], history: list[tuple[int, int, int]]) -> Run:
    run = Run(rules)
    now = 0
    for gap, wait, count in history:
        now += gap
        run.event(at(now), waited(wait, now, count) if count else EMPTY)
    return run


@settings(max_examples=300)
@given(history=events)
def test_without_margin_or_hold_the_tiers_are_exactly_those_without_hysteresis(
    history: list[tuple[int, int, int]],
) -> None:
    bare = [Rule(r.tier, r.measure, r.threshold) for r in MIXED]
    run = Run(bare)
    tier, started, ended, clock, queue = 0, [], [], T0, EMPTY
    now = 0
    for gap, wait, count in history:
        now += gap
        new_queue = waited(wait, now, count) if count else EMPTY
        for q, since in ((queue, clock), (new_queue, at(now))):
            result = step(bare, q, tier, since, at(now))
            tier = result.tier
            started += result.started
            ended += [(level, at(now)) for level in result.ended]
        queue, clock = new_queue, at(now)
        run.event(at(now), new_queue)
        assert run.tier == tier == tier_at(bare, new_queue, at(now))
    assert run.started == started
    assert run.ended == ended


@settings(max_examples=300)
@given(history=events)
def test_a_raise_is_never_held_back_and_the_tier_is_its_highest_latch(
    history: list[tuple[int, int, int]],
) -> None:
    run = Run(MIXED)
    now = 0
    for gap, wait, count in history:
        now += gap
        queue = waited(wait, now, count) if count else EMPTY
        run.event(at(now), queue)
        assert run.tier >= tier_at(MIXED, queue, at(now))
        assert run.tier == max(run.latches, default=0)


@settings(max_examples=300)
@given(history=events)
def test_every_clear_follows_a_full_hold_below_the_exit_level(
    history: list[tuple[int, int, int]],
) -> None:
    # One rule, so each level's end is that rule's clear.
    rule = Rule(1, WAITING, 10, 3, ABSOLUTE, 60)  # exit level 7
    run = Run([rule])
    counts: list[tuple[dt.datetime, int]] = []  # the count from each moment on
    now = 0
    for gap, _wait, count in history:
        now += gap
        run.event(at(now), QueueNow(count, at(now)))
        counts.append((at(now), count))
    moments = [m for m, _ in run.started] + [m for m, _ in run.ended]
    assert len(run.ended) <= len(run.started)
    for _level, cleared in run.ended:
        calm_from = cleared - dt.timedelta(seconds=rule.hold_seconds)
        # The count in force at calm_from and every count set within (calm_from, cleared]
        # is below the exit level.
        in_force = [c for m, c in counts if m <= calm_from][-1:]
        during = [c for m, c in counts if calm_from < m <= cleared]
        assert all(c < rule.exit_level for c in in_force + during)
    assert moments == sorted(moments) or len(run.ended) < len(run.started)


@settings(max_examples=200)
@given(
    swings=st.lists(
        st.tuples(st.integers(min_value=1, max_value=30), st.integers(min_value=-18, max_value=40)),
        min_size=2,
        max_size=60,
    )
)
def test_a_wait_oscillating_around_the_threshold_raises_once_and_never_flaps(
    swings: list[tuple[int, int]],
) -> None:
    """Every few seconds the oldest caller is answered and the next one has waited about 3
    minutes: 18 s under to 40 s over. Without hysteresis the tier flaps; with it, it rises once
    and stays (the wait never falls below the exit level of 162 s)."""
    with_hysteresis, without = Run(TIER_1), Run([Rule(1, LONGEST_WAIT, 180)])
    now = 0
    for gap, offset in [(0, 0), *swings]:
        now += gap
        for run in (with_hysteresis, without):
            run.event(at(now), waited(180 + offset, now))
    assert with_hysteresis.started == [(1, at(0))]
    assert with_hysteresis.ended == []
    under = sum(1 for _gap, offset in swings if offset < 0)
    assert len(without.ended) >= (1 if under else 0)  # the flapping hysteresis removes


@settings(max_examples=200)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=119), min_size=1, max_size=30),
    counts=st.data(),
)
def test_dips_below_the_exit_level_shorter_than_the_hold_never_clear(
    gaps: list[int], counts: st.DataObject
) -> None:
    """A count that dips below the exit level, but always climbs back before the hold ends,
    keeps the tier without a single clear."""
    rule = Rule(1, WAITING, 10, 2, ABSOLUTE, 120)
    run = Run([rule])
    run.event(T0, QueueNow(10, T0))
    now, low = 0, False
    for gap in gaps:
        now += gap
        # Alternate: below the exit level (8) for less than the hold, then back to 8 or more.
        low = not low
        count = counts.draw(st.integers(0, 7) if low else st.integers(8, 20))
        run.event(at(now), QueueNow(count, T0))
    run.event(at(now + 1), QueueNow(8, T0))
    assert run.started == [(1, T0)] and run.ended == []
    assert all(t == 1 for t in run.tiers[1:])  # from the first event on
