"""Erlang C and Erlang A: the published vector, properties, limits and edge cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.planning.engine.erlang import (
    StaffingError,
    Target,
    agents_needed,
    erlang_a_measures,
    erlang_b,
    erlang_c_measures,
    offered_load,
    staff_with_shrinkage,
)

pytestmark = pytest.mark.no_db


def test_the_published_vector_is_reproduced_to_its_printed_digits():
    load = offered_load(arrivals=100, interval_seconds=30 * 60, aht_seconds=180)
    result = erlang_c_measures(14, load, aht=180, target=20)
    assert load == 10.0
    assert round(result.service_level, 5) == 0.88835
    assert round(result.p_wait, 5) == 0.17413
    assert round(result.asa_seconds, 2) == 7.84
    assert round(result.occupancy, 3) == 0.714
    assert staff_with_shrinkage(14, 0.3) == 20


def test_80_in_20_needs_14_agents_for_the_published_demand():
    assert agents_needed(10.0, 180, Target(service_level=0.8, within_seconds=20)).agents == 14


def test_shrinkage_is_rounded_up_in_exact_arithmetic():
    assert staff_with_shrinkage(21, 0.3) == 30  # a float division gives 30.000000000000004
    assert staff_with_shrinkage(20, 0) == 20
    assert staff_with_shrinkage(1, 0.35) == 2
    with pytest.raises(StaffingError):
        staff_with_shrinkage(10, 1)


def test_erlang_b_known_value():
    assert erlang_b(10, 10.0) == pytest.approx(0.2145823, abs=1e-7)


def test_erlang_c_has_no_steady_state_at_or_above_full_load():
    with pytest.raises(StaffingError, match="no steady state"):
        erlang_c_measures(10, 10.0, aht=180, target=20)


def test_no_demand_needs_one_agent_and_no_one_waits():
    result = agents_needed(0.0, 180, Target(service_level=0.8))
    assert result.agents == 1 and result.p_wait == 0 and result.service_level == 1


@settings(max_examples=60, deadline=None)
@given(load=st.floats(0.5, 250), extra=st.integers(1, 40), target=st.floats(1, 300))
def test_more_agents_never_lower_the_service_level_or_raise_the_wait(load, extra, target):
    agents = math.floor(load) + extra
    fewer = erlang_c_measures(agents, load, 180, target)
    more = erlang_c_measures(agents + 1, load, 180, target)
    assert more.service_level >= fewer.service_level - 1e-12
    assert more.asa_seconds <= fewer.asa_seconds + 1e-12


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.5, 300), ratio=st.floats(0.5, 1.3), patience=st.floats(30, 600))
def test_erlang_a_probabilities_are_consistent(load, ratio, patience):
    agents = max(1, round(load / ratio))
    result = erlang_a_measures(agents, load, 180, 20, patience)
    assert 0 <= result.p_abandon <= result.p_wait <= 1 + 1e-12
    assert 0 <= result.service_level <= 1 - result.p_abandon + 1e-9
    # Carried load equals answered calls times handle time: never more than the agents.
    assert result.occupancy <= 1 + 1e-9


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    c = erlang_c_measures(14, 10.0, 180, 20)
    a = erlang_a_measures(14, 10.0, 180, 20, patience=1e8)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-6)


def test_erlang_a_overloaded_carries_exactly_the_agents():
    """Far above capacity every agent is busy, so abandoned = 1 - agents / load."""
    result = erlang_a_measures(230, 300.0, 180, 20, patience=600)
    assert result.p_abandon == pytest.approx(1 - 230 / 300, abs=1e-6)


def test_erlang_a_stays_finite_with_many_agents_on_little_load():
    result = erlang_a_measures(300, 1.0, 180, 20, patience=60)
    assert result.p_wait == pytest.approx(0, abs=1e-12) and result.service_level == 1


def test_an_occupancy_cap_adds_agents():
    uncapped = agents_needed(10.0, 180, Target(service_level=0.8, within_seconds=20))
    capped = agents_needed(10.0, 180, Target(service_level=0.8, max_occupancy=0.6))
    assert capped.agents > uncapped.agents and capped.occupancy <= 0.6


def test_an_asa_target_is_met_with_the_fewest_agents():
    result = agents_needed(10.0, 180, Target(asa_seconds=60))
    assert result.asa_seconds <= 60
    assert erlang_c_measures(result.agents - 1, 10.0, 180, 20).asa_seconds > 60
    # The lowest staffing with a steady state already answers within an ASA of 180 s.
    assert agents_needed(10.0, 180, Target(asa_seconds=180)).agents == 11


def test_a_target_needs_exactly_one_goal():
    with pytest.raises(StaffingError):
        Target()
    with pytest.raises(StaffingError):
        Target(service_level=0.8, asa_seconds=30)
