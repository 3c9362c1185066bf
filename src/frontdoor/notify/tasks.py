"""Background tasks of the outbox (run by `frontdoor worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from frontdoor.core.models import Council


@task()
def send_message(message_id: int) -> str:
    """Send one queued message (a failure schedules its own retry)."""
    from .actions import send_queued_message

    message = send_queued_message(message_id)
    return message.status if message else "not due"


def daily_send_messages(council: Council) -> dict[str, Any]:
    """The daily job (`core.scheduling`): send the council's due messages and retries, then
    follow delivery. Each message is normally sent by its own task as soon as it is queued;
    this sweeps up what waited (no API key yet, a lost task) and the delivery statuses."""
    from .actions import refresh_delivery, send_due_messages

    return {
        "tried": send_due_messages(council=council),
        "finished": refresh_delivery(council=council),
    }
