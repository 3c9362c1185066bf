"""The append-only change log, the read-access log, and the keys that seal personal values.

Personal values are never written to the log in clear: they are sealed with a key belonging to
the person they are about. Erasing the person destroys the key, which leaves every entry readable
(who did what, to which record, which fields) and no longer holding their personal data.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Council


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete a log entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")


class SubjectKey(models.Model):
    """The key that seals one data subject's personal values in the logs."""

    subject = models.CharField(max_length=120, unique=True)  # e.g. "identity.user:42"
    key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.subject


class ChangeLogEntry(AppendOnlyModel):
    """One change made through an action (or one batch of a bulk action)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    council = models.ForeignKey(Council, null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True)
    # {field: {"old": value, "new": value}}; personal values are {"sealed": token}.
    changes = models.JSONField(default=dict)
    # The data subject whose key seals the personal values of this entry.
    subject = models.CharField(max_length=120, blank=True, db_index=True)
    # For bulk actions: counts, file hash, source and the like; never personal values.
    batch = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "change log entries"

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    EXPORT = "export", _("Exported")
    BREAK_GLASS = "break_glass", _("Opened a restricted record")


class AccessLogEntry(AppendOnlyModel):
    """Who viewed which record (a resident's record, a case, a marker), when and why."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    council = models.ForeignKey(Council, null=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=AccessKind.choices, default=AccessKind.VIEW)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True)
    view = models.CharField(max_length=100)
    # The data subject the viewed record is about, whose key seals `detail`.
    subject = models.CharField(max_length=120, blank=True, db_index=True)
    # Sealed free text: a break-glass reason, a search query; {"sealed": token} or {}.
    detail = models.JSONField(default=dict, blank=True)
    # For a search: the ids of the records it returned.
    result_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id}"
