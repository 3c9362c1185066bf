"""Websocket routes; later apps (webchat, wallboards) add theirs here.

Each route is wrapped in the session's authentication (the page's own sign-in) and an origin
check against ALLOWED_HOSTS, so another site cannot open a socket with a user's cookie.
"""

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from frontdoor.omnichannel.consumers import WallboardConsumer


def _for_signed_in_staff(consumer: Any) -> Any:
    return AllowedHostsOriginValidator(AuthMiddlewareStack(consumer))


websocket_urlpatterns: list[Any] = [
    path(
        "ws/live/<slug:slug>/",
        _for_signed_in_staff(WallboardConsumer.as_asgi()),
        name="live-wallboard",
    ),
]
