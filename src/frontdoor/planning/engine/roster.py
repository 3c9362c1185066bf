"""Rosters: shifts that cover a requirement curve with the fewest paid staff hours (CP-SAT).

Two stages, as workforce-management tools do:

1. **Shift scheduling** (CP-SAT): how many shifts of each pattern, on each day, for each skill,
   from each *class* of agents (agents sharing skills and contract are interchangeable, so they
   are counted, not named: naming them only adds symmetry the solver must wade through). Each
   interval's requirement per skill is covered, or the shortfall is paid for at a high penalty, so
   there is always a roster and it says where it falls short. Class limits: at most one shift a day
   per agent, the days and the contracted hours of the class's agents.
2. **Assignment**: the class's shifts go to its named agents, longest first, each to the agent
   with the most contracted time left who is free that day.

The linear relaxation of stage 1 is solved too (GLOP): it bounds every roster from below,
so `gap = (staff hours - bound) / bound` says how far from optimal the roster can be.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

SHORTFALL_PENALTY = 1000  # intervals of paid time one uncovered agent-interval is worth avoiding


@dataclass(frozen=True)
class ShiftPattern:
    """A shift: starts at `start` (interval of the day), lasts `length` intervals, with an unpaid
    break of `break_length` intervals starting `break_offset` intervals in."""

    name: str
    start: int
    length: int
    break_offset: int = 0
    break_length: int = 0

    @property
    def paid(self) -> int:
        return self.length - self.break_length

    def working(self) -> list[int]:
        """The intervals of the day the agent is working (not on break)."""
        on_break = range(
            self.start + self.break_offset, self.start + self.break_offset + self.break_length
        )
        return [t for t in range(self.start, self.start + self.length) if t not in on_break]


@dataclass(frozen=True)
class Agent:
    name: str
    skills: frozenset[str]
    contracted_intervals: int  # per week
    max_days: int = 5


@dataclass(frozen=True)
class RosterProblem:
    days: int
    intervals_per_day: int
    requirement: dict[str, NDArray[np.int64]]  # skill -> (days, intervals) agents needed
    patterns: tuple[ShiftPattern, ...]
    agents: tuple[Agent, ...]


@dataclass(frozen=True)
class Shift:
    agent: str
    day: int
    pattern: str
    skill: str


@dataclass
class RosterResult:
    status: str
    shifts: list[Shift]
    staff_intervals: int
    lower_bound: float
    gap: float
    uncovered_agent_intervals: int
    unassigned_shifts: int
    seconds: float
    coverage: dict[str, NDArray[np.int64]] = field(default_factory=dict)


def _classes(agents: Sequence[Agent]) -> dict[tuple[frozenset[str], int, int], list[Agent]]:
    classes: dict[tuple[frozenset[str], int, int], list[Agent]] = defaultdict(list)
    for agent in agents:
        classes[(agent.skills, agent.contracted_intervals, agent.max_days)].append(agent)
    return classes


def solve_roster(
    problem: RosterProblem, time_limit: float = 55.0, workers: int = 2
) -> RosterResult:
    """Propose a roster for `problem`; see the module docstring for the method."""
    started = time.perf_counter()
    classes = list(_classes(problem.agents).items())
    model = cp_model.CpModel()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    covering: dict[tuple[str, int, int], list[tuple[cp_model.IntVar, pywraplp.Variable]]] = (
        defaultdict(list)
    )
    counts: dict[tuple[int, int, int, str], tuple[cp_model.IntVar, pywraplp.Variable]] = {}
    paid_terms, lp_paid_terms = [], []
    for c, ((skills, contract, max_days), members) in enumerate(classes):
        size = len(members)
        per_day: dict[int, list[tuple[cp_model.IntVar, pywraplp.Variable]]] = defaultdict(list)
        hours_terms, lp_hours_terms = [], []
        for d in range(problem.days):
            for p, pattern in enumerate(problem.patterns):
                for skill in sorted(skills):
                    need = problem.requirement[skill][d]
                    if not any(need[t] > 0 for t in pattern.working()):
                        continue  # a shift that covers no demand is never worth paying for
                    var = model.new_int_var(0, size, f"y_{c}_{d}_{p}_{skill}")
                    lp_var = lp.NumVar(0, size, f"y_{c}_{d}_{p}_{skill}")
                    counts[(c, d, p, skill)] = (var, lp_var)
                    per_day[d].append((var, lp_var))
                    hours_terms.append(pattern.paid * var)
                    lp_hours_terms.append(pattern.paid * lp_var)
                    for t in pattern.working():
                        covering[(skill, d, t)].append((var, lp_var))
        for pairs in per_day.values():
            model.add(sum(v for v, _ in pairs) <= size)  # one shift a day each
            lp.Add(sum(w for _, w in pairs) <= size)
        all_shifts = [pair for pairs in per_day.values() for pair in pairs]
        model.add(sum(v for v, _ in all_shifts) <= size * max_days)
        lp.Add(sum(w for _, w in all_shifts) <= size * max_days)
        model.add(sum(hours_terms) <= size * contract)
        lp.Add(sum(lp_hours_terms) <= size * contract)
        paid_terms.extend(hours_terms)
        lp_paid_terms.extend(lp_hours_terms)
    shortfalls, lp_shortfalls = [], []
    for skill, need in problem.requirement.items():
        for d in range(problem.days):
            for t in range(problem.intervals_per_day):
                if need[d, t] <= 0:
                    continue
                short = model.new_int_var(0, int(need[d, t]), f"u_{skill}_{d}_{t}")
                lp_short = lp.NumVar(0, float(need[d, t]), f"u_{skill}_{d}_{t}")
                pairs = covering[(skill, d, t)]
                model.add(sum(v for v, _ in pairs) + short >= int(need[d, t]))
                lp.Add(sum(w for _, w in pairs) + lp_short >= float(need[d, t]))
                shortfalls.append(short)
                lp_shortfalls.append(lp_short)
    model.minimize(sum(paid_terms) + SHORTFALL_PENALTY * sum(shortfalls))
    lp.Minimize(sum(lp_paid_terms) + SHORTFALL_PENALTY * sum(lp_shortfalls))
    lp.Solve()
    bound = lp.Objective().Value()

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(1.0, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = 0.005
    status = solver.solve(model)
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RosterResult(
            status_name, [], 0, bound, float("inf"), 0, 0, time.perf_counter() - started
        )
    objective = solver.objective_value
    uncovered = int(sum(solver.value(s) for s in shortfalls))
    wanted: dict[int, list[tuple[int, ShiftPattern, str]]] = defaultdict(list)
    for (c, d, p, skill), (var, _) in counts.items():
        wanted[c].extend([(d, problem.patterns[p], skill)] * solver.value(var))
    shifts, unassigned = [], 0
    for c, ((_skills, contract, max_days), members) in enumerate(classes):
        placed, missed = _assign(wanted[c], members, contract, max_days)
        shifts.extend(placed)
        unassigned += missed
    by_name = {p.name: p for p in problem.patterns}
    coverage = {
        s: np.zeros((problem.days, problem.intervals_per_day), dtype=np.int64)
        for s in problem.requirement
    }
    for shift in shifts:
        for t in by_name[shift.pattern].working():
            coverage[shift.skill][shift.day, t] += 1
    staff = sum(by_name[s.pattern].paid for s in shifts)
    return RosterResult(
        status=status_name,
        shifts=shifts,
        staff_intervals=staff,
        lower_bound=bound,
        gap=(objective - bound) / bound if bound > 0 else 0.0,
        uncovered_agent_intervals=uncovered,
        unassigned_shifts=unassigned,
        seconds=time.perf_counter() - started,
        coverage=coverage,
    )


def _assign(
    wanted: list[tuple[int, ShiftPattern, str]], members: list[Agent], contract: int, max_days: int
) -> tuple[list[Shift], int]:
    """Give a class's shifts to its agents: longest first, to whoever has most time left."""
    left = {a.name: contract for a in members}
    days_left = {a.name: max_days for a in members}
    busy: set[tuple[str, int]] = set()
    placed, missed = [], 0
    for day, pattern, skill in sorted(wanted, key=lambda w: (-w[1].paid, w[0])):
        free = [
            a.name
            for a in members
            if (a.name, day) not in busy and days_left[a.name] > 0 and left[a.name] >= pattern.paid
        ]
        if not free:
            missed += 1
            continue
        name = max(free, key=lambda n: (left[n], days_left[n]))
        busy.add((name, day))
        left[name] -= pattern.paid
        days_left[name] -= 1
        placed.append(Shift(name, day, pattern.name, skill))
    return placed, missed
