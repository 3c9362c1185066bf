"""Changes to live queues: receiving a batch of queue events, and setting a queue's tier rules.

`do_receive_queue_events` is the one way events get in (the API, the replay command and the
tests all call it). In one transaction, holding the council's row so that two web processes
never interleave one council's batches, it:

1. reads each event (`engine.events`) and refuses the malformed with every reason;
2. skips events already received (the same platform and event id: re-sending changes nothing);
3. moves each call along (`engine.calls`) and the counts of its queue;
4. evaluates the queue's tier rules as each event arrives (`engine.tiers.evaluate`, with
   hysteresis: a tier rises at its threshold and clears only after its measure has stayed below
   the exit level for the hold time), opening and closing tier episodes at the exact moment a
   threshold was crossed or a hold ran out;
5. turns every call that finished into a contact record through the contacts app's own
   validation and bulk action, so a call logged live and the same call imported from the
   platform's export are one record;
6. writes one audit entry for the batch, and after commit tells every wallboard.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from frontdoor.audit.recorder import record_batch
from frontdoor.contacts.actions import do_import_contacts
from frontdoor.contacts.records import CatalogueLookup, RecordValidator, ValidRecord
from frontdoor.contacts.selectors import catalogue_lookup
from frontdoor.core.models import Council, Queue
from frontdoor.identity.policies import require

from .engine import calls as call_engine
from .engine import tiers as tier_engine
from .engine.events import AGENTS, QUEUED, ParsedEvent, parse_event
from .models import LiveCall, LiveQueueState, QueueEvent, TierEpisode, TierRule
from .policies import require_set_tier_rules

logger = logging.getLogger(__name__)

MAX_EVENTS_PER_BATCH = 5000
RECEIVE_PERMISSION = "import_contacts"  # the events become contact records
RULES_PERMISSION = "plan_staffing"  # or lead_team: see policies.may_set_tier_rules


@dataclass
class EventResult:
    """What became of one event of a batch: accepted, duplicate or rejected (with reasons)."""

    index: int
    event_id: str
    status: str
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TierChange:
    """A queue's tier over a whole batch: from the tier it had to the one it has now."""

    queue_pk: int
    before: int
    after: int


@dataclass
class BatchResult:
    results: list[EventResult] = field(default_factory=list)
    contacts_created: int = 0
    contacts_updated: int = 0
    contacts_unchanged: int = 0
    contact_rejections: list[str] = field(default_factory=list)
    tier_changes: list[TierChange] = field(default_factory=list)
    # Tier episodes this batch started or ended (an episode may do both).
    episodes: list[TierEpisode] = field(default_factory=list)
    episodes_started: int = 0
    episodes_ended: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def do_receive_queue_events(
    *, actor: Any, council: Council, raw_events: Sequence[object]
) -> BatchResult:
    """Apply a batch of queue events, in the order given; see the module docstring."""
    if actor is not None:
        require(actor, RECEIVE_PERMISSION, council)
    if len(raw_events) > MAX_EVENTS_PER_BATCH:
        raise ValueError(f"at most {MAX_EVENTS_PER_BATCH} events a batch")
    with transaction.atomic():
        # One council's batches one at a time, whichever process receives them.
        Council.objects.select_for_update().filter(pk=council.pk).first()
        batch = _Batch(actor, council)
        result = batch.run(raw_events)
    if result.count("accepted"):
        transaction.on_commit(lambda: _publish(council, result.tier_changes))
    return result


def _publish(council: Council, changes: list[TierChange]) -> None:
    # A wallboard that misses an update still shows the right state on its next one or on a
    # refresh; a channel layer that is down must not turn accepted events into an error.
    from .live import publish_board

    try:
        publish_board(council, changes)
    except Exception:
        logger.exception("could not tell the wallboards", extra={"council": council.slug})


class _Batch:
    """The work of one batch; lives for one transaction."""

    def __init__(self, actor: Any, council: Council) -> None:
        self.actor = actor
        self.council = council
        self.zone = council.zone
        self.catalogue: CatalogueLookup = catalogue_lookup(council)
        self.queue_ids = {pk: queue_id for queue_id, pk in self.catalogue.queues.items()}
        self.service_ids = {entry.pk: sid for sid, entry in self.catalogue.services.items()}
        self.states = {s.queue_id: s for s in LiveQueueState.objects.filter(council=council)}
        self.tier_before = {pk: s.tier for pk, s in self.states.items()}
        self.rules: dict[int, list[TierRule]] = defaultdict(list)
        for rule in TierRule.objects.filter(council=council):
            self.rules[rule.queue_id].append(rule)
        self.latches = {
            pk: latches_of(state, self.rules.get(pk, [])) for pk, state in self.states.items()
        }
        self.open_episodes = {
            (e.queue_id, e.tier): e
            for e in TierEpisode.objects.filter(council=council, ended_at__isnull=True)
        }
        self.touched_episodes: list[TierEpisode] = []
        self.waiting: dict[int, dict[tuple[str, str], dt.datetime]] = defaultdict(dict)
        for call in LiveCall.objects.filter(council=council, state=call_engine.WAITING).only(
            "queue_id", "platform", "call_id", "queued_at"
        ):
            self.waiting[call.queue_id][(call.platform, call.call_id)] = call.queued_at
        for state in self.states.values():
            self._forget_earlier_days(state)
        self.calls: dict[tuple[str, str], LiveCall] = {}
        self.dirty_calls: set[tuple[str, str]] = set()
        self.finished: list[LiveCall] = []
        self.new_events: list[QueueEvent] = []
        self.result = BatchResult()

    # -- the batch ----------------------------------------------------------------------------

    def run(self, raw_events: Sequence[object]) -> BatchResult:
        parsed = [parse_event(raw, self.zone) for raw in raw_events]
        good = [p for p in parsed if isinstance(p, ParsedEvent)]
        seen = self._received_before(good)
        self._load_calls(good)
        for index, (raw, event) in enumerate(zip(raw_events, parsed, strict=True)):
            if not isinstance(event, ParsedEvent):
                event_id = raw.get("event_id", "") if isinstance(raw, dict) else ""
                self._add(index, str(event_id or ""), "rejected", event)
                continue
            key = (event.platform, event.event_id)
            if key in seen:
                self._add(index, event.event_id, "duplicate")
                continue
            errors = self._apply(event, raw)
            if errors:
                self._add(index, event.event_id, "rejected", errors)
                continue
            seen.add(key)
            self._add(index, event.event_id, "accepted")
        if self.states:
            # Time passes for every queue of the council, not only those that had events: a
            # caller left waiting in a quiet queue still pushes its longest wait up.
            latest = max(s.as_of for s in self.states.values())
            for state in self.states.values():
                self._advance(state, latest)
        self._save()
        self._record_contacts()
        self.result.tier_changes = [
            TierChange(pk, self.tier_before.get(pk, 0), state.tier)
            for pk, state in self.states.items()
            if state.tier != self.tier_before.get(pk, 0)
        ]
        record_batch(
            actor=self.actor,
            action="omnichannel.queue_events",
            object_type="omnichannel.queueevent",
            council_id=self.council.pk,
            summary={
                "events": len(self.result.results),
                "accepted": self.result.count("accepted"),
                "duplicates": self.result.count("duplicate"),
                "rejected": self.result.count("rejected"),
                "contacts_created": self.result.contacts_created,
                "contacts_updated": self.result.contacts_updated,
                "episodes_started": self.result.episodes_started,
                "episodes_ended": self.result.episodes_ended,
            },
        )
        return self.result

    def _add(self, index: int, event_id: str, status: str, errors: list[str] | None = None) -> None:
        self.result.results.append(EventResult(index, event_id, status, errors or []))

    def _received_before(self, events: list[ParsedEvent]) -> set[tuple[str, str]]:
        by_platform: dict[str, list[str]] = defaultdict(list)
        for event in events:
            by_platform[event.platform].append(event.event_id)
        seen: set[tuple[str, str]] = set()
        for platform, ids in by_platform.items():
            for start in range(0, len(ids), 2000):
                seen.update(
                    QueueEvent.objects.filter(
                        council=self.council,
                        platform=platform,
                        event_id__in=ids[start : start + 2000],
                    ).values_list("platform", "event_id")
                )
        return seen

    def _load_calls(self, events: list[ParsedEvent]) -> None:
        by_platform: dict[str, set[str]] = defaultdict(set)
        for event in events:
            if event.call_id:
                by_platform[event.platform].add(event.call_id)
        for platform, ids in by_platform.items():
            listed = sorted(ids)
            for start in range(0, len(listed), 2000):
                for call in LiveCall.objects.filter(
                    council=self.council,
                    platform=platform,
                    call_id__in=listed[start : start + 2000],
                ):
                    self.calls[(call.platform, call.call_id)] = call

    # -- one event ----------------------------------------------------------------------------

    def _apply(self, event: ParsedEvent, raw: object) -> list[str]:
        queue_pk, service_pk, problems = self._resolve(event)
        if problems:
            return problems
        state = self._state(queue_pk, event.at)
        # The board is of one day, the day of the latest event. An event of an earlier day (a
        # platform catching up, or an earlier day replayed) still moves its call, and the call
        # still becomes a contact record; it changes neither today's counts nor the tiers.
        today = self.council.local_date(event.at) >= state.day
        if today:
            # Time passes up to this event (never backwards: a late event is applied now).
            self._advance(state, max(state.as_of, event.at))
        counted = ""
        if event.type != AGENTS:
            key = (event.platform, event.call_id)
            stored = self.calls.get(key)
            step = call_engine.advance(
                _as_engine_call(stored, self.queue_ids) if stored else None,
                event,
                self.queue_ids[queue_pk],
            )
            if isinstance(step, str):
                return [step]
            call = self._store_call(key, stored, step.call, event, queue_pk, service_pk)
            waiting = self.waiting[queue_pk]
            if step.call.state == call_engine.WAITING and self._is_today(state, step.call):
                waiting[key] = step.call.queued_at
            else:
                waiting.pop(key, None)
            if step.finished:
                self.finished.append(call)
            counted = step.counts
        if today:
            if counted and self.council.local_date(event.at) == state.day:
                setattr(state, counted, getattr(state, counted) + 1)
            if event.agents_available is not None:
                state.agents_available = event.agents_available
            # The change itself is instant: evaluate again at the same moment.
            self._evaluate(state, state.as_of, state.as_of)
        self.new_events.append(
            QueueEvent(
                council=self.council,
                platform=event.platform,
                event_id=event.event_id,
                type=event.type,
                call_id=event.call_id,
                queue_id=queue_pk,
                occurred_at=event.at,
                agent_ref=event.agent_ref,
                payload=raw if isinstance(raw, dict) else {},
            )
        )
        return []

    def _resolve(self, event: ParsedEvent) -> tuple[int, int | None, list[str]]:
        """The queue's and (for a queued event) the service's primary keys, or the problems."""
        service_pk = None
        queue_pk = 0
        if event.service:
            entry = self.catalogue.services.get(event.service)
            if entry is None:
                return 0, None, [f"service: '{event.service}' is not a service in the catalogue"]
            service_pk = entry.pk
            queue_pk = entry.default_queue_pk
        if event.queue:
            found = self.catalogue.queues.get(event.queue)
            if found is None:
                return 0, None, [f"queue: '{event.queue}' is not a queue in the catalogue"]
            queue_pk = found
        if not queue_pk:
            return 0, None, [f"queue: is required: service '{event.service}' has no family queue"]
        if event.type == QUEUED and service_pk is None:
            # A platform knows queues, not services: a queue named like a service (the
            # catalogue's family queues often are) stands for that service.
            entry = self.catalogue.services.get(self.queue_ids[queue_pk])
            if entry is None:
                return (
                    0,
                    None,
                    [
                        f"service: is required: queue '{self.queue_ids[queue_pk]}' has no service "
                        "of the same id to record the call against"
                    ],
                )
            service_pk = entry.pk
        return queue_pk, service_pk, []

    def _store_call(
        self,
        key: tuple[str, str],
        stored: LiveCall | None,
        call: call_engine.Call,
        event: ParsedEvent,
        queue_pk: int,
        service_pk: int | None,
    ) -> LiveCall:
        if stored is None:
            # Only a queued event starts a call, and `_resolve` always finds its service.
            assert service_pk is not None
            stored = LiveCall(
                council=self.council,
                platform=event.platform,
                call_id=event.call_id,
                queue_id=queue_pk,
                service_id=service_pk,
                channel=event.channel,
                direction=event.direction,
                citizen_ref=event.citizen_ref,
            )
            self.calls[key] = stored
        stored.state = call.state
        stored.queued_at = call.queued_at
        stored.answered_at = call.answered_at
        stored.finished_at = call.finished_at
        stored.outcome = call.outcome
        stored.agent_ref = call.agent_ref
        if event.citizen_ref:
            stored.citizen_ref = event.citizen_ref
        self.dirty_calls.add(key)
        return stored

    # -- queues and tiers ---------------------------------------------------------------------

    def _state(self, queue_pk: int, at: dt.datetime) -> LiveQueueState:
        state = self.states.get(queue_pk)
        if state is None:
            state = LiveQueueState(
                council=self.council, queue_id=queue_pk, day=self.council.local_date(at), as_of=at
            )
            self.states[queue_pk] = state
            if not self.rules.get(queue_pk):
                # A queue's first events give it the default tiers; a queue whose rules were
                # deliberately removed later keeps none.
                self.rules[queue_pk] = TierRule.objects.bulk_create(
                    TierRule(
                        council=self.council,
                        queue_id=queue_pk,
                        tier=tier,
                        measure=measure,
                        threshold=threshold,
                        actions=actions,
                    )
                    for tier, measure, threshold, actions in tier_engine.DEFAULT_RULES
                )
        return state

    def _advance(self, state: LiveQueueState, at: dt.datetime) -> None:
        """Let time pass for a queue up to `at` (nobody joins or leaves meanwhile)."""
        if at <= state.as_of:
            return
        day = self.council.local_date(at)
        if day > state.day:
            state.day = day
            state.answered = state.abandoned = state.callbacks = 0
            self._forget_earlier_days(state)
        since = state.as_of
        state.as_of = at
        self._evaluate(state, since, at)

    def _is_today(self, state: LiveQueueState, call: call_engine.Call) -> bool:
        return self.council.local_date(call.queued_at) >= state.day

    def _forget_earlier_days(self, state: LiveQueueState) -> None:
        """Drop callers queued before the queue's day from its waiting set.

        A caller still "waiting" from an earlier day is a call whose end the platform never
        sent: left in, it would hold the queue at tier 3 all day. The call itself is kept, and
        still finishes (and becomes a contact) if its events come.
        """
        waiting = self.waiting[state.queue_id]
        for key, queued_at in list(waiting.items()):
            if self.council.local_date(queued_at) < state.day:
                del waiting[key]

    def _evaluate(self, state: LiveQueueState, since: dt.datetime, at: dt.datetime) -> None:
        waiting = self.waiting[state.queue_id]
        now = tier_engine.QueueNow(len(waiting), min(waiting.values(), default=None))
        state.waiting = now.waiting
        state.oldest_waiting_since = now.oldest_since
        rules = self.rules.get(state.queue_id, [])
        evaluation = tier_engine.evaluate(
            engine_rules(rules),
            now,
            state.tier,
            self.latches.get(state.queue_id, {}),
            since,
            at,
        )
        self.latches[state.queue_id] = evaluation.latches
        apply_tier_step(state, rules, evaluation, self.open_episodes, self.touched_episodes)

    # -- writing ------------------------------------------------------------------------------

    def _save(self) -> None:
        QueueEvent.objects.bulk_create(self.new_events, batch_size=1000)
        new_calls = [self.calls[k] for k in self.dirty_calls if self.calls[k].pk is None]
        changed_calls = [self.calls[k] for k in self.dirty_calls if self.calls[k].pk is not None]
        LiveCall.objects.bulk_create(new_calls, batch_size=1000)
        LiveCall.objects.bulk_update(
            changed_calls,
            [
                "state",
                "queued_at",
                "answered_at",
                "finished_at",
                "outcome",
                "agent_ref",
                "citizen_ref",
            ],
            batch_size=1000,
        )
        for pk, state in self.states.items():
            state.tier_latches = stored_latches(self.latches.get(pk, {}))
            state.save()
        created = [e for e in self.touched_episodes if e.pk is None]
        ended = [e for e in self.touched_episodes if e.pk is not None]
        # Close before opening: the database allows one open episode per queue and tier.
        TierEpisode.objects.bulk_update(ended, ["ended_at"])
        TierEpisode.objects.bulk_create(created)
        self.result.episodes = list(self.touched_episodes)
        self.result.episodes_started = len(created)
        self.result.episodes_ended = sum(1 for e in self.touched_episodes if e.ended_at)

    def _record_contacts(self) -> None:
        if not self.finished:
            return
        validator = RecordValidator(
            catalogue=self.catalogue, time_zone=self.council.time_zone, default_source="telephony"
        )
        records: list[ValidRecord] = []
        for number, call in enumerate(self.finished, start=1):
            checked = validator.validate(number, self._contact_of(call))
            if isinstance(checked, ValidRecord):
                records.append(checked)
            else:
                self.result.contact_rejections.extend(
                    f"call {call.call_id}: {r.column}: {r.reason}" for r in checked
                )
        if records:
            outcome = do_import_contacts(
                actor=self.actor, council=self.council, records=records, catalogue=self.catalogue
            )
            self.result.contacts_created = outcome.created
            self.result.contacts_updated = outcome.updated
            self.result.contacts_unchanged = outcome.unchanged

    def _contact_of(self, call: LiveCall) -> dict[str, str]:
        """The call as a contact record of the interchange format (section 1), raw strings."""
        engine_call = _as_engine_call(call, self.queue_ids)
        return {
            "contact_id": call.call_id,
            "source": call.platform,
            "channel": call.channel,
            "direction": call.direction,
            "service": self.service_ids[call.service_id],
            "queue": self.queue_ids[call.queue_id],
            "offered_at": call.queued_at.isoformat(),
            "outcome": call.outcome,
            "wait_seconds": _decimal(engine_call.wait_seconds),
            "handle_seconds": _decimal(engine_call.handle_seconds),
            "agent_ref": call.agent_ref,
            "citizen_ref": call.citizen_ref,
        }


def apply_tier_step(
    state: LiveQueueState,
    rules: list[TierRule],
    step: tier_engine.Evaluation,
    open_episodes: dict[tuple[int, int], TierEpisode],
    touched: list[TierEpisode],
) -> None:
    """Open and close the tier episodes an evaluation of the tier engine calls for.

    Ends before starts: within one evaluation a level may end (its hold ran out) and start again
    later (the wait climbed back), never the other way round.
    """
    for level, ended in step.ended:
        episode = open_episodes.pop((state.queue_id, level), None)
        if episode is not None:
            episode.ended_at = ended
            if episode.pk is not None:
                touched.append(episode)
    for level, started in step.started:
        rule = min((r for r in rules if r.tier >= level), key=lambda r: r.tier)
        episode = TierEpisode(
            council_id=state.council_id,
            queue_id=state.queue_id,
            tier=level,
            started_at=started,
            measure=rule.measure,
            threshold=rule.threshold,
            actions=rule.actions,
        )
        open_episodes[(state.queue_id, level)] = episode
        touched.append(episode)
    state.tier = step.tier


def engine_rules(rules: list[TierRule]) -> list[tier_engine.Rule]:
    """Stored tier rules as the tier engine takes them."""
    return [
        tier_engine.Rule(
            r.tier, r.measure, r.threshold, r.clear_margin, r.margin_unit, r.hold_seconds
        )
        for r in rules
    ]


def latches_of(state: LiveQueueState, rules: list[TierRule]) -> dict[int, dt.datetime | None]:
    """The tier engine's latches as stored on the queue's state.

    A queue at a tier with none stored was last evaluated before tiers had hysteresis: its
    rules up to its tier count as raised (and start their hold at the next evaluation).
    """
    raw = state.tier_latches or {}
    if not raw and state.tier:
        return {r.tier: None for r in rules if r.tier <= state.tier}
    return {
        int(tier): dt.datetime.fromisoformat(since) if since else None
        for tier, since in raw.items()
    }


def stored_latches(latches: tier_engine.Latches) -> dict[str, str | None]:
    """Latches as JSON for `LiveQueueState.tier_latches`."""
    return {
        str(tier): since.isoformat() if since else None for tier, since in sorted(latches.items())
    }


def _as_engine_call(call: LiveCall, queue_ids: dict[int, str]) -> call_engine.Call:
    return call_engine.Call(
        call_id=call.call_id,
        queue=queue_ids.get(call.queue_id, str(call.queue_id)),
        state=call.state,
        queued_at=call.queued_at,
        answered_at=call.answered_at,
        finished_at=call.finished_at,
        outcome=call.outcome,
        agent_ref=call.agent_ref,
    )


def _decimal(value: float | None) -> str:
    """A plain decimal the contact format accepts (no exponent), or "" for absent."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".")


# -- tier rules -------------------------------------------------------------------------------

MAX_TIER = 9
MAX_THRESHOLD = 604_800  # a week, in seconds; far beyond any count of callers too
MAX_HOLD_SECONDS = 3600
MAX_ACTIONS_LENGTH = 2000
RULE_FIELDS = ("tier", "measure", "threshold", "clear_margin", "margin_unit", "hold_seconds")


@dataclass(frozen=True)
class RuleInput:
    """One tier's rule as asked for (the hysteresis settings default as stored rules do)."""

    tier: int
    measure: str
    threshold: int
    actions: str
    clear_margin: int = tier_engine.DEFAULT_CLEAR_MARGIN
    margin_unit: str = tier_engine.DEFAULT_MARGIN_UNIT
    hold_seconds: int = tier_engine.DEFAULT_HOLD_SECONDS


class TierRulesInvalid(ValueError):
    """Rules that were refused, with every problem by (tier, field); (0, "") for the whole set.

    Its message lists them all, for the API; a form shows each beside its field.
    """

    def __init__(self, problems: dict[tuple[int, str], list[str]]) -> None:
        self.problems = problems
        super().__init__(
            "; ".join(
                (_("tier %(tier)d: %(problem)s") % {"tier": tier, "problem": p}) if tier else p
                for (tier, _field), found in problems.items()
                for p in found
            )
        )


def check_tier_rules(rules: list[RuleInput]) -> dict[tuple[int, str], list[str]]:
    """Every problem with a set of tier rules, by (tier, field); empty when they are fine."""
    problems: dict[tuple[int, str], list[str]] = defaultdict(list)
    tiers = [r.tier for r in rules]
    if len(rules) > MAX_TIER:
        problems[(0, "")].append(_("A queue can have at most %(n)d tiers.") % {"n": MAX_TIER})
    if len(set(tiers)) != len(tiers):
        problems[(0, "")].append(_("Each tier may have one rule."))
    for rule in rules:
        here = rule.tier if 1 <= rule.tier <= MAX_TIER else 0
        if not 1 <= rule.tier <= MAX_TIER:
            problems[(0, "")].append(_("Tiers run from 1 to %(n)d.") % {"n": MAX_TIER})
            continue
        if rule.measure not in tier_engine.MEASURES:
            problems[(here, "measure")].append(
                _("Choose what the tier measures: the longest wait or the callers waiting.")
            )
        if not 1 <= rule.threshold <= MAX_THRESHOLD:
            problems[(here, "threshold")].append(
                _("Enter a threshold from 1 to %(max)s.") % {"max": f"{MAX_THRESHOLD:,}"}
            )
        if rule.margin_unit not in tier_engine.MARGIN_UNITS:
            problems[(here, "margin_unit")].append(
                _("Choose whether the clear margin is a percentage or an amount.")
            )
        elif rule.clear_margin < 0:
            problems[(here, "clear_margin")].append(_("The clear margin cannot be negative."))
        elif rule.margin_unit == tier_engine.PERCENT and rule.clear_margin >= 100:
            problems[(here, "clear_margin")].append(
                _("A clear margin in percent must be less than 100.")
            )
        elif (
            rule.margin_unit == tier_engine.ABSOLUTE
            and rule.clear_margin
            and rule.clear_margin >= rule.threshold
        ):
            problems[(here, "clear_margin")].append(
                _("The clear margin must be smaller than the threshold (%(threshold)d).")
                % {"threshold": rule.threshold}
            )
        if not 0 <= rule.hold_seconds <= MAX_HOLD_SECONDS:
            problems[(here, "hold_seconds")].append(
                _("Enter a hold time from 0 to %(max)s seconds (an hour).")
                % {"max": f"{MAX_HOLD_SECONDS:,}"}
            )
        if not rule.actions.strip():
            problems[(here, "actions")].append(_("Say what staff should do at this tier."))
        elif len(rule.actions.strip()) > MAX_ACTIONS_LENGTH:
            problems[(here, "actions")].append(
                _("Say what staff should do in %(n)s characters or fewer.")
                % {"n": f"{MAX_ACTIONS_LENGTH:,}"}
            )
    # Tiers escalate, so a higher tier of the same measure needs a higher threshold.
    highest: dict[str, RuleInput] = {}
    for rule in sorted(rules, key=lambda r: r.tier):
        below = highest.get(rule.measure)
        if below is not None and rule.threshold <= below.threshold and rule.tier != below.tier:
            problems[(rule.tier, "threshold")].append(
                _(
                    "The threshold of tier %(tier)d must be higher than that of tier %(below)d "
                    "(%(threshold)d), which measures the same."
                )
                % {"tier": rule.tier, "below": below.tier, "threshold": below.threshold}
            )
        if below is None or rule.threshold > below.threshold:
            highest[rule.measure] = rule
    return dict(problems)


def _rule_summary(rule: TierRule | RuleInput) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in (*RULE_FIELDS, "actions")}


def do_set_tier_rules(
    *, actor: Any, council: Council, queue: Queue, rules: list[RuleInput]
) -> bool:
    """Replace a queue's tier rules and re-evaluate its tier at once (logged if it changes).

    Checks every rule first (`check_tier_rules`; refused as `TierRulesInvalid` with every
    problem, changing nothing). A tier already raised stays raised while its tier keeps a rule,
    and then clears by the new margin and hold (`tier_engine.carry_latches`); a higher tier
    that the new thresholds reach starts at once. Returns False when the rules asked for are the
    rules the queue has (nothing is written).
    """
    require_set_tier_rules(actor, council)
    if queue.council_id != council.pk:
        raise ValueError("the queue belongs to another council")
    problems = check_tier_rules(rules)
    if problems:
        raise TierRulesInvalid(problems)
    wanted = [
        RuleInput(
            tier=r.tier,
            measure=r.measure,
            threshold=r.threshold,
            actions=r.actions.strip(),
            clear_margin=r.clear_margin,
            margin_unit=r.margin_unit,
            hold_seconds=r.hold_seconds,
        )
        for r in sorted(rules, key=lambda r: r.tier)
    ]
    with transaction.atomic():
        Council.objects.select_for_update().filter(pk=council.pk).first()
        old_rules = list(TierRule.objects.filter(queue=queue).order_by("tier"))
        before = [_rule_summary(r) for r in old_rules]
        after = [_rule_summary(r) for r in wanted]
        if before == after:
            return False
        TierRule.objects.filter(queue=queue).delete()
        stored = TierRule.objects.bulk_create(
            TierRule(council=council, queue=queue, **_rule_summary(r)) for r in wanted
        )
        state = LiveQueueState.objects.filter(queue=queue).first()
        changes: list[TierChange] = []
        if state is not None:
            open_episodes = {
                (e.queue_id, e.tier): e
                for e in TierEpisode.objects.filter(queue=queue, ended_at__isnull=True)
            }
            touched: list[TierEpisode] = []
            now = tier_engine.QueueNow(state.waiting, state.oldest_waiting_since)
            tier = state.tier
            latches = tier_engine.carry_latches(
                engine_rules(old_rules), engine_rules(stored), latches_of(state, old_rules)
            )
            evaluation = tier_engine.evaluate(
                engine_rules(stored), now, tier, latches, state.as_of, state.as_of
            )
            apply_tier_step(state, stored, evaluation, open_episodes, touched)
            TierEpisode.objects.bulk_update([e for e in touched if e.pk], ["ended_at"])
            TierEpisode.objects.bulk_create([e for e in touched if e.pk is None])
            state.tier_latches = stored_latches(evaluation.latches)
            state.save()
            if state.tier != tier:
                changes.append(TierChange(queue.pk, tier, state.tier))
        record_batch(
            actor=actor,
            action="omnichannel.tier_rules",
            object_type="omnichannel.tierrule",
            council_id=council.pk,
            summary={"queue": queue.queue_id, "before": before, "after": after},
        )
        transaction.on_commit(lambda: _publish(council, changes))
    return True
