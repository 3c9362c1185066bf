"""A small contact history for planning tests: a queue open 09:00-17:00 on weekdays and a few
weeks of calls with a morning peak, imported through the real contact import."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.calendars.models import OpeningPattern
from frontdoor.core.models import Council, Queue
from frontdoor.planning.selectors import today_of

# Calls per half hour from 09:00 to 16:30: a morning peak, a quieter afternoon.
PROFILE = [8, 14, 16, 14, 12, 10, 9, 8, 9, 10, 9, 8, 7, 6, 5, 4]
HEADER = (
    "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,"
    "failure_demand,wrap_code\n"
)


def open_weekdays(queue: Queue, opens: str = "09:00", closes: str = "17:00") -> None:
    for weekday in range(1, 6):
        OpeningPattern.objects.get_or_create(
            queue=queue, weekday=weekday, opens=opens, closes=closes
        )


def seed_history(
    council: Council,
    *,
    service: str = "council-tax",
    weeks: int = 3,
    scale: int = 1,
    busy_days: dict[dt.date, int] | None = None,
    prefix: str = "p",
) -> int:
    """Import `weeks` weeks of weekday calls before the council's today (`busy_days` get that
    many times the usual calls); returns the count. Contact ids start with `prefix`: a second
    history (another service) needs its own, or the import would update the first one's."""
    today = today_of(council)
    lines = [HEADER]
    number = 0
    for offset in range(weeks * 7, 0, -1):
        day = today - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        times = scale * (busy_days or {}).get(day, 1)
        for slot, calls in enumerate(PROFILE):
            for k in range(calls * times):
                number += 1
                minute = 9 * 60 + slot * 30 + (k * 29) // max(calls * times, 1)
                at = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"
                if number % 10 == 0:
                    outcome, wait, handle = "abandoned", "90", ""
                else:
                    outcome, wait, handle = "answered", "25", "240"
                failure = "true" if number % 4 == 0 else "false"
                wrap = "bill" if number % 3 == 0 else "move"
                lines.append(
                    f"{prefix}{number},phone,{service},{at},{outcome},{wait},{handle},{failure},{wrap}\n"
                )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        path.write_text("".join(lines))
        import_contacts_file(actor=None, council=council, path=path)
    return number
