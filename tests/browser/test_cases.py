"""Cases in Chromium: an agent opens a complaint from a contact and hands it over; a service
officer accepts it and answers stage 1 within the clock; an overdue case shows in the worklist;
a handover bounces and is re-routed. axe-core finds no WCAG 2.2 A/AA issue on any page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from frontdoor.cases.actions import do_open_case, ensure_case_types
from frontdoor.cases.models import Case, CaseType, Handover
from frontdoor.contacts.models import Contact
from frontdoor.identity.models import TeamKind
from frontdoor.testing.factories import (
    PASSWORD,
    QueueFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

from .conftest import check, go, sign_in


def sign_out(page: Any) -> None:
    go(page, page.get_by_role("button", name="Sign out"))


def fill_date(page: Any, day: dt.date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def test_a_complaint_from_a_contact_is_handled_within_the_clock_and_a_bounce_is_re_routed(
    page: Any, council: Any, settings: Any
) -> None:
    housing_service = ServiceFactory(council=council, service_id="housing", name="Housing")
    repairs_service = ServiceFactory(council=council, service_id="repairs", name="Repairs")
    queue = QueueFactory(council=council, queue_id="housing", name="Housing")
    centre = TeamFactory(council=council, name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
    housing = TeamFactory(council=council, name="Housing team", kind=TeamKind.BACK_OFFICE)
    repairs = TeamFactory(council=council, name="Repairs team", kind=TeamKind.BACK_OFFICE)
    centre.services.add(housing_service, repairs_service)
    housing.services.add(housing_service)
    repairs.services.add(repairs_service)
    agent = UserFactory(username="amira", council=council, roles=["agent"])
    officer = UserFactory(username="omar", council=council, roles=["service_officer"])
    fixer = UserFactory(username="fay", council=council, roles=["service_officer"])
    TeamMembershipFactory(team=centre, user=agent)
    TeamMembershipFactory(team=housing, user=officer)
    TeamMembershipFactory(team=repairs, user=fixer)
    now = timezone.now()
    today = council.local_date(now)
    contact = Contact.objects.create(
        council=council,
        source="desktop",
        contact_id="call-1",
        channel="phone",
        service=housing_service,
        queue=queue,
        offered_at=now - dt.timedelta(minutes=5),
        outcome="answered",
    )
    ensure_case_types(council)
    complaint = CaseType.objects.get(council=council, type_id="complaint")
    overdue = do_open_case(
        actor=officer,
        council=council,
        case_type=complaint,
        service=housing_service,
        summary="Mould in the bathroom",
        received_on=today - dt.timedelta(days=40),
        owner_team=housing,
        owner=officer,
    )
    report: list[str] = []

    # The agent opens a complaint from the contact (the desktop's button) and hands it over.
    sign_in(page, "amira", PASSWORD)
    page.goto(f"/cases/new/?contact={contact.pk}")
    check(page, report, "open a case from a contact")
    go(page, page.get_by_role("button", name="Open case"))
    assert page.title().startswith("Error:")
    check(page, report, "open a case with errors")
    page.get_by_label("Type of case").select_option(label="Complaint")
    page.get_by_label("Summary").fill("Repair not done after three calls")
    page.get_by_label("Details (optional)").fill("Kitchen ceiling leaking since November")
    go(page, page.get_by_role("button", name="Open case"))
    case = Case.objects.get(opened_from=contact)
    assert page.locator("h1").inner_text() == case.reference
    assert case.received_on == council.local_date(contact.offered_at)
    check(page, report, "the new case")
    go(page, page.get_by_role("link", name="Hand over to another team"))
    check(page, report, "hand over")
    page.get_by_label("Hand over to").select_option(label="Housing team")
    go(page, page.get_by_role("button", name="Hand over"))
    assert (
        "Handed over to Housing team"
        in page.locator(".govuk-notification-banner").first.inner_text()
    )
    sign_out(page)

    # The service officer accepts it and answers stage 1 within the clock.
    sign_in(page, "omar", PASSWORD)
    go(page, page.get_by_role("link", name="Cases"))
    check(page, report, "my cases")
    go(page, page.get_by_role("link", name="Handovers", exact=True))
    check(page, report, "handover inbox")
    go(page, page.get_by_role("button", name=f"Accept {case.reference}"))
    assert page.locator("h1").inner_text() == case.reference
    for event in ("Acknowledged", "Responded"):
        go(page, page.get_by_role("link", name="Record a clock event"))
        check(page, report, f"clock event ({event})")
        page.get_by_label(event, exact=True).check()
        fill_date(page, today)
        go(page, page.get_by_role("button", name="Record"))
        assert page.locator("h1").inner_text() == case.reference
    case.refresh_from_db()
    assert case.owner == officer
    assert (case.acknowledged_on, case.responded_on, case.clock_status) == (today, today, "met")
    clock = page.locator(".govuk-summary-list").first.inner_text()
    assert "Met" in clock
    check(page, report, "the answered case")
    shots = settings.DATA_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "case.png"), full_page=True)  # for reviewers, not asserted

    # A case past its deadline shows in the overdue worklist.
    go(page, page.get_by_role("link", name="Back to cases"))
    go(page, page.get_by_role("link", name="Overdue"))
    table = page.locator("table").last.inner_text()
    assert overdue.reference in table and "Overdue" in table
    check(page, report, "overdue worklist")
    page.screenshot(path=str(shots / "case-worklist.png"), full_page=True)
    go(page, page.get_by_role("link", name="Due soon"))
    check(page, report, "due-soon worklist")
    go(page, page.get_by_role("link", name="My team's cases"))
    check(page, report, "team worklist")
    sign_out(page)

    # A handover bounces back to the agent and is re-routed to the right team.
    second = do_open_case(
        actor=agent,
        council=council,
        case_type=CaseType.objects.get(council=council, type_id="service-request"),
        service=housing_service,
        summary="Broken window",
        owner_team=centre,
    )
    from frontdoor.cases.actions import do_hand_over

    first_handover = do_hand_over(actor=agent, case=second, to_team=housing)
    sign_in(page, "omar", PASSWORD)
    page.goto("/cases/handovers/")
    go(page, page.get_by_role("link", name=f"Bounce {second.reference}"))
    go(page, page.get_by_role("button", name="Bounce"))
    assert page.title().startswith("Error:")
    check(page, report, "bounce with an error")
    page.get_by_label("Why are you bouncing this case?").fill("Windows are repairs")
    go(page, page.get_by_role("button", name="Bounce"))
    check(page, report, "inbox after a bounce")
    sign_out(page)

    sign_in(page, "amira", PASSWORD)
    page.goto("/cases/handovers/")
    assert "Windows are repairs" in page.locator("table").last.inner_text()
    check(page, report, "agent's inbox with a bounce")
    go(page, page.get_by_role("link", name=f"Re-route {second.reference}"))
    page.get_by_label("Hand over to").select_option(label="Repairs team")
    go(page, page.get_by_role("button", name="Hand over"))
    timeline = page.locator(".moj-timeline").inner_text()
    assert "Re-routed after a bounce" in timeline and "Bounced by Housing team" in timeline
    check(page, report, "the re-routed case")
    reroute = Handover.objects.get(case=second, to_team=repairs)
    assert reroute.reroute_of == first_handover
    page.goto("/cases/reports/handovers/")
    figures = page.locator("table").inner_text()
    assert "Housing" in figures and "50%" in figures  # one accepted, one bounced
    check(page, report, "handover report")
    assert not report, "\n".join(report)
