"""The outbound planner: the response learnt from past campaigns, the spike, and staggering."""

from __future__ import annotations

import numpy as np
import pytest

from frontdoor.planning.engine.erlang import Target, agents_needed, offered_load
from frontdoor.planning.engine.outbound import (
    PastCampaign,
    calls_within_target,
    capacity_series,
    expected_calls,
    learn_response_curve,
    suggest_staggering,
)

TRUE_CURVE = np.array([0.02, 0.01, 0.005, 0.0])  # calls per message in the 4 intervals after


def series_with_campaigns(baseline: np.ndarray, campaigns: list[PastCampaign]) -> np.ndarray:
    actual = baseline.copy()
    for campaign in campaigns:
        actual += expected_calls(TRUE_CURVE, campaign.size, campaign.send_index, len(baseline))
    return actual


def test_the_response_curve_is_learnt_from_past_campaigns_excess_calls():
    baseline = np.full(100, 30.0)
    campaigns = [PastCampaign(10, 1000), PastCampaign(50, 4000)]
    actual = series_with_campaigns(baseline, campaigns)

    curve = learn_response_curve(campaigns, actual, baseline, horizon=4)

    assert curve == pytest.approx(TRUE_CURVE)


def test_fewer_calls_than_the_baseline_do_not_make_a_negative_response():
    baseline = np.full(20, 30.0)
    actual = baseline - 5
    curve = learn_response_curve([PastCampaign(2, 100)], actual, baseline, horizon=3)
    assert curve.tolist() == [0.0, 0.0, 0.0]


def test_noise_that_cancels_over_campaigns_is_not_read_as_a_response():
    baseline = np.full(40, 30.0)
    campaigns = [PastCampaign(5, 1000), PastCampaign(25, 1000)]
    actual = series_with_campaigns(baseline, campaigns)
    actual[6] += 4  # one campaign's interval happened to be busier than usual...
    actual[26] -= 4  # ...and the other's quieter

    curve = learn_response_curve(campaigns, actual, baseline, horizon=4)

    assert curve == pytest.approx(TRUE_CURVE)


def test_a_batch_brings_size_times_curve_calls_after_its_send():
    extra = expected_calls(TRUE_CURVE, 1000, send_index=3, length=8)
    assert extra.tolist() == [0, 0, 0, 20, 10, 5, 0, 0]


def test_a_batch_near_the_end_of_the_day_is_cut_at_the_end():
    assert expected_calls(TRUE_CURVE, 1000, send_index=6, length=8).tolist() == [
        0, 0, 0, 0, 0, 0, 20, 10,
    ]  # fmt: skip


def test_one_send_is_suggested_when_the_spike_fits():
    baseline = np.full(12, 10.0)
    capacity = np.full(12, 40.0)

    plan = suggest_staggering(TRUE_CURVE, 1000, baseline, capacity, send_window=range(12))

    assert plan.feasible
    assert plan.sends == ((0, 1000),)


def test_a_big_batch_is_split_into_the_fewest_chunks_that_keep_under_capacity():
    baseline = np.full(16, 10.0)
    capacity = np.full(16, 40.0)

    plan = suggest_staggering(TRUE_CURVE, 3000, baseline, capacity, send_window=range(16))

    assert plan.feasible
    # 3000 at once gives 60 extra calls: over 40. Two chunks of 1500 give 30 + 10 = 40 at most
    # when their sends are at least two intervals apart.
    assert [size for _i, size in plan.sends] == [1500, 1500]
    assert np.all(plan.calls <= capacity)
    assert plan.worst_headroom >= 0


def test_when_no_staggering_fits_the_plan_says_so():
    baseline = np.full(6, 39.0)
    capacity = np.full(6, 40.0)

    plan = suggest_staggering(TRUE_CURVE, 100_000, baseline, capacity, send_window=[0, 1])

    assert not plan.feasible
    assert plan.worst_headroom < 0


def test_the_calls_within_target_are_the_most_the_agents_can_take_at_the_target():
    target = Target(service_level=0.8, within_seconds=20)
    calls = calls_within_target(14, 1800, 180, target)

    # 14 agents meet 80/20 at that volume, and that volume plus a call needs more agents.
    assert agents_needed(offered_load(calls, 1800, 180), 180, target).agents <= 14
    assert agents_needed(offered_load(calls + 1, 1800, 180), 180, target).agents > 14
    assert calls_within_target(0, 1800, 180, target) == 0.0


def test_the_capacity_series_follows_the_roster():
    target = Target(service_level=0.8, within_seconds=20)
    series = capacity_series([0, 14, 14, 20], 1800, 180, target)
    assert series[0] == 0 and series[1] == series[2] < series[3]
