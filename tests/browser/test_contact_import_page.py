"""An analyst imports a file of contacts in the browser and reads the report; axe finds nothing."""

from __future__ import annotations

from typing import Any

from frontdoor.contacts.models import Contact
from frontdoor.testing.catalogue import load_reference_catalogue
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import axe_violations, describe, sign_in

FILE = (
    "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds\n"
    "a1,phone,council-tax,2026-01-05T09:00:00,answered,10,300\n"
    "a2,phone,dog-walking,2026-01-05T09:01:00,answered,10,300\n"
)


def test_an_analyst_uploads_a_file_and_sees_what_was_imported_and_rejected(
    page: Any, council: Any, tmp_path: Any
) -> None:
    load_reference_catalogue(council)
    UserFactory(username="ana", council=council, roles=["performance_analyst"])
    sign_in(page, "ana", PASSWORD)
    page.get_by_role("link", name="Contact imports").click()
    assert page.locator("h1").inner_text() == "Import contact records"
    report = []

    page.get_by_role("button", name="Import records").click()
    assert page.title().startswith("Error:")
    assert "Select a file of contact records" in page.locator(".govuk-error-summary").inner_text()
    if violations := axe_violations(page):
        report.append(describe("import page with an error", violations))

    upload = tmp_path / "january.csv"
    upload.write_text(FILE, encoding="utf-8")
    page.get_by_label("File of contact records").set_input_files(str(upload))
    page.get_by_label("Source system (optional)").fill("telephony")
    page.get_by_role("button", name="Import records").click()

    assert page.locator("h1").inner_text() == "january.csv"
    assert "'dog-walking' is not a service in the catalogue" in page.locator("table").inner_text()
    assert Contact.objects.filter(source="telephony").count() == 1
    if violations := axe_violations(page):
        report.append(describe("import report", violations))
    page.get_by_role("link", name="Back to contact imports").click()
    assert "january.csv" in page.locator("table").inner_text()
    if violations := axe_violations(page):
        report.append(describe("import list", violations))
    assert not report, "\n".join(report)
