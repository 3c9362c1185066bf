"""Erlang C and Erlang A against a SimPy simulation over the grid the planning issue sets.

    .venv/bin/python benchmarks/erlang_vs_simulation.py [--quick]

Each grid point is simulated in independent replications (fixed seeds) until the simulation's own
standard error is small beside the tolerance (0.1 percentage points on the probabilities, 0.4% or
0.1 s on ASA), up to a cap; the mean is then compared with the formula. Agreement: probabilities
within 0.5 percentage points, ASA within 2% or 0.5 s, whichever is larger.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import write_section

from frontdoor.planning.engine.erlang import measures
from frontdoor.planning.engine.simulation import simulate_queue

AHT = 180.0
TARGET = 20.0
CALLS_PER_REPLICATION = 100_000
WARMUP = 10_000
MIN_REPLICATIONS = 3
MAX_REPLICATIONS = 40
PROBABILITY_TOLERANCE = 0.005
SE_PROBABILITY = 0.001


TABLE_HEAD = (
    "| model | agents | load | utilisation | patience (s) | SL formula / sim | P(wait) "
    "| P(abandon) | ASA (s) | replications | agrees |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|"
)


@dataclass(frozen=True)
class Point:
    model: str
    agents: int
    utilisation: float
    patience: float | None

    @property
    def load(self) -> float:
        return self.utilisation * self.agents


def grid(quick: bool) -> list[Point]:
    if quick:
        return [
            Point("C", 14, 10 / 14, None),
            Point("C", 100, 0.95, None),
            Point("A", 20, 1.1, 180.0),
            Point("A", 230, 1.3, 600.0),
        ]
    points = [Point("C", n, rho, None) for rho in (0.5, 0.8, 0.95) for n in (2, 10, 100, 316)]
    points += [
        Point("A", n, rho, patience)
        for rho in (0.5, 0.9, 1.1, 1.3)
        for patience in (30.0, 180.0, 600.0)
        for n in (2, 20, 230)
    ]
    return points


def run_point(point: Point) -> dict[str, object]:
    started = time.perf_counter()
    formula = measures(point.agents, point.load, AHT, TARGET, point.patience)
    runs = []
    seed = 1
    while True:
        runs.append(
            simulate_queue(
                agents=point.agents,
                load=point.load,
                aht=AHT,
                target=TARGET,
                patience=point.patience,
                calls=CALLS_PER_REPLICATION,
                warmup=WARMUP,
                seed=seed,
            )
        )
        seed += 1
        if len(runs) < MIN_REPLICATIONS:
            continue
        se = {
            k: statistics.stdev(getattr(r, k) for r in runs) / math.sqrt(len(runs))
            for k in ("service_level", "p_wait", "p_abandon", "asa_seconds")
        }
        mean_asa = statistics.fmean(r.asa_seconds for r in runs)
        precise = max(se["service_level"], se["p_wait"], se["p_abandon"]) <= SE_PROBABILITY and se[
            "asa_seconds"
        ] <= max(0.004 * mean_asa, 0.1)
        if precise or len(runs) >= MAX_REPLICATIONS:
            break
    sim = {
        k: statistics.fmean(getattr(r, k) for r in runs)
        for k in ("service_level", "p_wait", "p_abandon", "asa_seconds")
    }
    deviations = {
        "service_level": abs(sim["service_level"] - formula.service_level),
        "p_wait": abs(sim["p_wait"] - formula.p_wait),
        "p_abandon": abs(sim["p_abandon"] - (formula.p_abandon or 0.0)),
        "asa_seconds": abs(sim["asa_seconds"] - formula.asa_seconds),
    }
    asa_tolerance = max(0.02 * formula.asa_seconds, 0.5)
    agrees = (
        max(deviations["service_level"], deviations["p_wait"], deviations["p_abandon"])
        <= PROBABILITY_TOLERANCE
        and deviations["asa_seconds"] <= asa_tolerance
    )
    return {
        "point": point,
        "formula": formula,
        "sim": sim,
        "se": se,
        "dev": deviations,
        "replications": len(runs),
        "precise": precise,
        "agrees": agrees,
        "asa_tolerance": asa_tolerance,
        "seconds": time.perf_counter() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="four points, for a smoke run")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    points = grid(args.quick)
    started = time.perf_counter()
    with ProcessPoolExecutor(args.processes) as pool:
        results = list(pool.map(run_point, points))
    elapsed = time.perf_counter() - started
    rows = []
    for r in results:
        p, f, s = r["point"], r["formula"], r["sim"]
        rows.append(
            f"| {p.model} | {p.agents} | {p.load:.1f} | {p.utilisation:.2f} | "
            f"{p.patience or '-'} | {f.service_level:.4f} / {s['service_level']:.4f} | "
            f"{f.p_wait:.4f} / {s['p_wait']:.4f} | "
            f"{(f.p_abandon or 0):.4f} / {s['p_abandon']:.4f} | "
            f"{f.asa_seconds:.2f} / {s['asa_seconds']:.2f} | {r['replications']} | "
            f"{'yes' if r['agrees'] else 'NO'} |"
        )
        print(rows[-1], flush=True)
    agreeing = sum(r["agrees"] for r in results)
    worst_p = max(
        max(r["dev"]["service_level"], r["dev"]["p_wait"], r["dev"]["p_abandon"]) for r in results
    )
    worst_asa = max(r["dev"]["asa_seconds"] / r["asa_tolerance"] for r in results)
    imprecise = [r for r in results if not r["precise"]]
    command = "python benchmarks/erlang_vs_simulation.py" + (" --quick" if args.quick else "")
    body = f"""Command: `{command}` ({args.processes} processes).
AHT {AHT:.0f} s, target {TARGET:.0f} s.
Grid: {len(points)} points (Erlang C utilisation 0.5-0.95 and Erlang A 0.5-1.3 with patience
30-600 s, loads of 1 to 300 erlangs). Each point: SimPy replications of {CALLS_PER_REPLICATION:,}
calls after {WARMUP:,} warm-up calls, seeds 1, 2, ..., until the standard error is at most 0.1 pp
(probabilities) and 0.4% or 0.1 s (ASA), at most {MAX_REPLICATIONS} replications.

**Result: {agreeing} of {len(points)} points agree** (probabilities within 0.5 pp, ASA within 2% or
0.5 s). Largest probability deviation {worst_p * 100:.2f} pp; largest ASA deviation
{worst_asa * 100:.0f}% of its tolerance. Points that reached the replication cap before the
precision goal: {len(imprecise)}. Run time {elapsed:.0f} s.

{TABLE_HEAD}
""" + "\n".join(rows)
    write_section("Erlang C and Erlang A against a discrete-event simulation", body)
    print(f"{agreeing}/{len(points)} agree in {elapsed:.0f} s")
    return 0 if agreeing == len(points) else 1


if __name__ == "__main__":
    raise SystemExit(main())
