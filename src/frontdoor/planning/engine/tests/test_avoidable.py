"""The avoidable-demand model: stated assumptions on measured demand, nothing counted twice."""

from __future__ import annotations

import pytest

from frontdoor.planning.engine.avoidable import Assumptions, ServiceDemand, avoidable_demand


def test_failure_demand_is_avoidable_at_each_types_assumed_share():
    demand = ServiceDemand(
        "council-tax",
        contacts=1000,
        aht_seconds=360,
        failure_demand={"chasing": 100, "not_right_first_time": 40, "other": 20},
    )
    [result] = avoidable_demand([demand])

    assert result.failure_demand == 160
    assert result.avoidable == pytest.approx(100 * 0.6 + 40 * 0.5 + 20 * 0.25)
    assert result.hours_freed == pytest.approx(85 * 360 / 3600)


def test_only_online_capable_reasons_from_people_online_are_movable():
    demand = ServiceDemand(
        "waste",
        contacts=500,
        aht_seconds=240,
        value_demand_by_reason={"missed-bin": 200, "complaint": 100},
        email_known_share=0.7,
    )
    assumptions = Assumptions(online_reasons={"waste": ["missed-bin"]}, online_take_up=0.5)

    [result] = avoidable_demand([demand], assumptions)

    assert result.movable_online == pytest.approx(200 * 0.7 * 0.5)
    assert result.share_of_demand == pytest.approx(70 / 500)


def test_a_service_with_no_one_online_has_nothing_movable():
    demand = ServiceDemand(
        "housing", 100, 300, value_demand_by_reason={"repairs": 80}, email_known_share=0.0
    )
    assumptions = Assumptions(online_reasons={"housing": ["repairs"]})

    assert avoidable_demand([demand], assumptions)[0].movable_online == 0


def test_staff_freed_is_in_full_time_equivalents_over_the_period():
    demand = ServiceDemand("rents", 10_000, 3600, failure_demand={"chasing": 1000})
    assumptions = Assumptions(
        avoidable_share={"chasing": 1.0}, period_years=0.5, productive_hours_per_fte_year=1000
    )

    [result] = avoidable_demand([demand], assumptions)

    assert result.hours_freed == 1000
    assert result.fte_freed == pytest.approx(2.0)


def test_services_come_largest_opportunity_first():
    small = ServiceDemand("a", 100, 60, failure_demand={"chasing": 10})
    large = ServiceDemand("b", 100, 600, failure_demand={"chasing": 10})

    assert [r.service for r in avoidable_demand([small, large])] == ["b", "a"]


def test_shares_outside_zero_to_one_are_refused():
    with pytest.raises(ValueError, match="between 0 and 1"):
        Assumptions(online_take_up=1.5)
