"""What-if scenarios: each change does what it says, and the figures follow from Erlang."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from frontdoor.planning.engine.erlang import Target, measures, offered_load
from frontdoor.planning.engine.scenarios import (
    BillRun,
    Callbacks,
    DemandChange,
    FailureDemandCut,
    QueueDemand,
    ReasonOnline,
    StaffingRule,
    apply_changes,
    evaluate,
)

pytestmark = pytest.mark.no_db

MONDAY = dt.date(2026, 3, 2)
DAYS = tuple(MONDAY + dt.timedelta(days=n) for n in range(3))
RULE = StaffingRule(interval_minutes=30, aht_seconds=180.0, target=Target(0.8, 20.0), shrinkage=0.3)
# A day of eight half hours: closed, a morning peak, quieter afternoon, closed.
DAY = np.array([0.0, 60.0, 100.0, 80.0, 40.0, 30.0, 20.0, 0.0])
OPEN = np.array([False, True, True, True, True, True, True, False])


def demand(**extra: Any) -> QueueDemand:
    values: dict[str, Any] = dict(
        queue="council-tax",
        days=DAYS,
        calls=np.tile(DAY, (3, 1)),
        rule=RULE,
        open_mask=np.tile(OPEN, (3, 1)),
        wrap_shares={"bill": 0.25, "move": 0.1},
        failure_share=0.3,
    )
    values.update(extra)
    return QueueDemand(**values)


def test_demand_up_for_a_period_changes_only_those_days() -> None:
    calls = apply_changes(demand(), [DemandChange(0.1, start=DAYS[1], end=DAYS[2])])
    np.testing.assert_allclose(calls[0], DAY)
    np.testing.assert_allclose(calls[1], DAY * 1.1)
    np.testing.assert_allclose(calls[2], DAY * 1.1)


def test_more_demand_needs_more_staff_and_lowers_the_service_level_at_todays_staff() -> None:
    result = evaluate(demand(), [DemandChange(0.2)])
    assert result.calls_change == pytest.approx(DAY.sum() * 3 * 0.2)
    assert result.calls_change_share == pytest.approx(0.2)
    assert result.staff_hours_change > 0
    assert result.scenario.peak_staff > result.baseline.peak_staff
    base_sl = result.baseline.expected_service_level
    assert base_sl is not None and base_sl >= 0.8  # the baseline staff meet the target
    assert result.scenario.expected_service_level is not None
    assert result.scenario.expected_service_level < 0.8 < base_sl


def test_less_demand_raises_the_service_level_at_todays_staff() -> None:
    result = evaluate(demand(), [DemandChange(-0.2)])
    assert result.staff_hours_change < 0
    after, before = result.scenario.expected_service_level, result.baseline.expected_service_level
    assert after is not None and before is not None and after > before


def test_the_service_level_is_erlangs_at_the_baseline_agents() -> None:
    result = evaluate(demand(), [DemandChange(0.1)])
    agents = int(result.baseline.agents[0, 2])
    calls = float(result.scenario.calls[0, 2])
    expected = measures(agents, offered_load(calls, 1800, 180.0), 180.0, 20.0)
    assert result.scenario.service_level[0, 2] == pytest.approx(expected.service_level)
    assert result.scenario.asa_seconds[0, 2] == pytest.approx(expected.asa_seconds)
    # The baseline's own agents are the fewest that meet 80% in 20 s.
    base = measures(agents, offered_load(100.0, 1800, 180.0), 180.0, 20.0)
    fewer = measures(agents - 1, offered_load(100.0, 1800, 180.0), 180.0, 20.0)
    assert base.service_level >= 0.8 > fewer.service_level
    assert result.baseline.staff[0, 2] == int(np.ceil(agents / 0.7 - 1e-9))


def test_a_queue_past_saturation_has_no_service_level() -> None:
    result = evaluate(demand(), [DemandChange(2.0)])
    assert result.scenario.service_level[0, 2] == 0.0
    assert result.scenario.asa_seconds[0, 2] == float("inf")


def test_a_bill_run_raises_its_day_and_takes_the_learnt_shape() -> None:
    profile = np.array([0.1, 0.05, 0.05, 0.1, 0.2, 0.3, 0.2, 0.1])  # a later peak
    calls = apply_changes(demand(), [BillRun(DAYS[1], uplift=1.4, profile=profile)])
    np.testing.assert_allclose(calls[0], DAY)
    assert calls[1].sum() == pytest.approx(DAY.sum() * 1.4)
    assert calls[1][0] == 0 and calls[1][7] == 0  # closed intervals stay closed
    assert int(np.argmax(calls[1])) == 5
    # Without a profile the day keeps its shape.
    plain = apply_changes(demand(), [BillRun(DAYS[2], uplift=1.5)])
    np.testing.assert_allclose(plain[2], DAY * 1.5)
    # A bill run on a day outside the forecast changes nothing.
    outside = apply_changes(demand(), [BillRun(dt.date(2026, 4, 1), uplift=2.0)])
    np.testing.assert_allclose(outside, np.tile(DAY, (3, 1)))


def test_callbacks_move_peak_work_to_quiet_intervals_of_the_same_day() -> None:
    calls = apply_changes(demand(), [Callbacks(0.2)])
    for row in calls:
        assert row.sum() == pytest.approx(DAY.sum())  # the work is the same
        assert row.max() < DAY.max()  # the peak is lower
        assert row[0] == 0 and row[7] == 0
    mean = DAY[OPEN].mean()  # 55: 60, 100 and 80 are busy; 40, 30 and 20 quiet
    assert calls[0][2] == pytest.approx(80.0)
    assert calls[0][6] > 20.0
    result = evaluate(demand(), [Callbacks(0.2)])
    assert result.scenario.peak_staff < result.baseline.peak_staff
    assert mean == 55.0
    assert np.allclose(apply_changes(demand(), [Callbacks(0.0)]), np.tile(DAY, (3, 1)))


def test_moving_a_reason_online_and_halving_failure_demand_cut_calls_by_their_share() -> None:
    online = apply_changes(demand(), [ReasonOnline("bill", 0.4)])
    np.testing.assert_allclose(online, np.tile(DAY, (3, 1)) * (1 - 0.4 * 0.25))
    unknown = apply_changes(demand(), [ReasonOnline("no-such-code", 0.9)])
    np.testing.assert_allclose(unknown, np.tile(DAY, (3, 1)))
    halved = apply_changes(demand(), [FailureDemandCut()])
    np.testing.assert_allclose(halved, np.tile(DAY, (3, 1)) * (1 - 0.5 * 0.3))


def test_changes_apply_in_order() -> None:
    calls = apply_changes(demand(), [DemandChange(0.5), FailureDemandCut(1.0)])
    np.testing.assert_allclose(calls, np.tile(DAY, (3, 1)) * 1.5 * 0.7)


def test_erlang_a_is_used_when_the_rule_has_a_patience() -> None:
    rule = StaffingRule(30, 180.0, Target(0.8, 20.0), patience_seconds=120.0)
    result = evaluate(demand(rule=rule), [DemandChange(0.3)])
    agents = int(result.baseline.agents[0, 2])
    expected = measures(agents, offered_load(130.0, 1800, 180.0), 180.0, 20.0, 120.0)
    assert result.scenario.service_level[0, 2] == pytest.approx(expected.service_level)


def test_bad_changes_are_refused() -> None:
    with pytest.raises(ValueError):
        DemandChange(-1.0)
    with pytest.raises(ValueError):
        DemandChange(0.1, start=DAYS[2], end=DAYS[0])
    with pytest.raises(ValueError):
        BillRun(MONDAY, uplift=0.0)
    with pytest.raises(ValueError):
        Callbacks(1.2)
    with pytest.raises(ValueError):
        ReasonOnline("bill", -0.1)
    with pytest.raises(ValueError):
        FailureDemandCut(2.0)
    with pytest.raises(ValueError):
        demand(calls=np.zeros((2, 8)))
