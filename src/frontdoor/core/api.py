"""API: councils and the service catalogue the caller may see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors

router = Router(tags=["Councils and catalogue"])


class CouncilOut(Schema):
    slug: str
    name: str
    time_zone: str
    division: str


class ServiceOut(Schema):
    service_id: str
    name: str
    description: str
    family_id: str | None


@router.get("/councils", response=list[CouncilOut], summary="Councils the caller may act for")
def list_councils(request: HttpRequest) -> list[CouncilOut]:
    return list(selectors.councils_visible_to(request.user))


@router.get(
    "/councils/{slug}/services",
    response=list[ServiceOut],
    summary="A council's services with their family today",
)
def list_services(request: HttpRequest, slug: str) -> list[ServiceOut]:
    council = selectors.council_for(request.user, slug)
    return [
        ServiceOut(
            service_id=s.service_id, name=s.name, description=s.description, family_id=family
        )
        for s, family in selectors.services_with_family(council)
    ]
