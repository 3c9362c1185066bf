"""Escalations in Chromium: a team leader sees how many escalations wait for them on the
overdue worklist, opens the list, acknowledges one there and one on its case page, and sees who
acknowledged it and when. axe-core finds no WCAG 2.2 A/AA issue on any page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from frontdoor.cases.actions import do_check_case_clocks, do_open_case, ensure_case_types
from frontdoor.cases.models import CaseEscalation, CaseType
from frontdoor.identity.models import TeamKind
from frontdoor.testing.factories import (
    PASSWORD,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

from .conftest import check, go, sign_in


def test_a_team_leader_sees_the_count_opens_the_list_and_acknowledges(
    page: Any, council: Any, settings: Any
) -> None:
    service = ServiceFactory(council=council, service_id="housing", name="Housing")
    housing = TeamFactory(council=council, name="Housing team", kind=TeamKind.BACK_OFFICE)
    housing.services.add(service)
    officer = UserFactory(username="omar", council=council, roles=["service_officer"])
    leader = UserFactory(
        username="lena",
        council=council,
        roles=["team_leader"],
        first_name="Lena",
        last_name="Leader",
    )
    TeamMembershipFactory(team=housing, user=officer)
    TeamMembershipFactory(team=housing, user=leader, is_leader=True)
    ensure_case_types(council)
    complaint = CaseType.objects.get(council=council, type_id="complaint")
    today = council.local_date(timezone.now())
    cases = [
        do_open_case(
            actor=officer,
            council=council,
            case_type=complaint,
            service=service,
            summary=summary,
            received_on=today - dt.timedelta(days=40),
            owner_team=housing,
            owner=officer,
        )
        for summary in ("Mould in the bathroom", "Bins missed for a month", "Fence still down")
    ]
    do_check_case_clocks(council=council)
    # Each case's acknowledgement and response are both overdue: two escalations each.
    assert CaseEscalation.objects.filter(escalated_to=leader).count() == 6
    report: list[str] = []
    shots = settings.DATA_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    # The overdue worklist says how many wait, in a banner and on the sub-navigation.
    sign_in(page, "lena", PASSWORD)
    page.goto("/cases/overdue/")
    banner = page.locator(".govuk-notification-banner", has_text="need your attention")
    assert "6 escalations need your attention." in banner.inner_text()
    badge = page.get_by_role("link", name=re.compile(r"^Escalations"))
    assert "6" in badge.inner_text()
    check(page, report, "overdue worklist with escalations waiting")
    page.screenshot(path=str(shots / "escalations-worklist.png"), full_page=True)  # for reviewers

    # The list shows them; the leader acknowledges one there.
    go(page, banner.get_by_role("link", name="See your escalations"))
    assert page.locator("h1").inner_text() == "Escalations waiting for you"
    table = page.locator("table").inner_text()
    assert all(case.reference in table for case in cases)
    check(page, report, "escalations list")
    page.screenshot(path=str(shots / "escalations-list.png"), full_page=True)
    go(
        page,
        page.get_by_role(
            "button", name=re.compile(rf"^Acknowledge the escalation of {cases[0].reference}")
        ).first,
    )
    assert page.url.endswith("/cases/escalations/")
    assert (
        f"Escalation of {cases[0].reference} acknowledged"
        in page.locator(".govuk-notification-banner--success").inner_text()
    )
    assert "5 escalations need your attention." in page.locator("main").inner_text()
    check(page, report, "escalations list after acknowledging one")

    # On a case page the leader acknowledges its escalation and sees who did it and when.
    go(page, page.get_by_role("link", name=cases[1].reference).first)
    assert page.locator("h1").inner_text() == cases[1].reference
    check(page, report, "case page with escalations")
    go(page, page.get_by_role("button", name=re.compile(r"^Acknowledge")).first)
    assert page.locator("h1").inner_text() == cases[1].reference
    escalations = page.locator("#escalations + .govuk-summary-list").inner_text()
    assert "by Lena Leader at" in escalations
    check(page, report, "case page after acknowledging")
    page.screenshot(path=str(shots / "escalations-case.png"), full_page=True)

    for case in cases[:2]:
        assert CaseEscalation.objects.filter(case=case, acknowledged_by=leader).count() == 1
    assert CaseEscalation.objects.filter(acknowledged_at__isnull=True).count() == 4
    assert not report, "\n".join(report)
