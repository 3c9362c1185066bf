"""Rosters: cover, breaks, skills, agents' limits, shortfall and the bound, on small problems."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from frontdoor.planning.engine.roster import (
    SHORTFALL_PENALTY,
    Agent,
    RosterProblem,
    RosterResult,
    Shift,
    ShiftPattern,
    _assign_across_classes,
    solve_roster,
)

pytestmark = pytest.mark.no_db

GENERAL, COUNCIL_TAX = "general", "council_tax"


def need(days: int, intervals: int, *spans: tuple[int, int, int, int]) -> np.ndarray:
    """A requirement grid: `count` agents on `day`, intervals `first` to `last` (exclusive)."""
    grid = np.zeros((days, intervals), dtype=np.int64)
    for day, first, last, count in spans:
        grid[day, first:last] += count
    return grid


def agent(name: str, skills: set[str], hours: float = 37, max_days: int = 5) -> Agent:
    return Agent(name, frozenset(skills), round(hours * 4), max_days)


def assert_valid(problem: RosterProblem, result: RosterResult) -> None:
    """Every rule a roster must keep, checked from the shifts alone."""
    patterns = {p.name: p for p in problem.patterns}
    agents = {a.name: a for a in problem.agents}
    paid: Counter[str] = Counter()
    days: defaultdict[str, list[int]] = defaultdict(list)
    cover = {skill: np.zeros_like(grid) for skill, grid in problem.requirement.items()}
    for shift in result.shifts:
        pattern = patterns[shift.pattern]
        assert shift.skill in agents[shift.agent].skills, shift
        paid[shift.agent] += pattern.paid
        days[shift.agent].append(shift.day)
        cover[shift.skill][shift.day, pattern.working()] += 1
    for name, worked in days.items():
        assert len(worked) == len(set(worked)), f"{name} has two shifts on one day"
        assert len(worked) <= agents[name].max_days
        assert paid[name] <= agents[name].contracted_intervals
    short = sum(
        int(np.maximum(grid - cover[s], 0).sum()) for s, grid in problem.requirement.items()
    )
    for skill in problem.requirement:
        np.testing.assert_array_equal(result.coverage[skill], cover[skill])
    assert result.uncovered_agent_intervals == short
    assert result.staff_intervals == sum(paid.values())
    assert result.cost == result.staff_intervals + SHORTFALL_PENALTY * short
    assert result.unassigned_shifts == 0
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert result.bound_status == "OPTIMAL"
    assert result.gap >= 0
    assert result.lower_bound <= result.cost + 1e-6


def test_a_requirement_exactly_coverable_gets_no_shortfall_and_the_fewest_hours():
    # Two agents 08:00-12:00 and one 12:00-16:00: two early shifts and a late one, 12 paid hours.
    problem = RosterProblem(
        days=1,
        intervals_per_day=96,
        requirement={GENERAL: need(1, 96, (0, 32, 48, 2), (0, 48, 64, 1))},
        patterns=(
            ShiftPattern("early", 32, 16),
            ShiftPattern("late", 48, 16),
            ShiftPattern("long", 32, 34, break_offset=16, break_length=2),
        ),
        agents=tuple(agent(f"a{i}", {GENERAL}) for i in range(4)),
    )
    result = solve_roster(problem, time_limit=10, relative_gap=0.0)
    assert_valid(problem, result)
    assert result.uncovered_agent_intervals == 0
    assert result.staff_intervals == 48 and result.staff_hours == 12.0
    assert Counter(s.pattern for s in result.shifts) == {"early": 2, "late": 1}
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_array_equal(result.coverage[GENERAL], problem.requirement[GENERAL])


def test_breaks_are_not_counted_as_cover():
    # One agent, one shift with a break from the 5th to the 6th interval: those two go uncovered.
    problem = RosterProblem(
        days=1,
        intervals_per_day=24,
        requirement={GENERAL: need(1, 24, (0, 8, 16, 1))},
        patterns=(ShiftPattern("with break", 8, 8, break_offset=4, break_length=2),),
        agents=(agent("a", {GENERAL}),),
    )
    result = solve_roster(problem, time_limit=10)
    assert_valid(problem, result)
    assert [s.pattern for s in result.shifts] == ["with break"]
    assert result.coverage[GENERAL][0, 12:14].tolist() == [0, 0]
    assert result.uncovered_agent_intervals == 2
    assert result.staff_intervals == 6  # the break is unpaid


def test_a_break_is_covered_by_another_shift_when_staff_allow():
    problem = RosterProblem(
        days=1,
        intervals_per_day=24,
        requirement={GENERAL: need(1, 24, (0, 8, 16, 1))},
        patterns=(
            ShiftPattern("with break", 8, 8, break_offset=4, break_length=2),
            ShiftPattern("cover", 12, 2),
        ),
        agents=(agent("a", {GENERAL}), agent("b", {GENERAL})),
    )
    result = solve_roster(problem, time_limit=10, relative_gap=0.0)
    assert_valid(problem, result)
    assert sorted(s.pattern for s in result.shifts) == ["cover", "with break"]
    assert result.uncovered_agent_intervals == 0 and result.staff_intervals == 8


def test_an_agent_never_covers_a_skill_they_lack():
    # Council tax needs two at once but only one agent has the skill; two general agents idle.
    problem = RosterProblem(
        days=1,
        intervals_per_day=24,
        requirement={
            GENERAL: need(1, 24),
            COUNCIL_TAX: need(1, 24, (0, 9, 13, 2)),
        },
        patterns=(ShiftPattern("morning", 9, 4),),
        agents=(
            agent("ct", {COUNCIL_TAX}),
            agent("g1", {GENERAL}),
            agent("g2", {GENERAL}),
        ),
    )
    result = solve_roster(problem, time_limit=10)
    assert_valid(problem, result)
    assert [(s.agent, s.skill) for s in result.shifts] == [("ct", COUNCIL_TAX)]
    assert result.uncovered_agent_intervals == 4


def test_a_dual_skilled_agent_covers_one_skill_per_shift():
    problem = RosterProblem(
        days=1,
        intervals_per_day=24,
        requirement={
            GENERAL: need(1, 24, (0, 9, 13, 1)),
            COUNCIL_TAX: need(1, 24, (0, 9, 13, 1)),
        },
        patterns=(ShiftPattern("morning", 9, 4),),
        agents=(agent("both", {GENERAL, COUNCIL_TAX}),),
    )
    result = solve_roster(problem, time_limit=10)
    assert_valid(problem, result)
    assert len(result.shifts) == 1
    assert result.uncovered_agent_intervals == 4


def test_contracted_hours_max_days_and_one_shift_a_day_are_never_exceeded():
    # Five days needing three agents 09:00-17:00 (hourly intervals), from agents whose contracts
    # and days cannot all be used: some of the requirement must go uncovered.
    days = 5
    problem = RosterProblem(
        days=days,
        intervals_per_day=24,
        requirement={GENERAL: need(days, 24, *[(d, 9, 17, 3) for d in range(days)])},
        patterns=(
            ShiftPattern("full", 9, 8),
            ShiftPattern("am", 9, 4),
            ShiftPattern("pm", 13, 4),
        ),
        agents=(
            agent("ft1", {GENERAL}, hours=37 / 4, max_days=5),  # 37 intervals
            agent("ft2", {GENERAL}, hours=37 / 4, max_days=5),
            agent("pt1", {GENERAL}, hours=16 / 4, max_days=3),
            agent("pt2", {GENERAL}, hours=20 / 4, max_days=2),
        ),
    )
    result = solve_roster(problem, time_limit=10, relative_gap=0.0)
    assert_valid(problem, result)
    paid = {p.name: p.paid for p in problem.patterns}
    hours: Counter[str] = Counter()
    for shift in result.shifts:
        hours[shift.agent] += paid[shift.pattern]
    # In whole 4- and 8-interval shifts the most each can give is 36, 36, 16 and 16 (pt2's two
    # days of 8 fall short of its 20): 104 of the 120 agent-intervals needed.
    assert hours == {"ft1": 36, "ft2": 36, "pt1": 16, "pt2": 16}
    assert result.uncovered_agent_intervals == 16


def test_shifts_that_class_totals_allow_but_no_agent_can_take_are_not_promised():
    # Two agents of 10 paid intervals: the class total (20) fits two 6s and a 5 (17), but no
    # agent can work a 6 and a 5. Class totals promise full cover; agent by agent the best is a
    # 6 for one and two 5s for the other, an interval short. The roster must say so as shortfall,
    # not as a shift nobody can take.
    problem = RosterProblem(
        days=3,
        intervals_per_day=24,
        requirement={GENERAL: need(3, 24, (0, 8, 14, 1), (1, 8, 14, 1), (2, 8, 13, 1))},
        patterns=(ShiftPattern("six", 8, 6), ShiftPattern("five", 8, 5)),
        agents=(agent("a", {GENERAL}, hours=2.5), agent("b", {GENERAL}, hours=2.5)),
    )
    result = solve_roster(problem, time_limit=10, relative_gap=0.0)
    assert_valid(problem, result)
    assert Counter(s.pattern for s in result.shifts) == {"six": 1, "five": 2}
    assert result.uncovered_agent_intervals == 1
    assert result.staff_intervals == 16
    assert result.gap == pytest.approx(0.0, abs=1e-9)  # the packing cuts show the bound too


def test_counts_no_class_cut_rules_out_but_no_split_allows_are_repaired_agent_by_agent():
    # Two agents of 6 paid intervals and 3 days; shifts of 5, 3, 2 and 2 fit the class's 12 and
    # every cut on its counts, but the 5 leaves its agent room for nothing, and 3+2+2 is 7. The
    # best any two agents can do: one works the 5, the other a 2 on each of the other days.
    problem = RosterProblem(
        days=4,
        intervals_per_day=24,
        requirement={
            GENERAL: need(4, 24, (0, 8, 13, 1), (1, 8, 11, 1), (2, 8, 10, 1), (3, 8, 10, 1))
        },
        patterns=(
            ShiftPattern("five", 8, 5),
            ShiftPattern("three", 8, 3),
            ShiftPattern("two", 8, 2),
        ),
        agents=(
            agent("a", {GENERAL}, hours=1.5, max_days=3),
            agent("b", {GENERAL}, hours=1.5, max_days=3),
        ),
    )
    result = solve_roster(problem, time_limit=10, relative_gap=0.0)
    assert_valid(problem, result)
    assert Counter(s.pattern for s in result.shifts) == {"five": 1, "two": 3}
    assert result.uncovered_agent_intervals == 1 and result.staff_intervals == 11
    assert result.lower_bound <= 12  # the bound may assume full cover: it bounds, no more


def test_a_requirement_beyond_the_staff_reports_the_shortfall_rather_than_failing():
    problem = RosterProblem(
        days=2,
        intervals_per_day=24,
        requirement={GENERAL: need(2, 24, (0, 9, 17, 5), (1, 9, 17, 5))},
        patterns=(ShiftPattern("day", 9, 8),),
        agents=(agent("only", {GENERAL}),),
    )
    result = solve_roster(problem, time_limit=10)
    assert_valid(problem, result)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert len(result.shifts) == 2
    assert result.uncovered_agent_intervals == 2 * 8 * 4
    assert result.shortfall[GENERAL].sum() == result.uncovered_agent_intervals


def test_a_skill_nobody_has_is_all_shortfall():
    problem = RosterProblem(
        days=1,
        intervals_per_day=24,
        requirement={COUNCIL_TAX: need(1, 24, (0, 9, 11, 1))},
        patterns=(ShiftPattern("morning", 9, 4),),
        agents=(agent("g", {GENERAL}),),
    )
    result = solve_roster(problem, time_limit=10)
    assert_valid(problem, result)
    assert result.shifts == [] and result.uncovered_agent_intervals == 2


def test_a_shift_its_class_cannot_take_goes_to_another_agent_after_a_swap():
    # Tuesday's general shift is left over: "gen" has used both days, "both" works Tuesday
    # already. Moving Tuesday's council-tax shift from "both" to "ct" frees "both" for it.
    # (Which class the solver counts a shift in is its own choice, so this step is tested alone.)
    problem = RosterProblem(
        days=5,
        intervals_per_day=24,
        requirement={GENERAL: need(5, 24), COUNCIL_TAX: need(5, 24)},
        patterns=(ShiftPattern("four", 8, 4),),
        agents=(
            agent("gen", {GENERAL}, max_days=2),
            agent("both", {GENERAL, COUNCIL_TAX}, max_days=2),
            agent("ct", {COUNCIL_TAX}, max_days=2),
        ),
    )
    held = [
        Shift("gen", 0, "four", GENERAL),
        Shift("gen", 1, "four", GENERAL),
        Shift("both", 2, "four", COUNCIL_TAX),
        Shift("both", 3, "four", COUNCIL_TAX),
        Shift("ct", 4, "four", COUNCIL_TAX),
    ]
    shifts, missing = _assign_across_classes(problem, held, [(2, 0, GENERAL)], 5.0, 2, 0)
    assert missing == 0
    assert Counter((s.day, s.skill) for s in shifts) == Counter(
        [(s.day, s.skill) for s in held] + [(2, GENERAL)]
    )
    agents = {a.name: a for a in problem.agents}
    for name, agent_ in agents.items():
        days = [s.day for s in shifts if s.agent == name]
        assert len(days) == len(set(days)) and len(days) <= agent_.max_days
    assert all(s.skill in agents[s.agent].skills for s in shifts)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_on_random_problems_the_bound_never_exceeds_the_roster_and_every_rule_holds(seed):
    rng = np.random.default_rng(seed)
    days, intervals = 3, 24
    requirement = {
        skill: rng.integers(0, 4, size=(days, intervals)) * (np.arange(intervals) >= 8)
        for skill in (GENERAL, COUNCIL_TAX)
    }
    patterns = []
    for k in range(6):
        length = int(rng.integers(3, 10))
        start = int(rng.integers(6, intervals - length))
        brk = 1 if length >= 6 else 0
        patterns.append(ShiftPattern(f"p{k}", start, length, length // 2 if brk else 0, brk))
    skill_sets = [{GENERAL}, {COUNCIL_TAX}, {GENERAL, COUNCIL_TAX}]
    agents = tuple(
        agent(
            f"a{i}",
            skill_sets[int(rng.integers(0, 3))],
            hours=int(rng.integers(8, 20)) / 4,
            max_days=int(rng.integers(1, 4)),
        )
        for i in range(8)
    )
    problem = RosterProblem(days, intervals, requirement, tuple(patterns), agents)
    result = solve_roster(problem, time_limit=5)
    assert_valid(problem, result)


def test_a_shift_past_midnight_or_a_break_outside_the_shift_is_refused():
    with pytest.raises(ValueError, match="break"):
        ShiftPattern("odd", 8, 4, break_offset=4, break_length=1)
    with pytest.raises(ValueError, match="past the end"):
        RosterProblem(
            days=1,
            intervals_per_day=24,
            requirement={GENERAL: need(1, 24)},
            patterns=(ShiftPattern("late", 20, 6),),
            agents=(),
        )
