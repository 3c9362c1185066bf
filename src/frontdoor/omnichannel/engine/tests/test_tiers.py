"""Tiers: the highest rule that holds, and the exact moment each level started."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.omnichannel.engine.tiers import (
    LONGEST_WAIT,
    WAITING,
    QueueNow,
    Rule,
    step,
    tier_at,
)

pytestmark = pytest.mark.no_db

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
DEFAULTS = [Rule(1, LONGEST_WAIT, 180), Rule(2, LONGEST_WAIT, 480), Rule(3, LONGEST_WAIT, 900)]


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_an_empty_queue_is_at_no_tier_whatever_the_thresholds() -> None:
    assert tier_at([Rule(1, LONGEST_WAIT, 0), Rule(2, WAITING, 1)], QueueNow(0, None), T0) == 0


def test_the_tier_is_reached_at_the_threshold_itself() -> None:
    queue = QueueNow(1, T0)
    assert tier_at(DEFAULTS, queue, at(179)) == 0
    assert tier_at(DEFAULTS, queue, at(180)) == 1
    assert tier_at(DEFAULTS, queue, at(480)) == 2
    assert tier_at(DEFAULTS, queue, at(900)) == 3


def test_a_waiting_count_rule_counts_callers() -> None:
    rules = [Rule(1, LONGEST_WAIT, 180), Rule(2, WAITING, 10)]
    assert tier_at(rules, QueueNow(10, at(-5)), T0) == 2
    assert tier_at(rules, QueueNow(9, at(-5)), T0) == 0


def test_time_passing_starts_each_level_when_its_threshold_was_crossed() -> None:
    # The oldest caller arrived at T0; nothing happened until T0 + 10 minutes.
    result = step(DEFAULTS, QueueNow(3, T0), current=0, since=at(60), at=at(600))
    assert result.tier == 2
    assert result.started == [(1, at(180)), (2, at(480))]
    assert result.ended == []


def test_a_crossing_before_the_last_evaluation_starts_at_that_evaluation() -> None:
    # Rules changed at `since`: the queue was already past the threshold then.
    result = step(DEFAULTS, QueueNow(1, T0), current=0, since=at(300), at=at(300))
    assert result.started == [(1, at(300))]


def test_the_oldest_caller_leaving_ends_the_levels_above_the_new_tier() -> None:
    # At 500 s the 500-second caller is answered; the next waited 200 s: tier 2 ends, 1 stays.
    result = step(DEFAULTS, QueueNow(1, at(300)), current=2, since=at(500), at=at(500))
    assert result.tier == 1
    assert result.started == []
    assert result.ended == [2]


def test_escalating_to_a_higher_tier_at_once_opens_every_level_below_it() -> None:
    rules = [Rule(1, LONGEST_WAIT, 180), Rule(3, WAITING, 20)]
    result = step(rules, QueueNow(25, at(-10)), current=0, since=T0, at=T0)
    assert result.tier == 3
    # Tier 1 is open too (tiers escalate), though its own rule does not hold; level 2 has no
    # rule, so no episode.
    assert result.started == [(1, T0), (3, T0)]


@given(
    ages=st.lists(st.integers(min_value=0, max_value=3000), min_size=0, max_size=20),
    since=st.integers(min_value=0, max_value=3000),
    span=st.integers(min_value=0, max_value=3000),
    current=st.integers(min_value=0, max_value=3),
)
def test_started_moments_lie_in_the_interval_and_escalate(
    ages: list[int], since: int, span: int, current: int
) -> None:
    queue = QueueNow(len(ages), min((at(-a) for a in ages), default=None))
    result = step(DEFAULTS, queue, current, at(since), at(since + span))
    assert result.tier == tier_at(DEFAULTS, queue, at(since + span))
    moments = [moment for _, moment in result.started]
    assert all(at(since) <= m <= at(since + span) for m in moments)
    assert moments == sorted(moments)
    levels = [level for level, _ in result.started] + result.ended
    assert len(levels) == len(set(levels))
