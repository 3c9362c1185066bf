"""The outbound planner: the response learnt from past campaigns, the spike, and staggering."""

from __future__ import annotations

import numpy as np
import pytest

from frontdoor.planning.engine.erlang import Target, agents_needed, offered_load
from frontdoor.planning.engine.outbound import (
    MIN_QUEUE_CAMPAIGNS,
    PastCampaign,
    QueueCampaign,
    calls_within_target,
    capacity_series,
    expected_calls,
    learn_response_curve,
    learn_response_curves,
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


# --- per queue, with the pooled curve as the fallback ----------------------------------------

TAX_CURVE = np.array([0.03, 0.01, 0.0, 0.0])  # council tax reminders: a sharp, early response
BINS_CURVE = np.array([0.005, 0.005, 0.005, 0.005])  # bin collection notices: a slow trickle


def queue_series(plan: list[tuple[str, int, np.ndarray]]) -> tuple[list[QueueCampaign], np.ndarray]:
    """Campaigns (queue, size, true curve) sent 10 intervals apart on a flat baseline of 30."""
    baseline = np.full(10 * len(plan) + 10, 30.0)
    actual = baseline.copy()
    campaigns = []
    for n, (queue, size, curve) in enumerate(plan):
        send = 10 * n
        actual += expected_calls(curve, size, send, len(baseline))
        campaigns.append(QueueCampaign(queue, PastCampaign(send, size)))
    return campaigns, actual


def test_a_queue_with_enough_campaigns_learns_its_own_curve():
    plan = [("council-tax", 1000, TAX_CURVE)] * 3 + [("waste", 2000, BINS_CURVE)] * 3
    campaigns, actual = queue_series(plan)

    curves = learn_response_curves(campaigns, actual, np.full(len(actual), 30.0), horizon=4)

    tax = curves.for_queue("council-tax")
    assert tax.scope == "queue" and tax.queue_campaigns == 3 and tax.pooled_campaigns == 6
    assert tax.curve == pytest.approx(TAX_CURVE)
    assert curves.for_queue("waste").curve == pytest.approx(BINS_CURVE)
    # Pooled, the two blur into a curve that fits neither.
    assert curves.pooled == pytest.approx((TAX_CURVE + BINS_CURVE) / 2)


def test_a_queue_with_too_few_campaigns_falls_back_to_the_pooled_curve():
    plan = [("council-tax", 1000, TAX_CURVE)] * 3 + [("waste", 1000, BINS_CURVE)] * 2
    campaigns, actual = queue_series(plan)

    curves = learn_response_curves(campaigns, actual, np.full(len(actual), 30.0), horizon=4)

    waste = curves.for_queue("waste")
    assert waste.scope == "pooled" and waste.queue_campaigns == 2
    assert waste.minimum == MIN_QUEUE_CAMPAIGNS == 3
    assert waste.curve == pytest.approx((3 * TAX_CURVE + 2 * BINS_CURVE) / 5)
    assert set(curves.by_queue) == {"council-tax"}
    never = curves.for_queue("housing")  # no campaign of its own at all
    assert never.scope == "pooled" and never.queue_campaigns == 0
    assert never.curve == pytest.approx(waste.curve)


def test_the_minimum_decides_when_a_queue_has_its_own_curve():
    campaigns, actual = queue_series([("waste", 1000, BINS_CURVE)] * 2)
    baseline = np.full(len(actual), 30.0)

    assert learn_response_curves(campaigns, actual, baseline, 4).for_queue("waste").scope == (
        "pooled"
    )
    own = learn_response_curves(campaigns, actual, baseline, 4, minimum=2).for_queue("waste")
    assert own.scope == "queue" and own.curve == pytest.approx(BINS_CURVE)
    with pytest.raises(ValueError, match="at least one"):
        learn_response_curves(campaigns, actual, baseline, 4, minimum=0)


def test_campaigns_without_messages_neither_teach_nor_count_towards_the_minimum():
    campaigns, actual = queue_series([("waste", 1000, BINS_CURVE)] * 2 + [("waste", 0, BINS_CURVE)])

    curves = learn_response_curves(campaigns, actual, np.full(len(actual), 30.0), horizon=4)

    assert curves.campaigns_by_queue == {"waste": 2}
    assert curves.for_queue("waste").scope == "pooled"


def test_with_no_campaign_at_all_there_is_no_curve():
    curves = learn_response_curves([], np.zeros(10), np.zeros(10), horizon=4)

    chosen = curves.for_queue("waste")
    assert chosen.curve is None and chosen.scope == "none" and curves.pooled is None
