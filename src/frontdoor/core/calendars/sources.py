"""Where bank holidays come from: GOV.UK's JSON (cached in a package, or a fresh file) and rules.

Plain Python over the data; the loader in `actions.py` writes the result to the database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import holidays as holiday_rules

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")

# The `holidays` package's subdivision for each GOV.UK division. Wales shares England's bank
# holidays, and the GOV.UK division is "england-and-wales", so the English rules stand for both.
RULES_SUBDIVISION = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
OBSERVED_SUFFIX = " (observed)"
SUBSTITUTE_NOTE = "Substitute day"


class BankHolidayDataError(ValueError):
    """A bank-holidays file is not in GOV.UK's shape; the message says what and where."""


@dataclass(frozen=True, slots=True)
class HolidayEvent:
    """One bank holiday of one division."""

    division: str
    date: dt.date
    title: str
    notes: str = ""


def parse_govuk(data: Any, *, origin: str = "the file") -> list[HolidayEvent]:
    """The events of a GOV.UK `bank-holidays.json` document, checked strictly.

    The shape is {division: {"division": division, "events": [{"title", "date", "notes",
    "bunting"}]}}. A fresh file replaces trusted data, so anything unexpected is refused whole
    rather than loaded in part: unknown or missing divisions, events without a title, dates not
    in YYYY-MM-DD form, and the same date twice in a division.
    """
    if not isinstance(data, Mapping):
        raise BankHolidayDataError(
            f"{origin} must be a JSON object keyed by division ({', '.join(DIVISIONS)})."
        )
    unknown = sorted(set(data) - set(DIVISIONS))
    if unknown:
        raise BankHolidayDataError(
            f"{origin} has unknown divisions: {', '.join(unknown)}; "
            f"expected only {', '.join(DIVISIONS)}."
        )
    missing = [division for division in DIVISIONS if division not in data]
    if missing:
        raise BankHolidayDataError(f"{origin} has no events for: {', '.join(missing)}.")
    events: list[HolidayEvent] = []
    for division in DIVISIONS:
        block = data[division]
        if not isinstance(block, Mapping) or not isinstance(block.get("events"), list):
            raise BankHolidayDataError(f'{origin}: "{division}" must have a list of "events".')
        if not block["events"]:
            raise BankHolidayDataError(f'{origin}: "{division}" has no events.')
        seen: set[dt.date] = set()
        for number, event in enumerate(block["events"], start=1):
            where = f'{origin}: "{division}" event {number}'
            if not isinstance(event, Mapping):
                raise BankHolidayDataError(f"{where} is not an object.")
            title = event.get("title")
            if not isinstance(title, str) or not title.strip():
                raise BankHolidayDataError(f"{where} has no title.")
            raw_date = event.get("date")
            try:
                day = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
            except ValueError:
                day = None
            if day is None or len(raw_date or "") != len("YYYY-MM-DD"):
                raise BankHolidayDataError(
                    f"{where} has date {raw_date!r}; expected a date like 2026-12-25."
                )
            if day in seen:
                raise BankHolidayDataError(f"{where} repeats the date {day.isoformat()}.")
            seen.add(day)
            notes = event.get("notes") or ""
            if not isinstance(notes, str):
                raise BankHolidayDataError(f"{where} has notes that are not text.")
            events.append(HolidayEvent(division, day, title.strip()[:200], notes.strip()[:200]))
    return events


def load_govuk_file(raw: bytes, *, origin: str) -> list[HolidayEvent]:
    """Parse the bytes of a GOV.UK bank-holidays file (see `parse_govuk`)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BankHolidayDataError(f"{origin} is not valid JSON: {error}.") from error
    return parse_govuk(data, origin=origin)


def cached_govuk_events() -> list[HolidayEvent]:
    """The GOV.UK data cached inside the `govuk-bank-holidays` package (no network)."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    return parse_govuk(BankHolidays.load_backup_data(), origin="the govuk-bank-holidays package")


def rules_events(division: str, years: Iterable[int]) -> list[HolidayEvent]:
    """Bank holidays computed from rules by the `holidays` package, in GOV.UK's form.

    The package lists both the real date of a holiday that falls at a weekend and its
    "(observed)" substitute weekday. GOV.UK lists only the day off, so we keep the substitute
    (titled as the holiday, noted "Substitute day") and drop weekend dates, which are never
    working days anyway.
    """
    years = list(years)
    if not years:
        return []
    table = holiday_rules.UK(subdiv=RULES_SUBDIVISION[division], years=years)
    events: list[HolidayEvent] = []
    for day, names in sorted(table.items()):
        if day.weekday() >= 5:
            continue
        # One date can carry several names ("Christmas Day (observed); Boxing Day").
        parts = [name.strip() for name in str(names).split(";")]
        observed = all(part.endswith(OBSERVED_SUFFIX) for part in parts)
        title = "; ".join(part.removesuffix(OBSERVED_SUFFIX) for part in parts)
        events.append(HolidayEvent(division, day, title, SUBSTITUTE_NOTE if observed else ""))
    return events
