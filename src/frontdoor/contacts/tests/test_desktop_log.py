"""Logging a contact at the desktop: the same record as an imported one (source desktop), checked
by the contact-record rules, the person linked as subject, notes sealed in the audit, and a
telephony id enriching the call's own contact instead of adding a second."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.citizens.actions import do_create_person
from frontdoor.citizens.models import ContactParty
from frontdoor.contacts.actions import do_import_contacts
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.contacts.models import Contact, ContactNote
from frontdoor.contacts.records import RecordValidator, ValidRecord
from frontdoor.contacts.selectors import catalogue_lookup
from frontdoor.core.models import Queue, Service
from frontdoor.omnichannel.models import LiveCall


@pytest.fixture
def person(catalogued_council):
    return do_create_person(
        actor=None, council=catalogued_council, given_name="Sarah", family_name="Jones"
    )


@pytest.fixture
def agent(make_user):
    return make_user("agent")


def log(agent, person, **values):
    values.setdefault("channel", "phone")
    values.setdefault("service", "council-tax")
    values.setdefault("resolution", "first_contact")
    return do_log_contact(actor=agent, party=person, **values)


def test_a_logged_contact_is_a_desktop_record_linked_to_the_person_with_its_note(
    catalogued_council, person, agent
):
    logged = log(
        agent,
        person,
        wrap_code="council-tax-bill",
        notes="Explained the instalments",
        failure_demand=True,
        failure_demand_type="chasing",
    )
    contact = Contact.objects.get(pk=logged.contact.pk)
    assert logged.created
    assert (contact.source, contact.channel, contact.outcome) == ("desktop", "phone", "answered")
    assert contact.service.service_id == "council-tax"
    assert (
        contact.queue_id == Queue.objects.get(council=catalogued_council, queue_id="council-tax").pk
    )
    assert (contact.resolution, contact.failure_demand, contact.failure_demand_type) == (
        "first_contact",
        True,
        "chasing",
    )
    assert contact.citizen_ref == person.reference
    assert contact.agent_ref == agent.username
    assert ContactParty.objects.get(contact=contact).party == person
    assert ContactParty.objects.get(contact=contact).role == "subject"
    assert ContactNote.objects.get(contact=contact).text == "Explained the instalments"


def test_logging_is_audited_with_the_notes_sealed_under_the_persons_key(
    catalogued_council, person, agent
):
    logged = log(agent, person, notes="Lost her job last month")
    actions = set(ChangeLogEntry.objects.filter(actor=agent).values_list("action", flat=True))
    assert {"contact.log", "contact_note.create", "contact_party.create"} <= actions
    entry = ChangeLogEntry.objects.get(action="contact_note.create")
    assert entry.subject == f"citizens.party:{person.pk}"
    assert "Lost her job" not in str(entry.changes)
    assert unseal(entry.subject, entry.changes["text"]["new"]) == "Lost her job last month"
    created = ChangeLogEntry.objects.get(action="contact.log")
    assert created.object_id == str(logged.contact.pk)
    assert "sealed" in str(created.changes["citizen_ref"]["new"])


def test_the_contact_record_rules_reject_bad_values_by_field(catalogued_council, person, agent):
    with pytest.raises(ValidationError) as bad_service:
        log(agent, person, service="no-such-service")
    assert "service" in bad_service.value.message_dict
    with pytest.raises(ValidationError) as bad_channel:
        log(agent, person, channel="pigeon")
    assert "channel" in bad_channel.value.message_dict
    with pytest.raises(ValidationError) as long_code:
        log(agent, person, wrap_code="x" * 101)
    assert "wrap_code" in long_code.value.message_dict
    with pytest.raises(ValidationError) as type_without_flag:
        log(agent, person, failure_demand=False, failure_demand_type="chasing")
    assert "failure_demand" in type_without_flag.value.message_dict
    assert not Contact.objects.exists()


def test_only_desktop_users_log_contacts(catalogued_council, person, make_user):
    with pytest.raises(PermissionDenied):
        log(make_user("performance_analyst"), person)
    with pytest.raises(PermissionDenied):
        do_log_contact(actor=None, party=person, channel="phone", service="council-tax")


def test_an_agent_may_log_a_safeguarding_contact_they_then_cannot_open(
    catalogued_council, person, agent
):
    logged = log(agent, person, sensitivity="safeguarding", notes="Disclosure")
    assert logged.contact.sensitivity == "safeguarding"
    assert ContactNote.objects.get().sensitivity == "safeguarding"


def telephony_call(council, call_id="call-991", **values):
    fields = {
        "council": council,
        "source": "telephony",
        "contact_id": call_id,
        "channel": "phone",
        "service": Service.objects.get(council=council, service_id="council-tax"),
        "queue": Queue.objects.get(council=council, queue_id="council-tax"),
        "offered_at": timezone.now() - dt.timedelta(minutes=10),
        "outcome": "answered",
        "wait_seconds": 42.0,
        "handle_seconds": 300.0,
        "citizen_ref": "hashed-phone-1",
    }
    fields.update(values)
    return Contact.objects.create(**fields)


def test_a_telephony_id_enriches_the_calls_contact_instead_of_adding_a_second(
    catalogued_council, person, agent
):
    call = telephony_call(catalogued_council)
    logged = log(
        agent,
        person,
        telephony_id="call-991",
        service="benefits",
        wrap_code="benefits",
        resolution="handed_over",
        notes="Passed to the benefits team",
    )
    assert not logged.created and logged.contact.pk == call.pk
    assert Contact.objects.count() == 1
    call.refresh_from_db()
    # The agent's wrap-up is added; the platform's identity, times and outcome are kept.
    assert (call.wrap_code, call.resolution, call.service.service_id) == (
        "benefits",
        "handed_over",
        "benefits",
    )
    assert (call.source, call.wait_seconds, call.handle_seconds, call.outcome) == (
        "telephony",
        42.0,
        300.0,
        "answered",
    )
    assert call.citizen_ref == "hashed-phone-1"
    assert ContactParty.objects.get(contact=call).party == person
    entry = ChangeLogEntry.objects.get(action="contact.enrich")
    assert set(entry.changes) == {"service_id", "wrap_code", "resolution"}


def test_the_agents_wrap_up_survives_a_re_import_of_the_call(catalogued_council, person, agent):
    call = telephony_call(catalogued_council)
    log(agent, person, telephony_id="call-991", wrap_code="council-tax-arrears")
    catalogue = catalogue_lookup(catalogued_council)
    validator = RecordValidator(catalogue=catalogue, time_zone="Europe/London")
    record = validator.validate(
        2,
        {
            "contact_id": "call-991",
            "source": "telephony",
            "channel": "phone",
            "service": "council-tax",
            "offered_at": call.offered_at.isoformat(),
            "outcome": "answered",
            "wait_seconds": "42",
            "handle_seconds": "310",
        },
    )
    assert isinstance(record, ValidRecord)
    do_import_contacts(
        actor=None, council=catalogued_council, records=[record], catalogue=catalogue
    )
    call.refresh_from_db()
    assert call.wrap_code == "council-tax-arrears" and call.handle_seconds == 310.0
    assert Contact.objects.count() == 1


def test_an_unknown_telephony_id_is_an_error_on_that_field(catalogued_council, person, agent):
    with pytest.raises(ValidationError) as error:
        log(agent, person, telephony_id="nope")
    assert "telephony_id" in error.value.message_dict


def test_a_call_still_in_progress_gets_its_contact_under_the_platforms_identity(
    catalogued_council, person, agent
):
    queued = timezone.now() - dt.timedelta(minutes=4)
    LiveCall.objects.create(
        council=catalogued_council,
        platform="switch",
        call_id="live-5",
        queue=Queue.objects.get(council=catalogued_council, queue_id="housing"),
        service=Service.objects.get(council=catalogued_council, service_id="rents"),
        state="answered",
        queued_at=queued,
        answered_at=queued + dt.timedelta(seconds=90),
    )
    logged = log(agent, person, telephony_id="live-5", service="", wrap_code="rent-arrears")
    contact = logged.contact
    assert (contact.source, contact.contact_id) == ("switch", "live-5")
    assert contact.service.service_id == "rents" and contact.wait_seconds == 90.0
    assert contact.offered_at == queued


def test_the_log_page_logs_a_contact_and_returns_to_the_person(
    client, catalogued_council, person, agent
):
    client.force_login(agent)
    url = reverse("citizens:log-contact", args=[person.reference])
    page = client.get(url)
    assert page.status_code == 200 and 'list="wrap-codes"' in page.content.decode()
    response = client.post(
        url,
        {
            "service": "rents",
            "wrap_code": "rent-arrears",
            "notes": "Behind by two weeks",
            "resolution": "first_contact",
            "failure_demand": "no",
            "channel": "phone",
            "outcome": "answered",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:person", args=[person.reference])
    contact = Contact.objects.get()
    assert contact.wrap_code == "rent-arrears" and contact.failure_demand is False
    html = client.get(response["Location"]).content.decode()
    assert "Contact logged" in html and "Behind by two weeks" in html


def test_the_log_page_shows_errors_in_govuk_style(client, catalogued_council, person, agent):
    client.force_login(agent)
    url = reverse("citizens:log-contact", args=[person.reference])
    response = client.post(url, {"failure_demand": "no", "channel": "phone"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Select the service it was about" in html
    assert "Select how the contact was resolved" in html
    bad_call = client.post(
        url,
        {
            "service": "rents",
            "resolution": "first_contact",
            "failure_demand": "no",
            "channel": "phone",
            "outcome": "answered",
            "telephony_id": "unknown-call",
        },
    )
    assert (
        bad_call.status_code == 400 and "There is no call with that id" in bad_call.content.decode()
    )
    assert not Contact.objects.exists()
