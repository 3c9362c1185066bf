"""Case KPIs at scale: the real NYC casework imported, checked against its daily counts, scaled
to 350,000 cases, and the case-KPI page timed.

    .venv/bin/python benchmarks/case_kpis.py [--database sqlite|postgres] [--cases 350000]
        [--runs 5] [--keep]

1. Imports the real NYC Council constituent casework (../shared/data/nyc-council-constituent-
   services/nycc_cases_2022.csv and nycc_cases_2023_2025.csv) with the shipped mapping, through
   `import_cases_file` (the code behind `frontdoor import_cases`), into a fresh database (an
   SQLite file in a temporary folder, or the PostgreSQL database `frontdoor_bench_cases` on
   127.0.0.1:5432, created and dropped afterwards unless --keep), and checks its openings per
   day and category against the shipped daily counts (closures are not comparable: the daily
   closures include cases opened before 2022).
2. Scales the council to --cases cases by importing the same rows again under new keys
   ("<key>~2", "~3", ...): the real shape (categories, offices, opening and closing dates)
   repeated, times as the real importer takes them.
3. Times the case KPIs for a month, a year and the whole three years, --runs times each (the
   median is reported): the selector alone, the page (GET /cases/reports/kpis/ as a
   performance analyst, rendered) and the API (GET /api/councils/<slug>/case-kpis).

Prints a markdown section ready to paste; writes nothing into docs/.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

from _django import throwaway_install

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "nyc-council-constituent-services"
FILES = ("nycc_cases_2022.csv", "nycc_cases_2023_2025.csv")
DAILY = "nycc_daily_opened_closed_by_type.csv"
PG_NAME = "frontdoor_bench_cases"
PERIODS = (
    ("a month (June 2023)", "2023-06-01", "2023-06-30"),
    ("a year (2023)", "2023-01-01", "2023-12-31"),
    ("three years (2022 to 9 Jan 2025)", "2022-01-01", "2025-01-09"),
)


def write_scaled(folder: Path, wanted: int) -> tuple[Path | None, int]:
    """The real rows again under new keys until the council has `wanted` cases."""
    rows: list[list[str]] = []
    header: list[str] = []
    for name in FILES:
        with (DATA / name).open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows.extend(reader)
    unique = len({row[0] for row in rows})
    extra = wanted - unique
    if extra <= 0:
        return None, 0
    path = folder / "scaled.csv"
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        copy = 2
        while written < extra:
            seen: set[str] = set()
            for row in rows:
                if row[0] in seen:
                    continue  # the repeated keys stay repeated only in the real files
                seen.add(row[0])
                writer.writerow([f"{row[0]}~{copy}", *row[1:]])
                written += 1
                if written == extra:
                    break
            copy += 1
    return path, written


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=350_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with throwaway_install(
        "frontdoor-case-kpis-", database=args.database, pg_name=PG_NAME, keep=args.keep
    ) as folder:
        run(args, folder)


def run(args: argparse.Namespace, folder: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.DEBUG = False  # no query log: it would cost time and memory the product does not spend
    settings.ALLOWED_HOSTS = ["*"]

    from frontdoor.cases.importing import compare_daily_openings, import_cases_file, load_mapping
    from frontdoor.cases.models import Case
    from frontdoor.cases.selectors import case_kpis
    from frontdoor.core.models import Council
    from frontdoor.identity.actions import do_issue_api_token
    from frontdoor.identity.models import User

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    mapping = load_mapping("nyc-council")
    council = Council.objects.create(
        slug="bench", name="Benchmark Council", time_zone="America/New_York"
    )

    def progress(report) -> None:
        if report.read % 50_000 < 2000:
            print(f"  {report.read:>9,} rows  {time.perf_counter() - t0:7.1f} s", flush=True)

    t0 = time.perf_counter()
    real = import_cases_file(
        actor=None,
        council=council,
        paths=[DATA / name for name in FILES],
        mapping=mapping,
        progress=progress,
    )
    real_seconds = time.perf_counter() - t0
    report = real.case_import
    print(f"real: {report.read:,} rows, {report.created:,} cases in {real_seconds:.1f} s")
    check = compare_daily_openings(
        council, DATA / DAILY, mapping, [*real.repeats, *real.rejections]
    )

    scaled_path, scaled_rows = write_scaled(folder, args.cases)
    scaled_seconds = 0.0
    if scaled_path is not None:
        t0 = time.perf_counter()
        scaled = import_cases_file(
            actor=None, council=council, paths=[scaled_path], mapping=mapping, progress=progress
        )
        scaled_seconds = time.perf_counter() - t0
        print(f"scaled: {scaled.case_import.created:,} cases in {scaled_seconds:.1f} s")
    cases = Case.objects.filter(council=council).count()
    open_now = Case.objects.filter(council=council, closed=False).count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    analyst = User.objects.create(username="bench-analyst", council=council)
    analyst.groups.add(Group.objects.get(name="performance_analyst"))
    browser = Client()
    browser.force_login(analyst)
    _token, raw = do_issue_api_token(actor=None, user=analyst, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    lines = []
    for label, start, end in PERIODS:
        first, last = (dt_date(start), dt_date(end))

        def selector(first=first, last=last):
            return case_kpis(User.objects.get(pk=analyst.pk), council, first, last)

        kpis = selector()  # warm-up
        query = {
            "start_day": first.day,
            "start_month": first.month,
            "start_year": first.year,
            "end_day": last.day,
            "end_month": last.month,
            "end_year": last.year,
        }

        def page(query=query):
            response = browser.get("/cases/reports/kpis/", query)
            assert response.status_code == 200, response.status_code

        def answer(start=start, end=end):
            response = api.get(f"/api/councils/bench/case-kpis?start={start}&end={end}")
            assert response.status_code == 200, response.status_code

        page()
        answer()
        lines.append(
            f"| {label} | {kpis.total.opened:,} | {kpis.total.closed:,} | "
            f"{kpis.total.open_at_end:,} | {kpis.total.median_days} / {kpis.total.p90_days} | "
            f"{median_ms(selector, args.runs):.0f} | {median_ms(page, args.runs):.0f} | "
            f"{median_ms(answer, args.runs):.0f} |"
        )

    if connection.vendor == "sqlite":
        size = sum(f.stat().st_size for f in folder.glob("frontdoor.sqlite3*")) / 1e9
        import sqlite3

        engine = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database()), version()")
            raw_size, version = cursor.fetchone()
        size = raw_size / 1e9
        engine = version.split(" on ")[0]
    explained = len(check.differences) - len(check.unexplained)
    rate = (report.read + scaled_rows) / (real_seconds + scaled_seconds)
    command = (
        f".venv/bin/python benchmarks/case_kpis.py --database {args.database} "
        f"--cases {args.cases} --runs {args.runs}"
    )
    print(
        f"""
## Case KPIs ({args.database})

Command: `{command}`

Data: the real NYC Council constituent casework, {report.read:,} rows (2022 to 9 January 2025)
imported with the `nyc-council` mapping in {real_seconds:.0f} s: {report.created:,} cases,
{report.rejected} rejected rows, {report.repeated} repeated keys (reported, first row kept).
Then scaled with the same rows under new keys ({scaled_rows:,} more, {scaled_seconds:.0f} s) to
**{cases:,} cases** in one council ({open_now:,} open), each with its timeline entries; import
rate {rate:,.0f} rows/s, batches of 2,000. Database {size:.2f} GB on {engine}; {os.cpu_count()}
cores shared.

Daily openings check (real rows only, {check.first} to {check.last}): {check.pairs:,} day and
category pairs over {check.days:,} days, {check.matched:,} match exactly; {check.imported:,}
cases imported against {check.expected:,} counted; {explained} differences, each explained by a
repeated key the import kept once; {len(check.unexplained)} unexplained. Closures are not
compared: the daily closures include cases opened before 2022.

Median of {args.runs} runs, in milliseconds, over the council's {cases:,} cases (selector: the
KPIs in total and by type, service and team, with the percentiles and chasing; page: the whole
HTML response; API: the JSON response):

| period | opened | closed | open at end | median / p90 days | selector ms | page ms | API ms |
|---|---:|---:|---:|---:|---:|---:|---:|
"""
        + "\n".join(lines)
        + f"\n\nTotal run {time.perf_counter() - began:.0f} s.\n"
    )


def dt_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
