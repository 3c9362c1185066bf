"""A planner, in Chromium: opens avoidable demand, changes an assumption and marks an online
reason, then plans a text campaign and sees its call spike and a suggested staggering; axe-core
finds no WCAG 2.2 A/AA issue on any page."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from frontdoor.contacts.importing import import_contacts_file
from frontdoor.core.calendars.models import OpeningPattern
from frontdoor.core.models import Council
from frontdoor.planning import actions
from frontdoor.planning.models import AvoidableDemandSettings
from frontdoor.planning.selectors import next_week_start, today_of
from frontdoor.planning.tests.helpers import HEADER, seed_history
from frontdoor.testing.factories import (
    PASSWORD,
    FamilyFactory,
    MembershipFactory,
    QueueFactory,
    ServiceFactory,
    UserFactory,
)

from .conftest import check, sign_in


def outbound_council(planner_name: str) -> tuple[Council, Any]:
    """One queue open 09:00-17:00 on weekdays with six weeks of calls, a text campaign sent a
    week ago that brought 20, 10 and 5 extra calls per 1,000 messages, and 30 staff rostered
    next Tuesday."""
    council = Council.objects.create(slug="northshire", name="Northshire Council")
    family = FamilyFactory(council=council, family_id="council-tax", name="Council Tax")
    queue = QueueFactory(council=council, queue_id="council-tax", name="Council Tax", family=family)
    for weekday in range(1, 6):
        OpeningPattern.objects.create(queue=queue, weekday=weekday, opens="09:00", closes="17:00")
    service = ServiceFactory(council=council, service_id="council-tax", name="Council Tax")
    MembershipFactory(service=service, family=family, valid_from="2000-01-01")
    planner = UserFactory(username=planner_name, council=council, roles=["planner"])
    seed_history(council, weeks=6)
    day = today_of(council) - dt.timedelta(days=7)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    lines = [HEADER]
    for slot, extra in enumerate([20, 10, 5]):
        for k in range(extra):
            minute = 10 * 60 + slot * 30 + k
            at = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"
            lines.append(f"text-{slot}-{k},phone,council-tax,{at},answered,25,240,false,rent\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "campaign.csv"
        path.write_text("".join(lines))
        assert import_contacts_file(actor=None, council=council, path=path).ok
    actions.do_add_campaign(
        actor=planner,
        council=council,
        values={
            "name": "Rent reminder",
            "queue": queue,
            "channel": "text",
            "size": 1000,
            "planned_send_at": dt.datetime.combine(day, dt.time(10), tzinfo=council.zone),
            "sent": True,
        },
    )
    tuesday = next_week_start(council) + dt.timedelta(days=1)
    actions.do_enter_rostered_staff(
        actor=planner, queue=queue, date=tuesday, starts=dt.time(9), ends=dt.time(17), staff=30
    )
    return council, planner


def test_a_planner_models_avoidable_demand_and_staggers_a_text_campaign(
    page: Any, settings: Any
) -> None:
    council, planner = outbound_council("sam")
    tuesday = next_week_start(council) + dt.timedelta(days=1)
    report: list[str] = []
    sign_in(page, planner.username, PASSWORD)

    # Avoidable demand: the figures, the assumptions beside them, and the method.
    page.get_by_role("link", name="Planning").first.click()
    page.get_by_role("link", name="Avoidable demand").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Avoidable demand"
    assert page.get_by_role("heading", name="How this is worked out").is_visible()
    assert page.get_by_role("heading", name="Assumptions used").is_visible()
    assert page.get_by_role("table", name="Failure demand by type, per service").is_visible()
    opportunity = page.get_by_role(
        "table", name="Avoidable and movable demand, and the staff time it frees, per service"
    )
    assert opportunity.is_visible()
    check(page, report, "avoidable demand")

    # An online-capable reason for the service, then an assumption changed.
    page.get_by_role("link", name="Change online-capable reasons of Council Tax").click()
    page.wait_for_load_state()
    check(page, report, "online-capable reasons")
    page.get_by_label("move (", exact=False).check()
    page.get_by_role("button", name="Save the reasons").click()
    page.wait_for_load_state()
    assert "were saved" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_label("Take-up of the online route (%)").fill("80")
    page.get_by_role("button", name="Save the assumptions").click()
    page.wait_for_load_state()
    assert "The assumptions were saved." in page.locator(".govuk-notification-banner").inner_text()
    assert AvoidableDemandSettings.objects.get(council=council).online_take_up == 0.8
    row = opportunity.get_by_role("row").filter(has_text="Council Tax")
    assert "move" in row.inner_text()
    check(page, report, "avoidable demand, assumptions changed")
    target = settings.DATA_DIR / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / "planning-avoidable.png"), full_page=True)
    page.get_by_label("Take-up of the online route (%)").fill("180")
    page.get_by_role("button", name="Save the assumptions").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, report, "avoidable demand with errors")

    # The outbound planner: what the sent text taught, then a text campaign planned.
    page.get_by_role("link", name="Outbound").click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="What sent campaigns have taught").is_visible()
    check(page, report, "outbound")
    page.get_by_label("Name", exact=True).fill("Council tax reminder")
    page.get_by_label("Text message").check()
    page.get_by_label("Messages to send").fill("10000")
    page.get_by_label("Send date").fill(tuesday.isoformat())
    page.get_by_label("Send time").fill("10:00")
    page.get_by_role("button", name="Save the campaign").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Council tax reminder"
    assert page.get_by_role(
        "img", name="Expected calls with Council tax reminder sent at once"
    ).is_visible()
    assert "breaks the wait target" in page.locator("main").inner_text()
    assert page.get_by_role("table", name="Chunks and send times").is_visible()
    assert page.get_by_role("table", name="Calls and capacity per interval").is_visible()
    assert page.get_by_role("img", name="staggered as suggested").is_visible()
    check(page, report, "campaign")
    page.screenshot(path=str(target / "planning-outbound.png"), full_page=True)

    # An email campaign: nothing to learn from, so a response is entered.
    page.get_by_role("link", name="Outbound").click()
    page.get_by_label("Name", exact=True).fill("Garden waste email")
    page.get_by_label("Email").check()
    page.get_by_label("Messages to send").fill("2000")
    page.get_by_label("Send date").fill(tuesday.isoformat())
    page.get_by_label("Send time").fill("11:00")
    page.get_by_role("button", name="Save the campaign").click()
    page.wait_for_load_state()
    assert "No email campaign has been sent" in page.locator("main").inner_text()
    check(page, report, "campaign without a response")
    page.get_by_label("Calls per 1,000 messages").fill("25")
    page.get_by_label("How long the calls keep coming (minutes of opening hours)").fill("120")
    page.get_by_role("button", name="Use this response").click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="Calls and capacity per interval").is_visible()
    check(page, report, "campaign with an assumed response")
    assert not report, "\n".join(report)
