"""The wallboard's websocket: joins the council's group and passes each board to the browser."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from frontdoor.identity.policies import may

from .live import board_payload, group_name

PERMISSION = "view_performance"
# Close codes in the private range (4000-4999): the browser's script shows them, not a person.
FORBIDDEN = 4403


def _council_if_allowed(user: Any, slug: str) -> Any:
    from frontdoor.core.selectors import councils_visible_to

    council = councils_visible_to(user).filter(slug=slug).first()
    if council is None or not may(user, PERMISSION, council):
        return None
    return council


class WallboardConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/live/<council slug>/`: the council's live board, for those who may watch it.

    The permission is checked when the socket opens; the first message is the board as it is
    now, so a page never misses what happened between its rendering and the socket opening.
    Browsers send nothing on this socket; anything they send is ignored.
    """

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        council = await database_sync_to_async(_council_if_allowed)(user, slug)
        if council is None:
            await self.close(code=FORBIDDEN)
            return
        self.group = group_name(council.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(board_payload)(council))

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Nothing to do: the board only flows from the server."""

    async def live_state(self, event: dict[str, Any]) -> None:
        await self.send_json(event["payload"])
