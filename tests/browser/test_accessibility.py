"""Every page, signed out and as each role, in Chromium: axe-core finds no WCAG 2.2 A/AA issue."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest

from frontdoor.core.calendars.models import OpeningPattern
from frontdoor.core.models import Council
from frontdoor.identity.roles import ROLE_PERMISSIONS
from frontdoor.testing.factories import (
    PASSWORD,
    FamilyFactory,
    MembershipFactory,
    QueueFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
    UserFactory,
)

from .conftest import AXE_SCRIPT, axe_violations, describe, sign_in

MAX_PAGES = 40
SKIPPED_PREFIXES = ("/sign-out", "/api/", "/static/", "/branding/", "/media/")


def small_council() -> Council:
    """A council with a little of everything, so list pages have rows to render."""
    council = Council.objects.create(
        slug="northshire", name="Northshire Council", brand_colour="#1d4f91"
    )
    family = FamilyFactory(council=council, family_id="council-tax", name="Council Tax")
    queue = QueueFactory(council=council, queue_id="council-tax", name="Council Tax", family=family)
    OpeningPattern.objects.create(queue=queue, weekday=1, opens="09:00", closes="17:00")
    service = ServiceFactory(council=council, service_id="council-tax", name="Council Tax")
    MembershipFactory(service=service, family=family, valid_from="2000-01-01")
    team = TeamFactory(council=council, name="Revenues line")
    team.services.add(service)
    return council


def crawl(page: Any, start: str) -> dict[str, list[dict[str, Any]]]:
    """Breadth-first over same-site links from `start`; axe on every page. Returns violations."""
    seen = {start}
    queue = deque([start])
    found: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{path} answered {response.status if response else 'nothing'}")
            continue
        if page.locator("h1").count() != 1:
            problems.append(f"{path} has {page.locator('h1').count()} h1 elements")
        if not page.title().strip():
            problems.append(f"{path} has no title")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc != urlsplit(page.url).netloc or parts.path.startswith(SKIPPED_PREFIXES):
                continue
            if parts.query and not parts.query.startswith("page="):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert not problems, "\n".join(problems)
    return found


def test_signed_out_pages_pass_axe_and_home_redirects_to_sign_in(page: Any) -> None:
    page.goto("/")
    assert "/sign-in/" in page.url
    report = []
    for path in ("/sign-in/", "/accessibility/"):
        page.goto(path)
        assert page.locator("h1").count() == 1
        violations = axe_violations(page)
        if violations:
            report.append(describe(path, violations))
    assert not report, "\n".join(report)


def test_a_failed_sign_in_shows_the_error_summary_and_passes_axe(page: Any) -> None:
    UserFactory(username="amira", council=small_council())
    sign_in(page, "amira", "not the password")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error:")
    violations = axe_violations(page)
    assert not violations, describe("/sign-in/ with an error", violations)


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_every_page_a_role_can_reach_passes_axe(page: Any, role: str) -> None:
    council = small_council()
    user = UserFactory(username=f"{role}-user", council=council, roles=[role])
    TeamMembershipFactory(team=council_team(council), user=user, is_leader=role == "team_leader")
    sign_in(page, user.username, PASSWORD)
    assert urlsplit(page.url).path == "/", f"{role} did not reach the home page after signing in"
    found = crawl(page, "/")
    assert not found, "\n".join(describe(path, v) for path, v in found.items())


def council_team(council: Council) -> Any:
    from frontdoor.identity.models import Team

    return Team.objects.get(council=council)


def test_pointer_targets_meet_the_wcag_22_minimum_size(page: Any) -> None:
    """WCAG 2.2 2.5.8: targets are 24 by 24 CSS pixels or spaced so (axe's target-size rule,
    which implements the spacing exception); it must have checked the navigation, not skipped it."""
    user = UserFactory(username="admin-user", council=small_council(), roles=["administrator"])
    sign_in(page, user.username, PASSWORD)
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})"
    )
    checked = [node["target"][0] for rule in result["passes"] for node in rule["nodes"]]
    assert any("service-navigation" in target for target in checked), checked
    assert not result["violations"], describe("/ target-size", result["violations"])
    assert not result["incomplete"], result["incomplete"]


def test_keyboard_focus_is_never_hidden_off_screen(page: Any) -> None:
    """WCAG 2.2 2.4.11: each focused control is at least partly in view as the user tabs."""
    user = UserFactory(username="agent-user", council=small_council(), roles=["agent"])
    sign_in(page, user.username, PASSWORD)
    for _ in range(12):
        page.keyboard.press("Tab")
        box = page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return [r.top, r.bottom, innerHeight, document.activeElement.tagName] }"
        )
        top, bottom, height, tag = box
        if tag == "BODY":
            continue
        assert bottom > 0 and top < height, f"focused {tag} is off screen: {box}"


def test_home_page_screenshot_for_people(page: Any, settings: Any) -> None:
    """Not an assertion about looks: saves a picture of the agent's home page for reviewers."""
    user = UserFactory(username="agent-user", council=small_council(), roles=["agent"])
    sign_in(page, user.username, PASSWORD)
    target = settings.DATA_DIR / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / "home.png"), full_page=True)
    assert (target / "home.png").stat().st_size > 0
