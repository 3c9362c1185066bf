"""The agent desktop's pages: find a person, their page, one contact, break-glass, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.cases.actions import NewParty, do_open_case, ensure_case_types
from frontdoor.cases.models import CaseType
from frontdoor.citizens.actions import (
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_link_party_to_contact,
    do_propose_safety_marker,
    do_record_needs,
)
from frontdoor.contacts.models import Contact, ContactNote
from frontdoor.core.models import Queue, Service

FUTURE = dt.date(2099, 1, 1)


@pytest.fixture
def resident(catalogued_council, make_person):
    return make_person(
        "Sarah",
        "Jones",
        born=dt.date(1980, 3, 12),
        address="14 Cathedral Road",
        postcode="CF10 1EP",
        phone="07700 900123",
        references=[("telephony", "caller-77")],
    )


@pytest.fixture
def markers(resident, make_user):
    do_record_needs(
        actor=None,
        party=resident,
        bsl_interpreter=True,
        large_print=True,
        notes="Prefers mornings",
    )
    do_add_vulnerability_marker(
        actor=None,
        party=resident,
        marker_type="mental_health",
        guidance="Allow extra time; offer a call back",
        health_detail="Severe anxiety",
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    marker = do_propose_safety_marker(
        actor=make_user("team_leader"),
        party=resident,
        category="threats",
        precaution="Two officers for any visit",
        detail="Threatened an officer on 3 March",
        review_by=FUTURE,
    )
    do_approve_safety_marker(actor=make_user("team_leader"), marker=marker)
    return marker


def contacts_for(council, party, count, *, start=0, days_ago=1, **values):
    """`count` contacts linked to `party`, one an hour, alternating two services and channels."""
    services = list(
        Service.objects.filter(council=council, service_id__in=["council-tax", "rents"]).order_by(
            "service_id"
        )
    )
    queue = Queue.objects.filter(council=council).first()
    base = timezone.now() - dt.timedelta(days=days_ago)
    made = []
    for i in range(start, start + count):
        fields = {
            "council": council,
            "source": "desktop",
            "contact_id": f"c{i}",
            "channel": "phone" if i % 2 else "email",
            "service": services[i % 2],
            "queue": queue,
            "offered_at": base - dt.timedelta(hours=i),
            "outcome": "answered",
            "resolution": "first_contact",
            "wrap_code": f"W{i}",
        }
        fields.update(values)
        contact = Contact.objects.create(**fields)
        do_link_party_to_contact(actor=None, party=party, contact=contact, role="subject")
        made.append(contact)
    return made


def signed_in(client, user):
    client.force_login(user)
    return client


# Finding a person --------------------------------------------------------------------------------


def test_the_search_page_finds_a_misspelt_name_and_shows_enough_to_tell_people_apart(
    client, catalogued_council, resident, make_person, agent
):
    make_person("Sara", "Jones", born=dt.date(1992, 7, 1), postcode="CF24 3AA")
    response = signed_in(client, agent).get(reverse("citizens:search"), {"q": "sarah jnoes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sarah Jones" in page and "12 Mar 1980" in page and "14 Cathedral Road, CF10 1EP" in page
    assert reverse("citizens:person", args=[resident.reference]) in page
    # The search is one access entry with the ids of what it showed.
    entry = AccessLogEntry.objects.get(kind=AccessKind.SEARCH, actor=agent)
    assert str(resident.pk) in entry.result_ids


def test_a_search_by_phone_or_postcode_finds_the_person(
    client, catalogued_council, resident, agent
):
    signed_in(client, agent)
    for query in ("07700900123", "cf10 1ep", resident.reference):
        page = client.get(reverse("citizens:search"), {"q": query}).content.decode()
        assert "Sarah Jones" in page, query


def test_no_results_and_too_many_results_say_what_to_do(
    client, catalogued_council, make_person, agent
):
    for i in range(23):
        make_person(f"Person{chr(65 + i)}", "Smith")
    signed_in(client, agent)
    nobody = client.get(reverse("citizens:search"), {"q": "Zebedee Quux"}).content.decode()
    assert "No one found for" in nobody and "a phone number, email address or postcode" in nobody
    many = client.get(reverse("citizens:search"), {"q": "smith"}).content.decode()
    assert "More people match than are shown" in many


def test_the_search_page_is_for_desktop_users_only(client, catalogued_council, make_user):
    response = signed_in(client, make_user("performance_analyst")).get(reverse("citizens:search"))
    assert response.status_code == 403


def test_the_navigation_shows_residents_to_agents(client, catalogued_council, agent):
    page = signed_in(client, agent).get(reverse("web:home")).content.decode()
    assert reverse("citizens:search") in page


# The person page --------------------------------------------------------------------------------


def test_an_agent_sees_needs_warnings_and_history_across_services_newest_first(
    client, catalogued_council, resident, markers, agent
):
    contacts_for(catalogued_council, resident, 3)
    ContactNote.objects.create(contact=Contact.objects.get(contact_id="c0"), text="Paid in full")
    page = signed_in(client, agent).get(reverse("citizens:person", args=[resident.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "moj-identity-bar" in html and "Sarah Jones" in html
    assert "British Sign Language interpreter" in html and "Prefers mornings" in html
    assert "Staff safety: Two officers for any visit" in html
    assert "Threatened an officer" not in html  # detail only for manage_safety_markers
    assert "Health-related: see guidance" in html and "Severe anxiety" not in html
    assert "Allow extra time" in html
    # Newest first (c0 is the newest), across both services, with the agent's note.
    # (Matched with their label: a bare "W1" can turn up inside a random token.)
    assert html.index("reason W0") < html.index("reason W1") < html.index("reason W2")
    assert "Council Tax: email" in html and "Rents: phone" in html
    assert "Paid in full" in html
    assert f"{reverse('cases:new')}?contact=" in html


def test_team_leaders_see_marker_details(client, catalogued_council, resident, markers, make_user):
    html = (
        signed_in(client, make_user("team_leader"))
        .get(reverse("citizens:person", args=[resident.reference]))
        .content.decode()
    )
    assert "Threatened an officer on 3 March" in html and "Severe anxiety" in html


def test_cases_the_person_is_party_to_are_on_the_timeline(
    client, catalogued_council, resident, agent, make_user
):
    ensure_case_types(catalogued_council)
    case_type = CaseType.objects.filter(council=catalogued_council, active=True).first()
    officer = make_user("service_officer")
    case = do_open_case(
        actor=officer,
        council=catalogued_council,
        case_type=case_type,
        service=Service.objects.get(council=catalogued_council, service_id="rents"),
        summary="Disputes the rent statement",
        parties=[NewParty(resident, "subject")],
    )
    html = (
        signed_in(client, agent)
        .get(reverse("citizens:person", args=[resident.reference]))
        .content.decode()
    )
    assert case.reference in html and "Disputes the rent statement" in html
    assert reverse("cases:case", args=[case.reference]) in html
    # A channel filter leaves cases out: they have no channel.
    filtered = client.get(
        reverse("citizens:person", args=[resident.reference]), {"channel": "phone"}
    ).content.decode()
    assert case.reference not in filtered


@pytest.mark.parametrize("size", [1, 50])
def test_the_person_page_takes_the_same_number_of_queries_whatever_the_history_size(
    client, catalogued_council, resident, markers, agent, size, django_assert_num_queries
):
    contacts_for(catalogued_council, resident, size)
    for contact in Contact.objects.filter(council=catalogued_council)[:size]:
        ContactNote.objects.create(contact=contact, text="note")
    ensure_case_types(catalogued_council)
    url = reverse("citizens:person", args=[resident.reference])
    signed_in(client, agent).get(url)  # warm the caches (case types, the default rule)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("moj-timeline__item") == size


# Measured once and asserted for both sizes: a change that adds a query per contact fails one.
QUERIES = 22  # fixed whatever the history; whether it was merged is read with the person


def test_the_timeline_filters_work_without_javascript(client, catalogued_council, resident, agent):
    contacts_for(catalogued_council, resident, 4)
    contacts_for(catalogued_council, resident, 1, start=10, days_ago=60)
    url = reverse("citizens:person", args=[resident.reference])
    signed_in(client, agent)
    by_service = client.get(url, {"service": "rents"}).content.decode()
    assert "Rents: phone" in by_service and "Council Tax: email" not in by_service
    assert "Remove this filter" in by_service and "Selected filters" in by_service
    by_channel = client.get(url, {"channel": "email"}).content.decode()
    assert by_channel.count("moj-timeline__item") == 3  # c0, c2 and c10
    today = timezone.localdate()
    recent = client.get(url, {"date_from": (today - dt.timedelta(days=30)).isoformat()})
    assert recent.content.decode().count("moj-timeline__item") == 4
    wrong = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "The end date must be on or after the start date" in wrong.content.decode()


def test_every_view_of_the_page_is_logged(client, catalogued_council, resident, agent):
    signed_in(client, agent).get(reverse("citizens:person", args=[resident.reference]))
    assert AccessLogEntry.objects.filter(
        actor=agent, view="citizens.person", object_id=str(resident.pk)
    ).exists()


def test_a_restricted_person_asks_for_a_reason_that_goes_into_the_access_log(
    client, catalogued_council, make_person, agent, make_user
):
    person = make_person("Grace", "Hidden", sensitivity="safeguarding")
    url = reverse("citizens:person", args=[person.reference])
    assert signed_in(client, agent).get(url).status_code == 404
    leader = make_user("team_leader")
    client.force_login(leader)
    asked = client.get(url)
    assert "This record is restricted" in asked.content.decode()
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and "Enter why you need to open" in missing.content.decode()
    assert client.post(url, {"reason": "Safeguarding call"}).status_code == 302
    assert "Grace Hidden" in client.get(url).content.decode()
    entry = AccessLogEntry.objects.get(kind=AccessKind.BREAK_GLASS, actor=leader)
    assert unseal(entry.subject, entry.detail) == "Safeguarding call"


def test_a_restricted_contact_is_opened_with_a_reason(
    client, catalogued_council, resident, make_user, agent
):
    (normal,) = contacts_for(catalogued_council, resident, 1)
    (hidden,) = contacts_for(catalogued_council, resident, 1, start=1, sensitivity="restricted")
    ContactNote.objects.create(contact=hidden, text="Disclosed a risk", sensitivity="restricted")
    signed_in(client, agent)
    # Agents do not see restricted contacts at all.
    assert (
        "Open the restricted contact"
        not in client.get(reverse("citizens:person", args=[resident.reference])).content.decode()
    )
    contact_url = reverse("citizens:contact", args=[resident.reference, hidden.pk])
    assert client.get(contact_url).status_code == 404
    assert (
        client.get(reverse("citizens:contact", args=[resident.reference, normal.pk])).status_code
        == 200
    )
    leader = make_user("team_leader")
    client.force_login(leader)
    person_html = client.get(reverse("citizens:person", args=[resident.reference])).content.decode()
    assert "Open the restricted contact" in person_html and "Disclosed a risk" not in person_html
    assert "This contact is restricted" in client.get(contact_url).content.decode()
    client.post(contact_url, {"reason": "Resident asked about it"})
    assert "Disclosed a risk" in client.get(contact_url).content.decode()
    entry = AccessLogEntry.objects.get(kind=AccessKind.BREAK_GLASS, actor=leader)
    assert entry.object_id == str(hidden.pk)
    assert unseal(entry.subject, entry.detail) == "Resident asked about it"


def test_a_contact_of_someone_else_is_not_shown_under_this_person(
    client, catalogued_council, resident, make_person, agent
):
    other = make_person("Tom", "Other")
    (theirs,) = contacts_for(catalogued_council, other, 1)
    url = reverse("citizens:contact", args=[resident.reference, theirs.pk])
    assert signed_in(client, agent).get(url).status_code == 404


def test_the_person_page_answers_404_for_an_unknown_reference(client, catalogued_council, agent):
    url = reverse("citizens:person", args=["ZZZZZZZZZZ"])
    assert signed_in(client, agent).get(url).status_code == 404
