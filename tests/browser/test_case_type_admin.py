"""Configuring a case type, in Chromium: an administrator reaches the case types from the cases
area, changes a service request's allowed moves and its clock (hours within opening hours), saves
it, and sees an invalid workflow refused in the error summary. axe-core finds no WCAG 2.2 A/AA
issue on the list, the edit page, or the edit page showing errors."""

from __future__ import annotations

from typing import Any

from frontdoor.cases.actions import ensure_case_types
from frontdoor.cases.engine.policies import policy_from_data
from frontdoor.cases.models import CaseType
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, sign_in


def test_an_administrator_changes_a_types_moves_and_clock(page: Any, council: Any) -> None:
    UserFactory(username="dan", council=council, roles=["administrator"])
    ensure_case_types(council)
    report: list[str] = []
    sign_in(page, "dan", PASSWORD)

    page.goto("/cases/updates/")
    with page.expect_navigation():
        page.get_by_role("link", name="Case types").click()
    check(page, report, "case types")
    with page.expect_navigation():
        page.get_by_role("link", name="Change Service request").click()
    check(page, report, "edit service request")

    # New may now go straight to Closed; the standard is 4 hours within opening hours.
    page.get_by_label("from New to Closed").check()
    page.get_by_label("Answer within a set time").check()
    page.get_by_label("Amount").fill("4")
    page.get_by_label("Unit").select_option("hours")
    with page.expect_navigation():
        page.get_by_role("button", name="Save case type").click()
    assert "Service request saved" in page.content()
    case_type = CaseType.objects.get(council=council, type_id="service-request")
    assert "closed" in case_type.allowed_from("new")
    policy = policy_from_data(case_type.clock_params)
    assert policy.hour_based and policy.respond is not None and policy.respond.amount == 4

    # No way out of New: refused, with the problem in the error summary.
    with page.expect_navigation():
        page.get_by_role("link", name="Change Service request").click()
    for target in ("In progress", "Closed", "Withdrawn"):
        page.get_by_label(f"from New to {target}").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save case type").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "can never reach a closing status" in summary.inner_text()
    check(page, report, "edit service request with errors")
    case_type.refresh_from_db()
    assert "closed" in case_type.allowed_from("new")

    assert not report, "\n".join(report)
