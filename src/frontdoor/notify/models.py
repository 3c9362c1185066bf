"""Message templates and the outbox of messages to residents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import CouncilOwned


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class NotifyTemplate(CouncilOwned):
    """Which GOV.UK Notify template sends a kind of message, per channel and language.

    The wording lives in Notify (where the council's content designers edit it); Frontdoor keeps
    the template's id and the placeholders it fills.
    """

    key = models.SlugField(max_length=63, help_text=_("For example case-status-update"))
    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    language = models.CharField(max_length=5, default="en")
    template_id = models.UUIDField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "key", "channel", "language"], name="one_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.channel}, {self.language})"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Accepted by GOV.UK Notify")
    DELIVERED = "delivered", _("Delivered")
    TEMPORARY_FAILURE = "temporary_failure", _("Not delivered (recipient unavailable)")
    PERMANENT_FAILURE = "permanent_failure", _("Not delivered (address or number wrong)")
    FAILED = "failed", _("Not sent")


# Statuses that will not change again.
FINAL_STATUSES = {
    MessageStatus.DELIVERED,
    MessageStatus.TEMPORARY_FAILURE,
    MessageStatus.PERMANENT_FAILURE,
    MessageStatus.FAILED,
}


class OutboundMessage(CouncilOwned):
    """One message to a resident, from queued to delivered (or why not)."""

    audit_personal_fields = ("recipient", "personalisation")

    channel = models.CharField(max_length=5, choices=MessageChannel.choices)
    recipient = models.CharField(max_length=320)
    template_key = models.SlugField(max_length=63)
    language = models.CharField(max_length=5, default="en")
    template_id = models.UUIDField(null=True, blank=True)
    personalisation = models.JSONField(default=dict, blank=True)
    # What the message is about, as "<kind>:<id>" (for example case:42), for its timeline.
    regarding = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    notify_id = models.UUIDField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.template_key} to {self.channel} ({self.status})"

    @property
    def reference(self) -> str:
        """Our reference for Notify (it is echoed in Notify's records and callbacks)."""
        return f"frontdoor-{self.pk}"
