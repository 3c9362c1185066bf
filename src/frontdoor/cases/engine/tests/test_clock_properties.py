"""Properties every clock keeps, over random receipts, divisions, closures and histories.

Receipts run from 2013 to mid-2027 so every due date stays inside GOV.UK's cached data; the
Christmas, New Year, Easter, Scottish, Northern Irish and one-off holidays of those years are all
crossed many times over.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frontdoor.cases.engine.clocks import (
    Clock,
    _add_working_days_paused,
    acknowledged,
    add_months,
    compute_clock,
    extended,
    wait_ended,
    wait_started,
)
from frontdoor.cases.engine.due_date import policy_for
from frontdoor.cases.engine.policies import (
    DIVISIONS,
    ClockPolicy,
    ClockSettings,
    CountFrom,
    ExtensionKind,
)

from .calendars import calendar_for, division_holidays, stepping_is_working

pytestmark = pytest.mark.no_db

D = dt.date
ONE_DAY = dt.timedelta(days=1)
SETTINGS = ClockSettings(complaint_procedure="hos-lgsco-2024")
COMBOS = [
    ("complaint-stage-1", "hos-lgsco-2024"),
    ("complaint-stage-2", "hos-lgsco-2024"),
    ("complaint-stage-1", "spso-mchp"),
    ("complaint-stage-2", "spso-mchp"),
    ("foi", None),
    ("eir", None),
    ("foi-internal-review", None),
    ("eir-internal-review", None),
    ("sar", None),
    ("erasure", None),
    ("dp-complaint", None),
    ("member-enquiry", None),
    ("service-request", "5-working-days"),
    ("service-request", "7-calendar-days"),
    ("service-request", "1-calendar-month"),
]

receipts = st.dates(min_value=D(2013, 1, 1), max_value=D(2027, 6, 30))
divisions = st.sampled_from(DIVISIONS)
combos = st.sampled_from(COMBOS)


@st.composite
def councils(draw):
    """A division and a few closure days around the receipts' years."""
    division = draw(divisions)
    closures = draw(
        st.lists(st.dates(min_value=D(2013, 1, 1), max_value=D(2027, 12, 31)), max_size=40)
    )
    return division, tuple(closures)


def clock(combo, council, received, events=()) -> Clock:
    clock_type, name = combo
    division, closures = council
    policy = policy_for(clock_type, division=division, settings=SETTINGS, policy=name)
    return compute_clock(
        policy, received, events, calendar_for(policy.calendar, division, closures)
    )


def policy_of(combo, council) -> ClockPolicy:
    return policy_for(combo[0], division=council[0], settings=SETTINGS, policy=combo[1])


@settings(max_examples=300, deadline=None)
@given(combo=combos, council=councils(), received=receipts)
def test_due_dates_are_working_days(combo, council, received):
    result = clock(combo, council, received)
    calendar = calendar_for(result.policy.calendar, council[0], council[1]).working
    for day in (result.acknowledge_by, result.due):
        if day is not None:
            assert stepping_is_working(calendar, day), day
            assert day > received


@settings(max_examples=300, deadline=None)
@given(combo=combos, council=councils(), first=receipts, gap=st.integers(0, 60))
def test_due_dates_are_monotone_in_the_receipt_date(combo, council, first, gap):
    later = first + dt.timedelta(days=gap)
    one, two = clock(combo, council, first), clock(combo, council, later)
    for earlier_day, later_day in ((one.acknowledge_by, two.acknowledge_by), (one.due, two.due)):
        if earlier_day is not None:
            assert later_day is not None and earlier_day <= later_day


@settings(max_examples=300, deadline=None)
@given(
    combo=st.sampled_from([c for c in COMBOS if c[0] in ("foi", "eir", "sar", "erasure")]),
    council=councils(),
    received=receipts,
    data=st.data(),
)
def test_a_pause_or_restart_never_shortens_the_clock(combo, council, received, data):
    plain = clock(combo, council, received)
    assert plain.due is not None
    policy = policy_of(combo, council)
    reason = data.draw(st.sampled_from([reason for reason, _effect in policy.waits]))
    asked = data.draw(st.dates(min_value=received, max_value=plain.due))
    answered = asked + dt.timedelta(days=data.draw(st.integers(0, 60)))
    stopped = clock(
        combo, council, received, (wait_started(reason, asked), wait_ended(reason, answered))
    )
    assert stopped.due is not None and stopped.due >= plain.due


@settings(max_examples=300, deadline=None)
@given(combo=combos, council=councils(), received=receipts, data=st.data())
def test_an_extension_never_shortens_the_clock(combo, council, received, data):
    policy = policy_of(combo, council)
    assume(policy.extension is not None)
    assert policy.extension is not None
    plain = clock(combo, council, received)
    assert plain.due is not None
    on = data.draw(st.dates(min_value=received, max_value=plain.due))
    amount = None
    if policy.extension.kind is ExtensionKind.ADD:
        cap = policy.extension.limit.amount if policy.extension.limit else 30
        amount = data.draw(st.integers(1, cap))
    longer = clock(combo, council, received, (extended(on, "reason", amount),))
    assert longer.due is not None and longer.due >= plain.due


@settings(max_examples=300, deadline=None)
@given(
    combo=st.sampled_from(COMBOS[:2]),
    council=councils(),
    received=receipts,
    delay=st.integers(0, 40),
    later=st.integers(0, 10),
)
def test_a_late_acknowledgement_never_buys_time(combo, council, received, delay, later):
    assert policy_of(combo, council).count_from is CountFrom.ACKNOWLEDGEMENT
    assumed = clock(combo, council, received)  # acknowledged on the last day allowed
    assert assumed.acknowledge_by is not None and assumed.due is not None
    on = received + dt.timedelta(days=delay)
    actual = clock(combo, council, received, (acknowledged(on),))
    assert actual.due is not None and actual.due <= assumed.due
    if on >= assumed.acknowledge_by:
        assert actual.due == assumed.due
    # And acknowledging later never brings the due date forward.
    after = clock(combo, council, received, (acknowledged(on + dt.timedelta(days=later)),))
    assert after.due is not None and after.due >= actual.due


@settings(max_examples=300, deadline=None)
@given(
    division=divisions,
    start=st.dates(min_value=D(2013, 1, 1), max_value=D(2027, 6, 30)),
    days=st.integers(1, 60),
    gaps=st.lists(st.tuples(st.integers(0, 25), st.integers(0, 15)), max_size=3),
)
def test_working_day_pauses_agree_with_stepping_day_by_day(division, start, days, gaps):
    calendar = division_holidays(division)
    pauses, cursor = [], start
    for gap, length in gaps:
        asked = cursor + dt.timedelta(days=gap)
        pauses.append((asked, asked + dt.timedelta(days=length)))
        cursor = asked + dt.timedelta(days=length + 1)
    paused_days = {
        asked + dt.timedelta(days=k)
        for asked, answered in pauses
        for k in range((answered - asked).days + 1)
    }
    day, counted = start, 0
    while counted < days:
        day += ONE_DAY
        counted += stepping_is_working(calendar, day) and day not in paused_days
    assert _add_working_days_paused(calendar, start, days, pauses) == day


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=D(2013, 1, 1), max_value=D(2027, 12, 31)), months=st.integers(0, 36))
def test_a_month_later_is_the_same_date_or_the_last_of_a_shorter_month(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + ONE_DAY).day == 1)
