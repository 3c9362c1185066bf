"""Early intervention end to end: stored rules, prompts raised when contacts are logged or
imported, shown on the record and in the team leader's worklist, decided with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AccessLogEntry, ChangeLogEntry
from frontdoor.audit.sealing import unseal
from frontdoor.citizens.actions import do_create_person
from frontdoor.contacts.actions import do_import_contacts
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.contacts.early_intervention import (
    DEFAULT_RULE,
    do_decide_prompt,
    do_save_rule,
    evaluate_contact_batch,
    evaluate_for_parties,
    prompts_for_party,
    rules_of,
)
from frontdoor.contacts.models import (
    Contact,
    EarlyInterventionPrompt,
    EarlyInterventionRule,
    PromptContact,
)
from frontdoor.contacts.records import RecordValidator, ValidRecord
from frontdoor.contacts.selectors import catalogue_lookup

HARDSHIP = "Possible financial hardship: consider a referral to welfare support."


@pytest.fixture
def person(catalogued_council):
    return do_create_person(
        actor=None,
        council=catalogued_council,
        given_name="Sarah",
        family_name="Jones",
        external_references=[("telephony", "caller-1")],
    )


@pytest.fixture
def agent(make_user):
    return make_user("agent")


@pytest.fixture
def leader(make_user):
    return make_user("team_leader")


def money(agent, person, service, wrap_code="", **values):
    return do_log_contact(
        actor=agent,
        party=person,
        channel=values.pop("channel", "phone"),
        service=service,
        wrap_code=wrap_code,
        resolution="first_contact",
        **values,
    )


def test_every_council_starts_with_the_issues_rule(catalogued_council):
    (rule,) = rules_of(catalogued_council)
    assert rule.prompt == HARDSHIP
    assert (rule.min_contacts, rule.within_days, rule.across_services) == (2, 30, True)
    assert set(DEFAULT_RULE["wrap_codes"]) >= {"rent-arrears", "council-tax-arrears"}
    rule.active = False
    rule.save()
    assert rules_of(catalogued_council) == []  # switched off stays off


def test_two_money_contacts_across_services_raise_one_prompt_saying_which(
    catalogued_council, person, agent
):
    first = money(agent, person, "rents", "rent-arrears")
    assert first.prompts == []
    second = money(agent, person, "council-tax", "Council-Tax-Arrears")
    (prompt,) = second.prompts
    assert prompt.text == HARDSHIP and prompt.party == person
    assert set(
        PromptContact.objects.filter(prompt=prompt).values_list("contact_id", flat=True)
    ) == {
        first.contact.pk,
        second.contact.pk,
    }
    raised = ChangeLogEntry.objects.get(action="early_intervention.raise")
    assert raised.actor == agent and raised.subject == f"citizens.party:{person.pk}"


def test_contacts_off_the_topic_or_about_one_service_raise_nothing(
    catalogued_council, person, agent
):
    money(agent, person, "council-tax", "council-tax-bill")  # not arrears
    money(agent, person, "benefits")
    assert not EarlyInterventionPrompt.objects.exists()
    money(agent, person, "benefits", "benefits")
    assert not EarlyInterventionPrompt.objects.exists()  # one service only


def test_a_further_money_contact_joins_the_open_prompt_instead_of_raising_another(
    catalogued_council, person, agent
):
    money(agent, person, "rents", "rent-arrears")
    money(agent, person, "benefits")
    third = money(agent, person, "welfare-support")
    (prompt,) = EarlyInterventionPrompt.objects.all()
    assert third.prompts == [prompt]
    assert prompt.triggers.count() == 3
    assert ChangeLogEntry.objects.filter(action="early_intervention.grow").count() == 1


def test_a_dismissed_prompt_is_not_raised_again_for_the_same_contacts(
    catalogued_council, person, agent
):
    money(agent, person, "rents", "rent-arrears")
    (prompt,) = money(agent, person, "benefits").prompts
    do_decide_prompt(actor=agent, prompt=prompt, status="dismissed", reason="Already referred")
    assert evaluate_for_parties(catalogued_council, [person.pk]) == []
    # One new money contact is not a new pattern on its own...
    money(agent, person, "council-tax", "council-tax-arrears")
    assert EarlyInterventionPrompt.objects.count() == 1
    # ...two new ones across services are.
    (fresh,) = money(agent, person, "welfare-support").prompts
    assert fresh.pk != prompt.pk and fresh.triggers.count() == 2


def test_deciding_a_prompt_needs_a_reason_and_is_audited_with_it_sealed(
    catalogued_council, person, agent, make_user
):
    money(agent, person, "rents", "rent-arrears")
    (prompt,) = money(agent, person, "benefits").prompts
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        do_decide_prompt(actor=agent, prompt=prompt, status="actioned", reason="  ")
    with pytest.raises(PermissionDenied):
        do_decide_prompt(
            actor=make_user("performance_analyst"), prompt=prompt, status="actioned", reason="x"
        )
    do_decide_prompt(actor=agent, prompt=prompt, status="actioned", reason="Referred to the HSF")
    prompt.refresh_from_db()
    assert (prompt.status, prompt.decided_by) == ("actioned", agent)
    entry = ChangeLogEntry.objects.get(action="early_intervention.actioned")
    assert "HSF" not in str(entry.changes)
    assert unseal(entry.subject, entry.changes["decision_reason"]["new"]) == "Referred to the HSF"
    with pytest.raises(ValidationError):
        do_decide_prompt(actor=agent, prompt=prompt, status="dismissed", reason="again")


def records(council, rows):
    catalogue = catalogue_lookup(council)
    validator = RecordValidator(
        catalogue=catalogue, time_zone="Europe/London", default_source="telephony"
    )
    checked = [validator.validate(n, row) for n, row in enumerate(rows, start=2)]
    assert all(isinstance(c, ValidRecord) for c in checked), checked
    return checked, catalogue


def call(contact_id, service, days_ago, wrap_code="", citizen_ref="caller-1"):
    moment = timezone.now() - dt.timedelta(days=days_ago)
    return {
        "contact_id": contact_id,
        "channel": "phone",
        "service": service,
        "offered_at": moment.isoformat(),
        "outcome": "answered",
        "wait_seconds": "30",
        "wrap_code": wrap_code,
        "citizen_ref": citizen_ref,
    }


def test_an_import_batch_is_evaluated_once_for_the_people_it_names(catalogued_council, person):
    batch, catalogue = records(
        catalogued_council,
        [
            call("t1", "rents", 10, "rent-arrears"),
            call("t2", "benefits", 2),
            call("t3", "waste", 1),
            call("t4", "benefits", 1, citizen_ref="someone-unknown"),
        ],
    )
    # The import evaluates the rules itself, once for the batch.
    do_import_contacts(actor=None, council=catalogued_council, records=batch, catalogue=catalogue)
    (prompt,) = EarlyInterventionPrompt.objects.filter(party=person)
    assert prompt.party == person
    ids = set(prompt.triggers.values_list("contact__contact_id", flat=True))
    assert ids == {"t1", "t2"}
    # Re-running the same batch raises nothing more.
    assert evaluate_contact_batch(catalogued_council, batch) == []


def test_an_import_of_old_or_off_topic_contacts_costs_a_read_of_the_rules_and_catalogue(
    catalogued_council, person, django_assert_max_num_queries
):
    rules_of(catalogued_council)
    batch, catalogue = records(
        catalogued_council,
        [call(f"old{i}", "benefits", 400 + i) for i in range(50)] + [call("bin", "waste", 1)],
    )
    do_import_contacts(actor=None, council=catalogued_council, records=batch, catalogue=catalogue)
    # The rules (2), and the services with their families for the one recent contact (2):
    # no contact, person or prompt is read.
    with django_assert_max_num_queries(4):
        assert evaluate_contact_batch(catalogued_council, batch) == []
    with django_assert_max_num_queries(2):
        assert evaluate_contact_batch(catalogued_council, batch[:50]) == []


def test_prompts_show_on_the_person_page_and_restricted_triggers_stay_hidden(
    client, catalogued_council, person, agent, leader
):
    money(agent, person, "rents", "rent-arrears")
    money(agent, person, "benefits", sensitivity="restricted")
    (view,) = prompts_for_party(agent, person)
    assert [t.hidden for t in view.triggers] == [False, True]
    assert view.triggers[0].wrap_code == "rent-arrears"
    (full,) = prompts_for_party(leader, person)
    assert [t.hidden for t in full.triggers] == [False, False]
    client.force_login(agent)
    html = client.get(reverse("citizens:person", args=[person.reference])).content.decode()
    assert HARDSHIP in html and "Record what happened" in html
    assert "A restricted contact" in html and "rent-arrears" in html


def test_the_team_leaders_worklist_lists_prompts_and_logs_who_saw_whom(
    client, catalogued_council, person, agent, leader
):
    money(agent, person, "rents", "rent-arrears")
    money(agent, person, "benefits")
    client.force_login(leader)
    html = client.get(reverse("citizens:prompts")).content.decode()
    assert "Sarah Jones" in html and HARDSHIP in html and "Rents (rent-arrears)" in html
    entry = AccessLogEntry.objects.get(view="contacts.worklist.intervention_prompts")
    assert entry.result_ids == [str(person.pk)]
    client.force_login(agent)
    assert client.get(reverse("citizens:prompts")).status_code == 403


def test_a_prompt_is_decided_from_the_page_with_a_reason(
    client, catalogued_council, person, agent, leader
):
    money(agent, person, "rents", "rent-arrears")
    (prompt,) = money(agent, person, "benefits").prompts
    client.force_login(leader)
    url = reverse("citizens:decide-prompt", args=[prompt.pk])
    missing = client.post(url, {"decision": "dismissed", "reason": ""})
    assert missing.status_code == 400 and "Enter what was done" in missing.content.decode()
    back = reverse("citizens:prompts")
    done = client.post(url, {"decision": "dismissed", "reason": "Not money: a typo", "next": back})
    assert done.status_code == 302 and done["Location"] == back
    prompt.refresh_from_db()
    assert prompt.status == "dismissed"
    closed = client.get(back + "?status=dismissed").content.decode()
    assert "Not money: a typo" in closed
    again = client.post(url, {"decision": "actioned", "reason": "x"})
    assert again.status_code == 400 and "decided already" in again.content.decode()


def test_team_leaders_configure_rules_and_changes_are_audited(
    client, catalogued_council, leader, agent
):
    client.force_login(leader)
    assert client.get(reverse("citizens:rules")).status_code == 200
    response = client.post(
        reverse("citizens:rule-new"),
        {
            "name": "Repeated repairs",
            "prompt": "Consider a surveyor's visit",
            "services": ["housing-management"],
            "wrap_codes": "repair-request, damp",
            "min_contacts": "3",
            "within_days": "14",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule = EarlyInterventionRule.objects.get(rule_id="repeated-repairs")
    assert rule.wrap_codes == ["repair-request", "damp"] and not rule.across_services
    assert ChangeLogEntry.objects.filter(action="early_intervention.rule_create").exists()
    empty = client.post(
        reverse("citizens:rule-new"),
        {"name": "Nothing", "prompt": "x", "min_contacts": "2", "within_days": "30"},
    )
    assert empty.status_code == 400 and "at least one service" in empty.content.decode()
    client.force_login(agent)
    assert client.get(reverse("citizens:rules")).status_code == 403


def test_a_rule_names_only_services_of_the_catalogue(catalogued_council, leader):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_save_rule(
            actor=leader,
            council=catalogued_council,
            rule_id="x",
            name="x",
            prompt="x",
            services=["no-such-service"],
        )


def test_imported_contacts_are_not_counted_twice_through_two_links(
    catalogued_council, person, agent
):
    """A telephony contact enriched at the desktop is linked by both the citizen_ref and the
    ContactParty: it is one contact to the rules."""
    batch, catalogue = records(catalogued_council, [call("t9", "rents", 3, "rent-arrears")])
    do_import_contacts(actor=None, council=catalogued_council, records=batch, catalogue=catalogue)
    money(agent, person, "rents", "rent-arrears", telephony_id="t9")
    assert not EarlyInterventionPrompt.objects.exists()
    assert Contact.objects.count() == 1
