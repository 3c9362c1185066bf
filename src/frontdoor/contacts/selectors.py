"""Reads of contact records and of what importing them needs."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from frontdoor.core.models import Council, Queue, Service

from .models import ContactImport, ContactImportRejection
from .records import CatalogueLookup, ServiceEntry


def catalogue_lookup(council: Council) -> CatalogueLookup:
    """The council's services and queues by id, with each service's current family queue."""
    queues = {q.queue_id: q.pk for q in Queue.objects.filter(council=council)}
    queue_of_family = {
        q.family_id: q.pk for q in Queue.objects.filter(council=council).order_by("-pk")
    }
    # A family's own queue carries the family's id; prefer it over any other queue of the family.
    for queue in Queue.objects.filter(council=council).select_related("family"):
        if queue.queue_id == queue.family.family_id:
            queue_of_family[queue.family_id] = queue.pk
    today = council.local_date(timezone.now())
    services = {}
    for service in Service.objects.filter(council=council).prefetch_related("memberships"):
        memberships = sorted(
            (m for m in service.memberships.all() if m.valid_from <= today),
            key=lambda m: m.valid_from,
        )
        family_id = memberships[-1].family_id if memberships else None
        services[service.service_id] = ServiceEntry(
            pk=service.pk,
            default_queue_pk=queue_of_family.get(family_id, 0),
            default_sensitivity=service.default_sensitivity,
        )
    return CatalogueLookup(services=services, queues=queues)


def imports_for(council: Council, limit: int = 50) -> list[ContactImport]:
    """The council's most recent imports, newest first."""
    return list(ContactImport.objects.filter(council=council)[:limit])


def import_of(council: Council, pk: int) -> ContactImport | None:
    """One of the council's imports (None when it has no such import)."""
    return ContactImport.objects.filter(council=council, pk=pk).select_related("started_by").first()


def rejections_of(
    contact_import: ContactImport, limit: int | None = None
) -> Iterable[ContactImportRejection]:
    """An import's rejected records in file order (all of them, streamed, without a limit)."""
    rejections = contact_import.rejections.order_by("row_number", "pk")
    if limit is not None:
        return list(rejections[:limit])
    return rejections.iterator(chunk_size=2000)
