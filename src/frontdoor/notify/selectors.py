"""Reads of the outbox."""

from __future__ import annotations

from frontdoor.core.models import Council

from .models import OutboundMessage


def messages_regarding(council: Council, regarding: str) -> list[OutboundMessage]:
    """The messages about one thing (for example case:42), newest first."""
    return list(OutboundMessage.objects.filter(council=council, regarding=regarding))
