"""The demo's cases (demo/cases.py): a few hundred of every kind, worked through the actions,
deterministic for a seed and a day, and generated once."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from freezegun import freeze_time

from frontdoor.cases.models import (
    ESCALATION_DIGEST_TEMPLATE,
    ESCALATION_TEMPLATE,
    STATUS_UPDATE_TEMPLATE,
    Case,
    CaseEvent,
    CaseEventKind,
    ClockStatus,
    Handover,
    HandoverStatus,
)
from frontdoor.cases.selectors import resident_updates_of
from frontdoor.demo import steps
from frontdoor.demo.cases import generate_cases
from frontdoor.demo.generator import DemoContext
from frontdoor.notify.models import NotifyTemplate, OutboundMessage


@pytest.fixture
def demo_council():
    context = DemoContext(seed=42, rng=random.Random(42), out=io.StringIO())
    for step in (
        steps.ensure_reference_data,
        steps.ensure_councils,
        steps.load_catalogue,
        steps.teams_and_staff,
    ):
        step(context)
    return context.councils["demo"]


@freeze_time("2026-06-15 10:00:00")
def test_the_demo_cases_cover_every_kind_and_state(
    demo_council, settings, django_capture_on_commit_callbacks
):
    settings.FRONTDOOR_NOTIFY_API_KEY = ""  # no Notify: the updates wait in the outbox
    with django_capture_on_commit_callbacks(execute=True):
        created = generate_cases(demo_council, seed=42)

    cases = Case.objects.filter(council=demo_council)
    assert created == cases.count() >= 280
    kinds = Counter(cases.values_list("case_type__type_id", flat=True))
    assert {"complaint", "foi", "sar", "member-enquiry", "service-request"} <= set(kinds)
    statuses = Counter(cases.values_list("clock_status", flat=True))
    assert statuses[ClockStatus.MET] > 20 and statuses[ClockStatus.BREACHED] > 0
    assert cases.filter(closed=False, due__lt="2026-06-15", responded_on__isnull=True).exists()
    assert cases.filter(stage=2).exists() and cases.filter(waiting_for__gt="").exists()
    handovers = Counter(
        Handover.objects.filter(council=demo_council).values_list("status", flat=True)
    )
    assert handovers[HandoverStatus.ACCEPTED] and handovers[HandoverStatus.BOUNCED]
    assert Handover.objects.filter(council=demo_council, reroute_of__isnull=False).exists()
    assert cases.filter(party_roles__isnull=False).distinct().count() > 150
    # Closed over the months behind the demo's day, each soon after its answer.
    closed = cases.filter(closed=True)
    assert closed.count() > 60
    assert max(closed.values_list("days_to_close", flat=True)) < 70
    assert closed.filter(closed_on__lt="2026-06-01").count() > 30
    assert (
        NotifyTemplate.objects.filter(council=demo_council, key=STATUS_UPDATE_TEMPLATE).count() == 2
    )
    # Team leaders' emails: one per escalation, and the digest of many (the fake Notify's ids).
    staff = dict(
        NotifyTemplate.objects.filter(
            council=demo_council, key__in=[ESCALATION_TEMPLATE, ESCALATION_DIGEST_TEMPLATE]
        ).values_list("key", "template_id")
    )
    assert {key: str(template_id) for key, template_id in staff.items()} == {
        ESCALATION_TEMPLATE: "6f1c1f32-5b1e-4d55-9d5f-2c7a1d0e0a11",
        ESCALATION_DIGEST_TEMPLATE: "9b2e4c71-3d8a-4f6e-b5c2-7e1a0d4f8c22",
    }
    switch = resident_updates_of(demo_council)
    assert switch.on and str(switch.switched_on) == "2026-04-20"
    assert OutboundMessage.objects.filter(council=demo_council).count() > 50
    problems = Counter(
        event.data.get("problem")
        for event in CaseEvent.objects.filter(
            case__council=demo_council, kind=CaseEventKind.MESSAGE
        )
    )
    assert problems[None] > 50 and problems["no-address"] > 0


def test_the_demo_cases_are_the_same_for_a_seed_and_a_day_and_made_once(demo_council):
    with freeze_time("2026-06-15 10:00:00"):
        generate_cases(demo_council, seed=7)
    first = list(
        Case.objects.filter(council=demo_council)
        .order_by("source_id")
        .values_list("source_id", "case_type__type_id", "received_on", "status", "due")
    )
    with freeze_time("2026-06-16 10:00:00"):
        assert generate_cases(demo_council, seed=7) == 0
    Case.objects.all().delete()
    Handover.objects.all().delete()
    with freeze_time("2026-06-15 10:00:00"):
        generate_cases(demo_council, seed=7)
    again = list(
        Case.objects.filter(council=demo_council)
        .order_by("source_id")
        .values_list("source_id", "case_type__type_id", "received_on", "status", "due")
    )
    assert again == first
