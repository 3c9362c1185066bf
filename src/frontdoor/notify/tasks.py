"""Background tasks of the outbox (run by `frontdoor worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_message(message_id: int) -> str:
    """Send one queued message (a failure schedules its own retry)."""
    from .actions import send_queued_message

    message = send_queued_message(message_id)
    return message.status if message else "not due"
