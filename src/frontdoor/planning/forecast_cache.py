"""The computed part of a queue's forecast, cached and keyed by everything it was built from.

A forecast week costs about a second (the year of arrivals through DuckDB, then the
forecaster per day); planners click between days, intervals and the staffing page, which all
ask for the same week. So the expensive part (the history, the mean and 80% interval of each
day, the handling figures) is kept in Django's default cache under a key that names its
inputs. Nothing is ever invalidated by hand: when an input changes, the key changes and the old
entry is simply never asked for again (it expires after `TIMEOUT_SECONDS`).

What goes into the key:

* the council (id and creation time, so a reused id in a fresh test database never matches),
  its time zone and the KPI settings that shape arrivals (short abandons, queue-sourced
  channels);
* the contact facts: the snapshot state (built through, refreshed at, rows, full-rebuild flag)
  and a watermark of the council's contacts (the latest `updated_at`, read from the end of the
  (council, updated_at) index: a new or changed contact moves it; contacts are never deleted,
  and the bulk changes that alter facts without touching a contact raise the snapshot's
  full-rebuild flag), and the service-family memberships that place contacts in queues (count
  and latest id);
* the queue: its id, the channels it is staffed for, its planning settings' `updated_at`;
* the open intervals of every history day and forecast day (the opening hours, bank holidays
  and closures as the forecaster sees them: exact, though opening hours carry no timestamp);
* the queue's planned events (date and kind) over the history and the week;
* the week, the interval length, the history's first and last day, and `VERSION` (raise it
  when the forecaster or this format changes).

Values are plain dicts of numbers, strings and compressed array bytes: no ORM object is cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.core.cache import caches
from django.db.models import Count, Max

from frontdoor.core.models import Council, Queue, ServiceFamilyMembership
from frontdoor.insight.engine.arrivals import QueueHandling
from frontdoor.insight.models import KpiSettings
from frontdoor.insight.selectors import facts_watermark

from .engine.forecast import History

VERSION = 1
TIMEOUT_SECONDS = 24 * 60 * 60  # keys name today's date anyway: a day is the longest use
PREFIX = "planning:forecast"


def cache() -> Any:
    """Django's default cache (locmem in development, Redis when REDIS_URL is set)."""
    return caches["default"]


def facts_stamp(council: Council, kpi: KpiSettings) -> dict[str, Any]:
    """What the council's contact facts were built from (the insight watermark), the KPI
    settings that shape them and the services' families, in three small queries."""
    watermark = facts_watermark(council)
    memberships = ServiceFamilyMembership.objects.filter(service__council=council).aggregate(
        latest=Max("pk"), count=Count("pk")
    )
    return {
        "council": [council.pk, _text(council.created_at), council.time_zone],
        "kpi": [float(kpi.short_abandon_seconds), sorted(kpi.queue_sourced_channels or [])],
        "snapshot": {k: _text(v) for k, v in watermark["snapshot"].items()},
        "contacts": _text(watermark["contacts"]),
        "memberships": [memberships["latest"], memberships["count"]],
    }


def queue_key(
    council: Council,
    queue: Queue,
    *,
    facts: Mapping[str, Any],
    channels: str,
    settings_updated_at: dt.datetime | None,
    week_start: dt.date,
    interval_minutes: int,
    history_span: tuple[dt.date, dt.date],
    history_masks: np.ndarray,
    week_masks: np.ndarray,
    events: Sequence[tuple[dt.date, str]],
) -> str:
    """The cache key of one queue's forecast week; any change of an input changes it."""
    parts = {
        "version": VERSION,
        "facts": facts,
        "queue": [queue.pk, queue.queue_id, channels, _text(settings_updated_at)],
        "week": [week_start.isoformat(), interval_minutes],
        "history": [history_span[0].isoformat(), history_span[1].isoformat()],
        "open": [_bits(history_masks), _bits(week_masks)],
        "events": [[day.isoformat(), kind] for day, kind in events],
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    # The council and queue stay readable in the key, so one council's entries can be found.
    return f"{PREFIX}:{council.pk}:{queue.pk}:{week_start.isoformat()}:{interval_minutes}:{digest}"


def encode(
    history: History,
    mean: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    handling: QueueHandling | None,
) -> dict[str, Any]:
    """The computed part of a forecast as plain values (arrays as compressed bytes)."""
    return {
        "history_dates": [day.isoformat() for day in history.dates],
        "history_counts": _array(history.counts),
        "mean": _array(mean),
        "lower": _array(lower),
        "upper": _array(upper),
        "handling": None if handling is None else _handling(handling),
    }


def decode(
    value: Mapping[str, Any],
) -> tuple[History, np.ndarray, np.ndarray, np.ndarray, QueueHandling | None]:
    """The arrays and records `encode` stored, exactly as they were."""
    history = History(
        tuple(dt.date.fromisoformat(day) for day in value["history_dates"]),
        _unarray(value["history_counts"]),
    )
    stored = value["handling"]
    handling = None if stored is None else QueueHandling(**stored)
    return (
        history,
        _unarray(value["mean"]),
        _unarray(value["lower"]),
        _unarray(value["upper"]),
        handling,
    )


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


def _bits(masks: np.ndarray) -> str:
    """A short digest of a boolean matrix (its shape and packed bits)."""
    packed = np.packbits(np.asarray(masks, dtype=bool))
    return f"{masks.shape}:{hashlib.sha256(packed.tobytes()).hexdigest()}"


def _array(values: np.ndarray) -> dict[str, Any]:
    values = np.ascontiguousarray(values)
    return {
        "dtype": values.dtype.str,
        "shape": list(values.shape),
        "data": zlib.compress(values.tobytes(), 1),
    }


def _unarray(stored: Mapping[str, Any]) -> np.ndarray:
    raw = zlib.decompress(stored["data"])
    # A copy: frombuffer gives a read-only view of the bytes, and callers may write to arrays.
    return np.frombuffer(raw, dtype=np.dtype(stored["dtype"])).reshape(stored["shape"]).copy()


def _handling(handling: QueueHandling) -> dict[str, Any]:
    return {
        "queue": handling.queue,
        "arrivals": int(handling.arrivals),
        "answered": int(handling.answered),
        "aht_seconds": None if handling.aht_seconds is None else float(handling.aht_seconds),
        "abandoned": int(handling.abandoned),
        "patience_seconds": (
            None if handling.patience_seconds is None else float(handling.patience_seconds)
        ),
        "wrap_codes": {str(k): int(v) for k, v in handling.wrap_codes.items()},
        "wrap_known": int(handling.wrap_known),
        "failure_demand": int(handling.failure_demand),
        "failure_known": int(handling.failure_known),
    }
