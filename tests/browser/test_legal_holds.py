"""A legal hold in Chromium: an information-governance officer places a hold from the person's
page (a mistake first, then what they typed is still there), finds it on the council's worklist
with its review due, sees it block the approval of an erasure request, and lifts it from the
request's page, which then says nothing blocks the erasure. axe-core finds no WCAG 2.2 A/AA
issue on any page of the flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdoor.citizens import erasure
from frontdoor.citizens.actions import NewAddress, do_create_person
from frontdoor.citizens.models import LegalHold
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, go, sign_in


def test_an_officer_places_a_hold_sees_it_block_the_erasure_and_lifts_it(
    page: Any, catalogued_council: Any
) -> None:
    council = catalogued_council
    today = council.local_date(timezone.now())
    person = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        addresses=[NewAddress(text="14 Cathedral Road\nCardiff", postcode="CF10 1EP")],
    )
    UserFactory(username="ifan", council=council, roles=["ig_officer"])
    nia = UserFactory(username="nia", council=council, roles=["ig_officer"])
    # Nia recorded the request: Ifan may decide it.
    request = erasure.do_record_erasure_request(
        actor=nia,
        party=person,
        requested_by="person",
        received_on=today,
        ground="consent_withdrawn",
    )
    report: list[str] = []

    sign_in(page, "ifan", PASSWORD)
    page.goto(f"/residents/{person.reference}/")
    go(page, page.get_by_role("link", name="Place a legal hold"))
    check(page, report, "place a legal hold")
    page.get_by_label("Matter reference (optional)").fill("LIT/2026/017")
    page.get_by_label("Why are the records held?").fill("A claim about a fall on council land")
    go(page, page.get_by_role("button", name="Place the hold"))  # who asked: not chosen
    assert "Select who asked for the hold" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Matter reference (optional)").input_value() == "LIT/2026/017"
    check(page, report, "place a legal hold, with an error")
    page.get_by_label("Litigation (a claim by or against the council)").check()
    page.get_by_label("Date the hold was placed").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_label("Review date (optional)").fill((today - dt.timedelta(days=1)).isoformat())
    go(page, page.get_by_role("button", name="Place the hold"))
    assert page.locator("h1").inner_text() == "Legal holds"
    assert "A claim about a fall on council land" in page.locator("main").inner_text()
    check(page, report, "the person's legal holds")
    hold = LegalHold.objects.get()
    assert hold.in_force and hold.matter_reference == "LIT/2026/017"

    page.goto(f"/residents/{person.reference}/")
    assert "1 legal hold is in force" in page.locator("main").inner_text()
    check(page, report, "the person's page with a hold in force")

    page.goto("/residents/erasure/")
    go(page, page.locator(".moj-sub-navigation").get_by_role("link", name="Legal holds"))
    table = page.locator("#holds").inner_text()
    assert person.reference in table and "Review due" in table
    check(page, report, "legal holds in force")

    # A review from the person's holds: still needed, with no further review date.
    page.goto(f"/residents/{person.reference}/holds/")
    go(page, page.get_by_role("link", name="Record a review"))
    assert page.locator("h1").inner_text() == "Review the hold"
    check(page, report, "review the hold")
    go(page, page.get_by_role("button", name="Record the review"))
    assert "Review recorded" in page.locator("main").inner_text()
    hold.refresh_from_db()
    assert hold.in_force and hold.review_on is None

    page.goto(f"/residents/erasure/{request.pk}/")
    assert "A legal hold placed on" in page.locator("#blockers").inner_text()
    check(page, report, "erasure request blocked by a hold")
    go(page, page.get_by_role("button", name="Approve or refuse"))
    page.get_by_label("Approve the erasure").check()
    go(page, page.get_by_role("button", name="Record the decision"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "cannot be approved while something blocks it" in summary
    check(page, report, "approving refused while the hold is in force")

    go(page, page.locator("#blockers").get_by_role("link", name="Lift the hold"))
    assert page.get_by_role("link", name="Back to the erasure request").count() == 1
    check(page, report, "lift the hold")
    page.get_by_label("Why is the hold lifted?").fill("The claim was withdrawn")
    go(page, page.get_by_role("button", name="Lift the hold"))
    assert page.url.endswith(f"/residents/erasure/{request.pk}/")
    assert "Nothing blocks it." in page.locator("main").inner_text()
    check(page, report, "erasure request once the hold is lifted")
    assert not LegalHold.objects.get().in_force

    page.goto(f"/residents/{person.reference}/holds/")
    main = page.locator("main").inner_text()
    assert "No hold is in force." in main and "The claim was withdrawn" in main
    check(page, report, "the person's legal holds, one lifted")
    page.goto("/residents/holds/")
    assert "No hold is in force." in page.locator("main").inner_text()
    check(page, report, "no legal hold in force")
    assert not report, "\n".join(report)
