"""Adding and retiring a case type, in Chromium: an administrator adds a type from the list (the
ID filled in from the name, a bad ID refused with the other answers kept), lands on its page,
retires it and sees it marked Retired on the list; the delete page asks before deleting an
unused type and explains why a built-in one is kept. axe-core finds no WCAG 2.2 A/AA issue on
any of these pages."""

from __future__ import annotations

from typing import Any

from frontdoor.cases.actions import ensure_case_types
from frontdoor.cases.models import CaseType
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, go, sign_in


def test_an_administrator_adds_a_case_type_and_retires_it(page: Any, council: Any) -> None:
    UserFactory(username="dan", council=council, roles=["administrator"])
    ensure_case_types(council)
    report: list[str] = []
    sign_in(page, "dan", PASSWORD)

    page.goto("/cases/types/")
    check(page, report, "case types")
    go(page, page.get_by_role("button", name="Add a case type"))
    assert page.locator("h1").inner_text() == "Add a case type"
    check(page, report, "add a case type")

    page.get_by_label("Name", exact=True).fill("Pest control request")
    assert page.get_by_label("ID", exact=True).input_value() == "pest-control-request"
    page.get_by_label("ID", exact=True).fill("pest control!")
    page.get_by_label("Service request", exact=True).check()
    page.get_by_label("Service standard (service requests only, optional)").fill("5")
    go(page, page.get_by_role("button", name="Add case type"))
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "only include lowercase letters, numbers and hyphens" in summary.inner_text()
    assert page.get_by_label("Name", exact=True).input_value() == "Pest control request"
    assert page.get_by_label("Service request", exact=True).is_checked()
    assert (
        page.get_by_label("Service standard (service requests only, optional)").input_value() == "5"
    )
    check(page, report, "add a case type with an error")

    page.get_by_label("ID", exact=True).fill("pests")
    go(page, page.get_by_role("button", name="Add case type"))
    assert page.locator("h1").inner_text() == "Change Pest control request"
    assert "Pest control request added" in page.content()
    pests = CaseType.objects.get(council=council, type_id="pests")
    assert pests.active and pests.clock_params is not None
    check(page, report, "the new type's page")

    go(page, page.get_by_role("button", name="Retire case type"))
    assert page.locator("h1").inner_text() == "Case types"
    row = page.locator("tr", has_text="Pest control request")
    assert row.locator(".govuk-tag").inner_text() == "Retired"
    pests.refresh_from_db()
    assert pests.active is False
    check(page, report, "case types with a retired type")

    # Unused: the delete page asks first. Built in: it says why not.
    page.goto("/cases/types/pests/delete/")
    assert (
        page.locator("h1").inner_text() == "Are you sure you want to delete Pest control request?"
    )
    check(page, report, "delete an unused type")
    page.goto("/cases/types/complaint/delete/")
    assert page.locator("h1").inner_text() == "Complaint cannot be deleted"
    check(page, report, "delete a built-in type")

    assert not report, "\n".join(report)
