"""Websocket routes; later apps (webchat, wallboards) add theirs here."""

from typing import Any

websocket_urlpatterns: list[Any] = []
