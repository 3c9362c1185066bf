"""Reads of live queues: the wallboard's state, a queue's tier rules and tier history.

Callers check the permission (`view_performance` to watch queues); these functions read one
council's rows in a fixed handful of queries, whatever the number of queues.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from frontdoor.core.models import Council, Queue

from .models import LiveQueueState, TierEpisode, TierRule

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class TierAction:
    tier: int
    actions: str


@dataclass(frozen=True)
class QueueRow:
    """One queue on the wallboard."""

    queue_id: str
    name: str
    waiting: int
    longest_wait_seconds: float
    answered: int
    abandoned: int
    callbacks: int
    agents_available: int | None
    tier: int
    day: dt.date
    as_of: dt.datetime
    # The actions of every tier the queue is at, lowest first (tiers escalate).
    actions: list[TierAction] = field(default_factory=list)


@dataclass(frozen=True)
class EpisodeRow:
    queue_id: str
    queue_name: str
    tier: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    duration_seconds: float | None
    actions: str


@dataclass(frozen=True)
class Board:
    """Every live queue of a council, and the day's tier history, as of the latest event."""

    council_slug: str
    time_zone: str
    as_of: dt.datetime | None
    day: dt.date | None
    queues: list[QueueRow]
    history: list[EpisodeRow]

    @property
    def at_a_tier(self) -> list[QueueRow]:
        return [q for q in self.queues if q.tier]


def board_for(council: Council, history_limit: int = HISTORY_LIMIT) -> Board:
    """The wallboard of `council`: three queries whatever the number of queues."""
    states = list(
        LiveQueueState.objects.filter(council=council)
        .select_related("queue")
        .order_by("queue__name")
    )
    rules: dict[int, list[TierRule]] = defaultdict(list)
    for rule in TierRule.objects.filter(council=council).order_by("tier"):
        rules[rule.queue_id].append(rule)
    as_of = max((s.as_of for s in states), default=None)
    day = council.local_date(as_of) if as_of else None
    queues = []
    for state in states:
        queues.append(
            QueueRow(
                queue_id=state.queue.queue_id,
                name=state.queue.name,
                waiting=state.waiting,
                longest_wait_seconds=state.longest_wait_seconds,
                answered=state.answered,
                abandoned=state.abandoned,
                callbacks=state.callbacks,
                agents_available=state.agents_available,
                tier=state.tier,
                day=state.day,
                as_of=state.as_of,
                actions=[
                    TierAction(r.tier, r.actions)
                    for r in rules.get(state.queue_id, [])
                    if r.tier <= state.tier
                ],
            )
        )
    history: list[EpisodeRow] = []
    if day is not None:
        zone = council.zone
        start_of_day = dt.datetime.combine(day, dt.time(), zone)
        episodes = (
            TierEpisode.objects.filter(council=council)
            .filter(Q(started_at__gte=start_of_day) | Q(ended_at__isnull=True))
            .select_related("queue")
            .order_by("-started_at", "-tier")[:history_limit]
        )
        history = [
            EpisodeRow(
                queue_id=e.queue.queue_id,
                queue_name=e.queue.name,
                tier=e.tier,
                started_at=e.started_at,
                ended_at=e.ended_at,
                duration_seconds=e.duration_seconds,
                actions=e.actions,
            )
            for e in episodes
        ]
    return Board(council.slug, council.time_zone, as_of, day, queues, history)


def tier_rules_of(queue: Queue) -> list[TierRule]:
    """A queue's tier rules, lowest tier first."""
    return list(TierRule.objects.filter(queue=queue).order_by("tier"))


def queue_of(council: Council, queue_id: str) -> Queue | None:
    """The council's queue with this id (None when it has none)."""
    return Queue.objects.filter(council=council, queue_id=queue_id).first()


@dataclass(frozen=True)
class QueueRules:
    """One queue and its tier rules, for the team leaders' tier-rules page."""

    queue: Queue
    rules: list[TierRule]


def queues_with_tier_rules(council: Council) -> list[QueueRules]:
    """Every queue of the council with its tier rules, lowest tier first (two queries)."""
    queues = list(Queue.objects.filter(council=council).order_by("name"))
    rules: dict[int, list[TierRule]] = defaultdict(list)
    for rule in TierRule.objects.filter(council=council).order_by("tier"):
        rules[rule.queue_id].append(rule)
    return [QueueRules(queue, rules.get(queue.pk, [])) for queue in queues]
