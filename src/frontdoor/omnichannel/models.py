"""Live queues: queue events as received, the calls and queues they describe, and tier rules.

A telephony or chat platform posts queue events (`api.py`). Each event is kept as received
(`QueueEvent`, unique on council, platform and event id, so re-sending changes nothing), moves
one call along (`LiveCall`) and the counts of its queue (`LiveQueueState`). Tier rules
(`TierRule`) are evaluated as events arrive; each time a queue reaches or leaves a tier a
`TierEpisode` is opened or closed. Everything lives in the database, so every web process (and
every wallboard connected to any of them) sees the same state.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import CouncilOwned, Queue, Service

from .engine.tiers import (
    ABSOLUTE,
    DEFAULT_CLEAR_MARGIN,
    DEFAULT_HOLD_SECONDS,
    DEFAULT_MARGIN_UNIT,
    LONGEST_WAIT,
    PERCENT,
    WAITING,
)


class EventType(models.TextChoices):
    QUEUED = "queued", _("Queued")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
    ENDED = "ended", _("Ended")
    AGENTS = "agents", _("Agents available")


class QueueEvent(CouncilOwned):
    """One event as the platform sent it; (council, platform, event_id) is its identity."""

    platform = models.CharField(max_length=50)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=20, choices=EventType.choices)
    call_id = models.CharField(max_length=100, blank=True)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    agent_ref = models.CharField(max_length=100, blank=True)
    # The event's JSON as received, for tracing a platform's behaviour; it may carry a
    # citizen_ref, so it is kept no longer than the contact records it becomes.
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "platform", "event_id"], name="queue_event_identity"
            )
        ]
        indexes = [models.Index(fields=["council", "occurred_at"], name="queue_event_time")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.event_id} ({self.type})"


class CallState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ANSWERED = "answered", _("With an agent")
    FINISHED = "finished", _("Finished")


class LiveCall(CouncilOwned):
    """Where one call stands: waiting, with an agent, or finished (then it is a contact)."""

    platform = models.CharField(max_length=50)
    call_id = models.CharField(max_length=100)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, default="phone")
    direction = models.CharField(max_length=10, default="inbound")
    citizen_ref = models.CharField(max_length=200, blank=True)
    agent_ref = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=CallState.choices)
    # answered, abandoned or callback once finished; empty before.
    outcome = models.CharField(max_length=10, blank=True)
    queued_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_personal_fields = ("citizen_ref", "agent_ref")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "platform", "call_id"], name="live_call_identity"
            )
        ]
        indexes = [models.Index(fields=["council", "queue", "state"], name="live_call_state")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.call_id} ({self.state})"


class LiveQueueState(CouncilOwned):
    """One queue now: who is waiting, and today's answered and abandoned calls.

    `as_of` is the platform's clock: the time of the latest event the queue was evaluated at
    (a replayed day of 1999 shows 1999). `day` is the council's local date of `as_of`; the
    day's counts start again when an event of a later day arrives.
    """

    queue = models.OneToOneField(Queue, on_delete=models.CASCADE, related_name="live_state")
    day = models.DateField()
    as_of = models.DateTimeField()
    waiting = models.PositiveIntegerField(default=0)
    oldest_waiting_since = models.DateTimeField(null=True, blank=True)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    callbacks = models.PositiveIntegerField(default=0)
    # Only when the platform reports it (an `agents` event, or agents_available on any event).
    agents_available = models.PositiveIntegerField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(default=0)
    # The tier engine's memory between evaluations (hysteresis): for each tier whose rule raised
    # it and has not cleared it, since when (ISO 8601) its measure has been below the rule's exit
    # level, or null while it is not. {"1": null, "2": "2026-01-05T09:03:00+00:00"}.
    tier_latches = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queue__name"]

    def __str__(self) -> str:
        return f"{self.queue} at {self.as_of:%Y-%m-%d %H:%M:%S}"

    @property
    def longest_wait_seconds(self) -> float:
        """How long the longest-waiting caller had waited at `as_of` (0 when nobody waits)."""
        if self.oldest_waiting_since is None:
            return 0.0
        return max(0.0, (self.as_of - self.oldest_waiting_since).total_seconds())


class Measure(models.TextChoices):
    LONGEST_WAIT = LONGEST_WAIT, _("Longest wait (seconds)")
    WAITING = WAITING, _("Callers waiting")


class MarginUnit(models.TextChoices):
    PERCENT = PERCENT, _("Percent of the threshold")
    ABSOLUTE = ABSOLUTE, _("Seconds or callers (the measure's own unit)")


class TierRule(CouncilOwned):
    """A queue reaches `tier` when `measure` is at or above `threshold`; staff then take `actions`.

    Tiers escalate: a queue at tier 2 is also past tier 1, and tier 1's actions still apply.
    A tier clears only when the measure has stayed below the exit level (the threshold less
    `clear_margin`, a percentage of it or an amount in the measure's unit) for `hold_seconds`,
    so a queue hovering around a threshold does not flap between tiers.
    """

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="tier_rules")
    tier = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9)])
    measure = models.CharField(max_length=30, choices=Measure.choices, default=Measure.LONGEST_WAIT)
    threshold = models.PositiveIntegerField()
    clear_margin = models.PositiveIntegerField(default=DEFAULT_CLEAR_MARGIN)
    margin_unit = models.CharField(
        max_length=10, choices=MarginUnit.choices, default=DEFAULT_MARGIN_UNIT
    )
    hold_seconds = models.PositiveIntegerField(default=DEFAULT_HOLD_SECONDS)
    actions = models.TextField()

    class Meta:
        ordering = ["queue", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "tier"], name="one_rule_per_queue_tier")
        ]

    def __str__(self) -> str:
        return f"{self.queue}: tier {self.tier} at {self.measure} >= {self.threshold}"


class TierEpisode(CouncilOwned):
    """A queue was at `tier` or above from `started_at` to `ended_at` (open while it still is).

    Times are the platform's clock, exact to the second the rule began to hold: a longest-wait
    threshold is crossed at the oldest caller's arrival plus the threshold, even between events.
    """

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="tier_episodes")
    tier = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # What the rule said when the tier started, so the history reads true after rules change.
    measure = models.CharField(max_length=30, choices=Measure.choices)
    threshold = models.PositiveIntegerField()
    actions = models.TextField()

    class Meta:
        ordering = ["-started_at", "-tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "tier"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_episode_per_queue_tier",
            )
        ]
        indexes = [models.Index(fields=["council", "started_at"], name="tier_episode_started")]

    def __str__(self) -> str:
        return f"{self.queue}: tier {self.tier} from {self.started_at}"

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()
