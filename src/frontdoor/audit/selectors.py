"""Reads of a council's audit logs, newest first, personal values opened unless erased."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from frontdoor.core.models import Council

from .models import AccessLogEntry, ChangeLogEntry
from .sealing import unseal


def changes_for(council: Council) -> QuerySet[ChangeLogEntry]:
    return ChangeLogEntry.objects.filter(council=council).select_related("actor")


def access_for(council: Council) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(council=council).select_related("actor")


def readable_changes(entry: ChangeLogEntry) -> list[dict[str, Any]]:
    """The entry's changed fields with sealed values opened (or shown as erased)."""
    return [
        {
            "field": field,
            "old": unseal(entry.subject, values.get("old")),
            "new": unseal(entry.subject, values.get("new")),
        }
        for field, values in entry.changes.items()
    ]
