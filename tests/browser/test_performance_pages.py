"""The performance pages in Chromium: an analyst reads the committee tables, drills down from
family to service to queue, reads trends and demand insight; axe finds no WCAG 2.2 A/AA issue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import axe_violations, describe, sign_in

CONTACTS = """\
contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution,citizen_ref,failure_demand,failure_demand_type,csat,email_known,wrap_code
c1,phone,council-tax,2026-01-05T09:00:00,answered,20,300,first_contact,p1,false,,good,true,BILL
c2,phone,council-tax,2026-01-06T09:30:00,answered,100,200,handed_over,p1,true,chasing,poor,true,CHASE
c3,phone,rents,2026-01-07T09:00:00,abandoned,3,,,,,,,,
c4,phone,rents,2026-01-07T10:00:00,abandoned,50,,,p2,,,,false,
c5,phone,rents,2026-01-08T11:00:00,answered,40,600,follow_up_resolved,p2,true,not_right_first_time,4,false,CHASE
c6,email,rents,2026-01-09T12:00:00,answered,,,unresolved,p1,false,,,true,
c7,phone,council-tax,2026-02-02T10:00:00,answered,400,100,first_contact,p3,false,,average,,
"""


def check(page: Any, report: list[str]) -> None:
    """One h1, a title, and no axe violation on the page as it stands."""
    assert page.locator("h1").count() == 1, page.url
    assert page.title().strip(), page.url
    violations = axe_violations(page)
    if violations:
        report.append(describe(page.url, violations))


def test_an_analyst_reads_drills_down_and_opens_demand_insight(
    page: Any, catalogued_council: Any, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS)
    assert import_contacts_file(actor=None, council=catalogued_council, path=path).ok
    analyst = UserFactory(
        username="analyst", council=catalogued_council, roles=["performance_analyst"]
    )
    sign_in(page, analyst.username, PASSWORD)
    report: list[str] = []

    page.get_by_role("link", name="Performance", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Committee tables"
    check(page, report)

    # Choose January and February 2026 through the form.
    page.get_by_label("From").fill("1/1/2026")
    page.get_by_label("To", exact=True).fill("28/2/2026")
    page.get_by_label("Channel").select_option("phone")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    families = page.locator("#table-breakdown")
    assert "Council Tax and Benefits" in families.inner_text()
    all_row = families.locator("tfoot tr").first
    assert all_row.locator("th").inner_text() == "All"
    assert all_row.locator("td").first.inner_text() == "5"
    monthly = page.locator("#table-monthly")
    assert "75.0%" in monthly.inner_text() and "Red" in monthly.inner_text()
    check(page, report)

    # Family, then service: the period stays in the address.
    families.get_by_role("link", name="Housing").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Housing"
    assert "from=2026-01-01" in page.url
    check(page, report)
    page.locator("#table-breakdown").get_by_role("link", name="Rents").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Rents"
    queues = page.locator("#table-breakdown")
    assert queues.locator("thead th").first.inner_text() == "Queue"
    assert "Housing" in queues.inner_text()
    assert page.get_by_role("navigation", name="Breadcrumb").is_visible()
    check(page, report)

    # Trends, by week, keep the period; the chart has an accessible name.
    page.get_by_role("navigation", name="Performance pages").get_by_role(
        "link", name="Trends"
    ).click()
    page.wait_for_load_state()
    assert "from=2026-01-01" in page.url
    page.get_by_label("Week").check()
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_load_state()
    chart = page.get_by_role("img", name="% answered by week")
    assert chart.count() == 1
    assert page.locator("#table-trend tbody tr").count() == 2  # the weeks with calls
    check(page, report)

    # Demand insight.
    page.get_by_role("navigation", name="Performance pages").get_by_role(
        "link", name="Demand insight"
    ).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Demand insight"
    assert "Council Tax" in page.locator("#table-repeats").inner_text()
    heat = page.locator("#table-profile")
    assert heat.locator("th[scope=col]").nth(1).inner_text() == "Monday"
    page.get_by_text("Channel shift for each service").click()  # open the details
    check(page, report)

    # A table's CSV download.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download this table as CSV\W+Repeat")).click()
    assert download.value.suggested_filename.startswith("northshire-repeats-2026-01-01-to-")

    assert not report, "\n".join(report)


def test_the_filters_errors_pass_axe(page: Any, catalogued_council: Any) -> None:
    analyst = UserFactory(
        username="analyst", council=catalogued_council, roles=["performance_analyst"]
    )
    sign_in(page, analyst.username, PASSWORD)
    page.goto("/performance/demand/?from=31/2/2026&to=nonsense&baseline=1800")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    summary.get_by_role("link", name="Enter the first date as a real date, like 1/4/2026").click()
    assert page.evaluate("document.activeElement.id") == "id_from"
    violations = axe_violations(page)
    assert not violations, describe(page.url, violations)
