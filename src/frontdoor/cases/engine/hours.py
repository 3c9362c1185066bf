"""Hours within opening hours, by arithmetic: "answered within 4 working hours".

`OpeningTime` turns an `OpeningHours` (a weekly pattern, dated exceptions and closed dates) into
a cumulative count of open seconds, the way `WorkingCalendar` counts working days:

* the open seconds before a date are whole weeks times the weekly total, plus the part week from
  a prefix sum over the weekdays, plus the difference each dated exception or closed date makes
  (a prefix sum over those dates, found by bisection);
* adding hours finds the day the count runs out on by galloping then bisecting over that count,
  so a 400-hour standard costs a few dozen lookups, not hundreds of days stepped through.

Durations are wall-clock: 09:00 to 17:00 is eight hours even on the day the clocks change (they
change at night, outside any council's opening hours).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from frontdoor.core.calendars.engine import OpeningHours, TimeRange, merge_ranges

from .clocks import Clock, ClockError, ClockEvent, EventKind
from .policies import ClockPolicy

DAYS_PER_WEEK = 7
# Past this many days with too little opening time the standard can never be met.
SEARCH_LIMIT_DAYS = 366 * 20


def _seconds(moment: dt.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _range_seconds(ranges: Iterable[TimeRange]) -> int:
    return sum(_seconds(r.closes) - _seconds(r.opens) for r in ranges)


@dataclass(frozen=True)
class OpeningTime:
    """Cumulative opening time of an `OpeningHours`, answered in O(log n)."""

    hours: OpeningHours
    _week_prefix: tuple[int, ...] = field(init=False, repr=False)
    _dates: tuple[dt.date, ...] = field(init=False, repr=False)
    _date_prefix: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Monday first, as date.weekday() counts; ISO weekdays in the pattern are 1 to 7.
        week = [
            _range_seconds(merge_ranges(self.hours.weekly.get(iso_weekday, ())))
            for iso_weekday in range(1, 8)
        ]
        object.__setattr__(self, "_week_prefix", (0, *accumulate(week)))
        special = sorted(set(self.hours.exceptions) | set(self.hours.closed_dates))
        deltas = [
            _range_seconds(self.hours.ranges_on(day)) - week[day.weekday()] for day in special
        ]
        kept = [(day, delta) for day, delta in zip(special, deltas, strict=True) if delta]
        object.__setattr__(self, "_dates", tuple(day for day, _delta in kept))
        object.__setattr__(self, "_date_prefix", (0, *accumulate(delta for _day, delta in kept)))

    @property
    def zone(self) -> dt.tzinfo:
        return self.hours.zone

    def seconds_before(self, day: dt.date) -> int:
        """Open seconds on the days strictly before `day` (from 0001-01-01, a Monday)."""
        weeks, rest = divmod(day.toordinal() - 1, DAYS_PER_WEEK)
        week_total = self._week_prefix[-1]
        return (
            weeks * week_total
            + self._week_prefix[rest]
            + self._date_prefix[bisect_left(self._dates, day)]
        )

    def seconds_on(self, day: dt.date) -> int:
        return _range_seconds(self.hours.ranges_on(day))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment `duration` of opening time after the aware moment `start`.

        Time before the first opening of a day or after its last closing does not count; a
        duration that runs out exactly at a closing time ends at that closing time.
        """
        if start.tzinfo is None or start.utcoffset() is None:
            raise ClockError("opening-time arithmetic needs a timezone-aware moment")
        remaining = round(duration.total_seconds())
        if remaining < 0:
            raise ClockError("a duration cannot be negative")
        local = start.astimezone(self.zone)
        day, now = local.date(), _seconds(local.time())
        if remaining == 0:
            return start
        for opens, closes in _spans(self.hours.ranges_on(day)):
            if now >= closes:
                continue
            begin = max(now, opens)
            if remaining <= closes - begin:
                return self._moment(day, begin + remaining)
            remaining -= closes - begin
        # Gallop then bisect for the first later day by whose end `remaining` seconds are open.
        first = day + dt.timedelta(days=1)
        base = self.seconds_before(first)

        def open_through(last: dt.date) -> int:
            return self.seconds_before(last + dt.timedelta(days=1)) - base

        step = DAYS_PER_WEEK
        while open_through(first + dt.timedelta(days=step)) < remaining:
            step *= 2
            if step > SEARCH_LIMIT_DAYS:
                raise ClockError("the opening hours never give that much time")
        low, high = 0, step  # open_through(first + high) >= remaining
        while low < high:
            middle = (low + high) // 2
            if open_through(first + dt.timedelta(days=middle)) >= remaining:
                high = middle
            else:
                low = middle + 1
        target = first + dt.timedelta(days=low)
        need = remaining - (self.seconds_before(target) - base)
        for opens, closes in _spans(self.hours.ranges_on(target)):
            if need <= closes - opens:
                return self._moment(target, opens + need)
            need -= closes - opens
        raise AssertionError("unreachable: the day's opening time covers what is needed")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Opening time from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        return dt.timedelta(seconds=self._position(end) - self._position(start))

    def _position(self, moment: dt.datetime) -> int:
        """Open seconds before the aware `moment`, from 0001-01-01."""
        local = moment.astimezone(self.zone)
        day, now = local.date(), _seconds(local.time())
        within = sum(
            max(0, min(now, closes) - opens) for opens, closes in _spans(self.hours.ranges_on(day))
        )
        return self.seconds_before(day) + within

    def _moment(self, day: dt.date, seconds: int) -> dt.datetime:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
        return midnight + dt.timedelta(seconds=seconds)


def _spans(ranges: Iterable[TimeRange]) -> list[tuple[int, int]]:
    return [(_seconds(r.opens), _seconds(r.closes)) for r in ranges]


def compute_hour_clock(
    policy: ClockPolicy,
    received_at: dt.datetime,
    events: Iterable[ClockEvent],
    opening: OpeningTime,
) -> Clock:
    """An hour-based service standard: due `policy.respond` hours of opening time after
    `received_at`; met if responded by that moment. Only a response may be recorded."""
    if not policy.hour_based or policy.respond is None:
        raise ClockError(f"{policy.name} does not count hours")
    due_at = opening.add(received_at, dt.timedelta(hours=policy.respond.amount))
    responded_at = None
    for event in events:
        if EventKind(event.kind) is not EventKind.RESPONDED:
            raise ClockError(f"an hour-based standard records only its response, not {event.kind}")
        if responded_at is not None:
            raise ClockError("responded twice")
        if event.at is None:
            raise ClockError("an hour-based standard needs the moment of the response")
        if event.at < received_at:
            raise ClockError("the response is before the receipt")
        responded_at = event.at
    zone = opening.zone
    received = received_at.astimezone(zone).date()
    return Clock(
        policy=policy,
        received=received,
        started=received,
        acknowledge_by=None,
        acknowledged_on=None,
        due=due_at.astimezone(zone).date(),
        due_at=due_at,
        responded_on=responded_at.astimezone(zone).date() if responded_at else None,
        responded_at=responded_at,
    )
