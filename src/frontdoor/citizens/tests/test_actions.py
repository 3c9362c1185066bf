"""Changing residents' records: checked, audited with personal values sealed, searchable at once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.audit.recorder import record_access
from frontdoor.audit.sealing import destroy_key, subject_ref, unseal
from frontdoor.citizens.actions import (
    NewAddress,
    NewContactPoint,
    do_add_address,
    do_add_contact_point,
    do_add_external_reference,
    do_add_representation,
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_create_organisation,
    do_end_vulnerability_marker,
    do_link_household,
    do_link_party_to_contact,
    do_propose_safety_marker,
    do_record_needs,
    do_reject_safety_marker,
    do_remove_address,
    do_remove_contact_point,
    do_review_safety_marker,
    do_review_vulnerability_marker,
    do_update_party,
)
from frontdoor.citizens.models import (
    Address,
    AddressKind,
    ContactParty,
    ContactPointKind,
    HouseholdMember,
    KeyKind,
    NameVocabulary,
    SafetyStatus,
    SearchKey,
)
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Queue, Service

FUTURE = dt.date(2099, 1, 1)


def logged() -> str:
    return json.dumps(list(ChangeLogEntry.objects.values()), default=str)


def keys_of(party) -> set[tuple[int, str]]:
    return set(SearchKey.objects.filter(party=party).values_list("kind", "key"))


def test_creating_a_person_is_audited_with_every_personal_value_sealed(make_person, agent):
    person = make_person(
        "Bethan",
        "Pritchard",
        actor=agent,
        born=dt.date(1984, 5, 2),
        address="4 Heol y Nant\nCaerphilly",
        postcode="cf83 1aa",
        phone="07700 900456",
        email="bethan@example.com",
        references=[("council-tax", "CT-991")],
    )
    text = logged()
    for personal in (
        "Bethan",
        "Pritchard",
        "1984-05-02",
        "Heol y Nant",
        "CF83",
        "900456",
        "CT-991",
    ):
        assert personal not in text, personal
    entry = ChangeLogEntry.objects.get(action="party.create")
    assert entry.subject == subject_ref(person) and entry.actor == agent
    assert unseal(entry.subject, entry.changes["given_name"]["new"]) == "Bethan"
    actions = set(ChangeLogEntry.objects.values_list("action", flat=True))
    assert {"address.create", "contact_point.create", "external_reference.create"} <= actions
    # Every row about the person is sealed under the person's key: erasing them shreds it all.
    assert set(ChangeLogEntry.objects.values_list("subject", flat=True)) == {subject_ref(person)}
    assert person.addresses.get().postcode == "CF83 1AA"
    assert person.contact_points.get(kind="phone").value == "07700 900456"


def test_a_new_person_is_searchable_by_everything_they_hold(make_person):
    person = make_person(
        "Bethan",
        "Pritchard",
        postcode="CF83 1AA",
        uprn="10033544614",
        phone="07700 900456",
        email="Bethan@Example.com",
        references=[("council-tax", "CT-991")],
    )
    assert keys_of(person) == {
        (KeyKind.NAME, "bethan"),
        (KeyKind.NAME, "pritchard"),
        (KeyKind.PHONE, "447700900456"),
        (KeyKind.EMAIL, "bethan@example.com"),
        (KeyKind.POSTCODE, "CF831AA"),
        (KeyKind.UPRN, "10033544614"),
        (KeyKind.REFERENCE, "CT991"),
        (KeyKind.REFERENCE, person.reference),
    }


def test_updating_a_person_records_only_what_changed_and_refreshes_the_keys(make_person, agent):
    person = make_person("Bethan", "Pritchard")
    do_update_party(actor=agent, party=person, family_name="Morgan", given_name="Bethan")
    entry = ChangeLogEntry.objects.get(action="party.update")
    assert set(entry.changes) == {"family_name"}
    assert (KeyKind.NAME, "morgan") in keys_of(person)
    assert (KeyKind.NAME, "pritchard") not in keys_of(person)
    do_update_party(actor=agent, party=person, family_name="Morgan")  # no change, no entry
    assert ChangeLogEntry.objects.filter(action="party.update").count() == 1


def test_bad_values_are_refused_with_the_field_named(make_person, agent, council):
    with pytest.raises(ValidationError) as no_name:
        make_person("", "", actor=agent)
    assert "family_name" in no_name.value.message_dict
    with pytest.raises(ValidationError) as postcode:
        make_person("Ann", "Lee", postcode="NOT A CODE")
    assert "postcode" in postcode.value.message_dict
    with pytest.raises(ValidationError):
        make_person("Ann", "Lee", born=dt.date(2999, 1, 1))
    with pytest.raises(ValidationError):
        make_person("Ann", "Lee", phone="12")


def test_someone_without_the_desktop_cannot_create_or_change_people(make_person, make_user):
    analyst = make_user("performance_analyst")
    with pytest.raises(PermissionDenied):
        make_person("Ann", "Lee", actor=analyst)
    person = make_person("Ann", "Lee")
    with pytest.raises(PermissionDenied):
        do_update_party(actor=analyst, party=person, given_name="Anne")


def test_a_restricted_person_is_changed_only_by_staff_who_may_open_restricted_records(
    make_person, agent, team_leader
):
    person = make_person("Ann", "Lee", sensitivity="safeguarding")
    with pytest.raises(PermissionDenied):
        do_update_party(actor=agent, party=person, given_name="Anne")
    do_update_party(actor=team_leader, party=person, given_name="Anne")
    with pytest.raises(PermissionDenied):
        make_person("Bob", "Lee", actor=agent, sensitivity="restricted")
    normal = make_person("Cat", "Lee")
    with pytest.raises(PermissionDenied):
        do_update_party(actor=agent, party=normal, sensitivity="restricted")


def test_moving_home_keeps_the_old_address_as_previous(make_person, agent):
    person = make_person("Ann", "Lee", address="1 Old Road", postcode="CF10 1AA")
    do_add_address(
        actor=agent, party=person, address=NewAddress(text="2 New Road", postcode="CF10 2BB")
    )
    old, new = Address.objects.get(text="1 Old Road"), Address.objects.get(text="2 New Road")
    assert new.is_primary and not old.is_primary
    assert old.kind == AddressKind.PREVIOUS and old.valid_to is not None
    # Still findable by the old postcode: agents search where someone used to live.
    assert {(KeyKind.POSTCODE, "CF101AA"), (KeyKind.POSTCODE, "CF102BB")} <= keys_of(person)


def test_a_contact_point_already_held_is_not_added_twice(make_person, agent):
    person = make_person("Ann", "Lee", phone="07700 900111")
    again = do_add_contact_point(
        actor=agent, party=person, point=NewContactPoint(ContactPointKind.PHONE, "+447700900111")
    )
    assert person.contact_points.count() == 1 and again.value == "07700 900111"


def test_an_external_reference_belongs_to_one_person_per_source(make_person, agent):
    one = make_person("Ann", "Lee", references=[("housing", "H1")])
    other = make_person("Bob", "Lee")
    with pytest.raises(ValidationError):
        do_add_external_reference(actor=agent, party=other, source="housing", source_id="H1")
    assert do_add_external_reference(actor=agent, party=one, source="housing", source_id="H1")


def test_needs_are_structured_and_sealed_and_an_interpreter_needs_a_language(make_person, agent):
    person = make_person("Ann", "Lee")
    with pytest.raises(ValidationError):
        do_record_needs(actor=agent, party=person, spoken_language_interpreter=True)
    needs = do_record_needs(
        actor=agent,
        party=person,
        spoken_language_interpreter=True,
        interpreter_language="pl",
        large_print=True,
        notes="Hard of hearing on the left",
    )
    assert needs.flags_set() == ["spoken_language_interpreter", "large_print"]
    assert "Hard of hearing" not in logged()
    do_record_needs(actor=agent, party=person, hearing_loop=True)
    needs.refresh_from_db()
    assert needs.large_print and needs.hearing_loop  # the others stay as they were


def test_a_vulnerability_marker_is_recorded_reviewed_and_ended_with_its_basis(
    make_person, agent, team_leader
):
    person = make_person("Ann", "Lee")
    marker = do_add_vulnerability_marker(
        actor=agent,
        party=person,
        marker_type="mental_health",
        guidance="Offer a call back; allow extra time",
        health_detail="Anxiety; finds phone calls hard",
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    assert marker.recorded_by == agent
    assert "Anxiety" not in logged() and "mental_health" not in logged()
    with pytest.raises(PermissionDenied):  # reviews are for those who see the detail
        do_review_vulnerability_marker(actor=agent, marker=marker, next_review_by=FUTURE)
    do_review_vulnerability_marker(
        actor=team_leader, marker=marker, next_review_by=dt.date(2098, 1, 1)
    )
    assert marker.last_reviewed_by == team_leader
    with pytest.raises(ValidationError):
        do_end_vulnerability_marker(actor=team_leader, marker=marker, reason=" ")
    do_end_vulnerability_marker(actor=team_leader, marker=marker, reason="No longer applies")
    assert not marker.active
    with pytest.raises(ValidationError):  # consent is not the basis when it was refused
        do_add_vulnerability_marker(
            actor=agent,
            party=person,
            marker_type="financial_hardship",
            guidance="Refer to welfare support",
            lawful_basis="consent",
            source="self_declared",
            consent="refused",
            review_by=FUTURE,
        )
    with pytest.raises(ValidationError):
        do_add_vulnerability_marker(
            actor=agent,
            party=person,
            marker_type="financial_hardship",
            guidance="Refer to welfare support",
            lawful_basis="statutory",
            source="self_declared",
            consent="not_sought",
            review_by=dt.date(2000, 1, 1),
        )


def propose(actor, person):
    return do_propose_safety_marker(
        actor=actor,
        party=person,
        category="threats",
        precaution="Two officers for any visit",
        detail="Threatened an officer with a knife on 3 March",
        review_by=FUTURE,
        individual_informed=False,
        not_informed_reason="Telling him would put staff at risk",
    )


def test_a_safety_marker_needs_a_second_person_to_approve_it(make_person, agent, make_user):
    leader, other_leader = make_user("team_leader"), make_user("team_leader")
    person = make_person("Ann", "Lee")
    marker = propose(leader, person)
    assert marker.status == SafetyStatus.PENDING
    with pytest.raises(ValidationError):
        do_approve_safety_marker(actor=leader, marker=marker)  # not one's own
    with pytest.raises(PermissionDenied):
        do_approve_safety_marker(actor=agent, marker=marker)
    do_approve_safety_marker(actor=other_leader, marker=marker)
    marker.refresh_from_db()
    assert marker.status == SafetyStatus.ACTIVE and marker.approved_by == other_leader
    do_review_safety_marker(actor=leader, marker=marker, next_review_by=dt.date(2098, 6, 1))
    assert "knife" not in logged()


def test_a_rejected_safety_marker_says_why_and_an_uninformed_one_says_why_not(
    make_person, agent, team_leader
):
    person = make_person("Ann", "Lee")
    marker = propose(agent, person)
    with pytest.raises(ValidationError):
        do_reject_safety_marker(actor=team_leader, marker=marker, note="")
    do_reject_safety_marker(actor=team_leader, marker=marker, note="No incident report")
    assert marker.status == SafetyStatus.REJECTED and marker.approved_by is None
    with pytest.raises(ValidationError):
        do_propose_safety_marker(
            actor=agent,
            party=person,
            category="threats",
            precaution="Take care",
            detail="x",
            review_by=FUTURE,
            individual_informed=False,
        )


@pytest.fixture
def contact(catalogued_council):
    service = Service.objects.get(council=catalogued_council, service_id="council-tax")
    return Contact.objects.create(
        council=catalogued_council,
        source="desktop",
        contact_id="c1",
        channel="phone",
        service=service,
        queue=Queue.objects.filter(council=catalogued_council).first(),
        offered_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC),
        outcome="answered",
    )


def test_a_party_is_linked_to_a_contact_in_a_role_and_a_representative_needs_authority(
    make_person, agent, contact
):
    resident = make_person("Ann", "Lee")
    councillor = make_person("Rhys", "Evans")
    do_link_party_to_contact(actor=agent, party=resident, contact=contact, role="subject")
    with pytest.raises(ValidationError):
        do_link_party_to_contact(
            actor=agent, party=councillor, contact=contact, role="representative"
        )
    authority = do_add_representation(
        actor=agent,
        represented=resident,
        representative=councillor,
        evidence="elected_member",
        evidence_reference="Email of 1 March",
        verified=True,
    )
    authority.valid_from = dt.date(2026, 1, 1)
    authority.save()
    do_link_party_to_contact(
        actor=agent,
        party=councillor,
        contact=contact,
        role="representative",
        representation=authority,
    )
    assert set(ContactParty.objects.values_list("party__given_name", "role")) == {
        ("Ann", "subject"),
        ("Rhys", "representative"),
    }
    with pytest.raises(ValidationError):  # someone else's authority
        do_link_party_to_contact(
            actor=agent,
            party=resident,
            contact=contact,
            role="representative",
            representation=authority,
        )


def test_an_authority_out_of_force_on_the_contacts_date_is_refused(make_person, agent, contact):
    resident, solicitor = make_person("Ann", "Lee"), make_person("Jo", "Law")
    authority = do_add_representation(
        actor=agent,
        represented=resident,
        representative=solicitor,
        evidence="solicitor",
        valid_until=dt.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError):
        do_link_party_to_contact(
            actor=agent,
            party=solicitor,
            contact=contact,
            role="representative",
            representation=authority,
        )


def test_people_are_linked_into_one_household(make_person, agent):
    ann, bob, cat = make_person("Ann", "Lee"), make_person("Bob", "Lee"), make_person("Cat", "Lee")
    household = do_link_household(
        actor=agent, party=ann, other=bob, relationship="lead_tenant", other_relationship="partner"
    )
    assert do_link_household(actor=agent, party=cat, other=ann, relationship="child") == household
    assert HouseholdMember.objects.filter(household=household).count() == 3


def test_organisations_are_parties_with_a_name_and_type(agent, council):
    landlord = do_create_organisation(
        actor=agent,
        council=council,
        organisation_name="Valley Lettings Ltd",
        organisation_type="landlord",
    )
    assert str(landlord) == "Valley Lettings Ltd"
    assert (KeyKind.NAME, "valley") in keys_of(landlord)


def test_erasing_a_persons_key_leaves_the_log_readable_without_their_values(make_person, agent):
    person = make_person("Bethan", "Pritchard", actor=agent, phone="07700 900456")
    record_access(actor=agent, view="citizens.person", instance=person, detail="called about tax")
    assert destroy_key(subject_ref(person))
    entry = ChangeLogEntry.objects.get(action="party.create")
    assert unseal(entry.subject, entry.changes["given_name"]["new"]) == "[erased]"


def test_removing_an_address_or_number_recorded_in_error_is_audited_and_no_longer_found(
    make_person, agent
):
    person = make_person("Ann", "Lee", postcode="CF10 1AA", phone="07700 900111")
    do_remove_address(actor=agent, address=person.addresses.get())
    do_remove_contact_point(actor=agent, point=person.contact_points.get())
    assert not {(KeyKind.POSTCODE, "CF101AA"), (KeyKind.PHONE, "447700900111")} & keys_of(person)
    entry = ChangeLogEntry.objects.get(action="address.delete")
    assert unseal(entry.subject, entry.changes["postcode"]["old"]) == "CF10 1AA"
    assert entry.changes["postcode"]["new"] is not None  # sealed None, not a value in clear


def test_the_name_vocabulary_counts_who_holds_each_name_as_people_change(make_person, agent):
    def people(token):
        row = NameVocabulary.objects.filter(code="d:" + token, token=token).first()
        return row.people if row else 0

    first, second = make_person("Ann", "Pritchard"), make_person("Bob", "Pritchard")
    assert people("pritchard") == 2
    do_update_party(actor=agent, party=first, family_name="Morgan")
    assert (people("pritchard"), people("morgan")) == (1, 1)
    do_update_party(actor=agent, party=second, family_name="Morgan")
    assert (people("pritchard"), people("morgan")) == (0, 2)


def test_crm_references_carry_check_digits_so_a_mistyped_one_is_refused():
    from frontdoor.citizens.actions import new_reference, reference_is_valid

    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    for reference in references:
        assert reference_is_valid(reference) and reference[-2:].isdigit()
        swapped = reference[1] + reference[0] + reference[2:]
        if swapped != reference:
            assert not reference_is_valid(swapped)
