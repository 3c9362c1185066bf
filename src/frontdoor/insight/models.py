"""The council's KPI settings and targets, the state of its fact snapshots, published tables."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Council, CouncilOwned, Service, ServiceFamily

# Bump when a KPI definition changes: published tables record the version they were made with.
DEFINITIONS_VERSION = "2026.1"

KPI_NAMES = (
    "offered",
    "answered",
    "abandoned",
    "callbacks",
    "deflected",
    "pct_answered",
    "pct_abandoned",
    "asa_seconds",
    "avg_wait_seconds",
    "service_level",
    "aht_seconds",
    "fcr",
    "overall_resolution",
    "failure_demand",
    "csat",
    "csat_net",
    "repeat_7d",
    "no_email_share",
)


class KpiSettings(models.Model):
    """The settings every KPI of a council is computed with (shown beside each figure)."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="kpi_settings")
    short_abandon_seconds = models.FloatField(
        default=5, validators=[MinValueValidator(0), MaxValueValidator(600)]
    )
    service_level_seconds = models.FloatField(
        default=60, validators=[MinValueValidator(0), MaxValueValidator(3600)]
    )
    interval_minutes = models.PositiveSmallIntegerField(
        default=30, choices=[(15, "15"), (30, "30")]
    )
    # Channels the council takes from a queue source (telephony, chat): desktop-logged contacts
    # of these channels stay on the timeline but the queue source's record is the one counted.
    queue_sourced_channels = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"KPI settings of {self.council}"


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiTarget(CouncilOwned):
    """A target for one KPI: the council's, or a family's or a service's own."""

    kpi = models.CharField(max_length=30, choices=[(k, k) for k in KPI_NAMES])
    family = models.ForeignKey(
        ServiceFamily, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    direction = models.CharField(max_length=6, choices=Direction.choices)
    green = models.FloatField()
    amber = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "kpi"],
                condition=models.Q(family__isnull=True, service__isnull=True),
                name="one_council_target_per_kpi",
            ),
            models.UniqueConstraint(
                fields=["council", "kpi", "family"],
                condition=models.Q(family__isnull=False),
                name="one_family_target_per_kpi",
            ),
            models.UniqueConstraint(
                fields=["council", "kpi", "service"],
                condition=models.Q(service__isnull=False),
                name="one_service_target_per_kpi",
            ),
            models.CheckConstraint(
                condition=models.Q(family__isnull=True) | models.Q(service__isnull=True),
                name="target_for_family_or_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} target"


class SnapshotState(models.Model):
    """How far a council's Parquet snapshots of contact facts are up to date."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="+")
    # Every contact changed before this instant is in the snapshot (less the safety margin).
    built_through = models.DateTimeField(null=True, blank=True)
    # Something changed that alters many facts at once (a family move, a merge, settings):
    # the next refresh rebuilds every month.
    needs_full_rebuild = models.BooleanField(default=True)
    months = models.JSONField(default=list, blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"snapshots of council {self.council_id}"


class PublishedTable(CouncilOwned):
    """A period's figures as published to a committee, frozen with how they were made."""

    title = models.CharField(max_length=200)
    date_from = models.DateField()
    date_to = models.DateField()
    by = models.JSONField(default=list)
    channel = models.CharField(max_length=20, blank=True)
    settings = models.JSONField()
    definitions_version = models.CharField(max_length=20)
    data_watermark = models.DateTimeField()
    rows = models.JSONField()
    targets = models.JSONField(default=dict)
    published_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title
