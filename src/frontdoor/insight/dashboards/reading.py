"""The period, the targets and what every performance page reads once (a `Reading`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from frontdoor.core.models import Council, Queue
from frontdoor.core.selectors import families_of, services_with_family

from ..engine.facts import CHANNELS
from ..engine.kpis import (
    FactSource,
    KpiQuery,
    compute_kpis,
)
from ..models import DEFINITIONS_VERSION, KpiSettings, KpiTarget, SnapshotState
from ..selectors import DEFAULT_TARGETS, fact_source, kpi_settings_of
from .display import channel_label, format_setting


class TargetBook:
    """The council's targets read once: the same answers as `selectors.target_for` (a service's
    own, else its family's, else the council's, else the reported defaults) without a query per
    figure."""

    def __init__(self, council: Council) -> None:
        self._targets: dict[tuple[str, str, str], dict[str, Any]] = {}
        for target in KpiTarget.objects.filter(council=council).select_related("family", "service"):
            if target.service is not None:
                scope = ("service", target.service.service_id)
            elif target.family is not None:
                scope = ("family", target.family.family_id)
            else:
                scope = ("council", "")
            self._targets[(target.kpi, *scope)] = {
                "direction": target.direction,
                "green": target.green,
                "amber": target.amber,
            }

    def target(
        self, kpi: str, *, family_id: str | None = None, service_id: str | None = None
    ) -> dict[str, Any] | None:
        for scope, key in (("service", service_id), ("family", family_id), ("council", "")):
            if key is not None and (kpi, scope, key) in self._targets:
                return self._targets[(kpi, scope, key)]
        if kpi in DEFAULT_TARGETS:
            direction, green, amber = DEFAULT_TARGETS[kpi]
            return {"direction": direction, "green": green, "amber": amber}
        return None


@dataclass(frozen=True)
class Period:
    """Inclusive local dates and a channel (None: every channel)."""

    date_from: dt.date
    date_to: dt.date
    channel: str | None = "phone"

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")
        if self.channel is not None and self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")

    def query(self) -> dict[str, str]:
        """The period as query-string values, kept by every link of the pages."""
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "channel": self.channel or "all",
        }

    def label(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.date_from, "j F Y"),
            "end": formats.date_format(self.date_to, "j F Y"),
        }


@dataclass
class Reading:
    """What a page reads from the database, once: the settings, the fact source (snapshots
    plus fresh rows), the catalogue's names and the targets."""

    council: Council
    settings: KpiSettings
    source: FactSource
    watermark: dt.datetime
    snapshot_through: dt.datetime | None
    today: dt.date
    family_names: dict[str, str]
    service_names: dict[str, str]
    service_family: dict[str, str | None]
    queue_names: dict[str, str]
    targets: TargetBook

    def kpi_query(self, period: Period, by: Sequence[str]) -> KpiQuery:
        return KpiQuery(
            date_from=period.date_from,
            date_to=period.date_to,
            by=tuple(by),
            channel=period.channel,
            interval_minutes=self.settings.interval_minutes,
            short_abandon_seconds=self.settings.short_abandon_seconds,
            service_level_seconds=self.settings.service_level_seconds,
        )

    def kpis(self, period: Period, by: Sequence[str]) -> list[dict[str, Any]]:
        return compute_kpis(self.source, self.council.pk, self.kpi_query(period, by), self.today)

    def settings_summary(self, period: Period) -> list[tuple[str, str]]:
        """The settings every figure of the page depends on, shown beside them."""
        short = format_setting(self.settings.short_abandon_seconds)
        level = format_setting(self.settings.service_level_seconds)
        through = (
            formats.date_format(timezone.localtime(self.snapshot_through), "j F Y H:i")
            if self.snapshot_through
            else _("no snapshot yet: read from the contact records")
        )
        return [
            (_("Period"), period.label()),
            (_("Channel"), channel_label(period.channel)),
            (
                _("Short abandons"),
                _("Contacts abandoned within %(seconds)s seconds are left out of every figure")
                % {"seconds": short},
            ),
            (
                _("Service level threshold"),
                _("Answered within %(seconds)s seconds") % {"seconds": level},
            ),
            (_("Definitions version"), DEFINITIONS_VERSION),
            (_("Time zone"), self.council.time_zone),
            (
                _("Data watermark"),
                _("Contacts recorded up to %(now)s (snapshot built %(through)s)")
                % {
                    "now": formats.date_format(timezone.localtime(self.watermark), "j F Y H:i"),
                    "through": through,
                },
            ),
        ]

    def family_name(self, family_id: str) -> str:
        return self.family_names.get(family_id) or family_id or _("No family")

    def service_name(self, service_id: str) -> str:
        return self.service_names.get(service_id) or service_id

    def queue_name(self, queue_id: str) -> str:
        return self.queue_names.get(queue_id) or queue_id or _("No queue")


def read_for(
    council: Council,
    date_from: dt.date,
    date_to: dt.date,
    *,
    today: dt.date | None = None,
) -> Reading:
    """Read what a page needs for the period (with snapshots, the whole history is there; before
    the first snapshot the database rows from `date_from` are read)."""
    stored = kpi_settings_of(council)
    state = SnapshotState.objects.filter(council=council).first()
    watermark = timezone.now()
    source = fact_source(council, date_from, date_to)
    services = services_with_family(council)
    return Reading(
        council=council,
        settings=stored,
        source=source,
        watermark=watermark,
        snapshot_through=state.built_through if state else None,
        today=today or council.local_date(watermark),
        family_names={f.family_id: f.name for f in families_of(council)},
        service_names={s.service_id: s.name for s, _ in services},
        service_family={s.service_id: family_id for s, family_id in services},
        queue_names=dict(Queue.objects.filter(council=council).values_list("queue_id", "name")),
        targets=TargetBook(council),
    )


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year (April to March) that holds `day`."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
