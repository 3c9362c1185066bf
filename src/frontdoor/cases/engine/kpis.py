"""Definitions of the case KPIs that are plain arithmetic (no Django): paused days, time to close,
nearest-rank percentiles, the ageing bands of open cases and the chasing ratio.

The selectors count cases in SQL; these functions say what is counted, so the page, the API,
the benchmark and the tests share one definition.

* **Time to close**: calendar days from the local date the request was received to the local
  date the case closed, less the days spent waiting for the requester (each wait from the day
  it was asked to the day the answer arrived; a wait still open at closing counts until then).
* **Percentiles** are nearest-rank: the p-th percentile of n sorted values is the value at
  rank ceil(p/100 * n) (1-based). The median is the 50th percentile, so of 4 values the 2nd.
* **Ageing** of an open case at a date: calendar days since its receipt, in `AGEING_BANDS`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

# (band id, first day included, last day included; None: no upper limit).
AGEING_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-28", 15, 28),
    ("29-56", 29, 56),
    ("57-91", 57, 91),
    ("92-182", 92, 182),
    ("183-365", 183, 365),
    ("366+", 366, None),
)
PERCENTILES = (50, 90)


def paused_days(waits: Iterable[tuple[str, dt.date]], until: dt.date) -> int:
    """Calendar days spent waiting for the requester, from ("started"|"ended", date) events
    in date order. A wait is counted from its start to its end; one still open counts to
    `until`; an end with no start, or a second start during a wait, is ignored."""
    total = 0
    since: dt.date | None = None
    for kind, on in waits:
        if kind == "started" and since is None:
            since = on
        elif kind == "ended" and since is not None:
            total += max(0, (on - since).days)
            since = None
    if since is not None:
        total += max(0, (until - since).days)
    return total


def days_to_close(received_on: dt.date, closed_on: dt.date, paused: int = 0) -> int:
    """Elapsed calendar days from receipt to closing, less the paused days (never below 0)."""
    return max(0, (closed_on - received_on).days - paused)


def nearest_rank(percentile: int | float, count: int) -> int:
    """The 1-based rank of the nearest-rank percentile among `count` sorted values."""
    if count <= 0:
        raise ValueError("no values")
    if not 0 < percentile <= 100:
        raise ValueError("a percentile is above 0 and at most 100")
    # Integer arithmetic where possible: 90 * 10 / 100 is exactly 9, never 9.000000000000002.
    numerator = percentile * count
    rank = -(-numerator // 100) if isinstance(numerator, int) else math.ceil(numerator / 100)
    return max(1, int(rank))


def percentile_of(percentile: int | float, values: Sequence[int | float]) -> int | float | None:
    """The nearest-rank percentile of `values` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[nearest_rank(percentile, len(ordered)) - 1]


def percentile_of_counts(
    percentile: int | float, counts: Sequence[tuple[int | float, int]]
) -> int | float | None:
    """The nearest-rank percentile of a distribution given as (value, how many) pairs."""
    ordered = sorted((value, n) for value, n in counts if n > 0)
    total = sum(n for _value, n in ordered)
    if not total:
        return None
    rank = nearest_rank(percentile, total)
    seen = 0
    for value, n in ordered:
        seen += n
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")


def band_of(age_days: int) -> str:
    """The ageing band of an open case `age_days` old."""
    for band, low, high in AGEING_BANDS:
        if age_days >= low and (high is None or age_days <= high):
            return band
    raise ValueError(f"a case cannot be {age_days} days old")


def band_received_range(band: str, on: dt.date) -> tuple[dt.date | None, dt.date]:
    """The receipt dates (first or None, last) of open cases in `band` on the date `on`."""
    for name, low, high in AGEING_BANDS:
        if name == band:
            first = None if high is None else on - dt.timedelta(days=high)
            return first, on - dt.timedelta(days=low)
    raise ValueError(f"no ageing band {band!r}")


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def chasing_per_open_case(chasing: int, average_open: float) -> float | None:
    """Chasing contacts over the average number of open cases (None with no open cases)."""
    return chasing / average_open if average_open > 0 else None
