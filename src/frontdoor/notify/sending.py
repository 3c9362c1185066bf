"""Talking to GOV.UK Notify through its official client (a fake stands in for it in tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

REQUEST_TIMEOUT_SECONDS = 10


class NotifyNotConfigured(RuntimeError):
    """No API key is set (FRONTDOOR_NOTIFY_API_KEY): messages wait in the outbox."""


@dataclass(frozen=True)
class SendFailure(Exception):
    """Notify refused or could not take a message. `retry` says whether trying later may help."""

    status_code: int
    message: str
    retry: bool

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"


def client() -> NotificationsAPIClient:
    """A Notify client from the install's settings (the key is a secret from the environment)."""
    key = settings.FRONTDOOR_NOTIFY_API_KEY
    if not key:
        raise NotifyNotConfigured("FRONTDOOR_NOTIFY_API_KEY is not set")
    return NotificationsAPIClient(
        key, base_url=settings.FRONTDOOR_NOTIFY_BASE_URL, timeout=REQUEST_TIMEOUT_SECONDS
    )


def _failure(error: APIError) -> SendFailure:
    message = error.message
    if isinstance(message, list):
        message = "; ".join(str(item.get("message", item)) for item in message)
    status = int(error.status_code)
    # Notify's advice: retry 429 (rate limit) and 5xx; 400 and 403 will fail again the same way.
    return SendFailure(status, str(message)[:500], retry=status == 429 or status >= 500)


def send(
    *,
    channel: str,
    recipient: str,
    template_id: str,
    personalisation: dict[str, Any],
    reference: str,
) -> str:
    """Send one message; returns Notify's notification id, or raises SendFailure."""
    notify = client()
    try:
        if channel == "email":
            answer = notify.send_email_notification(
                email_address=recipient,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
        else:
            answer = notify.send_sms_notification(
                phone_number=recipient,
                template_id=template_id,
                personalisation=personalisation,
                reference=reference,
            )
    except APIError as error:
        raise _failure(error) from error
    return str(answer["id"])


def delivery_status(notification_id: str) -> str:
    """Notify's status of a notification (created, sending, delivered, *-failure...)."""
    try:
        return str(client().get_notification_by_id(notification_id)["status"])
    except APIError as error:
        raise _failure(error) from error
