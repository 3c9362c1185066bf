"""The person page's data: identity, needs, markers as the viewer may see them, the timeline;
in a fixed number of statements, every view logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.citizens.actions import (
    do_add_representation,
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_link_household,
    do_link_party_to_contact,
    do_propose_safety_marker,
    do_record_needs,
)
from frontdoor.citizens.selectors import (
    ReasonRequired,
    TimelineFilters,
    party_for_citizen_ref,
    person_page,
    safety_markers_awaiting_approval,
    vulnerability_reviews_due,
)
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Queue, Service

FUTURE = dt.date(2099, 1, 1)


@pytest.fixture
def resident(catalogued_council, make_person):
    return make_person(
        "Sarah",
        "Jones",
        born=dt.date(1980, 3, 12),
        postcode="CF10 1EP",
        phone="07700 900123",
        references=[("telephony", "caller-77")],
    )


def add_contacts(council, count, *, start=0, **values):
    """`count` contacts, one a day, alternating two services and two channels."""
    services = list(
        Service.objects.filter(council=council, service_id__in=["council-tax", "rents"])
    )
    queue = Queue.objects.filter(council=council).first()
    made = []
    for i in range(start, start + count):
        fields = {
            "council": council,
            "source": "desktop",
            "contact_id": f"c{i}",
            "channel": "phone" if i % 2 else "email",
            "service": services[i % 2],
            "queue": queue,
            "offered_at": dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=i),
            "outcome": "answered",
            "wrap_code": f"W{i}",
        }
        fields.update(values)
        made.append(Contact.objects.create(**fields))
    return made


def with_history(council, resident, size):
    for contact in add_contacts(council, size):
        do_link_party_to_contact(actor=None, party=resident, contact=contact, role="subject")


@pytest.fixture
def markers(resident, make_user):
    do_record_needs(actor=None, party=resident, bsl_interpreter=True, notes="Prefers mornings")
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
    proposer, approver = make_user("team_leader"), make_user("team_leader")
    marker = do_propose_safety_marker(
        actor=proposer,
        party=resident,
        category="threats",
        precaution="Two officers for any visit",
        detail="Threatened an officer on 3 March",
        review_by=FUTURE,
    )
    do_approve_safety_marker(actor=approver, marker=marker)
    return marker


@pytest.mark.parametrize("size", [1, 40])
def test_the_person_page_takes_the_same_statements_whatever_the_history_size(
    catalogued_council, resident, markers, agent, make_person, size, django_assert_num_queries
):
    with_history(catalogued_council, resident, size)
    do_link_household(actor=None, party=resident, other=make_person("Tom", "Jones"))
    person_page(agent, resident.pk, council=catalogued_council)  # warm the permission caches
    # party+needs, addresses, contact points, references, vulnerability markers, safety markers,
    # household, representatives, timeline; the view and the markers view in the access log.
    with django_assert_num_queries(11):
        page = person_page(agent, resident.pk, council=catalogued_council)
    assert len(page.timeline) == min(size, 50)
    assert page.household[0].party.given_name == "Tom"


def test_an_agent_sees_needs_that_a_marker_exists_and_what_to_do_but_no_health_detail(
    catalogued_council, resident, markers, agent
):
    page = person_page(agent, resident.pk, council=catalogued_council)
    assert page.needs.bsl_interpreter and page.needs.notes == "Prefers mornings"
    (vulnerability,) = page.vulnerabilities
    assert vulnerability.label == "Health-related: see guidance"
    assert vulnerability.guidance.startswith("Allow extra time") and vulnerability.detail is None
    assert [w.precaution for w in page.safety_warnings] == ["Two officers for any visit"]
    assert page.safety_markers == []  # no incident detail for agents


def test_authorised_roles_see_the_health_detail_and_the_safety_marker_detail(
    catalogued_council, resident, markers, team_leader
):
    page = person_page(team_leader, resident.pk, council=catalogued_council)
    assert page.vulnerabilities[0].label == "Mental health"
    assert page.vulnerabilities[0].detail.health_detail == "Severe anxiety"
    assert page.safety_markers[0].detail == "Threatened an officer on 3 March"


def test_a_pending_safety_marker_warns_no_one_yet(catalogued_council, resident, agent, make_user):
    do_propose_safety_marker(
        actor=make_user("team_leader"),
        party=resident,
        category="verbal_abuse",
        precaution="Do not transfer to a lone worker",
        detail="Abusive on a call",
        review_by=FUTURE,
    )
    assert person_page(agent, resident.pk, council=catalogued_council).safety_warnings == []


def test_every_view_of_the_record_and_of_its_markers_is_in_the_access_log(
    catalogued_council, resident, markers, agent
):
    person_page(agent, resident.pk, council=catalogued_council)
    views = {e.view: e for e in AccessLogEntry.objects.filter(actor=agent)}
    assert views["citizens.person"].object_id == str(resident.pk)
    shown = views["citizens.person.markers"].result_ids
    assert any(r.startswith("vulnerability:") for r in shown)
    assert f"safety:{markers.pk}" in shown


def test_the_timeline_lists_contacts_newest_first_and_filters_by_service_channel_and_date(
    catalogued_council, resident, agent
):
    with_history(catalogued_council, resident, 6)
    page = person_page(agent, resident.pk, council=catalogued_council)
    assert [e.contact_id for e in page.timeline] == sorted(
        (e.contact_id for e in page.timeline), reverse=True
    )
    assert page.timeline[0].role == "subject"

    def listed(**filters):
        return person_page(
            agent, resident.pk, council=catalogued_council, filters=TimelineFilters(**filters)
        ).timeline

    assert {e.service_id for e in listed(service="rents")} == {"rents"}
    assert {e.channel for e in listed(channel="email")} == {"email"}
    dated = listed(date_from=dt.date(2026, 1, 2), date_to=dt.date(2026, 1, 3))
    assert [e.offered_at.date() for e in dated] == [dt.date(2026, 1, 3), dt.date(2026, 1, 2)]
    short = person_page(
        agent, resident.pk, council=catalogued_council, filters=TimelineFilters(limit=4)
    )
    assert len(short.timeline) == 4 and short.timeline_more


def test_imported_contacts_reach_the_timeline_through_the_persons_external_reference(
    catalogued_council, resident, agent
):
    add_contacts(catalogued_council, 2, source="telephony", citizen_ref="caller-77")
    add_contacts(catalogued_council, 1, start=5, source="telephony", citizen_ref="someone-else")
    add_contacts(catalogued_council, 1, start=6, source="crm", citizen_ref="caller-77")
    timeline = person_page(agent, resident.pk, council=catalogued_council).timeline
    assert {(e.source, e.role) for e in timeline} == {("telephony", "")}
    assert len(timeline) == 2
    assert party_for_citizen_ref(catalogued_council, "telephony", "caller-77") == resident


def test_restricted_contacts_are_hidden_from_agents_and_shown_without_detail_to_others(
    catalogued_council, resident, agent, team_leader
):
    with_history(catalogued_council, resident, 2)
    Contact.objects.filter(contact_id="c1").update(sensitivity="safeguarding")
    assert len(person_page(agent, resident.pk, council=catalogued_council).timeline) == 1
    timeline = person_page(team_leader, resident.pk, council=catalogued_council).timeline
    hidden = next(e for e in timeline if e.restricted)
    assert hidden.wrap_code == ""


def test_a_restricted_person_opens_only_with_a_reason_that_is_sealed_into_the_log(
    catalogued_council, make_person, agent, team_leader
):
    person = make_person("Grace", "Hidden", sensitivity="safeguarding")
    with pytest.raises(Http404):  # agents are never told it exists
        person_page(agent, person.pk, council=catalogued_council)
    with pytest.raises(ReasonRequired):
        person_page(team_leader, person.pk, council=catalogued_council)
    person_page(
        team_leader, person.reference, council=catalogued_council, reason="Safeguarding call"
    )
    entry = AccessLogEntry.objects.get(kind=AccessKind.BREAK_GLASS)
    assert entry.object_id == str(person.pk)
    assert unseal(entry.subject, entry.detail) == "Safeguarding call"


def test_representatives_show_with_their_authority(
    catalogued_council, resident, make_person, agent
):
    do_add_representation(
        actor=None,
        represented=resident,
        representative=make_person("Rhys", "Evans"),
        evidence="elected_member",
    )
    page = person_page(agent, resident.pk, council=catalogued_council)
    assert [(r.representative.given_name, r.evidence) for r in page.representatives] == [
        ("Rhys", "elected_member")
    ]


def test_team_leaders_have_worklists_of_reviews_due_and_markers_awaiting_approval(
    catalogued_council, resident, team_leader, make_user, agent
):
    marker = do_add_vulnerability_marker(
        actor=None,
        party=resident,
        marker_type="financial_hardship",
        guidance="Refer to welfare support",
        lawful_basis="statutory",
        source="self_declared",
        consent="not_sought",
        review_by=FUTURE,
    )
    assert vulnerability_reviews_due(team_leader, catalogued_council) == []
    assert vulnerability_reviews_due(team_leader, catalogued_council, on=FUTURE) == [marker]
    proposed = do_propose_safety_marker(
        actor=make_user("team_leader"),
        party=resident,
        category="threats",
        precaution="Take care",
        detail="Shouted at reception",
        review_by=FUTURE,
    )
    assert safety_markers_awaiting_approval(team_leader, catalogued_council) == [proposed]
    with pytest.raises(PermissionDenied):
        vulnerability_reviews_due(agent, catalogued_council)
