"""Where the KPI engine's time goes, and the fastest any DuckDB plan of the same work reaches.

    .venv/bin/python benchmarks/kpi_engine_floor.py [--rows 5000000] [--runs 3] [--no-report]

The issue asks for the engine to be at least 10 times faster than a fair pandas comparator
(`benchmarks/kpi_engine.py`). This benchmark measures, on the same generated facts, the two
pieces of work every plan has to do and the alternatives tried for the expensive one:

- the aggregation pass: every KPI but the repeat, one scan of the period's counted contacts
  grouped by family and month (the engine's first pass, on its own);
- the 7-day repeat: each person's next contact at a later instant, as the engine computes it (a
  window over the person's contacts, `GROUPS` frame so same-instant contacts are not "later"),
  and as other plans would: `lead()` over a 64-bit hash of the person (NOT exact: it counts a
  same-instant contact as a repeat and merges persons whose hashes collide, so it is only a lower
  bound on what a window can cost), an ASOF join to the next later instant, and a hash join over
  168-hour buckets (per person and bucket, the latest instant and the next bucket's earliest);
- pandas without its repeat (the load and the group-by alone), which is what the comparator
  would cost if the snapshot carried each contact's next-contact gap: a fair comparator reads
  the same Parquet, so precomputing the gap speeds both sides.

The floor is the best aggregation plus the best exact repeat plan; the ceiling on the ratio is
the pandas comparator's time over that floor. Every plan's repeat count is checked against the
engine's.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_section
from kpi_engine import COUNCIL, duckdb_kpis, generate, pandas_kpis

ROOT = Path(__file__).resolve().parent.parent
WINDOW_US = 168 * 3600 * 1_000_000

AGGREGATION = """
SELECT family, date_trunc('month', offered_local) AS month, outcome,
    coalesce(outcome = 'abandoned' AND wait_seconds < 5, FALSE) AS short,
    count(*), fsum(wait_seconds), count(wait_seconds), count_if(wait_seconds <= 60),
    fsum(handle_seconds), count(handle_seconds), count_if(resolution = 'first_contact'),
    count_if(resolution = 'follow_up_resolved'), count(resolution), count_if(failure_demand),
    count(failure_demand), count_if(csat_sign = 1), count(csat_sign), sum(csat_sign),
    count_if(NOT email_known), count(email_known)
FROM facts WHERE counted
GROUP BY ALL
"""
REPEAT_PLANS = {
    "window over the person, GROUPS frame (the engine's, exact)": """
        SELECT count_if(next_at - at_us <= $window) FROM (
            SELECT epoch_us(offered_at_utc) AS at_us,
                first_value(epoch_us(offered_at_utc)) OVER (
                    PARTITION BY person_key ORDER BY offered_at_utc
                    GROUPS BETWEEN 1 FOLLOWING AND 1 FOLLOWING) AS next_at
            FROM facts WHERE counted AND person_key IS NOT NULL)""",
    "lead() over a hash of the person (inexact lower bound)": """
        SELECT count_if(next_at - at_us <= $window) FROM (
            SELECT epoch_us(offered_at_utc) AS at_us,
                lead(epoch_us(offered_at_utc)) OVER (
                    PARTITION BY hash(person_key) ORDER BY offered_at_utc) AS next_at
            FROM facts WHERE counted AND person_key IS NOT NULL)""",
    "ASOF join to the next later instant (exact)": """
        WITH timeline AS (
            SELECT person_key, epoch_us(offered_at_utc) AS at_us
            FROM facts WHERE counted AND person_key IS NOT NULL)
        SELECT count_if(later.at_us - contact.at_us <= $window)
        FROM timeline AS contact ASOF LEFT JOIN timeline AS later
            ON contact.person_key = later.person_key AND later.at_us > contact.at_us""",
    "hash join over 168-hour buckets (exact)": """
        WITH timeline AS (
            SELECT person_key, epoch_us(offered_at_utc) AS at_us,
                epoch_us(offered_at_utc) // $window AS bucket
            FROM facts WHERE counted AND person_key IS NOT NULL),
        buckets AS (
            SELECT person_key, bucket, max(at_us) AS latest, min(at_us) AS earliest
            FROM timeline GROUP BY ALL),
        pairs AS (
            SELECT b.person_key, b.bucket, b.latest, n.earliest AS next_earliest
            FROM buckets AS b LEFT JOIN buckets AS n
                ON n.person_key = b.person_key AND n.bucket = b.bucket + 1)
        SELECT count_if(t.at_us < p.latest OR p.next_earliest - t.at_us <= $window)
        FROM timeline AS t JOIN pairs AS p USING (person_key, bucket)""",
}


def best(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The best wall time of `runs` runs, and the last result."""
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-report", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()

    root = ROOT / "var" / "bench" / "kpi-engine-floor"
    rows = generate(root, args.rows)
    files = sorted(str(path) for path in root.rglob("*.parquet"))
    listed = ", ".join(f"'{name}'" for name in files)
    connection = duckdb.connect(config={"preserve_insertion_order": False})
    connection.execute(
        # Only the paths of the files just written reach the text.
        f"CREATE VIEW facts AS SELECT * FROM read_parquet([{listed}], hive_partitioning = true)"  # noqa: S608
    )

    def run(sql: str) -> Callable[[], Any]:
        parameters = {"window": WINDOW_US} if "$window" in sql else {}
        return lambda: connection.execute(sql, parameters).fetchall()

    try:
        engine, _ = best(args.runs, lambda: duckdb_kpis(root))
        aggregation, _ = best(args.runs, run(AGGREGATION))
        repeats: dict[str, tuple[float, int]] = {}
        for name, sql in REPEAT_PLANS.items():
            seconds, result = best(args.runs, run(sql))
            repeats[name] = (seconds, int(result[0][0]))
            print(f"{name}: {seconds:.3f} s, {result[0][0]:,} repeats")
        phases: list[dict[str, float]] = []

        def pandas_run() -> Any:
            phases.append({})
            return pandas_kpis(root, phases[-1])

        pandas_best, _ = best(args.runs, pandas_run)
        without_repeat = min(p["load"] + p["group_by"] for p in phases)
    finally:
        connection.close()
        shutil.rmtree(root, ignore_errors=True)

    exact_count = repeats[next(iter(REPEAT_PLANS))][1]
    exact = {name: value for name, value in repeats.items() if "exact)" in name}
    for name, (_, count) in exact.items():
        assert count == exact_count, (name, count, exact_count)
    best_exact = min(seconds for seconds, _ in exact.values())
    floor = aggregation + best_exact
    print(
        f"engine {engine:.3f} s; aggregation {aggregation:.3f} s; best exact repeat "
        f"{best_exact:.3f} s; floor {floor:.3f} s; pandas {pandas_best:.3f} s "
        f"(without its repeat {without_repeat:.3f} s); ceiling {pandas_best / floor:.1f}x"
    )
    if args.no_report:
        return
    table = "\n".join(
        f"| repeat: {name} | {seconds:.3f} | {count:,} |"
        for name, (seconds, count) in repeats.items()
    )
    command = "python benchmarks/kpi_engine_floor.py" + (
        f" --rows {args.rows}" if args.rows != 5_000_000 else ""
    )
    bound = aggregation + repeats["lead() over a hash of the person (inexact lower bound)"][0]
    body = f"""Command: `{command}`.

Data: the same {rows:,} generated facts as the section above (council {COUNCIL}, {len(files)}
monthly Parquet partitions). Each line is the best of {args.runs} wall times on 2 cores (DuckDB
uses both), in one DuckDB connection, of one piece of the engine's work for the whole year.

| work | best (s) | repeats counted |
|---|---|---|
| the engine, `compute_kpis`, everything | {engine:.3f} | |
| aggregation pass: every KPI but the repeat, by family and month | {aggregation:.3f} | |
{table}
| pandas comparator, everything | {pandas_best:.3f} | |
| pandas comparator without its repeat (load and group-by only) | {without_repeat:.3f} | |

**Out of reach here: the aggregation alone plus the fastest exact repeat plan measured take
{floor:.2f} s, so against the fair pandas comparator ({pandas_best:.2f} s) no plan of these
can be more than {pandas_best / floor:.1f} times faster; even the inexact `lead()` bound gives
{pandas_best / bound:.1f} times.** The engine keeps its exact window (`GROUPS` frame on the
person's pseudonym): `lead()` over a hash counts same-instant contacts as repeats and merges
persons whose hashes collide. Precomputing each contact's next-contact gap in the snapshot was
considered and rejected as a way to the target: a fair comparator reads the same Parquet, so its
repeat would go too, leaving {without_repeat:.2f} s against the aggregation's
{aggregation:.2f} s ({without_repeat / aggregation:.1f} times)."""
    write_section("KPI engine: where the time goes (why not 10 times)", body)


if __name__ == "__main__":
    main()
