"""Adding a new person in Chromium when they may already be recorded: the check step lists the
likely match, a missing reason is an error, the details can be changed and come back as typed,
and adding with a reason opens the new record; opening the existing record instead adds no one.
axe-core finds no WCAG 2.2 A/AA issue on any page of the flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from frontdoor.citizens.actions import NewAddress, NewContactPoint, do_create_person
from frontdoor.citizens.models import Party
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, sign_in


def press(tab: Any, name: str) -> None:
    with tab.expect_navigation():
        tab.get_by_role("button", name=name).click()


def fill_details(tab: Any) -> None:
    tab.get_by_label("Given name").fill("Sara")
    tab.get_by_label("Family name").fill("Jones")
    tab.get_by_label("Day").fill("12")
    tab.get_by_label("Month").fill("3")
    tab.get_by_label("Year").fill("1980")
    tab.get_by_label("Phone number (optional)").fill("07700 900123")


def test_a_likely_duplicate_is_checked_before_a_new_person_is_added(
    page: Any,
    council: Any,
) -> None:
    existing = do_create_person(
        actor=None,
        council=council,
        given_name="Sarah",
        family_name="Jones",
        date_of_birth=dt.date(1980, 3, 12),
        addresses=[NewAddress(text="14 Cathedral Road", postcode="CF10 1EP")],
        contact_points=[NewContactPoint("phone", "07700 900123")],
    )
    UserFactory(username="amira", council=council, roles=["agent"])
    report: list[str] = []
    sign_in(page, "amira", PASSWORD)

    page.goto("/residents/new/")
    check(page, report, "add a new person")
    fill_details(page)
    press(page, "Add the person")
    assert "Check they are not already recorded" in page.locator("h1").inner_text()
    table = page.locator("table").inner_text()
    assert "Sarah Jones" in table and "CF10 1EP" in table
    assert "Same date of birth" in table and "Same phone number" in table
    check(page, report, "check before adding")

    press(page, "Add as a new person")  # without a reason
    assert (
        "Enter why none of these people is the person"
        in page.locator(".govuk-error-summary").inner_text()
    )
    check(page, report, "check before adding, with an error")

    press(page, "Change the details")
    assert page.get_by_label("Given name").input_value() == "Sara"
    assert page.get_by_label("Year").input_value() == "1980"
    check(page, report, "the details again")

    press(page, "Add the person")
    with page.expect_navigation():
        page.get_by_role("link", name="Sarah Jones").click()  # open the existing record instead
    assert existing.reference in page.locator("main").inner_text()
    assert Party.objects.count() == 1

    page.goto("/residents/new/")
    fill_details(page)
    press(page, "Add the person")
    page.get_by_label("Why are you adding a new person?").fill("Her cousin: a different address")
    press(page, "Add as a new person")
    assert "Sara Jones added" in page.locator("main").inner_text()
    assert Party.objects.count() == 2
    assert not report, "\n".join(report)
