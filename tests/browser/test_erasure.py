"""An erasure in Chromium: one information-governance officer records the request from the
person's page, another approves it and carries it out after the warning, the certificate shows
and the person's page says the record was erased. axe-core finds no WCAG 2.2 A/AA issue on any
page of the flow."""

from __future__ import annotations

from typing import Any

from frontdoor.citizens.actions import NewAddress, NewContactPoint, do_create_person
from frontdoor.citizens.models import ErasureRequest, ErasureStatus, Party
from frontdoor.contacts.desktop import do_log_contact
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, go, sign_in


def test_two_officers_take_an_erasure_from_request_to_certificate(
    page: Any, catalogued_council: Any
) -> None:
    council = catalogued_council
    person = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        addresses=[NewAddress(text="14 Cathedral Road\nCardiff", postcode="CF10 1EP")],
        contact_points=[NewContactPoint("phone", "07700 900123")],
    )
    agent = UserFactory(username="alys", council=council, roles=["agent"])
    do_log_contact(
        actor=agent, party=person, channel="phone", service="waste", notes="Asked about bins"
    )
    UserFactory(username="ifan", council=council, roles=["ig_officer"])
    UserFactory(username="nia", council=council, roles=["ig_officer"])
    report: list[str] = []

    sign_in(page, "ifan", PASSWORD)
    page.goto(f"/residents/{person.reference}/")
    go(page, page.get_by_role("link", name="Record an erasure request"))
    check(page, report, "record an erasure request")
    page.get_by_label("The person themselves").check()
    page.get_by_label("Date received").fill("2026-01-31")
    page.get_by_label("Ground of the request").select_option("consent_withdrawn")
    page.get_by_label("What they asked for and why (optional)").fill("Please delete my details")
    go(page, page.get_by_role("button", name="Record the request"))
    assert page.locator("h1").inner_text() == "Erasure request"
    assert "another information-governance officer must" in page.locator("main").inner_text()
    check(page, report, "erasure request (recorder)")
    page.goto("/residents/erasure/")
    assert person.reference in page.locator("table").inner_text()
    check(page, report, "erasure requests")

    page.context.clear_cookies()
    sign_in(page, "nia", PASSWORD)
    page.goto("/residents/erasure/")
    go(page, page.get_by_role("link", name=f"View the request about {person.reference}"))
    go(page, page.get_by_role("button", name="Approve or refuse"))
    assert "Nothing blocks it." in page.locator("main").inner_text()
    check(page, report, "approve or refuse")
    go(page, page.get_by_role("button", name="Record the decision"))  # nothing chosen
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    check(page, report, "approve or refuse, with an error")
    page.get_by_label("Approve the erasure").check()
    go(page, page.get_by_role("button", name="Record the decision"))
    assert ErasureRequest.objects.get().status == ErasureStatus.APPROVED

    go(page, page.get_by_role("button", name="Carry out the erasure"))
    assert "This cannot be undone" in page.locator(".govuk-warning-text").first.inner_text()
    check(page, report, "carry out the erasure")
    page.get_by_label("I understand that the erasure cannot be undone").check()
    go(page, page.get_by_role("button", name="Erase the person's data"))
    assert "Erasure certificate" in page.locator("main").inner_text()
    check(page, report, "erasure certificate")
    assert Party.objects.get(pk=person.pk).erased_at is not None

    page.goto(f"/residents/{person.reference}/")
    main = page.locator("main").inner_text()
    assert "personal data was erased on" in main
    assert "Sarah" not in main and "Cathedral" not in main
    check(page, report, "the erased person's page")
    assert not report, "\n".join(report)
