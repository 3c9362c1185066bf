"""The demo's residents: loaded through the CRM's bulk import, linked to the year's contacts,
some with needs, markers, restricted records and contacts, and money worries that fire the
early-intervention rule. Run at the test scale (1%)."""

from __future__ import annotations

import datetime as dt
import io
import random

import numpy as np
import pytest
from django.db.models import Count

from frontdoor.citizens.models import (
    AccessibilityNeeds,
    ExternalReference,
    HouseholdMember,
    Party,
    SafetyMarker,
    VulnerabilityMarker,
)
from frontdoor.citizens.selectors import person_page
from frontdoor.contacts.models import Contact, ContactNote, EarlyInterventionPrompt, PromptContact
from frontdoor.demo import people
from frontdoor.demo.generator import DemoContext
from frontdoor.demo.steps import STEPS, residents_and_their_histories


@pytest.fixture
def demo():
    context = DemoContext(seed=42, rng=random.Random(42), out=io.StringIO())
    for step in STEPS[: STEPS.index(residents_and_their_histories) + 1]:
        step(context)
    return context


def test_the_demo_residents_have_histories_needs_markers_and_prompts(demo, settings):
    council = demo.councils["demo"]
    count = people.people_count(settings.FRONTDOOR_DEMO_CONTACT_SCALE)
    assert count >= people.MIN_PEOPLE
    assert Party.objects.filter(council=council).count() == count
    # Each person is found by the contacts of both sources.
    refs = (
        ExternalReference.objects.filter(council=council).values("source").annotate(n=Count("pk"))
    )
    assert {r["source"]: r["n"] for r in refs} == {s: count for s in people.SOURCES}
    assert AccessibilityNeeds.objects.filter(party__council=council).exists()
    assert VulnerabilityMarker.objects.filter(party__council=council).exists()
    assert SafetyMarker.objects.filter(party__council=council, status="active").exists()
    assert Party.objects.filter(council=council).exclude(sensitivity="normal").exists()
    assert HouseholdMember.objects.filter(party__council=council).exists()
    assert Contact.objects.filter(council=council, sensitivity="safeguarding").exists() or (
        Contact.objects.filter(council=council, sensitivity="restricted").exists()
    )
    assert ContactNote.objects.filter(contact__council=council, contact__source="desktop").exists()
    # Money worries fired the rule; each prompt says which contacts, about two services or more.
    prompts = EarlyInterventionPrompt.objects.filter(council=council)
    assert prompts.filter(status="open").exists() and prompts.exclude(status="open").exists()
    for prompt in prompts[:20]:
        services = set(
            PromptContact.objects.filter(prompt=prompt).values_list(
                "contact__service_id", flat=True
            )
        )
        assert len(services) >= 2


def test_a_demo_residents_page_shows_the_years_contacts_from_both_sources(demo):
    from frontdoor.identity.models import User

    council = demo.councils["demo"]
    agent = User.objects.get(username="agent")
    busy = (
        Contact.objects.filter(council=council, source__in=people.SOURCES)
        .exclude(citizen_ref="")
        .values("citizen_ref")
        .annotate(n=Count("source", distinct=True))
        .filter(n=2)
        .values_list("citizen_ref", flat=True)
    )
    party = next(
        reference.party
        for reference in ExternalReference.objects.filter(
            council=council, source_id__in=list(busy[:50]), party__sensitivity="normal"
        ).select_related("party")
    )
    timeline = person_page(agent, party.pk, council=council).timeline
    assert {entry.source for entry in timeline} >= set(people.SOURCES)


def test_running_the_step_again_changes_nothing(demo):
    council = demo.councils["demo"]
    before = (
        Party.objects.count(),
        Contact.objects.count(),
        EarlyInterventionPrompt.objects.count(),
    )
    residents_and_their_histories(demo)
    after = (
        Party.objects.count(),
        Contact.objects.count(),
        EarlyInterventionPrompt.objects.count(),
    )
    assert before == after
    assert council.pk


@pytest.mark.no_db
def test_the_residents_are_drawn_from_the_seed():
    today = dt.date(2026, 3, 1)
    first = people._rows(np.random.default_rng(7), 300, today)
    again = people._rows(np.random.default_rng(7), 300, today)
    other = people._rows(np.random.default_rng(8), 300, today)
    assert first == again and first != other
    assert len({row["source_id"] for row in first}) == 300
    phones = [row["phone"] for row in first if "phone" in row]
    assert len(phones) == len(set(phones))  # drama numbers, never shared
