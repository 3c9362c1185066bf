"""Pure working-day arithmetic and opening hours (no Django here: an import-linter contract).

Working days
------------
A `WorkingCalendar` knows the weekend (Saturday and Sunday) and a sorted tuple of other
non-working dates (bank holidays, and a council's closure days when a clock counts them). Every
question is answered by arithmetic, never by stepping through the days, because statutory clocks
ask it for every case on every page and need O(log n) in the number of holidays:

* whole weeks are counted by division (five weekdays in each seven days), and
* the holidays before a date are counted by bisecting the sorted tuple.

Ranks. Number the weekdays from 0001-01-01 (a Monday): the *weekday rank* of a date is the number
of Mondays-to-Fridays strictly before it. The *working rank* of a date is the number of working
days strictly before it: its weekday rank minus the listed holidays strictly before it. Every
question below is a difference of working ranks, or the inverse of a rank (found by bisection).

Opening hours
-------------
`OpeningHours` is a weekly pattern (zero or more local time ranges per ISO weekday) with dated
exceptions (closed all day, or different ranges). Ranges are half-open, `[opens, closes)`, local to
the council's zone, and never cross midnight.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

SATURDAY = 5  # date.weekday(): Monday is 0
WEEKDAYS_PER_WEEK = 5
DAYS_PER_WEEK = 7


def weekday_rank(day: dt.date) -> int:
    """The number of weekdays (Monday to Friday) strictly before `day`, from 0001-01-01.

    0001-01-01 is a Monday, so whole weeks contribute five weekdays each and the part week
    contributes its days up to Friday.
    """
    days = day.toordinal() - 1
    weeks, rest = divmod(days, DAYS_PER_WEEK)
    return weeks * WEEKDAYS_PER_WEEK + min(rest, WEEKDAYS_PER_WEEK)


def weekday_of_rank(rank: int) -> dt.date:
    """The weekday whose weekday rank is `rank` (the inverse of `weekday_rank` on weekdays)."""
    weeks, rest = divmod(rank, WEEKDAYS_PER_WEEK)
    return dt.date.fromordinal(1 + weeks * DAYS_PER_WEEK + rest)


def is_weekend(day: dt.date) -> bool:
    """True on Saturdays and Sundays."""
    return day.weekday() >= SATURDAY


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Weekends plus a sorted tuple of other non-working dates.

    Build it with `WorkingCalendar.of(dates, ...)`, which sorts, removes duplicates and drops
    weekend dates (a weekend is never a working day, so listing it changes nothing). The default
    constructor checks that `holidays` is already in that normal form.
    """

    holidays: tuple[dt.date, ...] = ()
    # For each holiday index k: its weekday rank minus k. Non-decreasing, because holidays are
    # distinct weekdays; bisecting it inverts the working rank (see `_working_day_of_rank`).
    _slack: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for earlier, later in pairwise(self.holidays):
            if not earlier < later:
                raise ValueError("holidays must be sorted and unique; use WorkingCalendar.of()")
        if any(is_weekend(day) for day in self.holidays):
            raise ValueError("holidays must be weekdays; use WorkingCalendar.of()")
        slack = tuple(weekday_rank(day) - index for index, day in enumerate(self.holidays))
        object.__setattr__(self, "_slack", slack)

    @classmethod
    def of(cls, *date_sets: Iterable[dt.date]) -> WorkingCalendar:
        """A calendar whose non-working days are the union of the given dates and weekends."""
        days = {day for dates in date_sets for day in dates if not is_weekend(day)}
        return cls(tuple(sorted(days)))

    def union(self, other: WorkingCalendar) -> WorkingCalendar:
        """A day is non-working in the result when it is non-working in either calendar."""
        return WorkingCalendar.of(self.holidays, other.holidays)

    # Queries -----------------------------------------------------------------------------

    def is_holiday(self, day: dt.date) -> bool:
        """True when `day` is one of the listed non-working weekdays (not merely a weekend)."""
        index = bisect_left(self.holidays, day)
        return index < len(self.holidays) and self.holidays[index] == day

    def is_working_day(self, day: dt.date) -> bool:
        """True on a weekday that is not listed as a holiday or closure."""
        return not is_weekend(day) and not self.is_holiday(day)

    def working_rank(self, day: dt.date) -> int:
        """The number of working days strictly before `day` (from 0001-01-01)."""
        return weekday_rank(day) - bisect_left(self.holidays, day)

    def holidays_between(self, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        """The listed non-working weekdays from `start` to `end`, both included."""
        return self.holidays[bisect_left(self.holidays, start) : bisect_right(self.holidays, end)]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The working days after `start`, up to and including `end`.

        So `working_days_between(d, add_working_days(d, n)) == n` for every n >= 1. It is 0 when
        `end == start`, and negative (minus the working days after `end` up to and including
        `start`) when `end` is before `start`.
        """
        return self._rank_after(end) - self._rank_after(start)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (`start` itself never counts when days >= 1).

        * days >= 1: the working day d > start with exactly `days` working days in (start, d].
          Receipt on Friday 2 Jan 2026 plus 1 is Monday 5 Jan 2026; receipt on a Saturday plus
          1 is the following Monday when that is a working day.
        * days == 0: `start` when it is a working day, otherwise the next working day after it
          (the day a clock received on a non-working day effectively starts).
        Raises ValueError for a negative `days`.
        """
        if days < 0:
            raise ValueError("days must be zero or more")
        if days == 0:
            return self._working_day_of_rank(self.working_rank(start))
        return self._working_day_of_rank(self._rank_after(start) + days - 1)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before `day`."""
        return self._working_day_of_rank(self.working_rank(day) - 1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """`day` when it is a working day, otherwise the next working day."""
        return self.add_working_days(day, 0)

    # Internals ----------------------------------------------------------------------------

    def _rank_after(self, day: dt.date) -> int:
        """Working days up to and including `day` (the working rank of the next day)."""
        return self.working_rank(day) + (1 if self.is_working_day(day) else 0)

    def _working_day_of_rank(self, rank: int) -> dt.date:
        """The working day with exactly `rank` working days before it.

        If k holidays lie before that day d, then d is the weekday of weekday rank rank + k, and
        k is the smallest index whose holiday lies after it: weekday_rank(holidays[k]) > rank + k,
        that is slack[k] > rank. Slack is non-decreasing, so k is found by bisection.
        """
        k = bisect_right(self._slack, rank)
        return weekday_of_rank(rank + k)


# Opening hours ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class TimeRange:
    """Open from `opens` (included) to `closes` (excluded), local time, within one day."""

    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opening times are local wall-clock times, without a zone")
        if not self.opens < self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")

    def contains(self, moment: dt.time) -> bool:
        """True when the local time `moment` falls in [opens, closes)."""
        return self.opens <= moment < self.closes


def merge_ranges(ranges: Iterable[TimeRange]) -> tuple[TimeRange, ...]:
    """Sorted ranges with overlapping or touching ones joined (9-12 and 12-17 become 9-17)."""
    merged: list[TimeRange] = []
    for current in sorted(ranges):
        if merged and current.opens <= merged[-1].closes:
            if current.closes > merged[-1].closes:
                merged[-1] = TimeRange(merged[-1].opens, current.closes)
        else:
            merged.append(current)
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When a queue is open: a weekly pattern, dated exceptions, and closed dates.

    Precedence on a date: a dated exception (its ranges; none means closed all day) wins; then
    a date in `closed_dates` (bank holidays and the council's closure days: contact centres shut
    on them unless an exception opens them) is closed all day; otherwise the weekly pattern of
    the ISO weekday (1 = Monday ... 7 = Sunday) applies.
    """

    zone: dt.tzinfo
    weekly: Mapping[int, tuple[TimeRange, ...]] = field(default_factory=dict)
    exceptions: Mapping[dt.date, tuple[TimeRange, ...]] = field(default_factory=dict)
    closed_dates: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        if any(weekday not in range(1, 8) for weekday in self.weekly):
            raise ValueError("weekly pattern keys are ISO weekdays, 1 (Monday) to 7 (Sunday)")

    def ranges_on(self, day: dt.date) -> tuple[TimeRange, ...]:
        """The local opening ranges of `day`, sorted and merged; empty when closed all day."""
        if day in self.exceptions:
            return merge_ranges(self.exceptions[day])
        if day in self.closed_dates:
            return ()
        return merge_ranges(self.weekly.get(day.isoweekday(), ()))

    def intervals_on(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The open intervals of `day`, as aware datetimes in the zone (right across DST)."""
        return tuple(
            (
                dt.datetime.combine(day, timerange.opens, tzinfo=self.zone),
                dt.datetime.combine(day, timerange.closes, tzinfo=self.zone),
            )
            for timerange in self.ranges_on(day)
        )

    def is_open(self, moment: dt.datetime) -> bool:
        """True when the aware `moment`, read as local time in the zone, falls in an open range.

        Naive datetimes are refused: a moment without a zone is ambiguous across clock changes.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("is_open needs a timezone-aware datetime")
        local = moment.astimezone(self.zone)
        wall_clock = local.time()  # naive wall-clock time in the zone
        return any(timerange.contains(wall_clock) for timerange in self.ranges_on(local.date()))

    def is_open_on(self, day: dt.date) -> bool:
        """True when `day` has at least one opening range."""
        return bool(self.ranges_on(day))
