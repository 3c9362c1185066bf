"""Telling wallboards: the board as JSON and as rendered HTML, sent to every open wallboard.

After a batch of events commits, `publish_board` reads the board once and sends it through the
channel layer to the council's group; every `WallboardConsumer` in every web process passes it
to its browser. The HTML is rendered once per language the site offers (so a Welsh wallboard
stays Welsh) from the same template the page uses, so the page and its live updates never
disagree. Only tier changes carry an announcement, for the page's polite live region: numbers
change every few seconds and reading each one out would drown a screen-reader user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from frontdoor.core.models import Council, Queue

from .selectors import Board, board_for

MESSAGE_TYPE = "live.state"  # handled by WallboardConsumer.live_state


def group_name(council_id: int) -> str:
    """The channel-layer group of a council's wallboards."""
    return f"omnichannel.live.{council_id}"


def board_json(board: Board) -> dict[str, Any]:
    """The board as the API and the websocket give it (machine values, not rounded)."""
    return {
        "council": board.council_slug,
        "time_zone": board.time_zone,
        "as_of": board.as_of.isoformat() if board.as_of else None,
        "day": board.day.isoformat() if board.day else None,
        "queues": [
            {
                "queue": q.queue_id,
                "name": q.name,
                "day": q.day.isoformat(),
                "as_of": q.as_of.isoformat(),
                "waiting": q.waiting,
                "longest_wait_seconds": q.longest_wait_seconds,
                "answered_today": q.answered,
                "abandoned_today": q.abandoned,
                "callbacks_today": q.callbacks,
                "agents_available": q.agents_available,
                "tier": q.tier,
                "actions": [{"tier": a.tier, "actions": a.actions} for a in q.actions],
            }
            for q in board.queues
        ],
        "history": [
            {
                "queue": e.queue_id,
                "tier": e.tier,
                "started_at": e.started_at.isoformat(),
                "ended_at": e.ended_at.isoformat() if e.ended_at else None,
                "duration_seconds": e.duration_seconds,
            }
            for e in board.history
        ],
    }


def render_board(board: Board) -> str:
    """The board's HTML (the part of the page a live update replaces), in the active language."""
    return render_to_string("omnichannel/_board.html", {"board": board})


def board_payload(council: Council, changes: Sequence[Any] = ()) -> dict[str, Any]:
    """What a wallboard receives: the board as data and HTML, and any tier change to announce."""
    board = board_for(council)
    names = dict(
        Queue.objects.filter(pk__in=[c.queue_pk for c in changes]).values_list("pk", "name")
    )
    payload: dict[str, Any] = {
        "type": MESSAGE_TYPE,
        **board_json(board),
        "changes": [
            {"queue_name": names.get(c.queue_pk, ""), "from": c.before, "to": c.after}
            for c in changes
        ],
        "html": {},
        "announcement": {},
    }
    actions = {q.name: q.actions[-1].actions for q in board.queues if q.actions}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            payload["html"][code] = render_board(board)
            if changes:
                payload["announcement"][code] = " ".join(
                    announce(names.get(c.queue_pk, ""), c.before, c.after, actions) for c in changes
                )
    return payload


def announce(queue_name: str, before: int, after: int, actions: dict[str, str]) -> str:
    """One tier change in a sentence (translated in the active language)."""
    if after > before:
        text = _("%(queue)s is now at tier %(tier)d.") % {"queue": queue_name, "tier": after}
        if actions.get(queue_name):
            text += " " + actions[queue_name]
        return text
    if after:
        return _("%(queue)s is back down to tier %(tier)d.") % {"queue": queue_name, "tier": after}
    return _("%(queue)s is no longer at any tier.") % {"queue": queue_name}


def publish_board(council: Council, changes: Sequence[Any] = ()) -> None:
    """Send the council's board to every wallboard watching it, in every process."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": MESSAGE_TYPE, "payload": board_payload(council, changes)}
    async_to_sync(layer.group_send)(group_name(council.pk), message)
