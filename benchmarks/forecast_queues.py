"""Forecast speed: 30 queues with a year of 15-minute history, fitted and forecast, from facts on.

    .venv/bin/python benchmarks/forecast_queues.py [--queues 30] [--days 365] [--interval 15]
        [--seed 7] [--keep]

Generates, seeded and vectorised, a year of contact facts for one council (FACT_SCHEMA, written
hive-style as Parquet, `council_id=1/month=YYYY-MM/facts.parquet`, as the snapshots are) plus
one more week held out as the actuals:

* 30 queues from about 60 to 3,000 calls a day (log-uniform), each open 08:00-18:00 on weekdays
  (a third also 09:00-13:00 on Saturdays), shut on England's bank holidays;
* a two-peaked intraday shape per queue, weekday levels (Monday busiest), a slow seasonal swing,
  and a bill run on the first working day of each quarter (+60%, its peak an hour later) for the
  queues about council tax, entered as events;
* counts per interval drawn negative-binomially (over-dispersed, as real arrivals are), every
  call a fact at a random second of its interval, with the outcome mix of a council line
  (answered, abandoned with waits, short abandons, callbacks, deflected), handle times and wrap
  codes; about 2% of facts are not counted (transfer legs).

Then the planner's own code path is timed, as the pages run it (`planning.selectors`):

1. arrivals per queue, day and 15-minute interval for the year (`insight.engine.arrivals`,
   DuckDB over the Parquet files);
2. handle time, patience, wrap codes and failure demand of the last 12 weeks;
3. each queue's open days from its opening hours and the calendar, and its history;
4. the default method (`DemandForecaster`: profile x level, learnt events, calibrated 80%
   intervals) fitted and forecast for the next week, every open day;
5. staffing per interval (Erlang C, 80% in 20 s, 30% shrinkage) for that week.

Target: steps 1 to 4 under 60 seconds. The held-out week's WAPE and 80% coverage are printed
as a sanity check (synthetic data, not the back-test of `forecast_backtest.py`).
Prints a markdown section; never writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = 1
OUTCOMES = ("answered", "abandoned", "callback", "deflected")
OUTCOME_MIX = (0.86, 0.09, 0.02, 0.03)
WRAP_CODES = ("payment", "balance", "move", "discount", "complaint")


def _django() -> None:
    """The selectors import Django models; a scratch settings environment, no database use."""
    scratch = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'unused.sqlite3'}")
    os.environ.setdefault("FRONTDOOR_DATA_DIR", str(scratch))
    import django

    django.setup()


def bank_holidays(first: dt.date, last: dt.date) -> set[dt.date]:
    import holidays

    years = range(first.year, last.year + 1)
    found = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return {day for day in found if first <= day <= last}


def intraday_shape(rng: np.random.Generator, slots: int, interval: int) -> np.ndarray:
    """Relative arrivals per interval of the day: a morning and an early-afternoon peak."""
    hours = (np.arange(slots) * interval + interval / 2) / 60
    morning = rng.uniform(9.5, 10.5)
    afternoon = rng.uniform(13.5, 14.5)
    shape = np.exp(-((hours - morning) ** 2) / 2.0) + 0.7 * np.exp(
        -((hours - afternoon) ** 2) / 3.0
    )
    return shape / shape.sum()


def generate(
    folder: Path, queues: int, days: int, interval: int, seed: int
) -> tuple[dict, dt.date, dt.date, int]:
    """Write the facts; returns (queue specs, first day, first held-out day, rows written)."""
    from frontdoor.core.calendars.engine import OpeningHours, TimeRange
    from frontdoor.insight.engine.facts import FACT_SCHEMA

    rng = np.random.default_rng(seed)
    first = dt.date(2025, 1, 6)  # a Monday
    held_out = first + dt.timedelta(days=days)
    last = held_out + dt.timedelta(days=6)
    closed = frozenset(bank_holidays(first, last))
    slots = 24 * 60 // interval
    zone = dt.UTC  # only the local wall clock matters to the planner; see offered_local
    specs: dict[str, dict] = {}
    for q in range(queues):
        weekly = {d: (TimeRange(dt.time(8), dt.time(18)),) for d in range(1, 6)}
        if q % 3 == 0:
            weekly[6] = (TimeRange(dt.time(9), dt.time(13)),)
        specs[f"queue-{q:02d}"] = {
            "hours": OpeningHours(zone=zone, weekly=weekly, closed_dates=closed),
            "daily": float(np.exp(rng.uniform(np.log(60), np.log(3000)))),
            "shape": intraday_shape(rng, slots, interval),
            "billing": q % 5 == 0,
            "aht": float(rng.uniform(180, 420)),
        }
    weekday_level = np.array([1.25, 1.05, 1.0, 0.95, 0.85, 0.5, 0.0])
    bill_days = sorted(
        {
            min(
                d
                for d in (dt.date(y, m, 1) + dt.timedelta(days=k) for k in range(10))
                if d.weekday() < 5 and d not in closed
            )
            for y in range(first.year, last.year + 1)
            for m in (1, 4, 7, 10)
        }
    )
    bill_days = [d for d in bill_days if first <= d <= last]
    columns: dict[str, list[np.ndarray]] = {name: [] for name in FACT_SCHEMA.names}
    total = 0
    key = 0
    for name, spec in specs.items():
        day_list, interval_list, count_list = [], [], []
        for offset in range((last - first).days + 1):
            day = first + dt.timedelta(days=offset)
            ranges = spec["hours"].ranges_on(day)
            if not ranges:
                continue
            mask = np.zeros(slots, dtype=bool)
            for r in ranges:
                mask[
                    (r.opens.hour * 60 + r.opens.minute) // interval : (
                        r.closes.hour * 60 + r.closes.minute
                    )
                    // interval
                ] = True
            season = 1 + 0.15 * np.sin(2 * np.pi * offset / 365.25)
            level = spec["daily"] * weekday_level[day.weekday()] * season
            shape = spec["shape"] * mask
            if spec["billing"] and day in bill_days:
                level *= 1.6
                shape = np.roll(shape, 60 // interval) * mask
            shape = shape / shape.sum()
            mean = level * shape
            # Negative binomial with dispersion 30: variance = mean + mean^2 / 30.
            counts = rng.negative_binomial(30, 30 / (30 + np.maximum(mean, 1e-9)))
            counts[~mask] = 0
            nonzero = np.flatnonzero(counts)
            day_list.append(np.full(nonzero.size, offset))
            interval_list.append(nonzero)
            count_list.append(counts[nonzero])
        offsets = np.concatenate(day_list)
        slot = np.concatenate(interval_list)
        count = np.concatenate(count_list)
        n = int(count.sum())
        seconds = np.repeat(offsets * 86400 + slot * interval * 60, count) + rng.integers(
            0, interval * 60, size=n
        )
        local = np.datetime64(first.isoformat(), "s") + seconds.astype("timedelta64[s]")
        outcome = rng.choice(4, size=n, p=OUTCOME_MIX)
        wait = np.where(outcome <= 1, rng.exponential(45, size=n), np.nan)
        short = (outcome == 1) & (rng.random(n) < 0.2)
        wait = np.where(short, rng.uniform(0, 5, size=n), wait)
        handle = np.where(outcome == 0, rng.exponential(spec["aht"], size=n), np.nan)
        columns["council_id"].append(np.full(n, COUNCIL))
        columns["contact_key"].append(np.arange(key, key + n))
        columns["counted"].append(rng.random(n) > 0.02)
        columns["channel"].append(np.full(n, "phone", dtype=object))
        columns["service"].append(np.full(n, name, dtype=object))
        columns["family"].append(np.full(n, name, dtype=object))
        columns["queue"].append(np.full(n, name, dtype=object))
        columns["offered_at_utc"].append(local.astype("datetime64[us]"))
        columns["offered_local"].append(local.astype("datetime64[us]"))
        columns["month"].append(np.datetime_as_string(local, unit="M").astype(object))
        columns["outcome"].append(np.array(OUTCOMES, dtype=object)[outcome])
        columns["wait_seconds"].append(wait)
        columns["handle_seconds"].append(handle)
        columns["resolution"].append(np.full(n, None, dtype=object))
        columns["failure_demand"].append(rng.random(n) < 0.3)
        columns["failure_demand_type"].append(np.full(n, None, dtype=object))
        columns["csat_sign"].append(np.full(n, None, dtype=object))
        columns["person_key"].append(np.full(n, None, dtype=object))
        columns["email_known"].append(np.full(n, None, dtype=object))
        columns["wrap_code"].append(
            np.array(WRAP_CODES, dtype=object)[rng.integers(0, len(WRAP_CODES), size=n)]
        )
        key += n
        total += n
    arrays = {}
    for field in FACT_SCHEMA:
        values = np.concatenate(columns[field.name])
        if field.name in ("wait_seconds", "handle_seconds"):
            arrays[field.name] = pa.array(values, type=field.type, from_pandas=True)
        elif field.name == "offered_at_utc":
            arrays[field.name] = pa.array(values, type=pa.timestamp("us")).cast(field.type)
        else:
            arrays[field.name] = pa.array(values, type=field.type)
    table = pa.table(arrays, schema=FACT_SCHEMA)
    months = table.column("month").to_numpy(zero_copy_only=False)
    for month in sorted(set(months)):
        part = folder / f"council_id={COUNCIL}" / f"month={month}"
        part.mkdir(parents=True, exist_ok=True)
        chosen = table.filter(pa.array(months == month))
        pq.write_table(chosen.drop(["council_id", "month"]), part / "facts.parquet")
    specs["_bill_days"] = {"days": bill_days}
    return specs, first, held_out, total


def run(folder: Path, specs: dict, first: dt.date, held_out: dt.date, interval: int) -> dict:
    """The planner's path from facts to forecasts and staffing, timed step by step."""
    from frontdoor.core.calendars.engine import WorkingCalendar
    from frontdoor.insight.engine.arrivals import ArrivalQuery, arrivals_by_interval, queue_handling
    from frontdoor.insight.engine.kpis import FactSource
    from frontdoor.planning.engine.erlang import Target
    from frontdoor.planning.engine.forecast import Event
    from frontdoor.planning.engine.scenarios import StaffingRule, requirements
    from frontdoor.planning.selectors import forecast_days, history_of, open_mask

    source = FactSource(root=folder)
    bill_days = specs["_bill_days"]["days"]
    queues = {k: v for k, v in specs.items() if not k.startswith("_")}
    history_end = held_out - dt.timedelta(days=1)
    week = [held_out + dt.timedelta(days=n) for n in range(7)]
    timings: dict[str, float] = {}

    started = time.perf_counter()
    arrivals = arrivals_by_interval(
        source, COUNCIL, ArrivalQuery(first, history_end, interval, 5.0, channels=("phone",))
    )
    timings["arrivals"] = time.perf_counter() - started

    started = time.perf_counter()
    handling = queue_handling(
        source,
        COUNCIL,
        ArrivalQuery(history_end - dt.timedelta(weeks=12), history_end, interval, 5.0),
    )
    timings["handling"] = time.perf_counter() - started

    started = time.perf_counter()
    calendar = WorkingCalendar.of(next(iter(queues.values()))["hours"].closed_dates)
    span = [first + dt.timedelta(days=n) for n in range((history_end - first).days + 1)]
    histories, masks = {}, {}
    for name, spec in queues.items():
        opened = [d for d in span if open_mask(spec["hours"], calendar, d, interval).any()]
        histories[name] = history_of(arrivals.get(name), opened, interval)
        masks[name] = np.array([open_mask(spec["hours"], calendar, d, interval) for d in week])
    timings["histories"] = time.perf_counter() - started

    started = time.perf_counter()
    forecasts = {}
    for name, spec in queues.items():
        events = tuple(Event(d, "bill_run") for d in bill_days) if spec["billing"] else ()
        forecasts[name] = forecast_days(histories[name], week, masks[name], events)
    timings["forecast"] = time.perf_counter() - started

    started = time.perf_counter()
    staff_intervals = 0
    for name, spec in queues.items():
        rule = StaffingRule(interval, spec["aht"], Target(0.8, 20.0), shrinkage=0.3)
        needs = requirements(forecasts[name][0], rule)
        staff_intervals += sum(n.staff for row in needs for n in row)
    timings["staffing"] = time.perf_counter() - started

    actual_arrivals = arrivals_by_interval(
        source, COUNCIL, ArrivalQuery(held_out, week[-1], interval, 5.0, channels=("phone",))
    )
    error = actual_total = inside = scored = 0.0
    for name in queues:
        mean, lower, upper = forecasts[name]
        found = actual_arrivals.get(name)
        actual = found.matrix(week) if found else np.zeros_like(mean)
        opened = masks[name]
        error += float(np.abs(actual - mean)[opened].sum())
        actual_total += float(actual[opened].sum())
        inside += float(((actual >= lower) & (actual <= upper))[opened].sum())
        scored += float(opened.sum())
    return {
        "timings": timings,
        "history_days": sum(len(h.dates) for h in histories.values()),
        "intervals": int(sum(m.sum() for m in masks.values())),
        "staff_intervals": staff_intervals,
        "wape": error / actual_total if actual_total else float("nan"),
        "coverage": inside / scored if scored else float("nan"),
        "handled": len(handling),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--queues", type=int, default=30)
    parser.add_argument("--days", type=int, default=364, help="days of history (default a year)")
    parser.add_argument("--interval", type=int, choices=(15, 30), default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet folder")
    args = parser.parse_args()
    _django()
    folder = Path(tempfile.mkdtemp(prefix="forecast-queues-"))
    try:
        started = time.perf_counter()
        specs, first, held_out, rows = generate(
            folder, args.queues, args.days, args.interval, args.seed
        )
        generated = time.perf_counter() - started
        result = run(folder, specs, first, held_out, args.interval)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    t = result["timings"]
    fitted = t["arrivals"] + t["handling"] + t["histories"] + t["forecast"]
    verdict = "met" if fitted < 60 else "NOT met"
    command = (
        f".venv/bin/python benchmarks/forecast_queues.py --queues {args.queues} "
        f"--days {args.days} --interval {args.interval} --seed {args.seed}"
    )
    lines = [
        "## Forecasting 30 queues (speed)",
        "",
        f"`{command}` (generating the facts took {generated:.1f} s, not counted).",
        "",
        f"Data: {args.queues} queues, {args.days} days of history ({first} to "
        f"{held_out - dt.timedelta(days=1)}), {rows:,} contact facts in monthly Parquet "
        f"partitions, {args.interval}-minute intervals; {result['history_days']:,} open "
        f"queue-days of history; next week forecast: {result['intervals']:,} open intervals.",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| arrivals per queue, day and interval (DuckDB over Parquet) | {t['arrivals']:.2f} |",
        f"| handle time, patience, reasons, failure demand (12 weeks) | {t['handling']:.2f} |",
        f"| open days and histories (opening hours, calendar) | {t['histories']:.2f} |",
        f"| default method fitted and forecast, 80% intervals, events | {t['forecast']:.2f} |",
        f"| **facts to forecasts** | **{fitted:.2f}** |",
        f"| staffing per interval (Erlang C, 80% in 20 s, 30% shrinkage) | {t['staffing']:.2f} |",
        "",
        f"Target: facts to forecasts for 30 queues in under 60 s: **{verdict}**. "
        f"Sanity check on the held-out week (synthetic data): WAPE {result['wape']:.1%}, "
        f"80% interval coverage {result['coverage']:.1%}.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
