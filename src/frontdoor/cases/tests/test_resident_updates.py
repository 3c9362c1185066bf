"""Keeping residents informed: a committed status change sends the resident an update through
the real GOV.UK Notify client to the fake Notify server, and the timeline follows the message."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from freezegun import freeze_time

from frontdoor.cases.actions import (
    NewParty,
    do_change_status,
    do_set_status_update,
    do_switch_resident_updates,
    do_use_default_updates,
)
from frontdoor.cases.models import (
    STATUS_UPDATE_TEMPLATE,
    CaseEvent,
    CaseEventKind,
    StatusUpdateRule,
)
from frontdoor.cases.selectors import case_page, language_chain, update_recipient
from frontdoor.citizens.actions import NewContactPoint, do_add_representation, do_create_person
from frontdoor.core.models import Sensitivity
from frontdoor.notify.actions import refresh_delivery, send_due_messages
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.models import MessageStatus, NotifyTemplate, OutboundMessage

EMAIL = FakeTemplate(
    id=str(uuid.uuid4()),
    type="email",
    subject="Your ((case_type)) ((reference)): ((status))",
    body="Dear ((name)),\n\nYour ((case_type)) ((reference)) is now: ((status)).\n\n((next_steps))",
)
SMS = FakeTemplate(
    id=str(uuid.uuid4()),
    type="sms",
    body="((council)): your ((case_type)) ((reference)) is now ((status)).",
)
WELSH_EMAIL = FakeTemplate(
    id=str(uuid.uuid4()),
    type="email",
    subject="Eich ((case_type)) ((reference))",
    body="Annwyl ((name)), mae ((reference)) bellach: ((status)). ((next_steps))",
)


@pytest.fixture
def notify(settings, setup):
    with FakeNotifyServer() as server:
        for template in (EMAIL, SMS, WELSH_EMAIL):
            server.service.add_template(template)
        settings.FRONTDOOR_NOTIFY_API_KEY = server.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.base_url
        for channel, language, template in (
            ("email", "en", EMAIL),
            ("sms", "en", SMS),
            ("email", "cy", WELSH_EMAIL),
        ):
            NotifyTemplate.objects.create(
                council=setup.council,
                key=STATUS_UPDATE_TEMPLATE,
                channel=channel,
                language=language,
                template_id=template.id,
            )
        yield server.service


@pytest.fixture
def admin(make_user):
    return make_user("administrator", username="admin")


@pytest.fixture
def updates_on(setup, admin):
    """Updates switched on, with the default English wording for every built-in type."""
    do_use_default_updates(actor=admin, council=setup.council)
    do_switch_resident_updates(actor=admin, council=setup.council, on=True)


def person(setup, *, email="", mobile="", channel="", language="", **names):
    points = []
    if email:
        points.append(NewContactPoint("email", email))
    if mobile:
        points.append(NewContactPoint("phone", mobile, label="mobile"))
    names.setdefault("given_name", "Amira")
    names.setdefault("family_name", "Khan")
    return do_create_person(
        actor=None,
        council=setup.council,
        contact_points=points,
        preferred_channel=channel,
        preferred_language=language,
        **names,
    )


def move(case, actor, *statuses, capture):
    for status in statuses:
        with capture(execute=True):
            case = do_change_status(actor=actor, case=case, status=status)
    return case


def messages(case):
    return list(OutboundMessage.objects.filter(regarding=f"case:{case.pk}").order_by("pk"))


def test_a_status_change_emails_the_requester_through_notify_and_shows_on_the_timeline(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    amira = person(setup, email="amira@example.org", mobile="07700 900123")
    case = open_case("complaint", parties=[NewParty(amira, "requester")])

    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    [message] = messages(case)
    assert (message.channel, message.status, message.recipient) == (
        "email",
        MessageStatus.SENT,
        "amira@example.org",
    )
    [sent] = notify.sent
    assert sent["content"]["subject"] == f"Your complaint {case.reference}: being looked at"
    assert sent["content"]["body"].startswith("Dear Amira,")
    assert "An officer is looking into it." in sent["content"]["body"]
    assert sent["reference"] == f"frontdoor-{message.pk}"

    refresh_delivery()
    page = case_page(setup.officer, setup.council, case.reference)
    kinds = [item.kind for item in page.timeline]
    assert kinds[:3] == ["message-delivered", "message-sent", "message-queued"]
    queued = next(item for item in page.timeline if item.kind == "message-queued")
    assert queued.label == "Update queued: email to the requester"
    assert "To amira@example.org." in queued.text
    assert queued.by == setup.officer.display_name


def test_a_resident_who_prefers_texts_gets_a_text_message(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    amira = person(setup, email="amira@example.org", mobile="+44 7700 900456", channel="sms")
    case = open_case("foi", parties=[NewParty(amira, "requester")])

    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    [sent] = notify.sent
    assert sent["type"] == "sms"
    assert sent["recipient"] == "07700900456"
    assert sent["content"]["body"] == (
        f"{setup.council.name}: your freedom of information request {case.reference} "
        "is now being looked at."
    )


def test_with_no_requester_the_subject_is_told_and_a_representative_acting_comes_first(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    subject = person(setup, email="subject@example.org")
    case = open_case("complaint", parties=[NewParty(subject, "subject")])
    assert update_recipient(case).address == "subject@example.org"

    councillor = person(setup, email="cllr@example.gov.uk", given_name="Rhys")
    authority = do_add_representation(
        actor=None, represented=subject, representative=councillor, evidence="elected_member"
    )
    requester = person(setup, email="requester@example.org")
    both = open_case(
        "complaint",
        parties=[
            NewParty(subject, "subject"),
            NewParty(requester, "requester"),
            NewParty(councillor, "representative", authority),
        ],
    )
    move(both, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    [sent] = notify.sent
    assert sent["recipient"] == "cllr@example.gov.uk"
    assert sent["content"]["body"].startswith("Dear Rhys,")


def test_the_resident_s_language_picks_the_wording_and_the_template(
    setup, notify, updates_on, admin, open_case, django_capture_on_commit_callbacks
):
    do_set_status_update(
        actor=admin,
        case_type=setup.types["complaint"],
        status="in-progress",
        language="cy",
        status_text="yn cael ei ystyried",
        next_steps="Byddwn yn cysylltu.",
    )
    welsh = person(setup, email="bryn@example.org", language="cy", given_name="Bryn")
    polish = person(setup, email="ola@example.org", language="pl", given_name="Ola")
    first = open_case("complaint", parties=[NewParty(welsh, "requester")])
    second = open_case("complaint", parties=[NewParty(polish, "requester")])

    move(first, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)
    move(second, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    welsh_sent, polish_sent = notify.sent
    assert welsh_sent["template"].id == WELSH_EMAIL.id
    assert "bellach: yn cael ei ystyried. Byddwn yn cysylltu." in welsh_sent["content"]["body"]
    # No Polish wording or template: English, rather than nothing.
    assert polish_sent["template"].id == EMAIL.id
    assert messages(second)[0].language == "en"
    assert language_chain("pt-BR") == ["pt-BR", "pt", "en"]


def test_only_the_statuses_the_rules_name_send_an_update(
    setup, notify, updates_on, admin, open_case, django_capture_on_commit_callbacks
):
    do_set_status_update(
        actor=admin, case_type=setup.types["complaint"], status="in-progress", active=False
    )
    amira = person(setup, email="amira@example.org")
    case = open_case("complaint", parties=[NewParty(amira, "requester")])

    case = move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)
    assert notify.sent == []
    move(case, setup.officer, "responded", "closed", capture=django_capture_on_commit_callbacks)

    assert [m.personalisation["status"] for m in messages(case)] == ["answered", "closed"]


def test_nothing_is_sent_while_updates_are_switched_off(
    setup, notify, admin, open_case, django_capture_on_commit_callbacks
):
    do_use_default_updates(actor=admin, council=setup.council)
    amira = person(setup, email="amira@example.org")
    case = open_case("complaint", parties=[NewParty(amira, "requester")])

    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    assert notify.sent == []
    assert not CaseEvent.objects.filter(case=case, kind=CaseEventKind.MESSAGE).exists()


def test_when_nobody_can_be_told_the_timeline_says_why(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    no_address = person(setup, mobile="01632 960001")  # a landline: no texts
    cases = {
        "no-address": open_case("complaint", parties=[NewParty(no_address, "requester")]),
        "anonymous": open_case("complaint", anonymous=True),
        "no-party": open_case("complaint"),
        "safeguarding": open_case(
            "complaint",
            parties=[NewParty(person(setup, email="x@example.org"), "requester")],
            sensitivity=Sensitivity.SAFEGUARDING,
        ),
    }
    for case in cases.values():
        move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    assert notify.sent == []
    for problem, case in cases.items():
        event = CaseEvent.objects.get(case=case, kind=CaseEventKind.MESSAGE)
        assert event.data["problem"] == problem
    page = case_page(setup.officer, setup.council, cases["no-address"].reference)
    [entry] = [item for item in page.timeline if item.kind == "message-not-sent"]
    assert entry.label == "Update not sent"
    assert "no email address or mobile number" in entry.text


def test_a_failed_delivery_shows_notify_s_reason_on_the_timeline(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    bounced = person(setup, email="perm-fail@simulator.notify")
    case = open_case("complaint", parties=[NewParty(bounced, "requester")])
    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    refresh_delivery()

    page = case_page(setup.officer, setup.council, case.reference)
    failed = next(item for item in page.timeline if item.kind == "message-failed")
    assert failed.label == "Update failed"
    assert failed.text == "Not delivered (address or number wrong)"


def test_notify_down_is_retried_and_the_timeline_shows_the_wait(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    amira = person(setup, email="amira@example.org")
    case = open_case("complaint", parties=[NewParty(amira, "requester")])
    notify.fail_next(1)

    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    [message] = messages(case)
    assert message.status == MessageStatus.RETRYING
    queued = next(
        item
        for item in case_page(setup.officer, setup.council, case.reference).timeline
        if item.kind == "message-queued"
    )
    assert "could not take it yet (500: Internal server error)" in queued.text

    send_due_messages(now=timezone.now() + dt.timedelta(minutes=2))
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(notify.sent) == 1


def test_an_invalid_address_fails_at_once_with_notify_s_reason(
    setup, notify, updates_on, open_case, django_capture_on_commit_callbacks
):
    amira = person(setup, email="amira@example.org")
    case = open_case("complaint", parties=[NewParty(amira, "requester")])
    NotifyTemplate.objects.filter(channel="email", language="en").update(
        template_id=uuid.uuid4()  # a template Notify does not have
    )

    move(case, setup.officer, "in-progress", capture=django_capture_on_commit_callbacks)

    failed = next(
        item
        for item in case_page(setup.officer, setup.council, case.reference).timeline
        if item.kind == "message-failed"
    )
    assert failed.text == "Not sent: 400: Template not found"


def test_the_switch_keeps_the_date_it_was_switched_on(setup, admin):
    with freeze_time("2026-03-02 10:00:00"):
        switch = do_switch_resident_updates(actor=admin, council=setup.council, on=True)
    assert (switch.on, switch.switched_on) == (True, dt.date(2026, 3, 2))
    with freeze_time("2026-03-09 10:00:00"):
        do_switch_resident_updates(actor=admin, council=setup.council, on=True)  # no change
        switch = do_switch_resident_updates(actor=admin, council=setup.council, on=False)
    assert (switch.on, switch.switched_on) == (False, dt.date(2026, 3, 2))


def test_only_administrators_configure_updates_and_rules_are_checked(setup, admin):
    with pytest.raises(PermissionDenied):
        do_switch_resident_updates(actor=setup.officer, council=setup.council, on=True)
    with pytest.raises(ValidationError) as error:
        do_set_status_update(
            actor=admin, case_type=setup.types["complaint"], status="no-such", language="x y"
        )
    assert set(error.value.message_dict) == {"status", "language"}
    created = do_use_default_updates(actor=admin, council=setup.council)
    assert do_use_default_updates(actor=admin, council=setup.council) == []
    assert StatusUpdateRule.objects.filter(council=setup.council).count() == len(created) > 0


def test_an_administrator_switches_updates_on_and_adds_wording_on_the_page(setup, admin, client):
    client.force_login(admin)
    assert client.get("/cases/updates/").status_code == 200

    client.post("/cases/updates/defaults/")
    client.post("/cases/updates/switch/", {"on": "1"})
    response = client.post(
        "/cases/updates/",
        {
            "case_type": setup.types["foi"].pk,
            "status": "closed",
            "language": "cy",
            "status_text": "wedi cau",
            "next_steps": "",
            "active": "on",
        },
    )

    assert response.status_code == 302
    page = client.get("/cases/updates/").content.decode()
    assert "Updates are on, since" in page
    assert "wedi cau" in page
    rule = StatusUpdateRule.objects.get(case_type=setup.types["foi"], language="cy")
    assert (rule.status, rule.active) == ("closed", True)
    wrong = client.post(
        "/cases/updates/",
        {"case_type": setup.types["foi"].pk, "status": "nope", "language": "en"},
    )
    assert wrong.status_code == 400
    client.force_login(setup.officer)
    assert client.get("/cases/updates/").status_code == 403
