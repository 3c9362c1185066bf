"""Interval staffing and the capacity gap."""

from __future__ import annotations

import pytest

from frontdoor.planning.engine.capacity import capacity_gap, interval_requirements, overall_gap
from frontdoor.planning.engine.erlang import Target

pytestmark = pytest.mark.no_db


def test_each_interval_gets_the_staffing_of_its_own_calls():
    needs = interval_requirements(
        [50.0, 0.0, 50.0, 100.0],
        interval_minutes=15,
        aht_seconds=180,
        target=Target(service_level=0.8, within_seconds=20),
        shrinkage=0.3,
    )
    # 100 calls in 30 minutes is 14 agents (the published vector); 100 in 15 minutes is 20 erlangs.
    assert needs[1].agents == 0 and needs[1].staff == 0
    assert needs[0] == needs[2]
    assert needs[3].agents > needs[0].agents
    assert all(n.service_level >= 0.8 for n in needs)
    assert needs[0].staff == -(-needs[0].agents * 10 // 7)


def test_the_published_vector_as_an_interval():
    [need] = interval_requirements(
        [100.0],
        interval_minutes=30,
        aht_seconds=180,
        target=Target(service_level=0.8, within_seconds=20),
        shrinkage=0.3,
    )
    assert (need.agents, need.staff) == (14, 20)


def test_the_gap_is_short_staff_and_its_share_of_the_requirement():
    gaps = capacity_gap([20, 10, 0, 8], [18, 12, 1, 8])
    assert [g.short for g in gaps] == [2, -2, -1, 0]
    assert gaps[0].share_of_requirement == pytest.approx(0.1)
    assert gaps[2].share_of_requirement is None
    # 2 short of 38 required; the surplus elsewhere does not offset it.
    assert overall_gap(gaps) == pytest.approx(2 / 38)


def test_a_roster_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        capacity_gap([1, 2], [1])
