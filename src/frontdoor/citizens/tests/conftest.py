"""Fixtures for the CRM's tests: staff in each role and a quick way to record a person."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.citizens.actions import NewAddress, NewContactPoint, do_create_person
from frontdoor.citizens.models import ContactPointKind


@pytest.fixture
def agent(make_user):
    return make_user("agent")


@pytest.fixture
def team_leader(make_user):
    return make_user("team_leader")


@pytest.fixture
def ig_officer(make_user):
    return make_user("ig_officer")


@pytest.fixture
def make_person(council):
    """make_person("Sarah", "Jones", postcode="CF10 1EP", phone="07700 900123", ...)."""

    def make(
        given: str,
        family: str,
        *,
        actor=None,
        on=None,
        born: dt.date | None = None,
        address: str = "",
        postcode: str = "",
        uprn: str = "",
        phone: str = "",
        email: str = "",
        references: tuple[tuple[str, str], ...] = (),
        **values,
    ):
        addresses = []
        if address or postcode or uprn:
            addresses.append(
                NewAddress(text=address or "1 High Street", postcode=postcode, uprn=uprn)
            )
        points = []
        if phone:
            points.append(NewContactPoint(ContactPointKind.PHONE, phone))
        if email:
            points.append(NewContactPoint(ContactPointKind.EMAIL, email))
        return do_create_person(
            actor=actor,
            council=on or council,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            addresses=addresses,
            contact_points=points,
            external_references=references,
            **values,
        )

    return make
