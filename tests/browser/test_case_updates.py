"""Keeping residents informed, in Chromium: a service officer changes a case's status, the real
GOV.UK Notify client sends the update to the fake Notify server, and the case's timeline shows
it queued, sent and delivered. axe-core finds no WCAG 2.2 A/AA issue on the case page, the
case KPI page or the updates page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from frontdoor.cases.actions import (
    NewParty,
    do_change_status,
    do_open_case,
    ensure_case_types,
)
from frontdoor.cases.models import STATUS_UPDATE_TEMPLATE, CaseType
from frontdoor.citizens.actions import NewContactPoint, do_create_person
from frontdoor.identity.models import TeamKind
from frontdoor.notify.actions import refresh_delivery
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.models import NotifyTemplate
from frontdoor.testing.factories import (
    PASSWORD,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

from .conftest import check, go, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src/frontdoor/notify/demo_templates.json"


def test_a_status_change_sends_the_resident_an_update_shown_on_the_timeline(
    page: Any, council: Any, settings: Any
) -> None:
    housing_service = ServiceFactory(council=council, service_id="housing", name="Housing")
    housing = TeamFactory(council=council, name="Housing team", kind=TeamKind.BACK_OFFICE)
    housing.services.add(housing_service)
    officer = UserFactory(username="omar", council=council, roles=["service_officer"])
    leader = UserFactory(username="lena", council=council, roles=["team_leader"])
    UserFactory(username="dan", council=council, roles=["administrator"])
    TeamMembershipFactory(team=housing, user=officer)
    TeamMembershipFactory(team=housing, user=leader, is_leader=True)
    ensure_case_types(council)
    resident = do_create_person(
        actor=None,
        council=council,
        given_name="Amira",
        family_name="Khan",
        preferred_channel="email",
        contact_points=[NewContactPoint("email", "amira.khan@example.org")],
    )
    complaint = CaseType.objects.get(council=council, type_id="complaint")
    case = do_open_case(
        actor=officer,
        council=council,
        case_type=complaint,
        service=housing_service,
        summary="Damp in the bedroom not fixed",
        received_on=council.local_date(timezone.now()) - dt.timedelta(days=3),
        parties=[NewParty(resident, "requester")],
        owner_team=housing,
        owner=officer,
    )
    # Last month's closed case, so the KPI page has figures in every table.
    older = do_open_case(
        actor=officer,
        council=council,
        case_type=complaint,
        service=housing_service,
        summary="Bins left on the pavement",
        received_on=council.local_date(timezone.now()) - dt.timedelta(days=20),
        owner_team=housing,
        owner=officer,
    )
    for status in ("in-progress", "responded", "closed"):
        older = do_change_status(actor=officer, case=older, status=status)
    report: list[str] = []

    with FakeNotifyServer() as notify:
        for item in json.loads(TEMPLATES.read_text(encoding="utf-8")):
            notify.service.add_template(FakeTemplate(**item))
            NotifyTemplate.objects.create(
                council=council,
                key=STATUS_UPDATE_TEMPLATE,
                channel=item["type"],
                template_id=item["id"],
            )
        settings.FRONTDOOR_NOTIFY_API_KEY = notify.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = notify.base_url

        # An administrator switches updates on, with the default wording.
        sign_in(page, "dan", PASSWORD)
        page.goto("/cases/updates/")
        check(page, report, "updates to residents (off)")
        go(page, page.get_by_role("button", name="Add the default wording to types without any"))
        go(page, page.get_by_role("button", name="Switch updates on"))
        assert "Updates are on, since" in page.locator(".govuk-inset-text").inner_text()
        check(page, report, "updates to residents (on)")
        go(page, page.get_by_role("button", name="Sign out"))

        # The officer moves the case on; the resident is told.
        sign_in(page, "omar", PASSWORD)
        page.goto(f"/cases/{case.reference}/")
        go(page, page.get_by_role("link", name="Change the status"))
        page.get_by_label("In progress").check()
        go(page, page.get_by_role("button", name="Change status"))
        assert page.locator("h1").inner_text() == case.reference

        [sent] = notify.service.sent
        assert sent["recipient"] == "amira.khan@example.org"
        assert sent["content"]["subject"] == f"Your complaint {case.reference}: being looked at"
        assert sent["content"]["body"].startswith("Dear Amira,")
        timeline = page.locator(".moj-timeline").inner_text()
        assert "Update queued: email to the requester" in timeline
        assert "To amira.khan@example.org." in timeline
        assert "Update sent to GOV.UK Notify" in timeline

        # Notify reports delivery; the timeline follows.
        assert refresh_delivery() == 1
        page.reload()
        assert "Update delivered" in page.locator(".moj-timeline").inner_text()
        check(page, report, "the case with its update")
        go(page, page.get_by_role("button", name="Sign out"))

    # The team leader reads the case KPIs.
    sign_in(page, "lena", PASSWORD)
    page.goto("/cases/reports/kpis/")
    assert page.locator("h1").inner_text() == "Case KPIs"
    figures = page.locator("#kpis-type").inner_text()
    assert "Complaint" in figures
    check(page, report, "case KPIs")
    go(page, page.get_by_role("button", name="Show"))
    check(page, report, "case KPIs shown again")
    page.get_by_label("Day", exact=True).first.fill("31")
    page.get_by_label("Month", exact=True).first.fill("2")
    page.get_by_label("Year", exact=True).first.fill("2026")
    go(page, page.get_by_role("button", name="Show"))
    assert page.title().startswith("Error:")
    check(page, report, "case KPIs with an error")
    assert not report, "\n".join(report)
