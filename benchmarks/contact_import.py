"""Import speed: a million contact records into SQLite, then the same file again.

    .venv/bin/python benchmarks/contact_import.py [--rows 1000000]

Writes a seeded interchange-format CSV (1,000,000 records over a year, 32 services, every
channel, about 1 in 500 records bad so the rejection path runs too), migrates a fresh SQLite
database in a temporary data folder, loads the reference catalogue, then times the real command
`frontdoor import_contacts FILE` twice: the first import and the re-run of the same file, which
must change nothing. Target: each under 60 seconds on this machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import write_section

ROOT = Path(__file__).resolve().parent.parent
FRONTDOOR = ROOT / ".venv" / "bin" / "frontdoor"
with (ROOT / "src/frontdoor/core/fixtures/service-catalogue.csv").open(encoding="utf-8") as f:
    SERVICES = [row["service_id"] for row in csv.DictReader(f)]
HEADER = [
    "contact_id",
    "source",
    "channel",
    "service",
    "offered_at",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "resolution",
    "failure_demand",
    "failure_demand_type",
    "citizen_ref",
    "email_known",
    "csat",
    "wrap_code",
    "agent_ref",
]


def write_file(path: Path, rows: int, seed: int = 7) -> int:
    """A seeded year of contacts; returns how many records are deliberately bad."""
    rng = np.random.default_rng(seed)
    services = SERVICES
    start = dt.datetime(2025, 1, 1, 8, 0)
    offsets = np.sort(rng.integers(0, 365 * 86400, size=rows))
    channel = rng.choice(
        ["phone", "email", "webchat", "web_form"], size=rows, p=[0.7, 0.12, 0.1, 0.08]
    )
    outcome = rng.choice(["answered", "abandoned", "callback"], size=rows, p=[0.88, 0.1, 0.02])
    wait = rng.exponential(200, size=rows).round(1)
    handle = rng.gamma(2.0, 150, size=rows).round(0)
    resolution = rng.choice(
        ["first_contact", "follow_up_resolved", "handed_over", "unresolved"], size=rows
    )
    service = rng.choice(services, size=rows)
    person = rng.integers(0, 200_000, size=rows)
    bad = rng.random(rows) < 0.002
    bad_count = 0
    with path.open("w", newline="", encoding="utf-8") as handle_out:
        writer = csv.writer(handle_out)
        writer.writerow(HEADER)
        for i in range(rows):
            moment = start + dt.timedelta(seconds=int(offsets[i]))
            answered = outcome[i] == "answered"
            waited = channel[i] in ("phone", "webchat") and outcome[i] != "callback"
            row = [
                f"bench-{i:08d}",
                "telephony" if channel[i] == "phone" else "crm",
                channel[i],
                service[i],
                moment.isoformat(),
                outcome[i],
                wait[i] if waited else "",
                handle[i] if answered else "",
                resolution[i] if answered else "",
                "true" if i % 4 == 0 else "false",
                "chasing" if i % 8 == 0 else "",
                f"ref-{person[i]}" if i % 3 else "",
                "yes" if i % 5 else "no",
                (i % 5) + 1 if i % 4 == 1 else "",
                f"W{i % 40:02d}",
                f"agent-{i % 120}",
            ]
            if bad[i]:
                row[4] = "2025-13-45T10:00:00"
                bad_count += 1
            writer.writerow(row)
    return bad_count


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="frontdoor-import-bench-") as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "FRONTDOOR_DATA_DIR": str(work),
            "DEBUG": "true",
            "FRONTDOOR_TASKS_IMMEDIATE": "false",
        }
        env.pop("DATABASE_URL", None)
        data = work / "contacts.csv"
        began = time.perf_counter()
        bad = write_file(data, args.rows)
        print(f"wrote {args.rows:,} records ({bad} bad) in {time.perf_counter() - began:.1f} s")
        subprocess.run([str(FRONTDOOR), "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [
                str(FRONTDOOR),
                "load_catalogue",
                str(ROOT / "src/frontdoor/core/fixtures/service-catalogue.csv"),
                "--families",
                str(ROOT / "src/frontdoor/core/fixtures/service-families.csv"),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        first, first_line = timed([str(FRONTDOOR), "import_contacts", str(data)], env)
        print(f"first import: {first:.1f} s: {first_line}")
        again, again_line = timed([str(FRONTDOOR), "import_contacts", str(data)], env)
        print(f"re-run: {again:.1f} s: {again_line}")
        size_mb = data.stat().st_size / 1e6

    verdict = "meets" if max(first, again) < 60 else "misses"
    write_section(
        "Contact import (SQLite)",
        f"""
Command: `.venv/bin/python benchmarks/contact_import.py --rows {args.rows}`

Data: {args.rows:,} seeded interchange-format records ({size_mb:.0f} MB CSV, a year, 32 services,
four channels, {bad} deliberately bad dates), imported with the real command
`frontdoor import_contacts FILE` into a fresh SQLite database (WAL), wall time of the whole
process including start-up.

| run | seconds | result |
|---|---|---|
| first import | {first:.1f} | {first_line} |
| re-run of the same file | {again:.1f} | {again_line} |

Target: each under 60 s: {verdict} it.
""",
    )


if __name__ == "__main__":
    main()
