"""Playwright driving Debian's Chromium against the live test server, with axe-core.

Never a downloaded browser: the machines have no internet but the package registries, so the
tests use /usr/bin/chromium from Debian with the flags that stop it reaching out to the network.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse the test's
# own ORM calls as "async-unsafe". The calls are made between page actions, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "src/frontdoor/web/assets/vendor/axe/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is a browser test; the live server needs a transactional database."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test worker; a fresh context per test keeps sessions apart."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed: CI must run the browser tests")
        pytest.skip("WARNING: chromium is not installed; browser and accessibility tests SKIPPED")
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install` to build the assets")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core: the site's policy (rightly) only runs scripts with
    # its own per-response nonce. Pages' own scripts are unaffected.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page with the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return list(result["violations"])


def describe(url: str, violations: list[dict[str, Any]]) -> str:
    """A readable report: rule, impact, help and the offending nodes."""
    lines = [f"{url}:"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"      {json.dumps(node['target'])} {node['html'][:160]}")
    return "\n".join(lines)


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the real form, as a person would."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def check(page: Any, report: list[str], what: str) -> None:
    """The page as it is now has one h1 and a title (asserted), and axe-core's findings, if any,
    are added to `report` so a test lists every page's problems at once."""
    assert page.locator("h1").count() == 1, f"{what}: {page.locator('h1').count()} h1 elements"
    assert page.title().strip(), f"{what}: no title"
    if violations := axe_violations(page):
        report.append(describe(f"{what} ({page.url})", violations))


def go(page: Any, target: Any) -> None:
    """Click a link or button that loads another page, and wait until that page has loaded."""
    with page.expect_navigation():
        target.click()
