"""A team leader changes a queue's tiers in a real browser, from the wallboard: the pages work
with GOV.UK Frontend's error summary, keep what was typed, and axe (WCAG 2.2 AA) finds nothing."""

from __future__ import annotations

from typing import Any

from frontdoor.omnichannel.models import TierRule
from frontdoor.testing.catalogue import load_reference_catalogue
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import axe_violations, describe, sign_in


def test_a_team_leader_changes_a_queues_tiers_from_the_wallboard(page: Any, council: Any) -> None:
    load_reference_catalogue(council)
    UserFactory(username="tess", council=council, roles=["team_leader"])
    report: list[str] = []

    def check(name: str) -> None:
        if violations := axe_violations(page):
            report.append(describe(name, violations))

    sign_in(page, "tess", PASSWORD)
    page.goto("/live/")
    page.get_by_role("link", name="Change when each queue's tiers start and clear").click()
    assert page.locator("h1").inner_text() == "Resilience tiers"
    assert "A tier starts as soon as its measure reaches the threshold" in (
        page.locator("[data-hysteresis-explained]").inner_text()
    )
    check("tier rules")

    page.get_by_role("link", name="Change the tiers of Council Tax and Benefits").click()
    assert page.locator("h1").inner_text() == "Tiers of Council Tax and Benefits"
    check("a queue's tiers")

    # A hold time in words and a tier 2 below tier 1: both are refused, nothing is lost.
    page.locator("#id_tier_1_threshold").fill("600")
    page.locator("#id_tier_1_hold_seconds").fill("two minutes")
    page.get_by_role("button", name="Save tiers").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Tier 1: enter the hold time in seconds as a whole number" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert page.locator("#id_tier_1_threshold").input_value() == "600"
    check("a queue's tiers with a field error")

    page.locator("#id_tier_1_hold_seconds").fill("90")
    page.get_by_role("button", name="Save tiers").click()
    summary.wait_for()
    assert "The threshold of tier 2 must be higher than that of tier 1" in summary.inner_text()
    # The summary links to the field with the problem.
    summary.get_by_role("link", name="higher than that of tier 1", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_tier_2_threshold"
    check("a queue's tiers with a problem across tiers")

    page.locator("#id_tier_1_threshold").fill("240")
    page.locator("#id_tier_1_clear_margin").fill("30")
    page.locator("#id_tier_1_margin_unit").select_option("absolute")
    page.get_by_role("button", name="Save tiers").click()
    page.get_by_text("The tiers of Council Tax and Benefits were saved.").wait_for()
    row = page.locator('[data-queue="council-tax"]').inner_text()
    assert "Tier 1 starts when the longest wait reaches 4 min 0 s" in row
    assert "clears once it has stayed under 3 min 30 s for 1 min 30 s" in row
    rule = TierRule.objects.get(queue__queue_id="council-tax", tier=1)
    assert (rule.threshold, rule.clear_margin, rule.margin_unit, rule.hold_seconds) == (
        240,
        30,
        "absolute",
        90,
    )
    check("tier rules after saving")
    assert not report, "\n".join(report)
