"""Every change to the working-day calendar: loading bank holidays, and council closure days."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import record_batch, record_change
from frontdoor.core.models import Council
from frontdoor.identity.policies import require

from . import sources
from .models import BankHoliday, ClosureDay, HolidaySource

# How many years past the later of GOV.UK's horizon and today the rules fill in, so clocks
# started now never run off the end of the table.
RULES_YEARS_AHEAD = 5
MANAGED_FIELDS = ("title", "notes", "source", "provisional")


@dataclass
class LoadReport:
    """What one load changed, and where GOV.UK's data ends for each division."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    horizons: dict[str, dt.date] = field(default_factory=dict)
    rules_until: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def do_load_bank_holidays(
    *,
    actor: Any = None,
    file_bytes: bytes | None = None,
    file_name: str = "bank-holidays.json",
    today: dt.date | None = None,
) -> LoadReport:
    """Fill the bank-holiday table for every division, idempotently (a re-run changes nothing).

    * GOV.UK data cached in the `govuk-bank-holidays` package seeds each division-year that has
      no GOV.UK rows yet (so it never reverts a fresher file).
    * A fresh `bank-holidays.json` (GOV.UK's shape), when given, is authoritative for every
      division-year it lists: rows of those years it lacks are deleted (a moved holiday).
      A malformed file is refused whole with a `BankHolidayDataError` naming the problem.
    * Past the last GOV.UK date of a division, rows are calculated from rules (`holidays`
      package) up to RULES_YEARS_AHEAD years past the later of that date and today, marked
      provisional; GOV.UK data replaces them once it covers those dates.
    * Rows entered by hand (source manual) are never changed or deleted, except that GOV.UK
      data for the same date takes over the row.

    `actor` None means the system (the command line, first-run seeding); a user must be
    allowed to act across councils. One audit entry records the batch.
    """
    if actor is not None:
        # Bank holidays are shared by every council of the install, so one council's
        # administrator may not change them: only someone who acts across councils.
        require(actor, "act_across_councils")
    today = today or timezone.localdate()
    file_events = (
        sources.load_govuk_file(file_bytes, origin=file_name) if file_bytes is not None else []
    )
    cached_events = sources.cached_govuk_events()
    report = LoadReport()
    with transaction.atomic():
        existing: dict[str, dict[dt.date, BankHoliday]] = defaultdict(dict)
        for row in BankHoliday.objects.select_for_update():
            existing[row.division][row.date] = row
        to_create: list[BankHoliday] = []
        to_update: list[BankHoliday] = []
        to_delete: list[int] = []
        for division in sources.DIVISIONS:
            _plan_division(
                division,
                rows=existing[division],
                file_events=[e for e in file_events if e.division == division],
                cached_events=[e for e in cached_events if e.division == division],
                today=today,
                report=report,
                to_create=to_create,
                to_update=to_update,
                to_delete=to_delete,
            )
        if to_delete:
            BankHoliday.objects.filter(pk__in=to_delete).delete()
        if to_update:
            BankHoliday.objects.bulk_update(to_update, MANAGED_FIELDS, batch_size=1000)
        BankHoliday.objects.bulk_create(to_create, batch_size=1000)
        report.created, report.updated, report.deleted = (
            len(to_create),
            len(to_update),
            len(to_delete),
        )
        before = sum(len(rows) for rows in existing.values())
        report.unchanged = before - report.updated - report.deleted
        record_batch(
            actor=actor,
            action="core.load_bank_holidays",
            object_type=BankHoliday._meta.label_lower,
            council_id=None,
            summary={
                "source": "file" if file_bytes is not None else "govuk-bank-holidays package",
                "file_name": file_name if file_bytes is not None else "",
                "file_sha256": hashlib.sha256(file_bytes).hexdigest() if file_bytes else "",
                "created": report.created,
                "updated": report.updated,
                "deleted": report.deleted,
                "unchanged": report.unchanged,
                "govuk_until": {d: day.isoformat() for d, day in report.horizons.items()},
                "rules_until_year": report.rules_until,
            },
        )
    return report


def _plan_division(
    division: str,
    *,
    rows: dict[dt.date, BankHoliday],
    file_events: list[sources.HolidayEvent],
    cached_events: list[sources.HolidayEvent],
    today: dt.date,
    report: LoadReport,
    to_create: list[BankHoliday],
    to_update: list[BankHoliday],
    to_delete: list[int],
) -> None:
    """Work out one division's inserts, updates and deletes (see do_load_bank_holidays)."""
    govuk: dict[dt.date, sources.HolidayEvent] = {e.date: e for e in file_events}
    authoritative_years = {e.date.year for e in file_events}
    seeded_years = {day.year for day, row in rows.items() if row.source == HolidaySource.GOVUK}
    for event in cached_events:
        if event.date.year not in authoritative_years | seeded_years:
            govuk[event.date] = event
    authoritative_years |= {e.date.year for e in cached_events} - seeded_years
    kept_govuk = {
        day
        for day, row in rows.items()
        if row.source == HolidaySource.GOVUK and day.year not in authoritative_years
    }
    govuk_dates = kept_govuk | govuk.keys()
    horizon = max(govuk_dates) if govuk_dates else None
    if horizon is not None:
        report.horizons[division] = horizon
    first_rules_year = horizon.year if horizon else today.year
    last_rules_year = max(first_rules_year, today.year) + RULES_YEARS_AHEAD
    report.rules_until = last_rules_year
    manual = {day for day, row in rows.items() if row.source == HolidaySource.MANUAL}

    wanted: dict[dt.date, tuple[sources.HolidayEvent, str, bool]] = {
        day: (event, HolidaySource.GOVUK, False) for day, event in govuk.items()
    }
    for event in sources.rules_events(division, range(first_rules_year, last_rules_year + 1)):
        if (horizon is None or event.date > horizon) and event.date not in manual:
            wanted[event.date] = (event, HolidaySource.RULES, True)

    for day, (event, source, provisional) in wanted.items():
        row = rows.get(day)
        values = {
            "title": event.title,
            "notes": event.notes,
            "source": source,
            "provisional": provisional,
        }
        if row is None:
            to_create.append(BankHoliday(division=division, date=day, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
    for day, row in rows.items():
        stale_rules = row.source == HolidaySource.RULES
        stale_govuk = row.source == HolidaySource.GOVUK and day.year in authoritative_years
        if (stale_rules or stale_govuk) and day not in wanted:
            to_delete.append(row.pk)


def ensure_bank_holidays(**_signal_kwargs: Any) -> bool:
    """Seed the bank-holiday table from the cached GOV.UK data when it is empty.

    Called lazily by the calendar selectors so a fresh install always has a calendar; its
    signature also suits a post_migrate receiver and `frontdoor demo`. True when it loaded data.
    """
    if BankHoliday.objects.exists():
        return False
    try:
        # A savepoint, so a concurrent first request that seeded first leaves this one intact.
        with transaction.atomic():
            do_load_bank_holidays()
    except IntegrityError:
        return False
    return True


def do_add_closure_day(*, actor: Any, council: Council, date: dt.date, reason: str) -> ClosureDay:
    """Close the council on `date` (complaint clocks and opening hours skip it)."""
    require(actor, "administer_council", council)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the council is closed.")})
    with transaction.atomic():
        if ClosureDay.objects.filter(council=council, date=date).exists():
            raise ValidationError(
                {
                    "date": _("The council is already closed on %(date)s.")
                    % {"date": formats.date_format(date, "j F Y")}
                }
            )
        closure = ClosureDay(council=council, date=date, reason=reason)
        closure.full_clean()
        closure.save()
        record_change(
            actor=actor,
            action="core.add_closure_day",
            instance=closure,
            changes={"date": (None, date), "reason": (None, reason)},
        )
    return closure


def do_remove_closure_day(*, actor: Any, closure: ClosureDay) -> None:
    """Reopen the council on a closure day."""
    require(actor, "administer_council", closure)
    with transaction.atomic():
        record_change(
            actor=actor,
            action="core.remove_closure_day",
            instance=closure,
            changes={"date": (closure.date, None), "reason": (closure.reason, None)},
        )
        closure.delete()
