"""The shared kernel: councils (the tenants) and their effective-dated service catalogue."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #1d70b8."))
SLUG = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,62}$",
    _("Use lower-case letters, numbers and hyphens, starting with a letter or number."),
)


class Division(models.TextChoices):
    """The UK divisions whose bank holidays differ (the GOV.UK bank-holidays keys)."""

    ENGLAND_AND_WALES = "england-and-wales", _("England and Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")


class Sensitivity(models.TextChoices):
    """How carefully a record must be shown; selectors filter on it."""

    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted")
    SAFEGUARDING = "safeguarding", _("Safeguarding")


def validate_time_zone(value: str) -> None:
    """Accept only IANA zone names this machine knows."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("%(zone)s is not a known time zone."), params={"zone": value}
        ) from error


class Council(models.Model):
    """A tenant: every record of every app belongs to exactly one council."""

    slug = models.SlugField(max_length=63, unique=True, validators=[SLUG])
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    division = models.CharField(
        max_length=20, choices=Division.choices, default=Division.ENGLAND_AND_WALES
    )
    brand_colour = models.CharField(max_length=7, default="#0b0c0c", validators=[HEX_COLOUR])
    # Kept in the database (small PNG or JPEG only), so every web process serves the same logo
    # without shared storage; SVG is refused because it can carry script.
    logo = models.BinaryField(blank=True, default=b"")
    logo_content_type = models.CharField(max_length=20, blank=True)
    # The council's own settings (KPI thresholds, targets, clocks...), each app reading its keys
    # through a typed accessor with an install-wide default.
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The council's local calendar date of an aware moment."""
        return moment.astimezone(self.zone).date()


class CouncilOwned(models.Model):
    """Base for every tenant-owned record."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class ImportRun(CouncilOwned):
    """Base for one run of an import (contacts, residents, cases): who, which file, and what
    became of its rows. Each import adds its own source and mapping fields."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportRejection(models.Model):
    """Base for a row an import rejected: where it is in the file and why (never the personal
    values). Each import adds the foreign key to its run."""

    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=100)
    reason = models.CharField(max_length=500)

    class Meta:
        abstract = True
        ordering = ["row_number", "pk"]

    def __str__(self) -> str:
        return f"row {self.row_number}, {self.column}: {self.reason}"


class ServiceFamily(CouncilOwned):
    """A group of services reported together (Council Tax and Benefits, Housing...)."""

    family_id = models.CharField(max_length=63, validators=[SLUG])
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "family_id"], name="family_id_per_council")
        ]
        verbose_name_plural = "service families"

    def __str__(self) -> str:
        return self.name


class Queue(CouncilOwned):
    """Where contacts wait for an agent. Each family has a queue of the same id by default."""

    queue_id = models.CharField(max_length=63, validators=[SLUG])
    name = models.CharField(max_length=200)
    family = models.ForeignKey(
        ServiceFamily, null=True, blank=True, on_delete=models.SET_NULL, related_name="queues"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "queue_id"], name="queue_id_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class Service(CouncilOwned):
    """A service of the council's catalogue (Council Tax, Housing Repairs...)."""

    service_id = models.CharField(max_length=63, validators=[SLUG])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    default_sensitivity = models.CharField(
        max_length=12, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "service_id"], name="service_id_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceFamilyMembership(models.Model):
    """Which family a service belonged to from a date, so past figures keep the family they had.

    A service's family on a date is the membership with the latest `valid_from` on or before it.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    family = models.ForeignKey(ServiceFamily, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()

    class Meta:
        ordering = ["service", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "valid_from"], name="one_family_per_service_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.service_id} in {self.family.family_id} from {self.valid_from}"


class JobRun(CouncilOwned):
    """One run of a daily job for a council, claimed for the council's local date.

    Unique per (council, job, local date): of several workers that see the job due, only the
    one whose row is written runs it, and a day whose run was missed is not run again later.
    """

    job = models.SlugField(max_length=63)
    local_date = models.DateField()
    # The moment the run was due (the council's local time on `local_date`).
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-local_date", "council", "job"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "job", "local_date"], name="one_job_run_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} for {self.council_id} on {self.local_date}"


def is_slug(value: str) -> bool:
    """True when `value` is a valid catalogue identifier."""
    return re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", value) is not None


# The working-day calendar models live in core/calendars/; imported here so Django finds them.
from frontdoor.core.calendars.models import *  # noqa: E402, F403
