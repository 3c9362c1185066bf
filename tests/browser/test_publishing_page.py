"""An analyst publishes a month's figures and reads the frozen table; axe finds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.testing.catalogue import load_reference_catalogue
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import axe_violations, describe, sign_in


def last_month() -> dt.date:
    """The first day of last month: the reporting periods offered are relative to today."""
    today = dt.datetime.now(tz=ZoneInfo("Europe/London")).date()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def contacts_file() -> str:
    month = last_month().strftime("%Y-%m")
    return (
        "contact_id,channel,service,offered_at,outcome,wait_seconds,handle_seconds,resolution\n"
        f"a1,phone,council-tax,{month}-05T09:00:00,answered,10,300,first_contact\n"
        f"a2,phone,rents,{month}-06T09:01:00,abandoned,400,,\n"
    )


def test_an_analyst_publishes_a_month_and_sees_it_frozen(
    page: Any, council: Any, tmp_path: Any
) -> None:
    load_reference_catalogue(council)
    path = tmp_path / "contacts.csv"
    path.write_text(contacts_file(), encoding="utf-8")
    import_contacts_file(actor=None, council=council, path=path)
    UserFactory(username="ana", council=council, roles=["performance_analyst"])
    sign_in(page, "ana", PASSWORD)
    report = []

    page.get_by_role("link", name="Published tables").click()
    page.get_by_role("button", name="Publish").click()
    assert "Select the period to publish" in page.locator(".govuk-error-summary").inner_text()
    if violations := axe_violations(page):
        report.append(describe("publish form with an error", violations))

    month = last_month().strftime("%B %Y")
    page.get_by_label("Period").select_option(label=month)
    page.get_by_label("Rows").select_option(label="By service family")
    page.get_by_role("button", name="Publish").click()

    assert page.locator("h1").inner_text() == f"{month}: By service family, phone"
    table = page.get_by_role("table", name="The figures as published").inner_text()
    assert "council-tax" in table and "housing" in table
    if violations := axe_violations(page):
        report.append(describe("published table", violations))
    page.get_by_role("link", name="Back to published tables").click()
    if violations := axe_violations(page):
        report.append(describe("published tables", violations))
    assert not report, "\n".join(report)
