"""Reads of councils and the catalogue, filtered to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from frontdoor.identity.policies import council_ids_for

from .models import Council, Service, ServiceFamily, ServiceFamilyMembership


def councils_visible_to(user: Any) -> QuerySet[Council]:
    """The councils the user may act for, by name."""
    return Council.objects.filter(id__in=council_ids_for(user)).order_by("name")


def council_for(user: Any, slug: str) -> Council:
    """The council with this slug, if the user may act for it; else 404 (never a hint it exists)."""
    council = councils_visible_to(user).filter(slug=slug).first()
    if council is None:
        raise Http404("council")
    return council


def family_on(memberships: list[ServiceFamilyMembership], day: dt.date) -> ServiceFamily | None:
    """The family in force on `day`, from a service's memberships sorted by valid_from."""
    current = None
    for membership in memberships:
        if membership.valid_from <= day:
            current = membership.family
    return current


def services_with_family(
    council: Council, day: dt.date | None = None
) -> list[tuple[Service, str | None]]:
    """The council's services, each with the id of its family on `day` (today by default)."""
    from django.db.models import Prefetch
    from django.utils import timezone

    day = day or council.local_date(timezone.now())
    services = Service.objects.filter(council=council).prefetch_related(
        Prefetch(
            "memberships",
            queryset=ServiceFamilyMembership.objects.select_related("family").order_by(
                "valid_from"
            ),
        )
    )
    result = []
    for service in services:
        family = family_on(list(service.memberships.all()), day)
        result.append((service, family.family_id if family else None))
    return result


def families_of(council: Council) -> QuerySet[ServiceFamily]:
    return ServiceFamily.objects.filter(council=council).order_by("name")
