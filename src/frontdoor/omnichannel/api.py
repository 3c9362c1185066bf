"""API of omnichannel intake: queue events from telephony and chat platforms, live queue state,
and the tier rules of each queue."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from frontdoor.core.selectors import council_for
from frontdoor.identity.policies import require

from .actions import (
    MAX_EVENTS_PER_BATCH,
    RECEIVE_PERMISSION,
    BatchResult,
    RuleInput,
    do_receive_queue_events,
    do_set_tier_rules,
)
from .consumers import PERMISSION as VIEW_PERMISSION
from .engine.events import EVENT_TYPES
from .engine.tiers import DEFAULT_CLEAR_MARGIN, DEFAULT_HOLD_SECONDS
from .live import board_json
from .selectors import board_for, queue_of, tier_rules_of

router = Router(tags=["Omnichannel"])


class QueueEventIn(Schema):
    """One queue event (documentation of the body; each event is checked on its own)."""

    platform: str = Field(max_length=50, description="the sending system; the contacts' source")
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    call_id: str | None = Field(None, max_length=100, description="required except for agents")
    event_id: str | None = Field(
        None, max_length=100, description="the platform's event id; default {call_id}:{type}"
    )
    queue: str | None = Field(None, description="a catalogue queue id (or give service)")
    service: str | None = Field(None, description="a catalogue service id (queued events)")
    timestamp: str = Field(description="ISO 8601; without an offset, the council's local time")
    agent_ref: str | None = Field(None, max_length=100)
    citizen_ref: str | None = Field(None, max_length=200)
    channel: Literal["phone", "webchat"] | None = None
    direction: Literal["inbound", "outbound"] | None = None
    agents_available: int | None = Field(None, ge=0)


_EVENT_SCHEMA = QueueEventIn.model_json_schema()
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        _EVENT_SCHEMA,
                        {"type": "array", "items": _EVENT_SCHEMA, "maxItems": MAX_EVENTS_PER_BATCH},
                    ]
                }
            }
        },
    }
}


class EventResultOut(Schema):
    index: int
    event_id: str
    status: Literal["accepted", "duplicate", "rejected"]
    errors: list[str]


class TierChangeOut(Schema):
    queue: str
    before: int
    after: int


class BatchEpisodeOut(Schema):
    queue: str
    tier: int
    started_at: str
    ended_at: str | None


class BatchOut(Schema):
    error: str | None = None
    received: int
    accepted: int
    duplicates: int
    rejected: int
    contacts_created: int
    contacts_updated: int
    contacts_unchanged: int
    contact_rejections: list[str]
    tier_changes: list[TierChangeOut]
    tier_episodes: list[BatchEpisodeOut]
    results: list[EventResultOut]


class ActionOut(Schema):
    tier: int
    actions: str


class QueueOut(Schema):
    queue: str
    name: str
    day: str
    as_of: str
    waiting: int
    longest_wait_seconds: float
    answered_today: int
    abandoned_today: int
    callbacks_today: int
    agents_available: int | None
    tier: int
    actions: list[ActionOut]


class EpisodeOut(Schema):
    queue: str
    tier: int
    started_at: str
    ended_at: str | None
    duration_seconds: float | None


class LiveOut(Schema):
    council: str
    time_zone: str
    as_of: str | None
    day: str | None
    queues: list[QueueOut]
    history: list[EpisodeOut]


class TierRuleSchema(Schema):
    tier: int = Field(ge=1, le=9)
    measure: Literal["longest_wait_seconds", "waiting_count"] = "longest_wait_seconds"
    threshold: int = Field(ge=1, le=604_800, description="raised when the measure reaches it")
    actions: str = Field(min_length=1, max_length=2000)
    clear_margin: int = Field(
        DEFAULT_CLEAR_MARGIN,
        ge=0,
        description="the tier clears only below the threshold less this margin",
    )
    margin_unit: Literal["percent", "absolute"] = Field(
        "percent",  # DEFAULT_MARGIN_UNIT
        description="percent of the threshold, or absolute (seconds, or callers)",
    )
    hold_seconds: int = Field(
        DEFAULT_HOLD_SECONDS,
        ge=0,
        le=3600,
        description="how long the measure must stay below the exit level before the tier clears",
    )


class TierRulesIn(Schema):
    rules: list[TierRuleSchema] = Field(max_length=9)


class TierRulesOut(Schema):
    queue: str
    rules: list[TierRuleSchema]


@router.post(
    "/councils/{slug}/queue-events",
    response={200: BatchOut, 422: BatchOut},
    summary="Receive queue events from a telephony or chat platform (one, or a batch)",
    description=(
        "The body is one event or an array of up to 5,000, applied in the order given. Each "
        "event is checked on its own: the good ones are applied even when others are rejected "
        "(then the status is 422 and `results` says which, with every reason). An event already "
        "received (same platform and event_id) is a `duplicate` and changes nothing, so a batch "
        "can be re-sent safely. A call's events must follow its queued event. Finished calls "
        "become contact records (source = platform, contact_id = call_id). Needs "
        "`import_contacts`."
    ),
    openapi_extra=_BODY_DOC,
)
def receive_queue_events(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    council = council_for(request.user, slug)
    require(request.user, RECEIVE_PERMISSION, council)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(
            400, "The body must be JSON: one event object, or an array of them."
        ) from error
    if isinstance(body, dict):
        events: list[object] = [body]
    elif isinstance(body, list):
        events = body
    else:
        raise HttpError(400, "The body must be one event object, or an array of them.")
    if not events:
        raise HttpError(400, "The array has no events.")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise HttpError(413, f"At most {MAX_EVENTS_PER_BATCH} events a request.")
    result = do_receive_queue_events(actor=request.user, council=council, raw_events=events)
    out = _batch_out(result)
    if out["rejected"]:
        out["error"] = (
            f"{out['rejected']} of {out['received']} events were rejected (see results); "
            "the others were applied."
        )
        return Status(422, out)
    return Status(200, out)


def _batch_out(result: BatchResult) -> dict[str, Any]:
    from frontdoor.core.models import Queue

    queue_pks = {c.queue_pk for c in result.tier_changes} | {e.queue_id for e in result.episodes}
    names = dict(Queue.objects.filter(pk__in=queue_pks).values_list("pk", "queue_id"))
    return {
        "received": len(result.results),
        "accepted": result.count("accepted"),
        "duplicates": result.count("duplicate"),
        "rejected": result.count("rejected"),
        "contacts_created": result.contacts_created,
        "contacts_updated": result.contacts_updated,
        "contacts_unchanged": result.contacts_unchanged,
        "contact_rejections": result.contact_rejections,
        "tier_changes": [
            {"queue": names.get(c.queue_pk, ""), "before": c.before, "after": c.after}
            for c in result.tier_changes
        ],
        "tier_episodes": [
            {
                "queue": names.get(e.queue_id, ""),
                "tier": e.tier,
                "started_at": e.started_at.isoformat(),
                "ended_at": e.ended_at.isoformat() if e.ended_at else None,
            }
            for e in sorted(result.episodes, key=lambda e: (e.started_at, e.tier))
        ],
        "results": [
            {"index": r.index, "event_id": r.event_id, "status": r.status, "errors": r.errors}
            for r in result.results
        ],
    }


@router.get(
    "/councils/{slug}/live-queues",
    response=LiveOut,
    summary="The council's live queues now, and today's tier history",
)
def live_queues(request: HttpRequest, slug: str) -> dict[str, Any]:
    council = council_for(request.user, slug)
    require(request.user, VIEW_PERMISSION, council)
    return board_json(board_for(council))


@router.get(
    "/councils/{slug}/queues/{queue_id}/tier-rules",
    response=TierRulesOut,
    summary="A queue's resilience tiers: thresholds and what staff do at each",
)
def get_tier_rules(request: HttpRequest, slug: str, queue_id: str) -> dict[str, Any]:
    council = council_for(request.user, slug)
    require(request.user, VIEW_PERMISSION, council)
    queue = queue_of(council, queue_id)
    if queue is None:
        raise HttpError(404, "no such queue")
    return {"queue": queue.queue_id, "rules": _rules_out(queue)}


@router.put(
    "/councils/{slug}/queues/{queue_id}/tier-rules",
    response=TierRulesOut,
    summary="Replace a queue's resilience tiers (the tier is re-evaluated at once)",
    description=(
        "A tier is raised the moment its measure reaches the threshold, and clears only when "
        "the measure has stayed below the exit level (the threshold less the clear margin) "
        "for the hold time. Thresholds of one measure must rise with the tier. A tier already "
        "raised stays raised after the change until the new rule clears it. Needs "
        "`plan_staffing` or `lead_team`."
    ),
)
def put_tier_rules(
    request: HttpRequest, slug: str, queue_id: str, body: TierRulesIn
) -> dict[str, Any]:
    council = council_for(request.user, slug)
    queue = queue_of(council, queue_id)
    if queue is None:
        raise HttpError(404, "no such queue")
    try:
        do_set_tier_rules(
            actor=request.user,
            council=council,
            queue=queue,
            rules=[
                RuleInput(
                    tier=r.tier,
                    measure=r.measure,
                    threshold=r.threshold,
                    actions=r.actions,
                    clear_margin=r.clear_margin,
                    margin_unit=r.margin_unit,
                    hold_seconds=r.hold_seconds,
                )
                for r in body.rules
            ],
        )
    except ValueError as error:
        raise HttpError(400, str(error)) from error
    return {"queue": queue.queue_id, "rules": _rules_out(queue)}


def _rules_out(queue: Any) -> list[dict[str, Any]]:
    return [
        {
            "tier": r.tier,
            "measure": r.measure,
            "threshold": r.threshold,
            "actions": r.actions,
            "clear_margin": r.clear_margin,
            "margin_unit": r.margin_unit,
            "hold_seconds": r.hold_seconds,
        }
        for r in tier_rules_of(queue)
    ]
