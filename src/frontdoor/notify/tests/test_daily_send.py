"""The outbox's daily job sends one council's waiting messages; links in messages are absolute."""

from __future__ import annotations

import uuid

import pytest

from frontdoor.notify.actions import do_queue_message
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.links import absolute_link, site_url
from frontdoor.notify.models import MessageStatus, NotifyTemplate
from frontdoor.notify.tasks import daily_send_messages

TEMPLATE = FakeTemplate(id=str(uuid.uuid4()), type="email", subject="Hello", body="Hello")


@pytest.fixture
def notify(settings):
    with FakeNotifyServer() as server:
        server.service.add_template(TEMPLATE)
        settings.FRONTDOOR_NOTIFY_API_KEY = server.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.base_url
        yield server.service


def waiting_message(council, recipient):
    NotifyTemplate.objects.get_or_create(
        council=council, key="hello", channel="email", defaults={"template_id": TEMPLATE.id}
    )
    # Queued outside a commit (as when no API key was set): it waits for the sweep.
    return do_queue_message(
        actor=None,
        council=council,
        channel="email",
        recipient=recipient,
        template_key="hello",
        personalisation={},
    )


def test_the_daily_job_sends_only_its_councils_waiting_messages(notify, council, other_council):
    ours = waiting_message(council, "ours@example.org")
    theirs = waiting_message(other_council, "theirs@example.org")

    outcome = daily_send_messages(council)

    assert outcome == {"tried": 1, "finished": 1}
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (MessageStatus.DELIVERED, MessageStatus.QUEUED)
    assert [sent["recipient"] for sent in notify.sent] == ["ours@example.org"]


def test_links_use_the_configured_site_address(settings):
    settings.FRONTDOOR_SITE_URL = "https://frontdoor.example.gov.uk/"
    assert absolute_link("/cases/CAS-2026-000001/") == (
        "https://frontdoor.example.gov.uk/cases/CAS-2026-000001/"
    )


def test_without_a_site_address_links_use_the_first_named_host(settings):
    settings.FRONTDOOR_SITE_URL = ""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [".example.gov.uk", "contact.example.gov.uk"]
    assert site_url() == "https://contact.example.gov.uk"
    settings.DEBUG = True
    assert site_url() == "http://127.0.0.1:8000"
