"""The outbox sends through the real GOV.UK Notify client to a local fake Notify, and retries."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import jwt
import pytest
import requests
from django.utils import timezone

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.notify.actions import (
    do_queue_message,
    refresh_delivery,
    send_due_messages,
    send_queued_message,
)
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.models import MessageStatus, NotifyTemplate, OutboundMessage

EMAIL_TEMPLATE = FakeTemplate(
    id=str(uuid.uuid4()),
    type="email",
    subject="Your case ((reference))",
    body="Dear ((name)), your case ((reference)) is now ((status)).",
)
SMS_TEMPLATE = FakeTemplate(
    id=str(uuid.uuid4()), type="sms", body="Case ((reference)) is now ((status))."
)
DETAILS = {"name": "Amira", "reference": "CAS-1", "status": "being looked at"}


@pytest.fixture
def notify(settings):
    with FakeNotifyServer() as server:
        server.service.add_template(EMAIL_TEMPLATE)
        server.service.add_template(SMS_TEMPLATE)
        settings.FRONTDOOR_NOTIFY_API_KEY = server.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.base_url
        yield server.service


@pytest.fixture
def templates(council):
    NotifyTemplate.objects.create(
        council=council, key="case-update", channel="email", template_id=EMAIL_TEMPLATE.id
    )
    NotifyTemplate.objects.create(
        council=council, key="case-update", channel="sms", template_id=SMS_TEMPLATE.id
    )


def queue(council, channel="email", recipient="amira@example.org", **overrides):
    fields = {
        "actor": None,
        "council": council,
        "channel": channel,
        "recipient": recipient,
        "template_key": "case-update",
        "personalisation": DETAILS,
        "regarding": "case:1",
    }
    return do_queue_message(**(fields | overrides))


def test_a_queued_email_is_sent_once_the_transaction_commits(
    notify, templates, council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(council)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    [sent] = notify.sent
    assert sent["recipient"] == "amira@example.org"
    assert sent["content"]["body"] == "Dear Amira, your case CAS-1 is now being looked at."
    assert sent["reference"] == f"frontdoor-{message.pk}"
    assert str(message.notify_id) == sent["id"]


def test_a_text_message_goes_to_the_sms_template(notify, templates, council):
    message = queue(council, channel="sms", recipient="07700 900123")

    send_queued_message(message.pk)

    assert notify.sent[0]["content"]["body"] == "Case CAS-1 is now being looked at."


def test_notify_failing_for_a_moment_is_retried_with_back_off(notify, templates, council):
    message = queue(council)
    notify.fail_next(2)
    start = timezone.now()

    first = send_queued_message(message.pk, now=start)
    assert (first.status, first.attempts) == (MessageStatus.RETRYING, 1)
    assert first.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "Internal server error" in first.last_error
    assert send_due_messages(now=start + dt.timedelta(seconds=30)) == 0  # not due yet

    assert send_due_messages(now=start + dt.timedelta(minutes=1)) == 1
    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == (
        MessageStatus.RETRYING,
        start + dt.timedelta(minutes=6),
    )
    send_due_messages(now=start + dt.timedelta(minutes=6))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 3)
    assert len(notify.sent) == 1


def test_a_bad_address_fails_at_once_with_notifys_reason(notify, templates, council):
    message = queue(council, recipient="not-an-address")

    result = send_queued_message(message.pk)

    assert result.status == MessageStatus.FAILED
    assert result.attempts == 1
    assert "Not a valid email address" in result.last_error
    assert notify.sent == []


def test_a_wrong_api_key_is_refused_by_notify_and_not_retried(notify, templates, council, settings):
    settings.FRONTDOOR_NOTIFY_API_KEY = f"frontdoor-{notify.service_id}-{uuid.uuid4()}"
    message = queue(council)

    result = send_queued_message(message.pk)

    assert result.status == MessageStatus.FAILED
    assert result.last_error.startswith("403")


def test_without_a_key_messages_wait_in_the_outbox(templates, council, settings):
    settings.FRONTDOOR_NOTIFY_API_KEY = ""
    message = queue(council)

    result = send_queued_message(message.pk)

    assert (result.status, result.attempts) == (MessageStatus.QUEUED, 0)
    assert "FRONTDOOR_NOTIFY_API_KEY" in result.last_error


def test_a_message_without_a_template_is_kept_as_failed_with_the_reason(notify, council):
    message = queue(council, template_key="no-such-template")

    assert message.status == MessageStatus.FAILED
    assert "no email template called 'no-such-template'" in message.last_error
    assert send_due_messages() == 0


def test_delivery_statuses_follow_notifys_simulated_recipients(notify, templates, council):
    delivered = queue(council)
    bounced = queue(council, recipient="perm-fail@simulator.notify")
    send_due_messages()

    assert refresh_delivery() == 2

    delivered.refresh_from_db()
    bounced.refresh_from_db()
    assert delivered.status == MessageStatus.DELIVERED
    assert bounced.status == MessageStatus.PERMANENT_FAILURE


def test_a_welsh_message_uses_the_welsh_template_and_falls_back_to_english(
    notify, templates, council
):
    welsh = FakeTemplate(id=str(uuid.uuid4()), type="email", subject="Eich achos", body="Annwyl")
    notify.add_template(welsh)
    NotifyTemplate.objects.create(
        council=council, key="case-update", channel="email", language="cy", template_id=welsh.id
    )

    assert str(queue(council, language="cy").template_id) == welsh.id
    sms = queue(council, channel="sms", recipient="07700900123", language="cy")
    assert (str(sms.template_id), sms.language) == (SMS_TEMPLATE.id, "en")


def test_the_recipient_is_sealed_in_the_audit(notify, templates, council):
    message = queue(council)

    entry = ChangeLogEntry.objects.get(action="message.queue", object_id=str(message.pk))
    assert "amira@example.org" not in str(entry.changes)


def test_the_fake_refuses_tokens_that_notify_would_refuse(notify):
    with FakeNotifyServer(notify) as server:
        url = f"{server.base_url}/v2/notifications/email"
        stale = jwt.encode({"iss": notify.service_id, "iat": int(time.time()) - 60}, notify.secret)
        answer = requests.post(
            url, json={}, headers={"Authorization": f"Bearer {stale}"}, timeout=5
        )
        assert answer.status_code == 403
        assert "30 seconds" in answer.json()["errors"][0]["message"]
        assert requests.post(url, json={}, timeout=5).status_code == 403


def test_a_message_sent_twice_at_once_is_sent_once(notify, templates, council):
    message = queue(council)
    OutboundMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)

    assert send_queued_message(message.pk) is None
    assert notify.sent == []
