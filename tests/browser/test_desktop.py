"""The agent desktop in Chromium: an agent finds a person from a misspelt name, sees their
history across services with their needs and warnings, filters it, logs a contact, and sees the
early-intervention prompt appear; a team leader finds it in the worklist and records what was
done. axe-core finds no WCAG 2.2 A/AA issue on any page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdoor.cases.actions import NewParty, do_open_case, ensure_case_types
from frontdoor.cases.models import CaseType
from frontdoor.citizens.actions import (
    NewAddress,
    NewContactPoint,
    do_add_vulnerability_marker,
    do_approve_safety_marker,
    do_create_person,
    do_propose_safety_marker,
    do_record_needs,
)
from frontdoor.contacts.models import Contact, EarlyInterventionPrompt
from frontdoor.core.models import Queue, Service
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, go, sign_in

HARDSHIP = "Possible financial hardship: consider a referral to welfare support."
FUTURE = dt.date(2099, 1, 1)


def a_resident_with_history(council: Any) -> Any:
    """Sarah Jones: needs, a vulnerability, a staff-safety warning, contacts in two services
    (one imported from the phone system through her reference there) and a case."""
    person = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        date_of_birth=dt.date(1980, 3, 12),
        addresses=[NewAddress(text="14 Cathedral Road", postcode="CF10 1EP")],
        contact_points=[NewContactPoint("phone", "07700 900123")],
        external_references=[("telephony", "caller-77")],
    )
    do_create_person(  # someone with a similar name, to tell apart
        actor=None,
        council=council,
        given_name="Sara",
        family_name="Jonas",
        date_of_birth=dt.date(1992, 7, 1),
        addresses=[NewAddress(text="3 Station Terrace", postcode="CF24 3AA")],
    )
    do_record_needs(actor=None, party=person, bsl_interpreter=True, notes="Prefers mornings")
    do_add_vulnerability_marker(
        actor=None,
        party=person,
        marker_type="mental_health",
        guidance="Allow extra time; offer a call back",
        health_detail="Severe anxiety",
        lawful_basis="support",
        source="self_declared",
        consent="given",
        review_by=FUTURE,
    )
    proposer = UserFactory(council=council, roles=["team_leader"])
    approver = UserFactory(council=council, roles=["team_leader"])
    marker = do_propose_safety_marker(
        actor=proposer,
        party=person,
        category="threats",
        precaution="Two officers for any visit",
        detail="Threatened an officer",
        review_by=FUTURE,
    )
    do_approve_safety_marker(actor=approver, marker=marker)
    now = timezone.now()
    for contact_id, service, days, wrap in (
        ("tel-1", "council-tax", 9, "council-tax-arrears"),
        ("tel-2", "waste", 45, "missed-bin"),
    ):
        Contact.objects.create(
            council=council,
            source="telephony",
            contact_id=contact_id,
            channel="phone",
            service=Service.objects.get(council=council, service_id=service),
            queue=Queue.objects.get(
                council=council, queue_id=service.replace("waste", "environment")
            ),
            offered_at=now - dt.timedelta(days=days),
            outcome="answered",
            wait_seconds=60,
            resolution="first_contact",
            wrap_code=wrap,
            citizen_ref="caller-77",
        )
    ensure_case_types(council)
    do_open_case(
        actor=UserFactory(council=council, roles=["service_officer"]),
        council=council,
        case_type=CaseType.objects.get(council=council, type_id="service-request"),
        service=Service.objects.get(council=council, service_id="waste"),
        summary="Replacement bin requested",
        parties=[NewParty(person, "subject")],
    )
    return person


def test_an_agent_finds_a_person_logs_a_contact_and_sees_a_prompt_appear(
    page: Any, catalogued_council: Any, settings: Any
) -> None:
    council = catalogued_council
    person = a_resident_with_history(council)
    UserFactory(username="amira", council=council, roles=["agent"])
    UserFactory(username="gareth", council=council, roles=["team_leader"])
    report: list[str] = []

    # Find the person from a misspelt name, with the keyboard.
    sign_in(page, "amira", PASSWORD)
    go(page, page.get_by_role("link", name="Residents"))
    check(page, report, "find a person")
    page.get_by_label("Search for a person").fill("sara jnoes")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator("table").inner_text()
    assert "Sarah Jones" in results and "12 Mar 1980" in results and "CF10 1EP" in results
    check(page, report, "search results")
    shots = settings.DATA_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "desktop-search.png"), full_page=True)  # for reviewers
    page.get_by_label("Search for a person").fill("nobody-at-all")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "No one found" in page.locator("main").inner_text()
    check(page, report, "no results")
    page.get_by_label("Search for a person").fill("07700 900123")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    go(page, page.get_by_role("link", name="Sarah Jones"))

    # Their page: needs, warnings and the history across services, newest first.
    main = page.locator("main").inner_text()
    assert "British Sign Language interpreter" in main and "Prefers mornings" in main
    assert "Staff safety: Two officers for any visit" in main
    assert "Health-related: see guidance" in main and "Severe anxiety" not in main
    timeline = page.locator(".moj-timeline").inner_text()
    assert timeline.index("council-tax-arrears") < timeline.index("missed-bin")  # newest first
    assert "Replacement bin requested" in timeline
    check(page, report, "the person page")

    # Filter the history without JavaScript's help: a plain GET form.
    page.get_by_label("Service", exact=True).select_option(label="Council Tax")
    go(page, page.get_by_role("button", name="Apply filters"))
    assert "Waste" not in page.locator(".moj-timeline").inner_text()
    check(page, report, "the person page, filtered")
    go(page, page.get_by_role("link", name="Clear filters"))

    # Log a contact: rent arrears, a second money worry in another service within 30 days.
    go(page, page.get_by_role("button", name="Log a contact"))
    check(page, report, "log a contact")
    go(page, page.get_by_role("button", name="Log the contact"))
    assert page.title().startswith("Error:")
    check(page, report, "log a contact with errors")
    page.screenshot(path=str(shots / "desktop-log-errors.png"), full_page=True)
    page.get_by_label("Service", exact=True).select_option(label="Rents")
    page.get_by_label("Reason (wrap code)").fill("rent-arrears")
    page.get_by_label("Notes").fill("Two weeks behind after a change in hours")
    page.get_by_label("Resolved at first contact").check()
    go(page, page.get_by_role("button", name="Log the contact"))
    assert page.locator("h1").inner_text() == "Sarah Jones"
    banners = page.locator(".govuk-notification-banner").all_inner_texts()
    assert any("Contact logged" in b for b in banners)
    prompt = next(b for b in banners if "Early intervention" in b and "Raised on" in b)
    assert HARDSHIP in prompt and "Rents (rent-arrears)" in prompt
    assert "Council Tax (council-tax-arrears)" in prompt
    assert "Two weeks behind" in page.locator(".moj-timeline").inner_text()
    check(page, report, "the person page with a prompt")
    page.screenshot(path=str(shots / "desktop-person.png"), full_page=True)
    go(page, page.get_by_role("button", name="Sign out"))

    # The team leader finds it in the worklist and records what was done.
    sign_in(page, "gareth", PASSWORD)
    page.goto("/residents/prompts/")
    assert "Sarah Jones" in page.locator("table").inner_text()
    check(page, report, "the prompt worklist")
    page.screenshot(path=str(shots / "desktop-prompts.png"), full_page=True)
    go(page, page.get_by_role("link", name="Sarah Jones"))
    check(page, report, "the person page for a team leader")
    page.get_by_text("Record what happened").click()
    page.get_by_label("Actioned: I made the referral or acted on it").check()
    page.get_by_label("Reason").fill("Referred to the household support fund")
    go(page, page.get_by_role("button", name="Save"))
    assert "Prompt actioned" in page.locator("main").inner_text()
    assert EarlyInterventionPrompt.objects.get(party=person).status == "actioned"
    page.goto("/residents/prompts/?status=actioned")
    assert "household support fund" in page.locator("table").inner_text()
    check(page, report, "actioned prompts")
    page.goto("/residents/prompts/rules/")
    check(page, report, "the prompt rules")
    go(page, page.get_by_role("link", name="Money worries across services"))
    check(page, report, "a prompt rule")
    assert not report, "\n".join(report)
