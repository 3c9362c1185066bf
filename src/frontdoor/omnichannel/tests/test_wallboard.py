"""The wallboard page (complete without script) and its websocket."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .conftest import Post, ev


def _websocket_communicator() -> Any:
    """channels.testing.WebsocketCommunicator, even where daphne is not installed.

    channels/testing/__init__.py also imports its live-server test case, which needs daphne;
    Frontdoor serves websockets with uvicorn and does not install daphne. Without it, the
    package's modules are loaded without that `__init__` (the communicator needs none of it).
    """
    try:
        from channels.testing import WebsocketCommunicator

        return WebsocketCommunicator
    except ModuleNotFoundError as error:
        if error.name != "daphne":
            raise
    import channels

    package = types.ModuleType("channels.testing")
    package.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = package
    from channels.testing.websocket import WebsocketCommunicator

    return WebsocketCommunicator


WebsocketCommunicator = _websocket_communicator()


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_wallboard_is_for_those_who_watch_performance(
    catalogued_council: Any, make_user: Any
) -> None:
    assert signed_in(make_user("agent")).get("/live/").status_code == 403
    response = signed_in(make_user("team_leader")).get("/live/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No queue events have arrived yet" in page
    assert 'href="/live/"' in page  # the manual refresh, for a browser without script


def test_the_page_shows_each_queue_its_tier_actions_and_history_without_script(
    post: Post, make_user: Any
) -> None:
    post(
        ev("queued", "c1", "09:00:00"),
        ev("queued", "c2", "09:01:00"),
        ev("abandoned", "c2", "09:02:00"),
        ev("queued", "h1", "09:04:00", queue="housing", service="homelessness"),
        ev("answered", "h1", "09:04:30", queue="housing"),
        ev("queued", "c3", "09:09:05"),
    )
    leader = signed_in(make_user("team_leader"))
    with CaptureQueriesContext(connection) as queries:
        page = leader.get("/live/").content.decode()
    row = page.split('data-queue="council-tax"')[1].split("</tr>")[0]
    assert 'data-field="waiting"><span class="frontdoor-live-figure">2<' in row
    assert "9 min 5 s" in row  # c1, since 09:00:00, at 09:09:05
    assert 'data-field="abandoned"><span class="frontdoor-live-figure">1<' in row
    assert "Tier 2" in row  # said in words, not only by colour
    assert "Council Tax and Benefits is at tier 2." in page
    assert "Tier 1: Move agents from other queues to this one." in page
    assert "Tier 2: Offer callbacks and play a message about the wait." in page
    housing = page.split('data-queue="housing"')[1].split("</tr>")[0]
    assert "Nobody waiting" in housing and "No tier" in housing
    history = page.split("Tier history today")[1]
    assert history.index("09:08:00") < history.index("09:03:00")  # newest first
    assert "Still at this tier" in history
    assert 'aria-live="polite"' in page
    assert "As of 09:09:05 on 5 January 2026" in page
    # A fixed number of queries, whatever the number of queues and episodes.
    assert len(queries) <= 12


def _session_headers(user: Any) -> list[tuple[bytes, bytes]]:
    client = signed_in(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [(b"cookie", cookie.encode()), (b"origin", b"http://localhost")]


@pytest.mark.django_db(transaction=True)
def test_the_websocket_sends_the_board_and_then_each_change(post: Post, make_user: Any) -> None:
    from frontdoor.asgi import application

    headers = _session_headers(make_user("team_leader"))

    async def scenario() -> list[dict[str, Any]]:
        socket = WebsocketCommunicator(application, "/ws/live/northshire/", headers=headers)
        connected, _ = await socket.connect()
        assert connected
        received = [await socket.receive_json_from(timeout=5)]
        await database_sync_to_async(post)(ev("queued", "c1", "09:00:00"))
        received.append(await socket.receive_json_from(timeout=5))
        await database_sync_to_async(post)(ev("queued", "c2", "09:03:30"))
        received.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return received

    first, second, third = async_to_sync(scenario)()
    assert first["type"] == "live.state" and first["queues"] == []
    assert second["queues"][0]["waiting"] == 1 and second["changes"] == []
    assert second["announcement"] == {}  # numbers change quietly
    assert 'data-field="waiting"><span class="frontdoor-live-figure">1<' in second["html"]["en-gb"]
    assert set(second["html"]) == {"en-gb", "cy"}
    assert third["queues"][0]["tier"] == 1
    assert third["changes"] == [{"queue_name": "Council Tax and Benefits", "from": 0, "to": 1}]
    assert third["announcement"]["en-gb"] == (
        "Council Tax and Benefits is now at tier 1. Move agents from other queues to this one."
    )
    assert json.dumps(third)  # plain JSON all through


@pytest.mark.django_db(transaction=True)
def test_the_websocket_refuses_whoever_may_not_watch(
    catalogued_council: Any, other_council: Any, make_user: Any
) -> None:
    from frontdoor.asgi import application

    async def opens(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
        socket = WebsocketCommunicator(application, path, headers=headers)
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    leader = _session_headers(make_user("team_leader"))
    agent = _session_headers(make_user("agent"))
    assert async_to_sync(opens)("/ws/live/northshire/", leader)
    assert not async_to_sync(opens)("/ws/live/southvale/", leader)  # not their council
    assert not async_to_sync(opens)("/ws/live/northshire/", agent)
    assert not async_to_sync(opens)("/ws/live/northshire/", [(b"origin", b"http://localhost")])
    # Another site's page cannot open the socket with the user's cookie.
    foreign = [leader[0], (b"origin", b"https://evil.example")]
    assert not async_to_sync(opens)("/ws/live/northshire/", foreign)
