"""What planners store: per-queue planning settings, planned events, scenarios, shift patterns,
staff contracts and skills, rostered staff, rosters (proposed and published), the council's
avoidable-demand assumptions, and outbound campaigns (planned and sent).

Forecasts, requirements and gaps are never stored here: they are computed from the contact
history and these records. A computed forecast week is kept in the cache under a key naming
everything it was built from (`forecast_cache`), so it always reflects the latest contacts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import CouncilOwned, Queue

# Without an entered figure and with no handle times in the history, a handle time must still
# be assumed; five minutes is a typical council call (talk, hold and wrap-up).
DEFAULT_AHT_SECONDS = 300.0


class ChannelScope(models.TextChoices):
    """Which of a queue's contacts are staffed for with Erlang (contacts that wait for an agent
    in real time)."""

    PHONE = "phone", _("Phone calls")
    WEBCHAT = "webchat", _("Webchats")
    PHONE_AND_WEBCHAT = "phone+webchat", _("Phone calls and webchats")

    @classmethod
    def channels_of(cls, value: str) -> tuple[str, ...]:
        return tuple(value.split("+"))


class TargetKind(models.TextChoices):
    SERVICE_LEVEL = "service_level", _("Service level (a share answered within a time)")
    ASA = "asa", _("Average speed of answer")


class QueuePlanningSettings(CouncilOwned):
    """How one queue is staffed. Empty figures fall back: the handle time to the history's."""

    queue = models.OneToOneField(Queue, on_delete=models.CASCADE, related_name="planning_settings")
    channels = models.CharField(
        max_length=20, choices=ChannelScope.choices, default=ChannelScope.PHONE
    )
    aht_seconds = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(86_400)],
        help_text=_("Leave empty to use the average handle time of the last 12 weeks."),
    )
    target_kind = models.CharField(
        max_length=20, choices=TargetKind.choices, default=TargetKind.SERVICE_LEVEL
    )
    target_service_level = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.01), MaxValueValidator(0.99)]
    )
    target_seconds = models.FloatField(
        default=20, validators=[MinValueValidator(0), MaxValueValidator(3600)]
    )
    target_asa_seconds = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    shrinkage = models.FloatField(
        default=0.3, validators=[MinValueValidator(0), MaxValueValidator(0.9)]
    )
    max_occupancy = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(1)]
    )
    patience_seconds = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "queue planning settings"
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_kind="asa") | Q(target_asa_seconds__isnull=False),
                name="asa_target_has_seconds",
            )
        ]

    def __str__(self) -> str:
        return f"Planning settings of {self.queue}"


class EventKind(models.TextChoices):
    BILL_RUN = "bill_run", _("Bill run")
    TEXT_CAMPAIGN = "text_campaign", _("Text message campaign")
    EMAIL_CAMPAIGN = "email_campaign", _("Email campaign")
    LETTER_BATCH = "letter_batch", _("Letter batch")
    OTHER = "other", _("Other")


class PlannedEvent(CouncilOwned):
    """A known event on a date; its effect on demand is learnt from past events of its kind."""

    date = models.DateField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every queue."),
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "date", "kind", "queue"], name="one_event_per_kind_queue_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"


class ScenarioKind(models.TextChoices):
    DEMAND_CHANGE = "demand_change", _("Demand up or down")
    BILL_RUN = "bill_run", _("A bill run on a date")
    CALLBACKS = "callbacks", _("Callbacks taken by a share of callers")
    REASON_ONLINE = "reason_online", _("A share of a contact reason moved online")
    FAILURE_DEMAND = "failure_demand", _("Failure demand reduced")


class Scenario(CouncilOwned):
    """A named "what if", applied to one queue or every queue, for the forecast week asked."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ScenarioKind.choices)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A share as a fraction: +0.1 is demand up 10%; for a bill run, the uplift it assumes when
    # none can be learnt from past bill runs; otherwise the share of callers, of a reason, or
    # of failure demand.
    share = models.FloatField(null=True, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    wrap_code = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="scenario_name_per_council")
        ]

    def __str__(self) -> str:
        return self.name


class ShiftPattern(CouncilOwned):
    """A shift the roster may use: start, length and an unpaid break, in minutes."""

    name = models.CharField(max_length=50)
    starts = models.TimeField()
    length_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(16 * 60)]
    )
    break_after_minutes = models.PositiveSmallIntegerField(default=0)
    break_minutes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["starts", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="shift_name_per_council"),
            models.CheckConstraint(
                condition=Q(break_minutes=0)
                | Q(
                    break_after_minutes__gt=0,
                    length_minutes__gt=F("break_after_minutes") + F("break_minutes"),
                ),
                name="shift_break_inside",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(CouncilOwned):
    """A member of staff as the roster sees them: weekly contracted hours (a ceiling), the most
    days a week they work, and the queues they can answer (their skills)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_profile"
    )
    contracted_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    max_days = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    skills = models.ManyToManyField(Queue, blank=True, related_name="+")

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return f"Planning profile of {self.user}"


class RosteredStaff(CouncilOwned):
    """Staff rostered on a queue for part of a day, entered by hand (or from another system)."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    starts = models.TimeField()
    ends = models.TimeField()
    staff = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10_000)])

    class Meta:
        ordering = ["queue", "date", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="rostered_starts_first"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} on {self.queue} {self.date} {self.starts}-{self.ends}"


class RosterStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Roster(CouncilOwned):
    """A roster for a week (Monday to Sunday), as the solver proposed it; published, its shifts
    are the staff rostered on each queue."""

    week_start = models.DateField()
    interval_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=RosterStatus.choices, default=RosterStatus.PROPOSED
    )
    solver_status = models.CharField(max_length=30)
    staff_hours = models.FloatField()
    lower_bound_hours = models.FloatField()
    gap = models.FloatField(null=True)  # (cost - bound) / bound, as the solver reports it
    uncovered_staff_intervals = models.PositiveIntegerField()
    unassigned_shifts = models.PositiveIntegerField(default=0)
    seconds = models.FloatField()
    # {queue_id: [[staff needed per interval] per day]}, and the shortfall the roster leaves.
    requirement = models.JSONField(default=dict)
    shortfall = models.JSONField(default=dict)
    notes = models.JSONField(default=list)  # what the proposal skipped, and why
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "week_start"],
                condition=Q(status="published"),
                name="one_published_roster_per_week",
            )
        ]

    def __str__(self) -> str:
        return f"Roster for the week of {self.week_start} ({self.status})"


class RosterShift(models.Model):
    """One shift of a roster: who works which queue, when, and their break."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    pattern = models.CharField(max_length=50)
    starts = models.TimeField()
    ends = models.TimeField()
    break_starts = models.TimeField(null=True, blank=True)
    break_ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts", "user_id"]

    def __str__(self) -> str:
        return f"{self.user} on {self.queue} {self.date} {self.starts}-{self.ends}"


# --- avoidable demand -----------------------------------------------------------------------


def _no_online_reasons() -> dict[str, list[str]]:
    return {}


class AvoidableDemandSettings(CouncilOwned):
    """The avoidable-demand model's assumptions, one set per council; every factor is shown
    beside the result it produced. Defaults are `engine.avoidable`'s (see `defaults()`)."""

    share_chasing = models.FloatField(
        default=0.6, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    share_not_right_first_time = models.FloatField(
        default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    share_could_not_complete_online = models.FloatField(
        default=0.7, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    share_other = models.FloatField(
        default=0.25, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    # Failure demand recorded without a type: by default treated like "other".
    share_type_not_recorded = models.FloatField(
        default=0.25, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    online_take_up = models.FloatField(
        default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    productive_hours_per_fte_year = models.FloatField(
        default=37 * 52 * 0.7, validators=[MinValueValidator(100), MaxValueValidator(3000)]
    )
    # {service_id: [wrap codes a resident could do online]}
    online_reasons = models.JSONField(default=_no_online_reasons, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "avoidable demand settings"
        constraints = [
            models.UniqueConstraint(fields=["council"], name="one_avoidable_settings_per_council")
        ]

    def __str__(self) -> str:
        return f"Avoidable-demand assumptions of {self.council_id}"


# --- outbound communications ----------------------------------------------------------------


class CampaignChannel(models.TextChoices):
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class Campaign(CouncilOwned):
    """An outbound batch (texts, emails or letters) to residents, planned or sent. Sent ones
    teach the response curve of their channel; planned ones are checked against capacity."""

    name = models.CharField(max_length=100)
    queue = models.ForeignKey(
        Queue,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The queue residents will call."),
    )
    channel = models.CharField(max_length=10, choices=CampaignChannel.choices)
    size = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    planned_send_at = models.DateTimeField()
    sent = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The response to assume when no sent campaign of the channel can be learnt from.
    assumed_calls_per_thousand = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    assumed_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(15), MaxValueValidator(5 * 24 * 60)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-planned_send_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent=False) | Q(sent_at__isnull=False), name="sent_campaign_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def send_time(self) -> dt.datetime:
        """When it went (sent) or is to go (planned)."""
        return self.sent_at if self.sent and self.sent_at else self.planned_send_at
