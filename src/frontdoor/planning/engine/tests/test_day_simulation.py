"""The day simulation: agrees with Erlang C and A on a stationary day, and behaves on real ones."""

from __future__ import annotations

import pytest

from frontdoor.planning.engine.day_simulation import (
    CallbackRule,
    DayPlan,
    simulate_day,
)
from frontdoor.planning.engine.erlang import measures

pytestmark = pytest.mark.no_db

HALF_HOUR = 1800.0


def stationary(agents: int, patience: float | None = None, intervals: int = 100) -> DayPlan:
    """100 calls per half hour, 180 s handle time, a 20 s target: the published vector's load."""
    return DayPlan(
        arrivals=[100.0] * intervals,
        agents=[agents] * intervals,
        interval_seconds=HALF_HOUR,
        aht_seconds=180.0,
        target_seconds=20.0,
        patience_seconds=patience,
    )


def test_a_stationary_day_agrees_with_erlang_c() -> None:
    result = simulate_day(stationary(14), seed=1, replications=4)
    expected = measures(14, 10.0, 180.0, 20.0)  # SL 0.88835, ASA 7.84 s, occupancy 0.714
    totals = result.totals
    assert totals.calls == pytest.approx(40_000, rel=0.02)
    assert totals.service_level == pytest.approx(expected.service_level, abs=0.01)
    assert totals.asa_seconds == pytest.approx(expected.asa_seconds, rel=0.15)
    assert totals.occupancy == pytest.approx(expected.occupancy, abs=0.01)
    assert totals.abandoned == 0 and totals.unanswered_at_close == 0


def test_a_stationary_day_with_patience_agrees_with_erlang_a() -> None:
    result = simulate_day(stationary(12, patience=120.0), seed=1, replications=4)
    expected = measures(12, 10.0, 180.0, 20.0, 120.0)
    totals = result.totals
    assert totals.service_level == pytest.approx(expected.service_level, abs=0.01)
    assert totals.abandon_rate == pytest.approx(expected.p_abandon, abs=0.01)
    assert totals.asa_seconds == pytest.approx(expected.asa_seconds, rel=0.15)
    assert totals.occupancy == pytest.approx(expected.occupancy, abs=0.015)


def test_the_same_seed_gives_the_same_day_and_another_seed_another() -> None:
    plan = stationary(14, patience=200.0, intervals=6)
    first = simulate_day(plan, seed=7)
    again = simulate_day(plan, seed=7)
    other = simulate_day(plan, seed=8)
    assert [vars(i) for i in first.intervals] == [vars(i) for i in again.intervals]
    assert [i.calls for i in first.intervals] != [i.calls for i in other.intervals]


def test_an_understaffed_peak_shows_in_its_own_intervals() -> None:
    plan = DayPlan(
        arrivals=[20, 20, 120, 120, 20, 20],
        agents=[6, 6, 6, 6, 6, 6],
        interval_seconds=HALF_HOUR,
        aht_seconds=180.0,
        target_seconds=20.0,
        patience_seconds=90.0,
    )
    result = simulate_day(plan, seed=2, replications=5)
    quiet, peak = result.intervals[0], result.intervals[2]
    assert quiet.service_level is not None and peak.service_level is not None
    assert quiet.service_level > 0.9 > peak.service_level
    assert (peak.abandon_rate or 0) > (quiet.abandon_rate or 0)
    assert (peak.occupancy or 0) > 0.9
    assert sum(i.calls for i in result.intervals) == result.totals.calls


def test_calls_wait_for_the_next_interval_when_nobody_is_on_duty() -> None:
    plan = DayPlan(
        arrivals=[30, 0],
        agents=[0, 10],
        interval_seconds=HALF_HOUR,
        aht_seconds=60.0,
        target_seconds=20.0,
    )
    result = simulate_day(plan, seed=3)
    first = result.intervals[0]
    assert first.calls > 0
    assert first.answered == first.calls  # all answered once agents arrive
    assert first.answered_in_target == 0 and first.service_level == 0.0
    assert (first.asa_seconds or 0) > 0 and first.on_duty_seconds == 0
    assert result.intervals[1].busy_seconds > 0


def test_callers_still_waiting_at_the_close_are_reported_unanswered() -> None:
    plan = DayPlan(
        arrivals=[10],
        agents=[0],
        interval_seconds=HALF_HOUR,
        aht_seconds=60.0,
        target_seconds=20.0,
        drain_seconds=60.0,
    )
    result = simulate_day(plan, seed=4)
    only = result.intervals[0]
    assert only.unanswered_at_close == only.calls > 0 and only.answered == 0


def test_an_agent_leaving_finishes_the_call_first() -> None:
    plan = DayPlan(
        arrivals=[40, 0, 0],
        agents=[8, 0, 0],
        interval_seconds=600.0,
        aht_seconds=300.0,
        target_seconds=20.0,
    )
    result = simulate_day(plan, seed=5)
    first, second = result.intervals[0], result.intervals[1]
    # Calls picked up near the end of the first interval run on into the second.
    assert second.busy_seconds > 0 and second.on_duty_seconds == 0
    # Nobody is taken on after the shift ends, so some callers are left waiting.
    assert first.answered + first.unanswered_at_close == first.calls


def test_callbacks_take_callers_out_of_the_queue_and_are_returned_when_quiet() -> None:
    arrivals = [110, 110, 110, 10, 10, 10]
    agents = [9, 9, 9, 9, 9, 9]
    without = DayPlan(arrivals, agents, HALF_HOUR, 180.0, 20.0, patience_seconds=180.0)
    rule = CallbackRule(offer_after_seconds=30.0, accept_share=0.6, return_after_seconds=600.0)
    with_rule = DayPlan(
        arrivals, agents, HALF_HOUR, 180.0, 20.0, patience_seconds=180.0, callbacks=rule
    )
    plain = simulate_day(without, seed=6, replications=3).totals
    offered = simulate_day(with_rule, seed=6, replications=3)
    totals = offered.totals
    assert plain.callbacks_requested == 0
    assert totals.callbacks_requested > 0
    # Fewer people give up, and those who queue wait less, when some take a callback.
    assert (totals.abandon_rate or 0) < (plain.abandon_rate or 0)
    assert (totals.asa_seconds or 0) < (plain.asa_seconds or 0)
    # Callbacks are made in the quiet afternoon; every one is returned or still owed.
    quiet_returns = sum(i.callbacks_returned for i in offered.intervals[3:])
    assert quiet_returns > 0
    assert totals.callbacks_returned + offered.callbacks_outstanding == totals.callbacks_requested


def test_a_callback_is_never_returned_sooner_than_the_rule_allows() -> None:
    rule = CallbackRule(offer_after_seconds=0.0, accept_share=1.0, return_after_seconds=3600.0)
    plan = DayPlan([50, 0], [1, 1], HALF_HOUR, 120.0, 20.0, callbacks=rule)
    result = simulate_day(plan, seed=9)
    # Everyone who waited at all took a callback at once; none can be due inside the day.
    assert result.totals.callbacks_requested > 0
    assert result.totals.callbacks_returned == 0
    assert result.callbacks_outstanding == result.totals.callbacks_requested


def test_a_bad_plan_is_refused() -> None:
    with pytest.raises(ValueError, match="one agents figure"):
        DayPlan([1.0], [1, 2], HALF_HOUR, 180.0, 20.0)
    with pytest.raises(ValueError, match="patience"):
        DayPlan([1.0], [1], HALF_HOUR, 180.0, 20.0, patience_seconds=0.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        CallbackRule(30.0, 1.5)
    with pytest.raises(ValueError, match="replication"):
        simulate_day(DayPlan([1.0], [1], HALF_HOUR, 180.0, 20.0), replications=0)
