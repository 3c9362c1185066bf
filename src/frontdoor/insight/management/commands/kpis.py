"""frontdoor kpis --from DATE --to DATE [--council SLUG] [--by KEYS] ... --format json|csv|table"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdoor.contacts.models import Channel
from frontdoor.core.cli_council import resolve_council
from frontdoor.insight.models import KPI_NAMES
from frontdoor.insight.selectors import council_kpis

PERCENT_KPIS = {
    "pct_answered",
    "pct_abandoned",
    "service_level",
    "fcr",
    "overall_resolution",
    "failure_demand",
    "csat",
    "repeat_7d",
    "no_email_share",
}


class Command(BaseCommand):
    help = (
        "Print a council's contact-centre KPIs for a period (inclusive local dates), grouped by "
        "any of service, family, channel, queue, day, week, month, weekday, hour, interval. "
        "Options override the council's stored settings for this run. --format json prints the "
        "reference's machine output exactly (unrounded); csv and table are for people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, type=_date)
        parser.add_argument("--to", dest="date_to", required=True, type=_date)
        parser.add_argument("--council")
        parser.add_argument("--by", default="", help="comma-separated grouping keys")
        parser.add_argument("--channel", choices=Channel.values)
        parser.add_argument("--interval-minutes", type=int, choices=[15, 30])
        parser.add_argument("--short-abandon-seconds", type=float)
        parser.add_argument("--service-level-seconds", type=float)
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        council = resolve_council(options["council"])
        by = [key.strip() for key in options["by"].split(",") if key.strip()]
        try:
            report = council_kpis(
                council,
                date_from=options["date_from"],
                date_to=options["date_to"],
                by=by,
                channel=options["channel"],
                interval_minutes=options["interval_minutes"],
                short_abandon_seconds=options["short_abandon_seconds"],
                service_level_seconds=options["service_level_seconds"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        output = report.as_output()
        if options["format"] == "json":
            self.stdout.write(json.dumps(output, indent=2))
        elif options["format"] == "csv":
            columns = [*by, "provisional", *KPI_NAMES]
            writer = csv.DictWriter(self.stdout, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in output["rows"]:
                writer.writerow({k: "" if row[k] is None else row[k] for k in columns})
        else:
            self.stdout.write(_table(by, output))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _shown(kpi: str, value: Any) -> str:
    if value is None:
        return "-"
    if kpi in PERCENT_KPIS:
        return f"{value * 100:.1f}%"
    if kpi == "csat_net":
        return f"{value:+.2f}"
    if kpi.endswith("_seconds"):
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes:02d}:{seconds:02d}"
    return f"{value:,}"


def _table(by: list[str], output: dict[str, Any]) -> str:
    settings = output["settings"]
    columns = [*by, *KPI_NAMES]
    lines = [[*by, *KPI_NAMES]]
    for row in output["rows"]:
        cells = [str(row[k]) for k in by] + [_shown(k, row[k]) for k in KPI_NAMES]
        if row["provisional"]:
            cells[0 if by else len(by)] += " *"
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    text = [
        f"{settings['council']}: {settings['from']} to {settings['to']}, "
        f"short abandon < {settings['short_abandon_seconds']:g} s, service level within "
        f"{settings['service_level_seconds']:g} s, definitions {settings['definitions_version']}"
    ]
    for line in lines:
        text.append("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    if any(row["provisional"] for row in output["rows"]):
        text.append("* provisional: the period ended less than 7 days ago (repeat contacts)")
    return "\n".join(text)
