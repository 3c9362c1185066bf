"""Rosters: shifts that cover a requirement curve with the fewest paid staff hours (CP-SAT).

The model has two layers:

1. **Shift counts** by agent *class*: how many shifts of each pattern, on each day, for each
   skill, from each class (agents sharing skills, contract and maximum days are interchangeable,
   so the count is what drives cost and cover). Each interval's requirement per skill is covered,
   or the shortfall is paid for at a high penalty, so there is always a roster and it says where
   it falls short. A shift covers one skill for its whole length, and never during its break.
   Class totals bound the counts (a shift a day per agent, the class's days and contracted
   hours), tightened by packing cuts that each agent's own contract implies (see
   `_packing_cuts`).
2. **Agents**: for each named agent and day, at most one shift, of which paid length, within the
   agent's contracted hours and maximum days; per class, day and paid length, as many agents as
   the counts ask for. Class totals alone do not guarantee such a split (two agents with 10
   intervals each cannot share shifts of 6, 6 and 5): handing shifts out greedily afterwards
   left shifts unassigned while the gap was quoted as if they were worked.

Both layers at once are exact but slow (a class's agents are a sea of symmetry), so:

- the counts are solved first, stopping once within `relative_gap` of the LP bound;
- each class's shifts are split between its agents: greedily (day by day, agents with the most
  days left first), else by a small CP-SAT model;
- any shift its class cannot take is offered, with all the others, to every agent with the skill
  (a small CP-SAT assignment from the split: an agent of another class takes it or swaps to make
  room); cost and cover stay those of the counts;
- only if shifts are still left does the agent layer join the counts, for just the classes that
  could not be split, and the model is solved again, hinted with the roster so far.

The linear relaxation of layer 1 with its cuts (GLOP) bounds every roster from below (layer 2
only removes rosters), so `gap = (cost - bound) / bound` says how far from optimal the roster
returned can be. `cost` is the paid intervals of the shifts actually assigned plus the shortfall
penalty of the cover they actually give, recomputed from the roster, not taken from the solver.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

SHORTFALL_PENALTY = 1000  # paid intervals one uncovered agent-interval is worth avoiding


@dataclass(frozen=True)
class ShiftPattern:
    """A shift: starts at `start` (interval of the day), lasts `length` intervals, with an unpaid
    break of `break_length` intervals starting `break_offset` intervals in."""

    name: str
    start: int
    length: int
    break_offset: int = 0
    break_length: int = 0

    def __post_init__(self) -> None:
        if self.start < 0 or self.length <= 0:
            raise ValueError(f"{self.name}: a shift needs a start >= 0 and a positive length")
        if self.break_length < 0 or (
            self.break_length
            and not (self.break_offset > 0 and self.break_offset + self.break_length < self.length)
        ):
            raise ValueError(f"{self.name}: the break must fall strictly inside the shift")

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
    """A named agent; `contracted_intervals` is a weekly ceiling on paid time, not a floor."""

    name: str
    skills: frozenset[str]
    contracted_intervals: int  # per week
    max_days: int = 5


@dataclass(frozen=True)
class RosterProblem:
    """A week (or any run of days) to roster: the agents needed per skill and interval, the
    shift patterns allowed (the same every day) and the agents who may work them."""

    days: int
    intervals_per_day: int
    requirement: dict[str, NDArray[np.int64]]  # skill -> (days, intervals) agents needed
    patterns: tuple[ShiftPattern, ...]
    agents: tuple[Agent, ...]

    def __post_init__(self) -> None:
        shape = (self.days, self.intervals_per_day)
        for skill, need in self.requirement.items():
            if need.shape != shape:
                raise ValueError(f"requirement for {skill} is {need.shape}, expected {shape}")
        for pattern in self.patterns:
            if pattern.start + pattern.length > self.intervals_per_day:
                # Overnight shifts would need cover carried into the next day; none are modelled.
                raise ValueError(f"{pattern.name} runs past the end of the day")
        if len({p.name for p in self.patterns}) != len(self.patterns):
            raise ValueError("shift pattern names must be unique")
        if len({a.name for a in self.agents}) != len(self.agents):
            raise ValueError("agent names must be unique")

    @property
    def hours_per_interval(self) -> float:
        return 24 / self.intervals_per_day

    @cached_property
    def pattern_index(self) -> dict[str, int]:
        return {p.name: i for i, p in enumerate(self.patterns)}


@dataclass(frozen=True)
class Shift:
    """One agent working one pattern on one day, answering one skill."""

    agent: str
    day: int
    pattern: str
    skill: str


@dataclass
class RosterResult:
    """The roster proposed, with its cost and cover recomputed from its shifts, and how far
    from optimal it can be."""

    # CP-SAT's status for the counts behind the roster: OPTIMAL (proven within relative_gap of
    # its own bound), FEASIBLE (stopped near the LP bound or by the time limit), UNKNOWN...
    status: str
    shifts: list[Shift]
    staff_intervals: int  # paid intervals of the shifts assigned
    staff_hours: float
    cost: float  # staff_intervals + SHORTFALL_PENALTY * uncovered_agent_intervals
    lower_bound: float  # optimum of the linear relaxation (GLOP), rounded up to whole intervals
    gap: float  # (cost - lower_bound) / lower_bound
    uncovered_agent_intervals: int
    unassigned_shifts: int  # shifts the solver chose that no named agent could take
    seconds: float
    bound_status: str = "OPTIMAL"  # GLOP's status for lower_bound
    solver_bound: float = 0.0  # CP-SAT's own proven bound on the cost, for comparison
    rounds: int = 0  # CP-SAT solves; more than one when classes needed the agent layer
    coverage: dict[str, NDArray[np.int64]] = field(default_factory=dict)
    shortfall: dict[str, NDArray[np.int64]] = field(default_factory=dict)


ClassKey = tuple[frozenset[str], int, int]


@dataclass
class _Class:
    """A class of interchangeable agents and its shift-count variables."""

    index: int
    members: list[Agent]
    contract: int
    max_days: int
    hours_bind: bool = False
    # (day, key) -> the count variables of the shifts of that key; key is the paid length when
    # hours bind, else 0 (all shifts of a day alike).
    by_key: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=dict)
    # (day, key) -> (pattern index, skill, count variable)
    shifts: dict[tuple[int, int], list[tuple[int, str, cp_model.IntVar]]] = field(
        default_factory=dict
    )


@dataclass
class _Built:
    model: cp_model.CpModel
    lp: pywraplp.Solver
    classes: list[_Class]
    counts: list[cp_model.IntVar]
    count_of: dict[tuple[int, int, int, str], cp_model.IntVar]  # (class, day, pattern, skill)
    short_of: dict[tuple[str, int, int], cp_model.IntVar]  # (skill, day, interval)
    class_of: dict[str, int]  # agent name -> class index


def _classes(agents: Sequence[Agent]) -> list[list[Agent]]:
    classes: dict[ClassKey, list[Agent]] = defaultdict(list)
    for agent in agents:
        classes[(agent.skills, agent.contracted_intervals, agent.max_days)].append(agent)
    return list(classes.values())


def solve_roster(
    problem: RosterProblem,
    time_limit: float = 55.0,
    workers: int = 8,
    relative_gap: float = 0.005,
    seed: int = 0,
) -> RosterResult:
    """Propose a roster for `problem`; see the module docstring for the method.

    `time_limit` covers the whole call. A search stops early once its roster is within
    `relative_gap` of the LP bound, or proven so against CP-SAT's own bound (status OPTIMAL).
    `workers` is CP-SAT's portfolio size: 8 finds and proves far better than 2 even on 2 cores.
    """
    started = time.perf_counter()

    def left() -> float:
        return time_limit - (time.perf_counter() - started)

    built = _build(problem)
    lp_status = built.lp.Solve()
    bound_status = _LP_STATUS.get(lp_status, "NOT_SOLVED")
    # Only an optimal LP value is a bound; anything else proves nothing beyond zero. Every cost is
    # whole intervals, so the bound rounds up, less a hair for GLOP's floating point (without it
    # the bound could sit a rounding error above an optimal roster).
    bound = 0.0
    if lp_status == pywraplp.Solver.OPTIMAL:
        bound = float(math.ceil(built.lp.Objective().Value() - 1e-6))
    stop = _StopNear((1 + relative_gap) * bound) if bound > 0 else None

    layers: dict[int, dict[tuple[int, int], list[cp_model.IntVar]]] = {}
    best: RosterResult | None = None
    solver_bound = 0.0
    status_name = "UNKNOWN"
    rounds = 0
    while True:
        rounds += 1
        # Half the time left each round, so a class that cannot be split has time for a repair.
        solver = _solver(max(0.5, left() / 2), workers, relative_gap, seed)
        status = solver.solve(built.model, stop)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            status_name = status_name if best else solver.status_name(status)
            break
        # Every round's model holds every roster, so each round's bound holds for all of them.
        solver_bound = max(solver_bound, solver.best_objective_bound)
        counts = {var.index: solver.value(var) for var in built.counts}
        takers = {
            (c, d, k): [i for i, var in enumerate(row) if solver.boolean_value(var)]
            for c, rows in layers.items()
            for (d, k), row in rows.items()
        }
        failing = []
        for cls in built.classes:
            if cls.index in layers or not cls.by_key:
                continue
            wanted = {dk: sum(counts[v.index] for v in vars_) for dk, vars_ in cls.by_key.items()}
            budget = max(0.2, min(2.0, left() / 10))
            placed, complete = _split_class(cls, wanted, budget, workers, seed)
            takers.update({(cls.index, d, k): agents for (d, k), agents in placed.items()})
            if not complete:
                failing.append(cls)
        shifts, leftovers = _hand_out(problem, built.classes, counts, takers)
        unassigned = len(leftovers)
        if leftovers:
            budget = max(0.5, min(10.0, left() / 3))
            shifts, unassigned = _assign_across_classes(
                problem, shifts, leftovers, budget, workers, seed
            )
        roster = _evaluate(problem, shifts, "", unassigned, bound, bound_status, 0.0, started)
        if best is None or roster.cost < best.cost:
            best, status_name = roster, solver.status_name(status)
        if unassigned == 0 or not failing or left() < 1.0:
            break
        # Lazily exact: only the classes whose shifts could not be split get the agent layer,
        # and the next round starts from this one's counts and partial split.
        for cls in failing:
            layers[cls.index] = _add_agent_layer(built.model, cls)
        _hint_roster(problem, built, layers, roster)

    if best is None:
        return _evaluate(problem, [], status_name, 0, bound, bound_status, 0.0, started)
    best.status = status_name
    best.solver_bound = solver_bound
    best.rounds = rounds
    best.seconds = time.perf_counter() - started
    return best


_LP_STATUS = {
    pywraplp.Solver.OPTIMAL: "OPTIMAL",
    pywraplp.Solver.FEASIBLE: "FEASIBLE",
    pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
    pywraplp.Solver.UNBOUNDED: "UNBOUNDED",
    pywraplp.Solver.ABNORMAL: "ABNORMAL",
}


def _hint_roster(
    problem: RosterProblem,
    built: _Built,
    layers: dict[int, dict[tuple[int, int], list[cp_model.IntVar]]],
    roster: RosterResult,
) -> None:
    """Hint the model with a roster it holds: the shifts actually assigned (those no agent could
    take dropped, their cover left as shortfall), so CP-SAT starts from a complete solution."""
    given: Counter[tuple[int, int, int, str]] = Counter()
    working: set[tuple[int, int, int, int]] = set()  # (class, agent, day, key)
    for shift in roster.shifts:
        c = built.class_of[shift.agent]
        p = problem.pattern_index[shift.pattern]
        given[(c, shift.day, p, shift.skill)] += 1
        cls = built.classes[c]
        i = next(i for i, a in enumerate(cls.members) if a.name == shift.agent)
        working.add((c, i, shift.day, problem.patterns[p].paid if cls.hours_bind else 0))
    built.model.clear_hints()
    for count_key, var in built.count_of.items():
        built.model.add_hint(var, given[count_key])
    for (skill, d, t), var in built.short_of.items():
        built.model.add_hint(var, int(roster.shortfall[skill][d, t]))
    for c, rows in layers.items():
        for (d, k), row in rows.items():
            for i, var in enumerate(row):
                built.model.add_hint(var, (c, i, d, k) in working)


class _StopNear(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first solution within reach of a bound CP-SAT does not know (the
    GLOP bound is often tighter than CP-SAT's own in the time it has)."""

    def __init__(self, stop_at: float) -> None:
        super().__init__()
        self.stop_at = stop_at

    def on_solution_callback(self) -> None:
        if self.objective_value <= self.stop_at:
            self.stop_search()


def _solver(seconds: float, workers: int, relative_gap: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = relative_gap
    solver.parameters.random_seed = seed
    return solver


def _build(problem: RosterProblem) -> _Built:
    """Layer 1 as a CP-SAT model and, alongside, its linear relaxation for GLOP."""
    model = cp_model.CpModel()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise RuntimeError("OR-Tools was built without GLOP")
    covering: dict[tuple[str, int, int], list[tuple[cp_model.IntVar, pywraplp.Variable]]] = (
        defaultdict(list)
    )
    classes: list[_Class] = []
    all_counts: list[cp_model.IntVar] = []
    count_of: dict[tuple[int, int, int, str], cp_model.IntVar] = {}
    short_of: dict[tuple[str, int, int], cp_model.IntVar] = {}
    paid_terms: list[cp_model.LinearExpr] = []
    lp_paid_terms: list[pywraplp.LinearExpr] = []
    for c, members in enumerate(_classes(problem.agents)):
        first = members[0]
        cls = _Class(c, members, first.contracted_intervals, first.max_days)
        classes.append(cls)
        size = len(members)
        per_day: dict[int, list[tuple[cp_model.IntVar, pywraplp.Variable]]] = defaultdict(list)
        by_paid: dict[tuple[int, int], list[tuple[int, str, cp_model.IntVar]]] = defaultdict(list)
        hours_terms, lp_hours_terms = [], []
        paid_pairs: list[tuple[int, cp_model.IntVar, pywraplp.Variable]] = []
        for d in range(problem.days):
            for p, pattern in enumerate(problem.patterns):
                for skill in sorted(first.skills & problem.requirement.keys()):
                    need = problem.requirement[skill][d]
                    if not any(need[t] > 0 for t in pattern.working()):
                        continue  # a shift that covers no demand is never worth paying for
                    var = model.new_int_var(0, size, f"y_{c}_{d}_{p}_{skill}")
                    lp_var = lp.NumVar(0, size, f"y_{c}_{d}_{p}_{skill}")
                    all_counts.append(var)
                    count_of[(c, d, p, skill)] = var
                    per_day[d].append((var, lp_var))
                    by_paid[(d, pattern.paid)].append((p, skill, var))
                    hours_terms.append(pattern.paid * var)
                    lp_hours_terms.append(pattern.paid * lp_var)
                    paid_pairs.append((pattern.paid, var, lp_var))
                    for t in pattern.working():
                        covering[(skill, d, t)].append((var, lp_var))
        if not per_day:
            continue
        for pairs in per_day.values():
            model.add(sum(v for v, _ in pairs) <= size)  # one shift a day each
            lp.Add(sum(w for _, w in pairs) <= size)
        everything = [pair for pairs in per_day.values() for pair in pairs]
        model.add(sum(v for v, _ in everything) <= size * cls.max_days)
        lp.Add(sum(w for _, w in everything) <= size * cls.max_days)
        model.add(sum(hours_terms) <= size * cls.contract)
        lp.Add(sum(lp_hours_terms) <= size * cls.contract)
        paid_terms.extend(hours_terms)
        lp_paid_terms.extend(lp_hours_terms)
        longest = max(paid for _d, paid in by_paid)
        most_days = min(cls.max_days, len(per_day))
        cls.hours_bind = cls.contract < most_days * longest
        if cls.hours_bind:
            for hi, lo, alpha, beta, limit in _packing_cuts(
                sorted({paid for paid, _v, _w in paid_pairs}), cls.contract, most_days
            ):
                terms = [
                    (alpha if paid >= hi else beta if paid >= lo else 0, v, w)
                    for paid, v, w in paid_pairs
                ]
                model.add(sum(k * v for k, v, _ in terms if k) <= size * limit)
                lp.Add(sum(k * w for k, _, w in terms if k) <= size * limit)
        for (d, paid), entries in by_paid.items():
            key = (d, paid if cls.hours_bind else 0)
            cls.shifts.setdefault(key, []).extend(entries)
        cls.by_key = {key: [v for _p, _s, v in entries] for key, entries in cls.shifts.items()}
    shortfalls: list[cp_model.IntVar] = []
    lp_shortfalls: list[pywraplp.Variable] = []
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
                short_of[(skill, d, t)] = short
    model.minimize(sum(paid_terms) + SHORTFALL_PENALTY * sum(shortfalls))
    lp.Minimize(sum(lp_paid_terms) + SHORTFALL_PENALTY * sum(lp_shortfalls))
    class_of = {a.name: cls.index for cls in classes for a in cls.members}
    return _Built(model, lp, classes, all_counts, count_of, short_of, class_of)


def _packing_cuts(
    lengths: list[int], contract: int, days: int
) -> list[tuple[int, int, int, int, int]]:
    """Valid inequalities on a class's shift counts that its total hours miss. Each cut
    (hi, lo, alpha, beta, limit) reads: alpha * (shifts paid >= hi) + beta * (shifts paid in
    [lo, hi)) <= limit per agent, so <= limit * size for the class.

    An agent fits at most contract // L shifts of paid length L or longer. And for two lengths
    hi > lo, the agent's (a shifts >= hi, b shifts in [lo, hi)) lie in the integer points of
    a*hi + b*lo <= contract, a + b <= days; every facet alpha*a + beta*b <= gamma of their hull
    holds for each agent, so for the class's sums with gamma times the size. (A 22.5 h, 3-day
    agent fits two 8.5 h shifts only beside one under 6 h: 2a + b <= 4 for hi=34, lo=24.) The
    sums of interchangeable agents' integer points lie in the scaled hull, so no roster is cut
    off and the LP bound keeps holding.
    """
    cuts = [(hi, hi, 1, 0, contract // hi) for hi in lengths if contract // hi < days]
    for lo, hi in itertools.combinations(lengths, 2):
        points = [
            (a, b)
            for a in range(days + 1)
            for b in range(days + 1 - a)
            if a * hi + b * lo <= contract
        ]
        for alpha, beta, gamma in _upper_facets(points):
            if alpha and beta and (alpha, beta) != (1, 1):  # the others are the cuts above
                cuts.append((hi, lo, alpha, beta, gamma))
    return cuts


def _upper_facets(points: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Facets alpha*x + beta*y <= gamma (alpha, beta >= 0, integers) of the convex hull of
    integer points, from the hull's edges (Andrew's monotone chain)."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return []

    def cross(o: tuple[int, int], p: tuple[int, int], q: tuple[int, int]) -> int:
        return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0])

    lower: list[tuple[int, int]] = []
    upper: list[tuple[int, int]] = []
    for p in ordered:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(ordered):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]  # counter-clockwise
    facets = []
    for p, q in itertools.pairwise([*hull, hull[0]]):
        alpha, beta = q[1] - p[1], p[0] - q[0]  # outward normal of a counter-clockwise edge
        if alpha >= 0 and beta >= 0 and (alpha or beta):
            g = math.gcd(alpha, beta)
            alpha, beta = alpha // g, beta // g
            facets.append((alpha, beta, alpha * p[0] + beta * p[1]))
    return facets


def _agent_rows(
    model: cp_model.CpModel, cls: _Class
) -> dict[tuple[int, int], list[cp_model.IntVar]]:
    """Booleans x[agent, day, key] with each agent's own limits; (day, key) -> one per agent."""
    rows: dict[tuple[int, int], list[cp_model.IntVar]] = {key: [] for key in sorted(cls.by_key)}
    week: list[cp_model.LinearExpr] = []
    for i in range(len(cls.members)):
        day_vars: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        paid: list[cp_model.LinearExpr] = []
        for d, key in rows:
            var = model.new_bool_var(f"x_{cls.index}_{i}_{d}_{key}")
            rows[(d, key)].append(var)
            day_vars[d].append(var)
            paid.append(key * var if cls.hours_bind else var)
        for vars_ in day_vars.values():
            model.add_at_most_one(vars_)  # one shift a day
        model.add(sum(v for vars_ in day_vars.values() for v in vars_) <= cls.max_days)
        if cls.hours_bind:
            model.add(cp_model.LinearExpr.sum(paid) <= cls.contract)
        week.append(cp_model.LinearExpr.sum(paid))
    # The agents are interchangeable: order them by paid time (or days) to cut the symmetry.
    for earlier, later in itertools.pairwise(week):
        model.add(earlier >= later)
    return rows


def _add_agent_layer(
    model: cp_model.CpModel, cls: _Class
) -> dict[tuple[int, int], list[cp_model.IntVar]]:
    """Layer 2 for one class, tied to its counts: as many agents per day and key as shifts."""
    rows = _agent_rows(model, cls)
    for key, counted in cls.by_key.items():
        model.add(sum(rows[key]) == sum(counted))
    return rows


def _split_class(
    cls: _Class, wanted: dict[tuple[int, int], int], seconds: float, workers: int, seed: int
) -> tuple[dict[tuple[int, int], list[int]], bool]:
    """Give the class's wanted shifts (per day and key) to its agents; returns who takes what and
    whether every shift found an agent. A greedy split first, CP-SAT from it if that falls short."""
    total = sum(wanted.values())
    placed = _split_greedily(cls, wanted)
    if total == 0 or sum(len(agents) for agents in placed.values()) == total:
        return placed, True
    model = cp_model.CpModel()
    rows = _agent_rows(model, cls)
    for key, row in rows.items():
        model.add(sum(row) <= wanted.get(key, 0))
        chosen = set(placed.get(key, []))
        for i, var in enumerate(row):
            model.add_hint(var, i in chosen)
    weight = {key: (key[1] if cls.hours_bind else 1) for key in rows}
    # Most paid time placed, so what is left over (if anything) is small.
    model.maximize(sum(weight[key] * sum(row) for key, row in rows.items()))
    solver = _solver(seconds, workers, 0.0, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return placed, False
    found = {
        key: [i for i, var in enumerate(row) if solver.boolean_value(var)]
        for key, row in rows.items()
    }
    return found, sum(len(agents) for agents in found.values()) == total


def _split_greedily(
    cls: _Class, wanted: dict[tuple[int, int], int]
) -> dict[tuple[int, int], list[int]]:
    """Day by day, the day's shifts go to the agents with the most days left (as in the proof of
    the Gale-Ryser theorem, this never strands a later day while days alone bind), ties to the
    most paid time left; within the day, the longest shifts to those with the most time left."""
    days_left = [cls.max_days] * len(cls.members)
    time_left = [cls.contract] * len(cls.members)
    placed: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_day: dict[int, list[int]] = defaultdict(list)  # day -> keys, one per shift
    for (d, key), n in wanted.items():
        by_day[d].extend([key] * n)
    for d in sorted(by_day, key=lambda d: -len(by_day[d])):
        keys = sorted(by_day[d], reverse=True)
        ready = [i for i in range(len(cls.members)) if days_left[i] > 0]
        ready.sort(key=lambda i: (-days_left[i], -time_left[i], i))
        takers = sorted(ready[: len(keys)], key=lambda i: (-time_left[i], i))
        for key, i in zip(keys, takers, strict=False):
            paid = key if cls.hours_bind else 0
            if paid > time_left[i]:
                continue  # left for CP-SAT to place
            placed[(d, key)].append(i)
            days_left[i] -= 1
            time_left[i] -= paid
    return dict(placed)


def _hand_out(
    problem: RosterProblem,
    classes: list[_Class],
    counts: dict[int, int],
    takers: dict[tuple[int, int, int], list[int]],
) -> tuple[list[Shift], list[tuple[int, int, str]]]:
    """Name the agent of every shift: per class, day and key, the counted shifts in turn to the
    agents picked for them. Returns the shifts and those that found no agent (day, pattern,
    skill)."""
    shifts: list[Shift] = []
    leftovers: list[tuple[int, int, str]] = []
    for cls in classes:
        for (d, key), entries in sorted(cls.shifts.items(), key=lambda kv: kv[0]):
            pool = [(p, s) for p, s, var in entries for _ in range(counts[var.index])]
            agents = takers.get((cls.index, d, key), [])
            for (p, skill), i in zip(pool, agents, strict=False):
                shifts.append(Shift(cls.members[i].name, d, problem.patterns[p].name, skill))
            leftovers.extend((d, p, skill) for p, skill in pool[len(agents) :])
    return shifts, leftovers


def _assign_across_classes(
    problem: RosterProblem,
    shifts: list[Shift],
    leftovers: list[tuple[int, int, str]],
    seconds: float,
    workers: int,
    seed: int,
) -> tuple[list[Shift], int]:
    """Hand the same shifts (the split's and its leftovers) to any agents with the skill, not
    only the class the solver counted them in: cover and cost depend on the shifts alone, and
    an agent of another class can often take one, or swap to make room. Starts from the split;
    returns the shifts with agents and how many are still without one."""
    patterns = problem.patterns
    wanted: Counter[tuple[int, int, str]] = Counter()  # (day, paid, skill) -> shifts
    pool: defaultdict[tuple[int, int, str], list[int]] = defaultdict(list)
    for d, p, skill in [
        (s.day, problem.pattern_index[s.pattern], s.skill) for s in shifts
    ] + leftovers:
        key = (d, patterns[p].paid, skill)
        wanted[key] += 1
        pool[key].append(p)
    model = cp_model.CpModel()
    x: dict[tuple[int, tuple[int, int, str]], cp_model.IntVar] = {}
    by_group: defaultdict[tuple[int, int, str], list[tuple[int, cp_model.IntVar]]] = defaultdict(
        list
    )
    for i, agent in enumerate(problem.agents):
        per_day: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        paid = []
        for key in wanted:
            d, length, skill = key
            if skill not in agent.skills:
                continue
            var = model.new_bool_var(f"z_{i}_{d}_{length}_{skill}")
            x[(i, key)] = var
            by_group[key].append((i, var))
            per_day[d].append(var)
            paid.append(length * var)
        if not paid:
            continue
        for vars_ in per_day.values():
            model.add_at_most_one(vars_)
        model.add(sum(v for vars_ in per_day.values() for v in vars_) <= agent.max_days)
        model.add(cp_model.LinearExpr.sum(paid) <= agent.contracted_intervals)
    for key, n in wanted.items():
        model.add(sum(v for _i, v in by_group[key]) <= n)
    model.maximize(sum(key[1] * v for (_i, key), v in x.items()))
    index = {a.name: i for i, a in enumerate(problem.agents)}
    held = {
        (index[s.agent], (s.day, patterns[problem.pattern_index[s.pattern]].paid, s.skill))
        for s in shifts
    }
    for (i, key), var in x.items():
        model.add_hint(var, (i, key) in held)
    solver = _solver(seconds, workers, 0.0, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return shifts, len(leftovers)
    assigned: list[Shift] = []
    for key, takers in by_group.items():
        chosen = [i for i, var in takers if solver.boolean_value(var)]
        for i, p in zip(chosen, pool[key], strict=False):
            assigned.append(Shift(problem.agents[i].name, key[0], patterns[p].name, key[2]))
    missing = sum(wanted.values()) - len(assigned)
    if missing > len(leftovers):  # never worse than the split it started from
        return shifts, len(leftovers)
    return assigned, missing


def _evaluate(
    problem: RosterProblem,
    shifts: list[Shift],
    status: str,
    unassigned: int,
    bound: float,
    bound_status: str,
    solver_bound: float,
    started: float,
) -> RosterResult:
    """Cost, cover and gap of the roster as returned, recomputed from its shifts."""
    by_name = {p.name: p for p in problem.patterns}
    shape = (problem.days, problem.intervals_per_day)
    coverage = {s: np.zeros(shape, dtype=np.int64) for s in problem.requirement}
    for shift in shifts:
        if shift.skill in coverage:
            coverage[shift.skill][shift.day, by_name[shift.pattern].working()] += 1
    shortfall = {
        s: np.maximum(need - coverage[s], 0).astype(np.int64)
        for s, need in problem.requirement.items()
    }
    uncovered = int(sum(int(a.sum()) for a in shortfall.values()))
    staff = sum(by_name[s.pattern].paid for s in shifts)
    cost = float(staff + SHORTFALL_PENALTY * uncovered)
    gap = (cost - bound) / bound if bound > 0 else (0.0 if cost == 0 else float("inf"))
    return RosterResult(
        status=status,
        shifts=shifts,
        staff_intervals=staff,
        staff_hours=staff * problem.hours_per_interval,
        cost=cost,
        lower_bound=bound,
        gap=gap,
        uncovered_agent_intervals=uncovered,
        unassigned_shifts=unassigned,
        seconds=time.perf_counter() - started,
        bound_status=bound_status,
        solver_bound=solver_bound,
        coverage=coverage,
        shortfall=shortfall,
    )
