"""Changes to the outbox: queue a message, send what is due (with retries), follow delivery."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from frontdoor.audit.recorder import record_change
from frontdoor.core.models import Council

from . import sending
from .models import FINAL_STATUSES, MessageStatus, NotifyTemplate, OutboundMessage

MAX_ATTEMPTS = 6
# Minutes to wait before each retry: Notify's outages are usually short, rate limits shorter.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
NOTIFY_FINAL = {
    "delivered": MessageStatus.DELIVERED,
    "permanent-failure": MessageStatus.PERMANENT_FAILURE,
    "temporary-failure": MessageStatus.TEMPORARY_FAILURE,
    "technical-failure": MessageStatus.TEMPORARY_FAILURE,
}


def template_for(council: Council, key: str, channel: str, language: str) -> NotifyTemplate | None:
    """The council's template for a kind of message, in the language or else in English."""
    templates = {
        t.language: t
        for t in NotifyTemplate.objects.filter(council=council, key=key, channel=channel)
    }
    return templates.get(language) or templates.get("en")


def do_queue_message(
    *,
    actor: Any,
    council: Council,
    channel: str,
    recipient: str,
    template_key: str,
    personalisation: dict[str, Any],
    language: str = "en",
    regarding: str = "",
    subject: str | None = None,
) -> OutboundMessage:
    """Put a message in the outbox; it is sent after the surrounding transaction commits.

    A message whose template the council has not set up is kept as failed, with the reason, so
    the case timeline shows that the resident was not told (nothing is silently dropped).
    `subject` names the resident the message is about, for sealing personal values in the audit.
    """
    template = template_for(council, template_key, channel, language)
    message = OutboundMessage.objects.create(
        council=council,
        channel=channel,
        recipient=recipient.strip(),
        template_key=template_key,
        language=template.language if template else language,
        template_id=template.template_id if template else None,
        personalisation=personalisation,
        regarding=regarding,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=MessageStatus.QUEUED if template else MessageStatus.FAILED,
        last_error="" if template else f"no {channel} template called {template_key!r}",
        finished_at=None if template else timezone.now(),
    )
    record_change(
        actor=actor,
        action="message.queue",
        instance=message,
        changes={
            "recipient": ("", message.recipient),
            "template_key": ("", template_key),
            "status": ("", message.status),
        },
        subject=subject or f"message:{message.pk}",
    )
    if template:
        from .tasks import send_message

        transaction.on_commit(lambda: send_message.enqueue(message.pk))
    return message


def _claim(message_id: int, now: dt.datetime) -> OutboundMessage | None:
    """Mark a due message as sending, unless another worker got there first."""
    claimed = (
        OutboundMessage.objects.filter(
            pk=message_id, status__in=[MessageStatus.QUEUED, MessageStatus.RETRYING]
        )
        .exclude(next_attempt_at__gt=now)
        .update(status=MessageStatus.SENDING)
    )
    return OutboundMessage.objects.get(pk=message_id) if claimed else None


def send_queued_message(message_id: int, now: dt.datetime | None = None) -> OutboundMessage | None:
    """Try to send one message now; on a passing failure schedule a retry with back-off."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    message.attempts += 1
    try:
        message.notify_id = sending.send(
            channel=message.channel,
            recipient=message.recipient,
            template_id=str(message.template_id),
            personalisation=message.personalisation,
            reference=message.reference,
        )
    except sending.NotifyNotConfigured as error:
        # Not the message's fault: it waits in the outbox until the install is configured.
        message.attempts -= 1
        message.status = MessageStatus.QUEUED
        message.last_error = str(error)
    except sending.SendFailure as failure:
        message.last_error = str(failure)
        if failure.retry and message.attempts < MAX_ATTEMPTS:
            wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
            message.status = MessageStatus.RETRYING
            message.next_attempt_at = now + dt.timedelta(minutes=wait)
        else:
            message.status = MessageStatus.FAILED
            message.finished_at = now
    else:
        message.status = MessageStatus.SENT
        message.sent_at = now
        message.last_error = ""
        message.next_attempt_at = None
    message.save()
    return message


def send_due_messages(
    now: dt.datetime | None = None, limit: int = 500, council: Council | None = None
) -> int:
    """Send every queued message and every retry that is due (of one council, or all);
    returns how many were tried."""
    now = now or timezone.now()
    outbox = OutboundMessage.objects.filter(**({"council": council} if council else {}))
    due = list(
        outbox.filter(status__in=[MessageStatus.QUEUED, MessageStatus.RETRYING])
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if send_queued_message(pk, now) is not None)


def refresh_delivery(
    now: dt.datetime | None = None, limit: int = 500, council: Council | None = None
) -> int:
    """Ask Notify how sent messages (of one council, or all) fared; returns how many reached a
    final status."""
    now = now or timezone.now()
    finished = 0
    outbox = OutboundMessage.objects.filter(**({"council": council} if council else {}))
    for message in outbox.filter(status=MessageStatus.SENT)[:limit]:
        try:
            status = sending.delivery_status(str(message.notify_id))
        except (sending.SendFailure, sending.NotifyNotConfigured):
            continue
        final = NOTIFY_FINAL.get(status)
        if final is not None and message.status not in FINAL_STATUSES:
            message.status = final
            message.finished_at = now
            message.save(update_fields=["status", "finished_at"])
            finished += 1
    return finished
