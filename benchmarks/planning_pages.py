"""Planning pages with and without the forecast cache, on the demo council.

    .venv/bin/python benchmarks/planning_pages.py [--scale 1.0] [--runs 5] [--keep] [--no-report]

Builds, in a fresh SQLite database in a temporary folder, the demo council as `make demo` does
(the reference catalogue, queues open 09:00-17:00 on weekdays, and a year of contacts from the
demo generator at --scale, then its Parquet snapshots), signs in as a planner through Django's
test client and times, in milliseconds:

1. the forecast selector (`forecasts_for_week` for the Council Tax queue, next week) with the
   cache emptied first (a computation), then again (a cache hit);
2. the queue's forecast page (GET /planning/queues/council-tax/), first load with the cache
   emptied, second load, then another day of the week and the staffing page (both hits);
3. the overview (every queue's forecast), first and second load.

Each figure is the median of --runs runs (for first loads the cache is emptied before each).
The cache is Django's default cache as configured (locmem here; Redis when REDIS_URL is set).
Prints the figures and writes them as a section of docs/benchmarks.md (--no-report leaves it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import throwaway_install
from _report import write_section


def median_ms(
    action: Callable[[], object], runs: int, before: Callable[[], object] | None = None
) -> float:
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="demo contact volume (1.0: full)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database folder")
    parser.add_argument("--no-report", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    with throwaway_install(
        "frontdoor-planning-pages-",
        keep=args.keep,
        extra_env={"FRONTDOOR_DEMO_CONTACT_SCALE": str(args.scale)},
    ):
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = False  # no query log: it costs time the product does not spend
    settings.ALLOWED_HOSTS = ["*"]

    from frontdoor.contacts.models import Contact
    from frontdoor.demo import steps
    from frontdoor.demo.generator import DemoContext
    from frontdoor.identity.models import User
    from frontdoor.planning import selectors

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    import random

    context = DemoContext(seed=42, rng=random.Random(42), out=io.StringIO())
    for step in (
        steps.ensure_reference_data,
        steps.ensure_councils,
        steps.load_catalogue,
        steps.opening_hours,
        steps.teams_and_staff,
        steps.a_year_of_contacts,
    ):
        step(context)
    council = context.councils["demo"]
    built = time.perf_counter() - began
    contacts = Contact.objects.filter(council=council).count()
    calls = Contact.objects.filter(council=council, channel="phone").count()
    cache = caches["default"]
    backend = type(cache).__name__

    planner = User.objects.get(username="planner")
    client = Client()
    client.force_login(planner)
    week = selectors.next_week_start(council)
    queue = selectors.queue_of(council, "council-tax")
    assert queue is not None
    path = f"/planning/queues/council-tax/?week={week}"
    tuesday = week + dt.timedelta(days=1)

    def selector() -> None:
        selectors.forecasts_for_week(council, week, queues=[queue])

    def get(url: str) -> Callable[[], None]:
        def fetch() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return fetch

    get(path)()  # warm-up: imports, templates, DuckDB's first connection
    cache.clear()
    rows = [
        (
            "forecast selector, Council Tax",
            median_ms(selector, args.runs, cache.clear),
            median_ms(selector, args.runs),
        ),
        (
            "forecast page, Council Tax",
            median_ms(get(path), args.runs, cache.clear),
            median_ms(get(path), args.runs),
        ),
        (
            "forecast page, another day (cached)",
            None,
            median_ms(get(f"{path}&day={tuesday}"), args.runs),
        ),
        (
            "staffing page, Council Tax (cached)",
            None,
            median_ms(get(f"/planning/queues/council-tax/staffing/?week={week}"), args.runs),
        ),
        (
            "overview, every queue",
            median_ms(get(f"/planning/?week={week}"), args.runs, cache.clear),
            median_ms(get(f"/planning/?week={week}"), args.runs),
        ),
    ]
    lines = [
        f"| {label} | {'-' if first is None else f'{first:.0f}'} | {second:.0f} |"
        for label, first, second in rows
    ]
    queues = len(selectors.planning_queues(council))
    command = f"python benchmarks/planning_pages.py --scale {args.scale} --runs {args.runs}"
    body = f"""Command: `{command}`.

Data: the demo council from the demo generator at scale {args.scale}: {contacts:,} contacts
({calls:,} calls) over a year, {queues} queues open 09:00-17:00 on weekdays, Parquet snapshots
refreshed; SQLite in a temporary folder; cache backend {backend}; built in {built:.0f} s;
{os.cpu_count()} cores shared. Median of {args.runs} runs in milliseconds (first load: the cache
emptied before each run; second load: the entry in the cache).

| page | first load ms | second load ms |
|---|---:|---:|
""" + "\n".join(lines)
    print(body)
    if not args.no_report:
        write_section("Planning pages and the forecast cache", body)


if __name__ == "__main__":
    main()
