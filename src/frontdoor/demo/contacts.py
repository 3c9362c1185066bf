"""A year of the demo council's contacts, seeded, shaped like a council's published figures.

Per family the calls, speed of answer, call length, first-contact and overall resolution,
satisfaction and failure demand follow what councils report to committee (the insight issue's
table: Council Tax answers slowly but resolves most calls first time; Housing's calls are long and
43% failure demand). Calls arrive in opening hours on working days, busiest on Monday mornings,
with the annual bill run in March; other channels arrive around the clock. About 60% of contacts
carry a citizen reference from a pool of residents, so repeat contacts and crossover show.

Contacts go through the same bulk action as any import (source `demo-telephony` and so on).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np

from frontdoor.contacts.actions import do_import_contacts
from frontdoor.contacts.models import Contact
from frontdoor.contacts.records import ValidRecord
from frontdoor.contacts.selectors import catalogue_lookup
from frontdoor.core.models import Council, Service, ServiceFamilyMembership

DAYS = 365
BATCH = 5000


@dataclass(frozen=True)
class FamilyProfile:
    """A family's year: calls, ASA and AHT in seconds, and the published rates."""

    calls: int
    asa: float
    aht: float
    fcr: float
    resolved: float
    csat: float
    failure: float
    abandon: float


# Calls a year per family, scaled from a large council's report to a mid-sized demo council.
PROFILES = {
    "council-tax": FamilyProfile(40_000, 965, 348, 0.78, 0.90, 0.87, 0.13, 0.12),
    "housing": FamilyProfile(60_000, 513, 453, 0.43, 0.72, 0.69, 0.43, 0.09),
    "emergency": FamilyProfile(6_000, 60, 300, 0.70, 0.85, 0.80, 0.10, 0.03),
    "supporting-citizens": FamilyProfile(25_000, 300, 330, 0.55, 0.80, 0.78, 0.22, 0.07),
    "parking-business": FamilyProfile(20_000, 280, 260, 0.60, 0.80, 0.74, 0.20, 0.07),
    "environment": FamilyProfile(30_000, 240, 190, 0.62, 0.82, 0.72, 0.30, 0.06),
    "welfare-support": FamilyProfile(12_000, 420, 420, 0.50, 0.75, 0.76, 0.25, 0.10),
    "switchboard": FamilyProfile(15_000, 45, 60, 0.90, 0.95, 0.80, 0.05, 0.04),
    "corporate": FamilyProfile(5_000, 200, 300, 0.40, 0.60, 0.60, 0.20, 0.06),
}
OTHER_CHANNELS = {"email": 0.45, "webchat": 0.25, "web_form": 0.25, "face_to_face": 0.05}
OTHER_SHARE = 0.25  # contacts by other channels, per call
# Weekday weights (Monday first) and the hour-of-day profile of calls, 08:00 to 18:00.
WEEKDAY = np.array([1.30, 1.05, 1.0, 0.95, 0.85])
HOURS = np.array([0.7, 1.3, 1.35, 1.2, 1.05, 1.0, 1.0, 0.95, 0.85, 0.6])
FD_TYPES = np.array(["chasing", "not_right_first_time", "could_not_complete_online", "other"])
FD_WEIGHTS = np.array([0.5, 0.25, 0.15, 0.10])
PEOPLE = 60_000


def already_generated(council: Council) -> bool:
    """The demo's contacts are there already (the demo never adds them twice)."""
    return Contact.objects.filter(council=council, source="demo-telephony").exists()


def generate_contacts(council: Council, *, seed: int, end: dt.date, scale: float = 1.0) -> int:
    """Create the year of contacts ending on `end` (local date); returns how many.

    `scale` shrinks every family's volume alike (the test suite runs the demo at 1%).
    """
    rng = np.random.default_rng(seed)
    catalogue = catalogue_lookup(council)
    services_of = _services_by_family(council)
    working_days = _working_days(council, end)
    zone = zoneinfo.ZoneInfo(council.time_zone)
    batch: list[ValidRecord] = []
    created = 0
    number = 0
    for family_id, profile in PROFILES.items():
        services = services_of.get(family_id)
        if not services:
            continue
        calls = _calls(
            rng,
            family_id,
            max(1, int(profile.calls * scale)),
            profile,
            services,
            working_days,
            zone,
        )
        others = _other_contacts(
            rng, profile, services, end, zone, int(profile.calls * scale * OTHER_SHARE)
        )
        for values in (*calls, *others):
            number += 1
            source = "demo-telephony" if values["channel"] == "phone" else "demo-crm"
            values["service_id"] = catalogue.services[values.pop("service")].pk
            batch.append(ValidRecord(number, source, f"demo-{number:07d}", values))
            if len(batch) >= BATCH:
                created += _write(council, batch, catalogue)
    if batch:
        created += _write(council, batch, catalogue)
    return created


def _write(council: Council, batch: list[ValidRecord], catalogue) -> int:  # type: ignore[no-untyped-def]
    outcome = do_import_contacts(actor=None, council=council, records=batch, catalogue=catalogue)
    batch.clear()
    return outcome.created


def _services_by_family(council: Council) -> dict[str, list[str]]:
    families: dict[str, list[str]] = {}
    memberships = ServiceFamilyMembership.objects.filter(service__council=council).select_related(
        "service", "family"
    )
    for membership in memberships:
        families.setdefault(membership.family.family_id, []).append(membership.service.service_id)
    active = set(
        Service.objects.filter(council=council, active=True).values_list("service_id", flat=True)
    )
    return {f: sorted(s for s in ids if s in active) for f, ids in families.items()}


def _working_days(council: Council, end: dt.date) -> list[dt.date]:
    from frontdoor.core.calendars.selectors import working_calendar

    start = end - dt.timedelta(days=DAYS - 1)
    calendar = working_calendar(council, include_closures=True)
    return [
        start + dt.timedelta(days=i)
        for i in range(DAYS)
        if calendar.is_working_day(start + dt.timedelta(days=i))
    ]


def _day_weights(days: list[dt.date], family_id: str) -> np.ndarray:
    weights = np.array([WEEKDAY[min(d.weekday(), 4)] for d in days])
    if family_id == "council-tax":
        # The annual bill run: demand doubles in the weeks after bills land in March.
        weights *= np.array([2.0 if d.month == 3 and d.day >= 8 else 1.0 for d in days])
    return weights / weights.sum()


def _calls(rng, family_id, n, profile, services, days, zone):  # type: ignore[no-untyped-def]
    day_index = rng.choice(len(days), size=n, p=_day_weights(days, family_id))
    hour = rng.choice(10, size=n, p=HOURS / HOURS.sum()) + 8
    second = rng.integers(0, 3600, size=n)
    outcome = np.where(rng.random(n) < profile.abandon, "abandoned", "answered")
    callbacks = rng.random(n) < 0.02
    outcome[callbacks & (outcome == "answered")] = "callback"
    # Waits are exponential around the family's ASA; abandoning callers give up sooner,
    # and a few hang up within seconds (short abandons, left out of the KPIs).
    wait = np.round(rng.exponential(profile.asa, size=n), 0)
    give_up = np.round(rng.exponential(min(profile.asa, 240), size=n), 0)
    handle = np.round(rng.gamma(2.0, profile.aht / 2.0, size=n), 0)
    resolution_draw = rng.random(n)
    csat_draw = rng.random(n)
    responds = rng.random(n) < 0.25
    fd_known = rng.random(n) < 0.8
    fd = rng.random(n) < profile.failure
    fd_type = rng.choice(FD_TYPES, size=n, p=FD_WEIGHTS)
    person = rng.integers(0, PEOPLE, size=n)
    has_person = rng.random(n) < 0.6
    email = rng.random(n) < 0.65
    service = rng.choice(services, size=n)
    for i in range(n):
        local = dt.datetime.combine(days[day_index[i]], dt.time(int(hour[i])), tzinfo=zone)
        values: dict[str, object] = {
            "channel": "phone",
            "service": str(service[i]),
            "offered_at": (local + dt.timedelta(seconds=int(second[i]))).astimezone(dt.UTC),
            "outcome": str(outcome[i]),
        }
        if outcome[i] == "answered":
            values["wait_seconds"] = float(wait[i])
            values["handle_seconds"] = float(handle[i])
            values["resolution"] = _resolution(resolution_draw[i], profile)
            if responds[i]:
                values["csat"] = _csat(csat_draw[i], profile)
        elif outcome[i] == "abandoned":
            values["wait_seconds"] = float(give_up[i])
        if fd_known[i] and outcome[i] == "answered":
            values["failure_demand"] = bool(fd[i])
            if fd[i]:
                values["failure_demand_type"] = str(fd_type[i])
        if has_person[i]:
            values["citizen_ref"] = f"demo-resident-{person[i]:05d}"
            values["email_known"] = bool(email[i])
        yield values


def _other_contacts(rng, profile, services, end, zone, n):  # type: ignore[no-untyped-def]
    channels = np.array(list(OTHER_CHANNELS))
    channel = rng.choice(channels, size=n, p=np.array(list(OTHER_CHANNELS.values())))
    offset = rng.integers(0, DAYS * 86400, size=n)
    start = dt.datetime.combine(end - dt.timedelta(days=DAYS - 1), dt.time(), tzinfo=zone)
    person = rng.integers(0, PEOPLE, size=n)
    resolution_draw = rng.random(n)
    wait = np.round(rng.exponential(90, size=n), 0)
    service = rng.choice(services, size=n)
    email = rng.random(n) < 0.8
    for i in range(n):
        values: dict[str, object] = {
            "channel": str(channel[i]),
            "service": str(service[i]),
            "offered_at": (start + dt.timedelta(seconds=int(offset[i]))).astimezone(dt.UTC),
            "outcome": "answered",
            "resolution": _resolution(resolution_draw[i], profile),
            "citizen_ref": f"demo-resident-{person[i]:05d}",
            "email_known": bool(email[i]),
        }
        if channel[i] == "webchat":
            values["wait_seconds"] = float(wait[i])
        yield values


def _resolution(draw: float, profile: FamilyProfile) -> str:
    if draw < profile.fcr:
        return "first_contact"
    if draw < profile.resolved:
        return "follow_up_resolved"
    if draw < profile.resolved + (1 - profile.resolved) * 0.6:
        return "handed_over"
    return "unresolved"


def _csat(draw: float, profile: FamilyProfile) -> str:
    if draw < profile.csat:
        return "good"
    if draw < profile.csat + (1 - profile.csat) / 2:
        return "average"
    return "poor"
