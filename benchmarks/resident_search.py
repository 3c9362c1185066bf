"""Resident search: p50/p95/p99 of the desktop's one search box over 500,000 people.

    .venv/bin/python benchmarks/resident_search.py --database sqlite|postgres
        [--people 500000] [--queries 2100] [--seed 20261125] [--keep]

Generates a seeded population of realistic UK residents (names from Faker's en_GB lists with
their surname frequencies, plus Polish and South Asian names; households of one to five at
shared addresses with UPRNs; mobiles, landlines, emails, dates of birth, middle and preferred
names, a council-tax reference each), writes it as the documented resident CSV and loads it with
the real importer (`import_residents_file`, the code behind `frontdoor import_residents`) into
a fresh database: an SQLite file in a temporary folder, or the PostgreSQL database
`frontdoor_bench_residents` on 127.0.0.1:5432 (created, and dropped afterwards unless --keep).

It then runs a seeded mix of queries for sampled residents (exact name, name with one typo,
partial name, phone, email, postcode, council-tax reference) through the real selector,
`search_parties`, as an agent whose permissions are loaded afresh for each search (as in a
request), including the one access-log entry each search writes. It reports p50/p95/p99 per
kind and overall, and how often the sampled resident was among the results and first.

Prints a markdown section ready to paste; writes nothing into docs/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _django import throwaway_install

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "frontdoor_bench_residents"
KINDS = ("exact name", "typo name", "partial name", "phone", "email", "postcode", "reference")
CSV_COLUMNS = (
    "source_id",
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "address",
    "postcode",
    "uprn",
    "phone",
    "mobile",
    "email",
    "needs",
)
NICKNAMES = {
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Catherine": "Kate",
    "Robert": "Bob",
    "William": "Bill",
    "Richard": "Rich",
    "Thomas": "Tom",
    "James": "Jim",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Jennifer": "Jen",
    "Rebecca": "Becky",
    "Samantha": "Sam",
    "Alexander": "Alex",
    "Daniel": "Dan",
}
BORN_BY = dt.date(2026, 1, 1)  # everyone was born before the benchmark runs
DISTRICTS = [f"CF{n}" for n in range(3, 25)] + [f"NP{n}" for n in (10, 11, 18, 19, 20)]


@dataclass
class Person:
    source_id: str
    given: str
    family: str
    postcode: str
    phone: str
    email: str


def _names(locale: str, attribute: str) -> tuple[list[str], list[float] | None]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    value = getattr(provider, attribute)
    if hasattr(value, "items"):
        return list(value.keys()), list(value.values())
    return list(value), None


class Population:
    """Seeded UK residents, household by household."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.lists = {
            "gb": (
                _names("en_GB", "first_names_male"),
                _names("en_GB", "first_names_female"),
                _names("en_GB", "last_names"),
            ),
            "pl": (
                _names("pl_PL", "first_names_male"),
                _names("pl_PL", "first_names_female"),
                _names("pl_PL", "male_last_names"),
            ),
            "in": (
                _names("en_IN", "first_names_male"),
                _names("en_IN", "first_names_female"),
                _names("en_IN", "last_names"),
            ),
        }
        streets = _names("en_GB", "last_names")[0]
        suffixes = ["Road", "Street", "Avenue", "Close", "Lane", "Crescent", "Way", "Court"]
        self.postcodes = []
        for district in DISTRICTS:
            for sector in range(1, 10):
                for _ in range(50):
                    unit = "".join(self.rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
                    street = f"{self.rng.choice(streets)} {self.rng.choice(suffixes)}"
                    self.postcodes.append((f"{district} {sector}{unit}", street, district))
        self.uprn = 100_000_000_000

    def pick(self, names: tuple[list[str], list[float] | None]) -> str:
        values, weights = names
        return self.rng.choices(values, weights)[0] if weights else self.rng.choice(values)

    def households(self):
        rng = self.rng
        serial = 0
        while True:
            origin = rng.choices(["gb", "pl", "in"], [90, 4, 6])[0]
            male, female, last = self.lists[origin]
            family = self.pick(last)
            postcode, street, _district = rng.choice(self.postcodes)
            number = rng.randint(1, 180)
            flat = f"Flat {rng.randint(1, 12)}\n" if rng.random() < 0.15 else ""
            address = f"{flat}{number} {street}|Cardiff"
            self.uprn += rng.randint(1, 40)
            uprn = str(self.uprn) if rng.random() < 0.85 else ""
            landline = f"029 20{rng.randint(100000, 999999)}" if rng.random() < 0.3 else ""
            size = rng.choices([1, 2, 3, 4, 5], [28, 35, 16, 14, 7])[0]
            members = []
            for position in range(size):
                serial += 1
                is_male = rng.random() < 0.49
                given = self.pick(male if is_male else female)
                adult = position < 2 or rng.random() < 0.3
                age = rng.randint(18, 95) if adult else rng.randint(0, 17)
                born = (BORN_BY - dt.timedelta(days=age * 365 + rng.randint(0, 364))).isoformat()
                surname = family if rng.random() < 0.9 else self.pick(last)
                middle = self.pick(male if is_male else female) if rng.random() < 0.25 else ""
                preferred = NICKNAMES.get(given, "") if rng.random() < 0.5 else ""
                mobile = (
                    f"07{rng.randint(100000000, 999999999)}" if adult and rng.random() < 0.8 else ""
                )
                email = ""
                if adult and rng.random() < 0.55:
                    domain = rng.choice(
                        ["gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com"]
                    )
                    email = f"{given}.{surname}{rng.randint(1, 999)}@{domain}".lower().replace(
                        " ", ""
                    )
                needs = (
                    rng.choice(["large_print", "hearing_loop", "needs_more_time"])
                    if rng.random() < 0.03
                    else ""
                )
                members.append(
                    {
                        "source_id": f"CT{serial:08d}",
                        "title": "",
                        "given_name": given,
                        "middle_names": middle,
                        "family_name": surname,
                        "preferred_name": preferred,
                        "date_of_birth": born,
                        "address": address,
                        "postcode": postcode,
                        "uprn": uprn,
                        "phone": landline if adult else "",
                        "mobile": mobile,
                        "email": email,
                        "needs": needs,
                    }
                )
            yield members


def write_population(path: Path, people: int, seed: int, sample: set[int]) -> list[Person]:
    population = Population(seed)
    chosen: list[Person] = []
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CSV_COLUMNS)
        writer.writeheader()
        for household in population.households():
            for row in household:
                if written == people:
                    return chosen
                writer.writerow(row)
                if written in sample:
                    chosen.append(
                        Person(
                            row["source_id"],
                            row["given_name"],
                            row["family_name"],
                            row["postcode"],
                            row["mobile"] or row["phone"],
                            row["email"],
                        )
                    )
                written += 1
    return chosen


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard, never on the first letter (people rarely get that wrong)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(20):
        at = rng.randint(1, len(word) - 1)
        kind = rng.choice(["swap", "drop", "wrong", "extra"])
        if kind == "swap" and at < len(word) - 1:
            out = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif kind == "drop":
            out = word[:at] + word[at + 1 :]
        elif kind == "wrong":
            out = word[:at] + rng.choice(letters) + word[at + 1 :]
        else:
            out = word[:at] + rng.choice(letters) + word[at:]
        if out.lower() != word.lower():
            return out
    return word + "e"


def queries_for(people: list[Person], count: int, seed: int) -> list[tuple[str, str, str]]:
    """(kind, text, source_id of the person sought), the kinds in equal shares."""
    rng = random.Random(seed + 1)
    out: list[tuple[str, str, str]] = []
    pool = list(people)
    rng.shuffle(pool)
    people_iter = iter(pool * 3)
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        person = next(people_iter)
        while (kind == "phone" and not person.phone) or (kind == "email" and not person.email):
            person = next(people_iter)
        if kind == "exact name":
            text = f"{person.given} {person.family}"
        elif kind == "typo name":
            if len(person.family) >= 4 and (rng.random() < 0.6 or len(person.given) < 4):
                text = f"{person.given} {typo(person.family, rng)}"
            else:
                text = f"{typo(person.given, rng)} {person.family}"
        elif kind == "partial name":
            text = rng.choice(
                [
                    f"{person.given[0]} {person.family}",
                    f"{person.given[:3]} {person.family[:4]}",
                    f"{person.given} {person.family[:4]}",
                ]
            )
        elif kind == "phone":
            digits = person.phone.replace(" ", "")
            text = rng.choice(
                [digits, f"{digits[:5]} {digits[5:]}", f"+44 {digits[1:5]} {digits[5:]}"]
            )
        elif kind == "email":
            text = person.email if rng.random() < 0.7 else person.email.upper()
        elif kind == "postcode":
            text = (
                person.postcode if rng.random() < 0.6 else person.postcode.lower().replace(" ", "")
            )
        else:
            text = person.source_id if rng.random() < 0.7 else person.source_id.lower()
        out.append((kind, text, person.source_id))
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--queries", type=int, default=2100)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with throwaway_install(
        "frontdoor-resident-search-", database=args.database, pg_name=PG_NAME, keep=args.keep
    ) as folder:
        run(args, folder)


def run(args: argparse.Namespace, folder: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log: it would cost time and memory the product does not spend

    from frontdoor.audit.models import AccessLogEntry
    from frontdoor.citizens.importing import import_residents_file
    from frontdoor.citizens.models import ExternalReference, SearchKey
    from frontdoor.citizens.search import search_parties
    from frontdoor.core.models import Council
    from frontdoor.identity.models import User

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    council = Council.objects.create(slug="bench", name="Benchmark Council")
    agent = User.objects.create(username="bench-agent", council=council)
    agent.groups.add(Group.objects.get(name="agent"))

    sample_rng = random.Random(args.seed + 2)
    sample = set(sample_rng.sample(range(args.people), min(args.people, args.queries * 3)))
    data = folder / "residents.csv"
    t0 = time.perf_counter()
    chosen = write_population(data, args.people, args.seed, sample)
    wrote = time.perf_counter() - t0
    print(f"wrote {args.people:,} people ({data.stat().st_size / 1e6:.0f} MB CSV) in {wrote:.1f} s")

    t0 = time.perf_counter()

    def progress(report) -> None:
        if report.read % 50_000 < 5000:
            print(f"  {report.read:>9,} rows  {time.perf_counter() - t0:7.1f} s", flush=True)

    result = import_residents_file(
        actor=None,
        council=council,
        path=data,
        source="council-tax",
        batch_size=5000,
        progress=progress,
    )
    loaded = time.perf_counter() - t0
    report = result.resident_import
    print(f"loaded: {report.created:,} created, {report.rejected} rejected in {loaded:.1f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does on a live database: statistics, and the visibility map that
        # lets index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    keys = SearchKey.objects.count()

    queries = queries_for(chosen, args.queries, args.seed)
    ids = dict(
        ExternalReference.objects.filter(
            council=council, source="council-tax", source_id__in={q[2] for q in queries}
        ).values_list("source_id", "party_id")
    )
    for _kind, text, _source_id in queries[:50]:  # warm-up: connections, caches, code paths
        search_parties(User.objects.get(pk=agent.pk), council, text)
    entries_before = AccessLogEntry.objects.count()
    timings: dict[str, list[float]] = {k: [] for k in KINDS}
    found: dict[str, int] = dict.fromkeys(KINDS, 0)
    first: dict[str, int] = dict.fromkeys(KINDS, 0)
    crowded: dict[str, int] = dict.fromkeys(KINDS, 0)
    for kind, text, source_id in queries:
        viewer = User.objects.get(pk=agent.pk)  # a request's user: permissions not yet loaded
        t = time.perf_counter()
        outcome = search_parties(viewer, council, text)
        timings[kind].append((time.perf_counter() - t) * 1000)
        shown = [r.party_id for r in outcome.results]
        found[kind] += ids[source_id] in shown
        first[kind] += bool(shown) and shown[0] == ids[source_id]
        crowded[kind] += outcome.more
    logged = AccessLogEntry.objects.count() - entries_before
    every = [t for values in timings.values() for t in values]

    if connection.vendor == "sqlite":
        size = sum(f.stat().st_size for f in folder.glob("frontdoor.sqlite3*")) / 1e9
        engine = f"SQLite {connection.Database.sqlite_version} (WAL, synchronous=NORMAL)"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database()), version()")
            raw, version = cursor.fetchone()
        size = raw / 1e9
        engine = version.split(" on ")[0]
    total = time.perf_counter() - began

    rows = []
    for kind in KINDS:
        values = timings[kind]
        n = len(values)
        rows.append(
            f"| {kind} | {n} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} | "
            f"{percentile(values, 0.99):.1f} | {found[kind] / n:.1%} | {first[kind] / n:.1%} | "
            f"{crowded[kind] / n:.1%} |"
        )
    p95 = percentile(every, 0.95)
    command = (
        f".venv/bin/python benchmarks/resident_search.py --database {args.database} "
        f"--people {args.people} --queries {args.queries}"
    )
    n = len(every)
    overall = (
        f"| **all** | {n} | {percentile(every, 0.5):.1f} | **{p95:.1f}** | "
        f"{percentile(every, 0.99):.1f} | {sum(found.values()) / n:.1%} | "
        f"{sum(first.values()) / n:.1%} | {sum(crowded.values()) / n:.1%} |"
    )
    verdict = "meets" if p95 < 100 else "misses"
    print(
        f"""
## Resident search ({args.database})

Command: `{command}`

Data: {args.people:,} seeded residents, {report.created:,} created
(households of 1-5 at shared addresses, en_GB names with their surname frequencies plus Polish
and South Asian names, {keys:,} search keys), loaded with the real importer in {loaded:.0f} s
({args.people / loaded:,.0f} rows/s); database {size:.2f} GB on {engine}.
Queries: {len(every):,} (after 50 warm-up), the seven kinds in equal shares, each through
`search_parties` with the agent's permissions loaded afresh and the one access-log entry
written ({logged:,} entries for {len(every):,} searches). Times in ms.

| query | n | p50 | p95 | p99 | sought person shown | shown first | more matched than shown (20) |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}
{overall}

Target p95 < 100 ms: {verdict} it (mean {statistics.fmean(every):.1f} ms). Run time {total:.0f} s.
"""
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
