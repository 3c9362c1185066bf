"""The calendar page with closure days, exceptions and the closure form's errors, in Chromium."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from frontdoor.core.calendars.models import ClosureDay, OpeningException, OpeningPattern
from frontdoor.testing.factories import PASSWORD, QueueFactory, UserFactory

from .conftest import axe_violations, describe, sign_in


@pytest.mark.parametrize("with_errors", [False, True])
def test_the_calendar_page_and_its_closure_form_errors_pass_axe(
    page: Any, council: Any, with_errors: bool
) -> None:
    queue = QueueFactory(council=council, name="Council Tax")
    OpeningPattern.objects.create(queue=queue, weekday=1, opens=dt.time(9), closes=dt.time(17))
    OpeningException.objects.create(queue=queue, date=dt.date(2099, 12, 24), closed=True)
    ClosureDay.objects.create(council=council, date=dt.date(2099, 12, 31), reason="Training")
    admin = UserFactory(username="cal-admin", council=council, roles=["administrator"])
    sign_in(page, admin.username, PASSWORD)

    page.goto("/calendar/")
    if with_errors:
        page.fill("#closure-date-day", "31")
        page.fill("#closure-date-month", "2")
        page.get_by_role("button", name="Add closure day").click()
        page.wait_for_selector(".govuk-error-summary")

    assert page.locator("h1").count() == 1
    violations = axe_violations(page)
    assert not violations, describe(page.url, violations)
