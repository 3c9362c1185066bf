"""Likely duplicates in Chromium: an information-governance officer reviews the candidates,
compares a pair side by side with the evidence, merges it, sees what moved, records another
pair as two different people, and undoes the merge. axe-core finds no WCAG 2.2 A/AA issue."""

from __future__ import annotations

from typing import Any

from frontdoor.citizens.duplicates import do_find_duplicates
from frontdoor.citizens.models import CandidateStatus, DuplicateCandidate, MergeStatus, PartyMerge
from frontdoor.citizens.tests.test_duplicates import pair, plant
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import check, go, sign_in


def test_an_officer_reviews_a_likely_duplicate_and_merges_it(
    page: Any, council: Any, settings: Any
) -> None:
    people = plant(council, background=60)
    do_find_duplicates(actor=None, council=council)
    sarah = pair(people["sarah"], people["sara"])
    johns = pair(people["john_senior"], people["john_junior"])
    assert sarah is not None and johns is not None
    UserFactory(username="ifan", council=council, roles=["ig_officer"])
    report: list[str] = []
    shots = settings.DATA_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    sign_in(page, "ifan", PASSWORD)
    page.goto("/residents/duplicates/")
    table = page.locator("table").inner_text()
    assert "Sarah Jones" in table and "Sara Jones" in table
    check(page, report, "likely duplicates")
    page.screenshot(path=str(shots / "duplicates-list.png"), full_page=True)

    # Compare the pair: the two records side by side, and the evidence field by field.
    go(page, page.get_by_role("link", name=f"Compare {sarah.first.reference} and"))
    main = page.locator("main").inner_text()
    assert "14 Cathedral Road" in main and "14 Cathedral Rd" in main
    evidence = page.locator("table").nth(1).inner_text()
    assert "Date of birth" in evidence and "Agrees" in evidence and "Nearly the same" in evidence
    check(page, report, "compare two records")
    page.screenshot(path=str(shots / "duplicates-compare.png"), full_page=True)

    # Merge without choosing first? The suggested record is chosen; merge into Sarah.
    page.get_by_label(f"Sarah Jones ({people['sarah'].reference})").check()
    page.get_by_label("Why are they the same person? (optional)").fill("Same date of birth")
    go(page, page.get_by_role("button", name="Merge the records"))
    assert page.locator("h1").inner_text() == "Merged records"
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert f"Records merged into {people['sarah'].reference}" in banner
    assert "Undo the merge" in page.locator("main").inner_text()
    check(page, report, "merged records")
    page.screenshot(path=str(shots / "duplicates-merged.png"), full_page=True)
    merge = PartyMerge.objects.get()
    assert merge.survivor == people["sarah"] and merge.merged == people["sara"]

    # The father and son are two people: recorded, and remembered.
    page.goto(f"/residents/duplicates/{johns.pk}/")
    check(page, report, "compare father and son")
    page.get_by_label("How do you know they are different people? (optional)").fill(
        "Father and son"
    )
    go(page, page.get_by_role("button", name="Not a duplicate"))
    assert (
        "Recorded as two different people"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    johns.refresh_from_db()
    assert johns.status == CandidateStatus.NOT_DUPLICATE

    # The merges list, and undoing the merge.
    go(page, page.get_by_role("link", name="Merges"))
    check(page, report, "merges")
    go(page, page.get_by_role("link", name=f"Sarah Jones ({people['sarah'].reference})"))
    go(page, page.get_by_role("button", name="Undo the merge"))
    assert "is a separate record again" in page.locator(".govuk-notification-banner").inner_text()
    check(page, report, "merge undone")
    merge.refresh_from_db()
    assert merge.status == MergeStatus.UNDONE
    assert DuplicateCandidate.objects.get(pk=sarah.pk).status == CandidateStatus.OPEN

    assert not report, "\n".join(report)
