"""A team leader watches the live queues while a day of real calls is replayed: the wallboard
follows over its websocket without reloading, announces tier changes, and axe finds nothing.

The wallboard needs websockets, which the WSGI live server of pytest-django cannot serve, so
this test runs the real ASGI application under uvicorn (as `frontdoor serve` does) in a thread,
against the same test database, and replays the calls over real HTTP with an API token.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from frontdoor.identity.actions import do_issue_api_token
from frontdoor.testing.catalogue import load_reference_catalogue
from frontdoor.testing.factories import PASSWORD, UserFactory

from .conftest import axe_violations, describe, sign_in

EXCERPT = (
    Path(__file__).resolve().parents[2]
    / "src/frontdoor/omnichannel/tests/fixtures/anonymous_bank_1999-02-01_1533-1550.tsv"
)


@pytest.fixture
def asgi_server(transactional_db: Any) -> Iterator[str]:
    """The project's ASGI application (pages, API and websockets) on a free local port."""
    import uvicorn

    from frontdoor.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="wallboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def board_page(browser: Any, asgi_server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=asgi_server, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_wallboard_follows_a_replayed_day_without_reloading(
    board_page: Any, asgi_server: str, council: Any
) -> None:
    page = board_page
    load_reference_catalogue(council)
    UserFactory(username="tess", council=council, roles=["team_leader"])
    analyst = UserFactory(username="ana", council=council, roles=["performance_analyst"])
    _token, raw = do_issue_api_token(actor=None, user=analyst, name="telephony")
    report = []

    sign_in(page, "tess", PASSWORD)
    page.get_by_role("link", name="Live queues").click()
    assert page.locator("h1").inner_text() == "Live queues"
    assert "No queue events have arrived yet" in page.locator("#live-board").inner_text()
    # The script says the page is live once its socket is open.
    page.get_by_text("This page updates itself as calls arrive.").wait_for()
    if violations := axe_violations(page):
        report.append(describe("empty wallboard", violations))
    page.evaluate("window.stillTheSamePage = true")

    out = StringIO()
    call_command(
        "replay_queue_events",
        str(EXCERPT),
        "--speed",
        "0",
        "--batch-size",
        "4",
        "--url",
        asgi_server,
        "--token",
        raw,
        "--council",
        council.slug,
        stdout=out,
        stderr=StringIO(),
    )
    assert "91 accepted" in out.getvalue()

    # The board was replaced in place as the events arrived: no reload, nothing clicked. Each
    # of the 23 requests (91 events, 4 a request) sent one board, after the one on connecting.
    page.wait_for_function(
        "Number(document.querySelector('[data-live-board]').dataset.updates) >= 24"
    )
    housing = page.locator('[data-queue="housing"]')
    assert page.evaluate("window.stillTheSamePage") is True
    assert housing.locator('[data-field="answered"]').inner_text() == "6"
    assert housing.locator('[data-field="abandoned"]').inner_text() == "1"
    assert housing.locator('[data-field="tier"]').inner_text() == "No tier"
    history = page.locator("table", has_text="Tier history today").inner_text()
    assert "Housing" in history and "Council Tax and Benefits" in history
    assert "Tier 1" in history and "Still at this tier" not in history
    # The polite live region told of the last tier change, and only of tier changes.
    announced = page.locator("[data-live-announcer]").inner_text()
    assert "is no longer at any tier" in announced or "is now at tier" in announced
    if violations := axe_violations(page):
        report.append(describe("wallboard after the replay", violations))

    # Without script the same state is there on a plain load (the refresh link).
    page.get_by_role("link", name="Refresh the page").click()
    assert page.evaluate("window.stillTheSamePage") is None
    assert page.locator('[data-queue="housing"] [data-field="answered"]').inner_text() == "6"
    assert not report, "\n".join(report)
