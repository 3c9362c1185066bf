"""API of omnichannel intake: queue events from telephony and chat platforms."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Omnichannel"])
