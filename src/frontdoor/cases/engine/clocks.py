"""A clock's dates from its policy, its receipt and its history of events, by arithmetic.

A case keeps a list of `ClockEvent`s (acknowledged, a wait started or ended, extended, responded)
and `compute_clock` replays it, so a case can always be recomputed from its history and a changed
bank holiday moves its dates. Nothing steps through the days: each date is a working-day rank
difference (`WorkingCalendar`), a month addition or a day count, so a clock costs O(events x
log holidays) whatever its length.

Counting rules
--------------
* Working-day periods count from the day after the start: 20 working days after a request received
  on Monday 1 December is the 20th working day after that day (FOIA s.10(1)); a start on a
  non-working day changes nothing (the first counted day is the next working day).
* Calendar-month periods run from the day of receipt to the same date in the month that many
  months on, or that month's last day when it has no such date; calendar-day periods end that many
  days after the start; both move to the next working day when the policy rolls forward.
* A wait that RESTARTs the clock makes the day the answer arrived the new start. A wait that
  PAUSEs it leaves out the days from asking to the answer, both included: working days for a
  working-day clock (a fees notice, FOIA s.10(2)), calendar days otherwise (SAR clarification).
* ADD extensions add to the due date, within the policy's cap; a TOTAL extension replaces the
  period (counted from the same start, with the same uncounted days).
* A clock counting from the acknowledgement counts from the actual acknowledgement or the last day
  allowed for it, whichever is earlier: a late acknowledgement is its own breach and never buys
  time.
* Waits and extensions must start on or before the due date then in force: a deadline already
  missed cannot be stopped or extended afterwards.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from frontdoor.core.calendars.engine import WorkingCalendar

from .policies import (
    ClockPolicy,
    CountFrom,
    ExtensionKind,
    Period,
    Unit,
    WaitEffect,
    WaitReason,
)


class ClockError(ValueError):
    """A history the policy does not allow (a wait it does not know, an extension past its cap,
    an event out of order...), or a date the calendar cannot answer."""


class OutsideCalendarError(ClockError):
    """A date outside the years the bank-holiday data covers."""


@dataclass(frozen=True, slots=True)
class ClockCalendar:
    """The working days a clock counts, and how far they are known.

    `confirmed_until` is the last date GOV.UK's bank-holiday data covers; later holidays were
    calculated from rules and may change (a one-off bank holiday is proclaimed months ahead), so a
    date after it is provisional. `covers` is the span of years the holiday data exists for at all:
    a date outside it cannot be answered.
    """

    working: WorkingCalendar
    confirmed_until: dt.date | None = None
    covers: tuple[dt.date, dt.date] | None = None

    def check(self, day: dt.date) -> dt.date:
        if self.covers is not None and not self.covers[0] <= day <= self.covers[1]:
            raise OutsideCalendarError(
                f"{day.isoformat()} is outside the bank-holiday data "
                f"({self.covers[0].isoformat()} to {self.covers[1].isoformat()})"
            )
        return day

    def is_provisional(self, day: dt.date) -> bool:
        return self.confirmed_until is None or day > self.confirmed_until


class EventKind(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    WAIT_STARTED = "wait-started"
    WAIT_ENDED = "wait-ended"
    EXTENDED = "extended"
    RESPONDED = "responded"


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One thing that happened to a clock, on a local date of the council.

    `reason` is what a wait waits for. `amount` is how much an ADD extension adds (in the unit of
    the response limit). `note` is the recorded reason for an extension (required). `at` is the
    moment of a response to an hour-based standard.
    """

    kind: EventKind
    on: dt.date
    reason: WaitReason | None = None
    amount: int | None = None
    note: str = ""
    at: dt.datetime | None = None


def acknowledged(on: dt.date) -> ClockEvent:
    return ClockEvent(EventKind.ACKNOWLEDGED, on)


def wait_started(reason: WaitReason, on: dt.date) -> ClockEvent:
    return ClockEvent(EventKind.WAIT_STARTED, on, reason=reason)


def wait_ended(reason: WaitReason, on: dt.date) -> ClockEvent:
    return ClockEvent(EventKind.WAIT_ENDED, on, reason=reason)


def extended(on: dt.date, note: str, amount: int | None = None) -> ClockEvent:
    return ClockEvent(EventKind.EXTENDED, on, amount=amount, note=note)


def responded(on: dt.date, at: dt.datetime | None = None) -> ClockEvent:
    return ClockEvent(EventKind.RESPONDED, on, at=at)


@dataclass(frozen=True)
class Clock:
    """A clock's dates after replaying its history.

    `due` is None when the policy sets no response limit, or while a wait is open (the clock is
    stopped and its end not yet known). `started` is the receipt, or the day the last restarting
    answer arrived. `uncounted_days` is the days paused (working days for a working-day clock,
    calendar days otherwise).
    """

    policy: ClockPolicy
    received: dt.date
    started: dt.date
    acknowledge_by: dt.date | None
    acknowledged_on: dt.date | None
    due: dt.date | None
    waiting_for: WaitReason | None = None
    waiting_since: dt.date | None = None
    uncounted_days: int = 0
    extended_by: int = 0
    extended: bool = False
    responded_on: dt.date | None = None
    due_at: dt.datetime | None = None
    responded_at: dt.datetime | None = None

    @property
    def waiting(self) -> bool:
        return self.waiting_for is not None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date `months` later, or that month's last day when it has no such date.

    31 January plus one month is 28 February (29 in a leap year); plus three is 30 April.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_period(
    calendar: WorkingCalendar,
    start: dt.date,
    period: Period,
    *,
    roll_forward: bool = False,
    pauses: Iterable[tuple[dt.date, dt.date]] = (),
) -> dt.date:
    """The day `period` ends when it starts on `start`, leaving out the paused days.

    Pauses are (asked, answered) pairs, both days uncounted, sorted and not overlapping.
    """
    if period.unit is Unit.WORKING_DAYS:
        return _add_working_days_paused(calendar, start, period.amount, pauses)
    if period.unit is Unit.HOURS:
        raise ClockError("an hour-based period needs opening hours (see hours.OpeningTime)")
    uncounted = sum((answered - asked).days + 1 for asked, answered in pauses)
    if period.unit is Unit.CALENDAR_DAYS:
        end = start + dt.timedelta(days=period.amount + uncounted)
    else:
        end = add_months(start, period.amount) + dt.timedelta(days=uncounted)
    return calendar.working_day_on_or_after(end) if roll_forward else end


def _add_working_days_paused(
    calendar: WorkingCalendar,
    start: dt.date,
    days: int,
    pauses: Iterable[tuple[dt.date, dt.date]],
) -> dt.date:
    """The `days`-th counted working day after `start`, the working days of each pause (from the
    day of asking to the day of the answer, both included) not counted.

    Each pause costs two rank lookups: the working days counted before it, then a jump past it.
    """
    if days == 0:
        return calendar.add_working_days(start, 0)
    cursor, remaining = start, days
    for asked, answered in pauses:
        # Working days counted in (cursor, asked): the pause takes the day of asking itself.
        counted = max(0, calendar.working_days_between(cursor, asked - dt.timedelta(days=1)))
        if counted >= remaining:
            break  # the period ended before this pause began
        remaining -= counted
        cursor = max(cursor, answered)
    return calendar.add_working_days(cursor, remaining)


def uncounted_working_days(
    calendar: WorkingCalendar, start: dt.date, pauses: Iterable[tuple[dt.date, dt.date]]
) -> int:
    """Working days inside the pauses (both ends included), from `start` on."""
    total = 0
    for asked, answered in pauses:
        first = max(asked, start + dt.timedelta(days=1))
        if answered >= first:
            total += calendar.working_days_between(first - dt.timedelta(days=1), answered)
    return total


@dataclass
class _History:
    """The state of a clock while its events are replayed."""

    start: dt.date
    restarted: bool = False
    pauses: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    waiting_for: WaitReason | None = None
    waiting_since: dt.date | None = None
    added: int = 0
    extended: bool = False
    acknowledged_on: dt.date | None = None
    responded_on: dt.date | None = None


_DueNow = Callable[[_History], dt.date | None]


def compute_clock(
    policy: ClockPolicy,
    received: dt.date,
    events: Iterable[ClockEvent],
    calendar: ClockCalendar,
) -> Clock:
    """Replay `events` (in date order; same-day events in the order given) over a day clock.

    Raises ClockError for a history the policy does not allow, and OutsideCalendarError when a
    date falls outside the bank-holiday data.
    """
    if policy.hour_based:
        raise ClockError(f"{policy.name} counts hours: use hours.compute_hour_clock")
    calendar.check(received)
    working = calendar.working
    acknowledge_by = None
    if policy.acknowledge is not None:
        acknowledge_by = calendar.check(
            add_period(working, received, policy.acknowledge, roll_forward=policy.roll_forward)
        )
    history = _History(start=received)

    def due_now(state: _History) -> dt.date | None:
        return _due(policy, received, acknowledge_by, state, working)

    for event in sorted(events, key=lambda event: event.on):
        if history.responded_on is not None:
            raise ClockError(f"{event.kind} on {event.on}: the clock stopped at the response")
        if event.on < received:
            raise ClockError(f"{event.kind} on {event.on} is before the receipt ({received})")
        _apply(policy, event, history, due_now)
    due = due_now(history)
    if due is not None:
        calendar.check(due)
    uncounted = 0
    if policy.respond is not None:
        if policy.respond.unit is Unit.WORKING_DAYS:
            uncounted = uncounted_working_days(working, history.start, history.pauses)
        else:
            uncounted = sum((b - a).days + 1 for a, b in history.pauses)
    return Clock(
        policy=policy,
        received=received,
        started=history.start,
        acknowledge_by=acknowledge_by,
        acknowledged_on=history.acknowledged_on,
        due=due,
        waiting_for=history.waiting_for,
        waiting_since=history.waiting_since if history.waiting_for else None,
        uncounted_days=uncounted,
        extended_by=history.added,
        extended=history.extended or history.added > 0,
        responded_on=history.responded_on,
    )


def _apply(
    policy: ClockPolicy,
    event: ClockEvent,
    history: _History,
    due_now: _DueNow,
) -> None:
    kind = EventKind(event.kind)
    if kind is EventKind.ACKNOWLEDGED:
        if history.acknowledged_on is not None:
            raise ClockError(f"acknowledged twice ({history.acknowledged_on} and {event.on})")
        history.acknowledged_on = event.on
    elif kind is EventKind.WAIT_STARTED:
        reason = _reason(event)
        if policy.wait_effect(reason) is None:
            raise ClockError(f"{policy.name} does not stop for {reason}")
        if history.waiting_for is not None:
            raise ClockError(
                f"already waiting for {history.waiting_for} since {history.waiting_since}"
            )
        if event.on < history.start:
            raise ClockError(f"a wait on {event.on} starts before the clock ({history.start})")
        due = due_now(history)
        if due is not None and event.on > due:
            raise ClockError(f"the response was due on {due}: too late to stop the clock")
        history.waiting_for, history.waiting_since = reason, event.on
    elif kind is EventKind.WAIT_ENDED:
        reason = _reason(event)
        if history.waiting_for is not reason or history.waiting_since is None:
            raise ClockError(f"{reason} arrived on {event.on} but was not being waited for")
        since = history.waiting_since
        history.waiting_for, history.waiting_since = None, None
        if policy.wait_effect(reason) is WaitEffect.RESTART:
            # The request is treated as received on the day the answer arrived.
            history.start, history.restarted, history.pauses = event.on, True, []
        else:
            history.pauses.append((since, event.on))
    elif kind is EventKind.EXTENDED:
        _extend(policy, event, history, due_now)
    else:
        if history.waiting_for is not None:
            # Answered while still waiting: the wait ends with the response.
            _apply(policy, wait_ended(history.waiting_for, event.on), history, due_now)
        history.responded_on = event.on


def _extend(policy: ClockPolicy, event: ClockEvent, history: _History, due_now: _DueNow) -> None:
    rule = policy.extension
    if rule is None:
        raise ClockError(f"{policy.name} cannot be extended")
    if not event.note.strip():
        raise ClockError("an extension needs its reason recorded")
    due = due_now(history)
    if due is not None and event.on > due:
        raise ClockError(f"the response was due on {due}: too late to extend")
    if rule.kind is ExtensionKind.TOTAL:
        if event.amount is not None:
            raise ClockError(f"{policy.name} extends to {rule.limit}; give no amount")
        if history.extended:
            raise ClockError(f"{policy.name} is already extended to {rule.limit}")
        history.extended = True
        return
    if event.amount is None or event.amount < 1:
        raise ClockError("give how many more days the extension adds (at least 1)")
    if rule.limit is not None and history.added + event.amount > rule.limit.amount:
        raise ClockError(
            f"{policy.name} may be extended by at most {rule.limit} in all "
            f"({history.added} already)"
        )
    history.added += event.amount


def _reason(event: ClockEvent) -> WaitReason:
    if event.reason is None:
        raise ClockError(f"a {event.kind} event needs a reason (clarification, identity or fee)")
    return WaitReason(event.reason)


def _due(
    policy: ClockPolicy,
    received: dt.date,
    acknowledge_by: dt.date | None,
    state: _History,
    calendar: WorkingCalendar,
) -> dt.date | None:
    """The due date given the history so far; None with no limit or while waiting."""
    if policy.respond is None or state.waiting_for is not None:
        return None
    base = state.start
    if policy.count_from is CountFrom.ACKNOWLEDGEMENT and not state.restarted:
        assert acknowledge_by is not None  # the policy checks an acknowledgement limit exists
        on = state.acknowledged_on
        base = acknowledge_by if on is None else min(on, acknowledge_by)
    period = policy.respond
    if state.extended and policy.extension is not None and policy.extension.limit is not None:
        period = policy.extension.limit
    due = add_period(
        calendar, base, period, roll_forward=policy.roll_forward, pauses=sorted(state.pauses)
    )
    if state.added:
        due = add_period(
            calendar, due, Period(state.added, period.unit), roll_forward=policy.roll_forward
        )
    return due


# Met, breached, due soon --------------------------------------------------------------------------


class Status(StrEnum):
    NO_CLOCK = "no-clock"  # no limit to meet
    WAITING = "waiting"  # stopped, waiting for the requester
    ON_TRACK = "on-track"
    DUE_SOON = "due-soon"  # open, due within the due-soon working days
    OVERDUE = "overdue"  # open and past its due date: already a breach
    MET = "met"
    BREACHED = "breached"


def deadline_status(
    deadline: dt.date | None,
    done_on: dt.date | None,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    due_soon_working_days: int = 2,
) -> Status:
    """Met when done by the end of the deadline (a local date); breached when done after it;
    while open: overdue after it, due soon within `due_soon_working_days` working days of it."""
    if deadline is None:
        return Status.NO_CLOCK
    if done_on is not None:
        return Status.MET if done_on <= deadline else Status.BREACHED
    if today > deadline:
        return Status.OVERDUE
    if calendar.working_days_between(today, deadline) <= due_soon_working_days:
        return Status.DUE_SOON
    return Status.ON_TRACK


def clock_status(
    clock: Clock,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    due_soon_working_days: int = 2,
    now: dt.datetime | None = None,
) -> Status:
    """The response's status on `today` (for an hour-based standard, at `now`)."""
    if clock.due_at is not None:
        if clock.responded_at is not None:
            return Status.MET if clock.responded_at <= clock.due_at else Status.BREACHED
        if now is not None and now > clock.due_at:
            return Status.OVERDUE
    if clock.waiting and clock.responded_on is None:
        return Status.WAITING
    return deadline_status(
        clock.due,
        clock.responded_on,
        today=today,
        calendar=calendar,
        due_soon_working_days=due_soon_working_days,
    )


def acknowledgement_status(
    clock: Clock, *, today: dt.date, calendar: WorkingCalendar, due_soon_working_days: int = 2
) -> Status:
    """The acknowledgement's own status: a late one is a breach of its own."""
    return deadline_status(
        clock.acknowledge_by,
        clock.acknowledged_on,
        today=today,
        calendar=calendar,
        due_soon_working_days=due_soon_working_days,
    )
