"""The demo council's cases: a few hundred, seeded, worked through the same actions as staff.

Complaints (acknowledged and answered within the clock, answered late, overdue, some at stage
2), FOI and environmental information requests, subject access requests (some waiting for
identity evidence or a clarification), member enquiries, service requests handed over from the
contact centre to the back office (accepted, bounced, re-routed), compliments and comments.
Some complaints are opened from the demo's own recent contacts. Residents are linked as
requesters or subjects: the council's people when the citizens app has some, else a small set
created through its action; they prefer email or texts, a few give neither.

Updates to residents are switched on (backdated eight weeks, so the chasing measure has a
before and an after), with the default wording and the Notify templates of
`notify/demo_templates.json`: the status changes below queue real messages in the outbox,
which `frontdoor fake_notify` and `frontdoor send_messages` deliver.

Deterministic for a seed and a day: the cases' dates count back from the day the demo runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.cases.actions import (
    NewParty,
    do_accept_handover,
    do_bounce_handover,
    do_change_status,
    do_hand_over,
    do_open_case,
    do_record_clock_event,
    do_start_stage_two,
    do_switch_resident_updates,
    do_use_default_updates,
    ensure_case_types,
)
from frontdoor.cases.models import (
    ESCALATION_TEMPLATE,
    STATUS_UPDATE_TEMPLATE,
    Case,
    CaseType,
    ResidentUpdates,
)
from frontdoor.citizens.actions import NewContactPoint, do_create_person
from frontdoor.citizens.models import Party, PartyKind
from frontdoor.citizens.selectors import party_for_citizen_ref
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Council, Sensitivity, Service
from frontdoor.identity.models import Team, User
from frontdoor.notify.models import NotifyTemplate

SOURCE = "demo"  # the demo's cases carry it, so running the demo again adds none
PEOPLE_SOURCE = "demo-cases"
TEMPLATES = Path(__file__).resolve().parent.parent / "notify" / "demo_templates.json"
STAFF_TEMPLATES = Path(__file__).resolve().parent.parent / "notify" / "demo_staff_templates.json"
UPDATES_SWITCHED_ON_DAYS_AGO = 56
# How many cases of each type, and the services they are about.
MIX: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("complaint", 80, ("council-tax", "benefits", "housing-needs", "homelessness", "waste")),
    ("foi", 45, ("information-requests",)),
    ("eir", 10, ("information-requests",)),
    ("sar", 30, ("information-requests",)),
    ("member-enquiry", 45, ("council-tax", "housing-needs", "waste", "highways", "parks-trees")),
    ("service-request", 70, ("council-tax", "benefits", "housing-needs")),
    ("compliment", 12, ("complaints",)),
    ("comment", 8, ("complaints",)),
)
# Which team owns a case about a service (the contact centre's lines own what no back office
# serves).
OWNERS = {
    "council-tax": "Council Tax back office",
    "benefits": "Council Tax back office",
    "business-rates": "Council Tax back office",
    "housing-needs": "Housing Needs officers",
    "homelessness": "Housing Needs officers",
    "waste": "Environment and Streets line",
    "highways": "Environment and Streets line",
    "parks-trees": "General enquiries",
    "information-requests": "General enquiries",
    "complaints": "General enquiries",
}
GIVEN = ("Amira", "Bryn", "Chloe", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jakub")
FAMILY = ("Ahmed", "Baker", "Cole", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones")
SUMMARIES = {
    "complaint": "Complaint about how a {service} request was handled",
    "foi": "Request for spending on agency staff, 2023 to 2025",
    "eir": "Request for air quality readings near the school",
    "sar": "Copy of the personal data the council holds",
    "member-enquiry": "Councillor's enquiry about {service} for a constituent",
    "service-request": "{service}: please look into the account",
    "compliment": "Thanks to the officer who helped",
    "comment": "Suggestion about the website's forms",
}
BOUNCE_REASONS = (
    "This is about a Housing Benefit overpayment: the benefits team handles it.",
    "Not ours: the property is a housing association home.",
)


@dataclass
class Cast:
    """Who does what in the demo: the agent, the service officer, the teams."""

    council: Council
    agent: User
    officer: User
    teams: dict[str, Team]
    services: dict[str, Service]
    types: dict[str, CaseType]
    today: dt.date

    def worker(self, case: Case) -> User | None:
        """The officer works the Council Tax back office's cases; the system the others."""
        team = self.teams.get("Council Tax back office")
        return self.officer if team is not None and case.owner_team_id == team.pk else None


def already_generated(council: Council) -> bool:
    return Case.objects.filter(council=council, source=SOURCE).exists()


def notify_templates(council: Council) -> None:
    """The council's status-update and escalation templates (one email per escalation, and the
    digest of many): the demo fake Notify's ids."""
    from frontdoor.cases.models import ESCALATION_DIGEST_TEMPLATE

    # The staff templates' file holds what the fake Notify serves (no key): each id's key here.
    staff_keys = {
        "6f1c1f32-5b1e-4d55-9d5f-2c7a1d0e0a11": (
            ESCALATION_TEMPLATE,
            "Escalation to team leaders (demo template)",
        ),
        "9b2e4c71-3d8a-4f6e-b5c2-7e1a0d4f8c22": (
            ESCALATION_DIGEST_TEMPLATE,
            "Digest of many escalations to a team leader (demo template)",
        ),
    }
    for item in json.loads(TEMPLATES.read_text(encoding="utf-8")):
        NotifyTemplate.objects.update_or_create(
            council=council,
            key=STATUS_UPDATE_TEMPLATE,
            channel=item["type"],
            language="en",
            defaults={
                "template_id": item["id"],
                "description": "Case status update (demo template)",
            },
        )
    for item in json.loads(STAFF_TEMPLATES.read_text(encoding="utf-8")):
        key, description = staff_keys[item["id"]]
        NotifyTemplate.objects.update_or_create(
            council=council,
            key=key,
            channel=item["type"],
            language="en",
            defaults={"template_id": item["id"], "description": description},
        )


def residents(council: Council, count: int = 40) -> list[Party]:
    """People to link: the council's own when the citizens app has them, else ours (created
    once through the citizens app's action, found again by their external reference)."""
    people = list(
        Party.objects.filter(
            council=council, kind=PartyKind.PERSON, sensitivity=Sensitivity.NORMAL
        ).order_by("pk")[:count]
    )
    for index in range(len(people), count):
        ref = f"resident-{index:03d}"
        found = party_for_citizen_ref(council, PEOPLE_SOURCE, ref)
        if found is not None:
            people.append(found)
            continue
        given, family = GIVEN[index % 10], FAMILY[(index // 10 + index) % 10]
        points = []
        if index % 5 != 4:  # one in five gives neither an email address nor a mobile
            points.append(NewContactPoint("email", f"{given}.{family}{index}@example.org".lower()))
            points.append(NewContactPoint("phone", f"07700 900{index:03d}", label="mobile"))
        people.append(
            do_create_person(
                actor=None,
                council=council,
                given_name=given,
                family_name=family,
                preferred_channel="sms" if index % 3 == 0 else "email",
                contact_points=points,
                external_references=[(PEOPLE_SOURCE, ref)],
            )
        )
    return people


def generate_cases(council: Council, *, seed: int, now: dt.datetime | None = None) -> int:
    """Create and work the demo's cases (idempotent); returns how many were created."""
    if already_generated(council):
        return 0
    now = now or timezone.now()
    ensure_case_types(council)
    cast = Cast(
        council=council,
        agent=User.objects.get(username="agent"),
        officer=User.objects.get(username="officer"),
        teams={team.name: team for team in Team.objects.filter(council=council)},
        services={s.service_id: s for s in Service.objects.filter(council=council)},
        types={t.type_id: t for t in CaseType.objects.filter(council=council)},
        today=council.local_date(now),
    )
    rng = random.Random(seed * 7919 + 11)
    with transaction.atomic():
        notify_templates(council)
        do_use_default_updates(actor=None, council=council)
        do_switch_resident_updates(actor=None, council=council, on=True)
        # The demo council has sent updates for eight weeks (the chasing measure compares).
        ResidentUpdates.objects.filter(council=council).update(
            switched_on=cast.today - dt.timedelta(days=UPDATES_SWITCHED_ON_DAYS_AGO)
        )
        people = residents(council)
        contacts = _recent_contacts(council, cast.today)
        created = 0
        number = 0
        for type_id, count, service_ids in MIX:
            for _ in range(count):
                number += 1
                service_id = service_ids[rng.randrange(len(service_ids))]
                if service_id not in cast.services:
                    continue
                case = _open(cast, rng, type_id, service_id, people, contacts, number)
                Case.objects.filter(pk=case.pk).update(source=SOURCE, source_id=f"{number:03d}")
                created += 1
                _work(cast, rng, case)
    return created


def _recent_contacts(council: Council, today: dt.date) -> list[Contact]:
    """Contacts of the last 60 days about Council Tax or housing, to open complaints from."""
    since = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(), tzinfo=council.zone)
    return list(
        Contact.objects.filter(
            council=council,
            offered_at__gte=since,
            sensitivity=Sensitivity.NORMAL,
            service__service_id__in=["council-tax", "housing-needs"],
            outcome="answered",
        ).order_by("offered_at", "pk")[:2000:100]
    )


def _open(
    cast: Cast,
    rng: random.Random,
    type_id: str,
    service_id: str,
    people: list[Party],
    contacts: list[Contact],
    number: int,
) -> Case:
    service = cast.services[service_id]
    age = rng.randint(0, 150)
    received = cast.today - dt.timedelta(days=age)
    summary = SUMMARIES[type_id].format(service=service.name.lower())
    parties: list[NewParty] = []
    anonymous = False
    if type_id in ("compliment", "comment") and rng.random() < 0.5:
        anonymous = True
    elif rng.random() < 0.85:
        person = people[rng.randrange(len(people))]
        role = "subject" if type_id == "sar" else "requester"
        parties.append(NewParty(person, role))
        if type_id == "member-enquiry":
            parties = [NewParty(person, "subject")]
    contact = None
    if type_id == "complaint" and contacts and number % 4 == 0:
        # Opened by the agent from the call: received that day, about its service.
        contact = contacts[(number // 4) % len(contacts)]
        service = contact.service or service
    team: Team | None
    if type_id == "service-request":
        team = cast.teams["Revenues and Benefits line"]  # the contact centre, to hand over
        opener: Any = cast.agent
    else:
        team = cast.teams.get(OWNERS.get(service.service_id, "General enquiries"))
        opener = cast.officer if team and team.name == "Council Tax back office" else None
    sensitive = type_id == "sar" and number % 6 == 0
    return do_open_case(
        actor=opener if contact is None else cast.agent,
        council=cast.council,
        case_type=cast.types[type_id],
        service=service,
        summary=summary,
        received_on=None if contact else received,
        contact=contact,
        parties=[] if contact else parties,
        anonymous=anonymous and contact is None,
        owner_team=team,
        sensitivity=Sensitivity.RESTRICTED if sensitive else Sensitivity.NORMAL,
    )


def _work(cast: Cast, rng: random.Random, case: Case) -> None:
    """Move the case along as far as its age allows, as its type's staff would."""
    kind = case.case_type.type_id
    age = (cast.today - case.received_on).days
    try:
        if kind == "service-request":
            _hand_over(cast, rng, case, age)
        elif kind in ("compliment", "comment"):
            _move(cast, case, "passed-on")
            if age > 10:
                _close(cast, case, case.received_on + dt.timedelta(days=rng.randint(2, 10)))
        elif age >= 2:
            _with_clock(cast, rng, case, age)
    except ValidationError as error:  # name the case: the demo's plan asked for the impossible
        raise ValueError(f"demo case {case.reference} ({kind}): {error.messages}") from error


def _move(cast: Cast, case: Case, *statuses: str) -> Case:
    for status in statuses:
        case = do_change_status(actor=cast.worker(case), case=case, status=status)
    return case


def _close(cast: Cast, case: Case, on: dt.date) -> None:
    """Close the case, then date its closing back to `on` (the demo's cases were closed over
    the months behind it, not all on the day the demo ran), so time to close means something."""
    case = _move(cast, case, "closed")
    on = min(max(on, case.received_on), cast.today)
    Case.objects.filter(pk=case.pk).update(
        closed_on=on,
        closed_at=dt.datetime.combine(on, dt.time(16), tzinfo=cast.council.zone),
        days_to_close=max(0, (on - case.received_on).days - case.paused_days),
    )


def _clock(cast: Cast, case: Case, kind: str, on: dt.date, **values: Any) -> None:
    on = min(on, cast.today)
    do_record_clock_event(actor=cast.worker(case), case=case, kind=kind, on=on, **values)


def _with_clock(cast: Cast, rng: random.Random, case: Case, age: int) -> None:
    """Acknowledge, answer on time or late, leave overdue, or wait for the requester."""
    kind = case.case_type.type_id
    case = _move(cast, case, "in-progress")
    case.refresh_from_db()
    if case.acknowledge_by is not None or case.case_type.is_complaint:
        late_ack = rng.random() < 0.1 and case.acknowledge_by is not None
        ack_on = (
            case.acknowledge_by + dt.timedelta(days=2)
            if late_ack and case.acknowledge_by
            else case.received_on + dt.timedelta(days=rng.randint(0, 3))
        )
        if ack_on <= cast.today:
            _clock(cast, case, "acknowledged", ack_on)
        case.refresh_from_db()
    fate = rng.random()
    if kind in ("sar", "foi") and fate < 0.15 and age > 6:
        reason = "identity" if kind == "sar" else "clarification"
        _clock(cast, case, "wait-started", case.received_on + dt.timedelta(days=3), reason=reason)
        case = _move(cast, case, "waiting")
        return
    if case.due is None or age < 12:
        return  # still being worked
    if fate < 0.65 and case.due <= cast.today + dt.timedelta(days=10):
        answered = max(
            case.acknowledged_on or case.received_on,
            min(case.due - dt.timedelta(days=rng.randint(0, 4)), cast.today),
        )
    elif fate < 0.8 and case.due + dt.timedelta(days=3) <= cast.today:
        answered = min(case.due + dt.timedelta(days=rng.randint(1, 8)), cast.today)
    else:
        return  # overdue (or not yet due): it stays on the worklists
    _clock(cast, case, "responded", answered)
    case = _move(cast, case, "responded")
    if (
        case.case_type.is_complaint
        and case.stage_count > 1
        and rng.random() < 0.25
        and answered + dt.timedelta(days=5) <= cast.today
    ):
        do_start_stage_two(
            actor=cast.worker(case), case=case, requested_on=answered + dt.timedelta(days=5)
        )
        return
    if answered + dt.timedelta(days=3) <= cast.today:
        _close(cast, case, answered + dt.timedelta(days=rng.randint(0, 3)))


def _hand_over(cast: Cast, rng: random.Random, case: Case, age: int) -> None:
    """The contact centre hands the request to the back office, which accepts or bounces it;
    a bounced one is sometimes re-routed to another team."""
    back_office = cast.teams["Council Tax back office"]
    housing = cast.teams["Housing Needs officers"]
    target = housing if case.service.service_id == "housing-needs" else back_office
    handover = do_hand_over(
        actor=cast.agent, case=case, to_team=target, note="Resident called: please look into it."
    )
    if target != back_office or age < 1:
        return  # Housing Needs has nobody in the demo to accept it: it waits in their inbox
    fate = rng.random()
    if fate < 0.55:
        do_accept_handover(actor=cast.officer, handover=handover)
        case.refresh_from_db()
        if age > 14:
            case = _move(cast, case, "in-progress", "responded")
            _close(cast, case, case.received_on + dt.timedelta(days=rng.randint(3, 14)))
        elif age > 3:
            _move(cast, case, "in-progress")
    elif fate < 0.85:
        do_bounce_handover(
            actor=cast.officer,
            handover=handover,
            reason=BOUNCE_REASONS[int(fate * 100) % len(BOUNCE_REASONS)],
        )
        if fate >= 0.7:  # re-routed to the team that should have had it
            case.refresh_from_db()
            do_hand_over(
                actor=cast.agent,
                case=case,
                to_team=housing,
                note="Re-routed after the back office bounced it.",
            )
