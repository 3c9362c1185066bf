"""The demo steps, in order. Each is idempotent: running the demo again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from frontdoor.core.actions import SINCE_ALWAYS, do_load_catalogue
from frontdoor.core.calendars.actions import ensure_bank_holidays
from frontdoor.core.calendars.models import OpeningPattern
from frontdoor.core.catalogue import ParsedCatalogue, parse_families, parse_services
from frontdoor.core.models import Council, Division, Queue, Service
from frontdoor.identity.models import Team, TeamKind, TeamMembership, User
from frontdoor.identity.roles import ROLE_LABELS, ensure_roles

from .generator import DEMO_PASSWORD, DemoContext

FIXTURES = Path(__file__).resolve().parent.parent / "core" / "fixtures"

DEMO_COUNCIL = {
    "slug": "demo",
    "name": "Demo Borough Council",
    "time_zone": "Europe/London",
    "division": Division.ENGLAND_AND_WALES,
    "brand_colour": "#1d4f91",  # 8.3:1 against white
}
PARTNER_COUNCIL = {
    "slug": "demo-partner",
    "name": "Demo Partner District Council",
    "time_zone": "Europe/London",
    "division": Division.ENGLAND_AND_WALES,
    "brand_colour": "#5c2d5c",
}

# Contact-centre lines by the families they answer; back-office teams by the services they own.
CONTACT_CENTRE_TEAMS = {
    "Revenues and Benefits line": ["council-tax", "welfare-support"],
    "Housing line": ["housing", "emergency"],
    "Environment and Streets line": ["environment", "parking-business"],
    "General enquiries": ["supporting-citizens", "switchboard", "corporate"],
}
BACK_OFFICE_TEAMS = {
    "Council Tax back office": ["council-tax", "business-rates", "benefits"],
    "Housing Needs officers": ["housing-needs", "homelessness"],
    "Waste services": ["waste-recycling", "bulky-waste", "street-cleansing"],
}

# One member of staff per role: username, role, first name, last name, teams.
DEMO_STAFF = [
    ("agent", "agent", "Amira", "Hussain", ["Revenues and Benefits line"], False),
    # The demo's one team leader leads every team, so each case's escalations reach someone.
    (
        "teamleader",
        "team_leader",
        "Gareth",
        "Evans",
        [*CONTACT_CENTRE_TEAMS, *BACK_OFFICE_TEAMS],
        True,
    ),
    ("officer", "service_officer", "Priya", "Shah", ["Council Tax back office"], False),
    ("analyst", "performance_analyst", "Tom", "Whitfield", [], False),
    ("planner", "planner", "Jo", "McAllister", [], False),
    ("igofficer", "ig_officer", "Siobhan", "O'Neill", [], False),
    # A second officer: an erasure request is decided by someone other than who recorded it.
    ("igofficer2", "ig_officer", "Huw", "Pritchard", [], False),
    ("admin", "administrator", "Daniel", "Okafor", [], False),
]


def ensure_reference_data(context: DemoContext) -> None:
    """Roles and the working-day calendar"""
    ensure_roles()
    ensure_bank_holidays()


def ensure_councils(context: DemoContext) -> None:
    """The demo council and a partner council (two tenants)"""
    for spec in (DEMO_COUNCIL, PARTNER_COUNCIL):
        council, _ = Council.objects.update_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        context.councils[spec["slug"]] = council


def load_catalogue(context: DemoContext) -> None:
    """The service catalogue: 32 services in 9 families, a queue per family"""
    for council in context.councils.values():
        parsed = ParsedCatalogue()
        parse_families(FIXTURES / "service-families.csv", parsed)
        parse_services(
            FIXTURES / "service-catalogue.csv", parsed, {f.family_id for f in parsed.families}
        )
        if parsed.rejections:
            raise ValueError(f"the demo catalogue has bad rows: {parsed.rejections}")
        do_load_catalogue(actor=None, council=council, parsed=parsed, effective_from=SINCE_ALWAYS)


def opening_hours(context: DemoContext) -> None:
    """Queue opening hours: weekdays 09:00-17:00 (emergency line always open)"""
    for council in context.councils.values():
        for queue in Queue.objects.filter(council=council):
            always = queue.queue_id == "emergency"
            days = range(1, 8) if always else range(1, 6)
            opens, closes = (
                (dt.time(0, 0), dt.time(23, 59)) if always else (dt.time(9, 0), dt.time(17, 0))
            )
            for weekday in days:
                OpeningPattern.objects.get_or_create(
                    queue=queue, weekday=weekday, defaults={"opens": opens, "closes": closes}
                )


@transaction.atomic
def teams_and_staff(context: DemoContext) -> None:
    """Teams and one member of staff per role"""
    council = context.councils["demo"]
    services = {s.service_id: s for s in Service.objects.filter(council=council)}
    family_services: dict[str, list[Service]] = {}
    for service in Service.objects.filter(council=council).prefetch_related("memberships__family"):
        membership = max(service.memberships.all(), key=lambda m: m.valid_from)
        family_services.setdefault(membership.family.family_id, []).append(service)
    teams: dict[str, Team] = {}
    for name, families in CONTACT_CENTRE_TEAMS.items():
        team, _ = Team.objects.get_or_create(
            council=council, name=name, defaults={"kind": TeamKind.CONTACT_CENTRE}
        )
        team.services.set([s for f in families for s in family_services.get(f, [])])
        teams[name] = team
    for name, service_ids in BACK_OFFICE_TEAMS.items():
        team, _ = Team.objects.get_or_create(
            council=council, name=name, defaults={"kind": TeamKind.BACK_OFFICE}
        )
        team.services.set([services[s] for s in service_ids if s in services])
        teams[name] = team
    for username, role, first, last, team_names, leads in DEMO_STAFF:
        user = _demo_user(username, role, first, last, council)
        for team_name in team_names:
            TeamMembership.objects.update_or_create(
                team=teams[team_name], user=user, defaults={"is_leader": leads}
            )
        context.logins.append((username, str(ROLE_LABELS[role]), council.slug))
    partner = context.councils["demo-partner"]
    _demo_user("partneradmin", "administrator", "Rhian", "Jones", partner)
    context.logins.append(("partneradmin", str(ROLE_LABELS["administrator"]), partner.slug))


def _demo_user(username: str, role: str, first: str, last: str, council: Council) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            council=council,
            email=f"{username}@{council.slug}.example.gov.uk",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def a_year_of_contacts(context: DemoContext) -> None:
    """A year of contacts for the demo council, and its KPI snapshots"""
    from django.conf import settings
    from django.db.models import F
    from django.utils import timezone

    from frontdoor.contacts.models import Contact
    from frontdoor.insight.models import KpiSettings
    from frontdoor.insight.snapshots import refresh

    from .contacts import already_generated, generate_contacts

    council = context.councils["demo"]
    KpiSettings.objects.get_or_create(
        council=council, defaults={"queue_sourced_channels": ["phone"]}
    )
    if already_generated(council):
        return
    end = council.local_date(timezone.now()) - dt.timedelta(days=1)
    with transaction.atomic():
        generate_contacts(
            council, seed=context.seed, end=end, scale=settings.FRONTDOOR_DEMO_CONTACT_SCALE
        )
        # The demo's year stands for contacts imported as they happened: stamping them with
        # their own times keeps them out of the "changed since the snapshot" rows, which the
        # dashboards would otherwise re-read from the database until the next refresh.
        Contact.objects.filter(council=council, source__startswith="demo-").update(
            created_at=F("offered_at"), updated_at=F("offered_at")
        )
    refresh(council)


def residents_and_their_histories(context: DemoContext) -> None:
    """Residents behind the year's contacts: needs, markers, early-intervention prompts"""
    from django.conf import settings

    from .people import already_loaded, generate_people

    council = context.councils["demo"]
    if already_loaded(council):
        return
    staff = {
        user.username: user for user in User.objects.filter(username__in=["agent", "teamleader"])
    }
    with transaction.atomic():  # all or nothing: a rerun after a failure starts afresh
        generate_people(
            council, seed=context.seed, scale=settings.FRONTDOOR_DEMO_CONTACT_SCALE, staff=staff
        )


def live_queues(context: DemoContext) -> None:
    """The last three hours of calls on three queues, so the wallboard is live (once a day)"""
    from django.utils import timezone

    from frontdoor.omnichannel.models import QueueEvent

    from .live import PLATFORM, play_recent_calls

    council = context.councils["demo"]
    now = timezone.now()
    today = council.local_date(now)
    played = QueueEvent.objects.filter(council=council, platform=PLATFORM).order_by("-pk").first()
    if played is not None and council.local_date(played.occurred_at) == today:
        return
    play_recent_calls(council, seed=context.seed, now=now)


def case_work(context: DemoContext) -> None:
    """A few hundred cases worked by staff, updates to residents on, missed deadlines escalated"""
    from frontdoor.cases.actions import do_check_case_clocks

    from .cases import generate_cases

    council = context.councils["demo"]
    generate_cases(council, seed=context.seed)
    # As the daily job would: clocks up to today, missed deadlines escalated to team leaders.
    do_check_case_clocks(council=council)


STEPS: list[Callable[[DemoContext], None]] = [
    ensure_reference_data,
    ensure_councils,
    load_catalogue,
    opening_hours,
    teams_and_staff,
    a_year_of_contacts,
    residents_and_their_histories,
    live_queues,
    case_work,
]
