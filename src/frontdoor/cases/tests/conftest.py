"""Fixtures for the case tests: a contact centre and two service teams, staff in each role,
contacts to open cases from, and a quick way to open a case."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from frontdoor.cases.actions import do_open_case, ensure_case_types
from frontdoor.cases.models import CaseType
from frontdoor.contacts.models import Contact
from frontdoor.core.models import Sensitivity
from frontdoor.identity.models import TeamKind
from frontdoor.testing.factories import (
    QueueFactory,
    ServiceFactory,
    TeamFactory,
    TeamMembershipFactory,
)


@pytest.fixture
def setup(council, make_user):
    """A council with a contact centre, Housing and Repairs teams, and their staff."""
    housing_service = ServiceFactory(council=council, service_id="housing", name="Housing")
    repairs_service = ServiceFactory(council=council, service_id="repairs", name="Repairs")
    queue = QueueFactory(council=council, queue_id="general", name="General")
    centre = TeamFactory(council=council, name="Contact centre", kind=TeamKind.CONTACT_CENTRE)
    centre.services.add(housing_service, repairs_service)
    housing = TeamFactory(council=council, name="Housing team", kind=TeamKind.BACK_OFFICE)
    housing.services.add(housing_service)
    repairs = TeamFactory(council=council, name="Repairs team", kind=TeamKind.BACK_OFFICE)
    repairs.services.add(repairs_service)
    agent = make_user("agent", username="agent", first_name="Amira", last_name="Agent")
    officer = make_user(
        "service_officer", username="officer", first_name="Omar", last_name="Officer"
    )
    colleague = make_user(
        "service_officer", username="colleague", first_name="Cara", last_name="Colleague"
    )
    leader = make_user("team_leader", username="leader", first_name="Lena", last_name="Leader")
    fixer = make_user("service_officer", username="fixer", first_name="Fay", last_name="Fixer")
    TeamMembershipFactory(team=centre, user=agent)
    TeamMembershipFactory(team=housing, user=officer)
    TeamMembershipFactory(team=housing, user=colleague)
    TeamMembershipFactory(team=housing, user=leader, is_leader=True)
    TeamMembershipFactory(team=repairs, user=fixer)
    ensure_case_types(council)
    return SimpleNamespace(
        council=council,
        housing_service=housing_service,
        repairs_service=repairs_service,
        queue=queue,
        centre=centre,
        housing=housing,
        repairs=repairs,
        agent=agent,
        officer=officer,
        colleague=colleague,
        leader=leader,
        fixer=fixer,
        types={t.type_id: t for t in CaseType.objects.filter(council=council)},
    )


@pytest.fixture
def make_contact(setup):
    """make_contact(at=aware datetime, sensitivity=...) records a phone contact."""
    counter = iter(range(1, 10_000))

    def make(at: dt.datetime, **values) -> Contact:
        values.setdefault("sensitivity", Sensitivity.NORMAL)
        return Contact.objects.create(
            council=setup.council,
            source="desktop",
            contact_id=f"c{next(counter)}",
            channel="phone",
            service=setup.housing_service,
            queue=setup.queue,
            offered_at=at,
            outcome="answered",
            **values,
        )

    return make


@pytest.fixture
def open_case(setup):
    """open_case("complaint", received_on=..., actor=..., **values) opens a Housing case owned
    by the Housing team (by the officer unless `owner` says otherwise)."""

    def make(type_id: str = "complaint", **values):
        values.setdefault("actor", setup.officer)
        values.setdefault("service", setup.housing_service)
        values.setdefault("summary", "Damp in the bedroom not fixed")
        values.setdefault("owner_team", setup.housing)
        if "owner" not in values:
            values["owner"] = setup.officer
        return do_open_case(council=setup.council, case_type=setup.types[type_id], **values)

    return make
