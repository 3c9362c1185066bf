"""Changes to councils and their catalogue. Every change is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from frontdoor.audit.recorder import record_batch, record_change
from frontdoor.identity.policies import require

from .catalogue import ParsedCatalogue
from .models import Council, Queue, Service, ServiceFamily, ServiceFamilyMembership

# A service's first family applies since always, so contacts imported from before the service was
# loaded still have a family; later moves are effective-dated.
SINCE_ALWAYS = dt.date(1900, 1, 1)


@dataclass
class CatalogueLoadReport:
    """What a catalogue load did, counted per kind of record."""

    created: dict[str, int] = field(default_factory=lambda: {"family": 0, "queue": 0, "service": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"family": 0, "queue": 0, "service": 0})
    moved_family: int = 0
    unchanged: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "moved_family": self.moved_family,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    @property
    def changed_anything(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) + self.moved_family)


def _authorise(actor: Any, council: Council) -> None:
    # The command line acts as the system (actor None); a person must administer the council.
    if actor is not None:
        require(actor, "administer_council", council)


def _save_changed(actor: Any, instance: Any, values: dict[str, Any], action: str) -> bool:
    """Apply `values` to an existing record; audit and save only when something differs."""
    changes = {k: (getattr(instance, k), v) for k, v in values.items() if getattr(instance, k) != v}
    if not changes:
        return False
    for name, (_old, new) in changes.items():
        setattr(instance, name, new)
    instance.full_clean()
    instance.save(update_fields=list(changes))
    record_change(actor=actor, action=action, instance=instance, changes=changes)
    return True


@transaction.atomic
def do_load_catalogue(
    *, actor: Any, council: Council, parsed: ParsedCatalogue, effective_from: dt.date
) -> CatalogueLoadReport:
    """Load or update families, their queues and services from parsed rows, in one transaction.

    Idempotent: loading the same rows again changes nothing and writes only the batch entry.
    Services absent from the rows are kept. A service whose family changes gets a new membership
    from `effective_from`, so figures for earlier dates keep the family they had.
    """
    _authorise(actor, council)
    report = CatalogueLoadReport(rejected=len(parsed.rejections))
    families = {f.family_id: f for f in ServiceFamily.objects.filter(council=council)}
    queues = {q.queue_id: q for q in Queue.objects.filter(council=council)}

    for row in parsed.families:
        family = families.get(row.family_id)
        if family is None:
            family = ServiceFamily(council=council, family_id=row.family_id, name=row.name)
            family.full_clean()
            family.save()
            families[row.family_id] = family
            report.created["family"] += 1
        elif _save_changed(actor, family, {"name": row.name}, "catalogue.update_family"):
            report.updated["family"] += 1
        else:
            report.unchanged += 1
        queue = queues.get(row.family_id)
        if queue is None:
            queue = Queue(council=council, queue_id=row.family_id, name=row.name, family=family)
            queue.full_clean()
            queue.save()
            queues[row.family_id] = queue
            report.created["queue"] += 1
        elif _save_changed(
            actor, queue, {"name": row.name, "family": family}, "catalogue.update_queue"
        ):
            report.updated["queue"] += 1

    services = {
        s.service_id: s
        for s in Service.objects.filter(council=council).prefetch_related("memberships")
    }
    for row in parsed.services:
        family = families[row.family_id]
        service = services.get(row.service_id)
        if service is None:
            service = Service(
                council=council,
                service_id=row.service_id,
                name=row.name,
                description=row.description,
            )
            service.full_clean()
            service.save()
            ServiceFamilyMembership.objects.create(
                service=service, family=family, valid_from=SINCE_ALWAYS
            )
            report.created["service"] += 1
            continue
        changed = _save_changed(
            actor,
            service,
            {"name": row.name, "description": row.description},
            "catalogue.update_service",
        )
        if _move_family(actor, service, family, effective_from):
            report.moved_family += 1
            changed = True
        if changed:
            report.updated["service"] += 1
        else:
            report.unchanged += 1

    record_batch(
        actor=actor,
        action="catalogue.load",
        object_type="core.service",
        council_id=council.pk,
        summary={
            **report.as_dict(),
            "files": parsed.file_hashes,
            "effective_from": effective_from.isoformat(),
        },
    )
    return report


def _move_family(
    actor: Any, service: Service, family: ServiceFamily, effective_from: dt.date
) -> bool:
    """Record that `service` belongs to `family` from `effective_from`, if it did not already."""
    memberships = sorted(service.memberships.all(), key=lambda m: m.valid_from)
    current = None
    for membership in memberships:
        if membership.valid_from <= effective_from:
            current = membership
    if current is not None and current.family_id == family.pk:
        return False
    old_family = current.family_id if current else None
    if current is not None and current.valid_from == effective_from:
        current.family = family
        current.save(update_fields=["family"])
    else:
        ServiceFamilyMembership.objects.create(
            service=service, family=family, valid_from=effective_from
        )
    record_change(
        actor=actor,
        action="catalogue.move_service_family",
        instance=service,
        changes={"family": (old_family, family.pk), "family_valid_from": (None, effective_from)},
    )
    _facts_changed(service.council_id)
    return True


def _facts_changed(council_id: int) -> None:
    """Many contact facts change at once (a family, the time zone): rebuild the KPI snapshots."""
    from frontdoor.insight.snapshots import mark_for_full_rebuild

    mark_for_full_rebuild(council_id)


COUNCIL_SETTINGS_FIELDS = ("name", "brand_colour", "time_zone", "division")


@transaction.atomic
def do_update_council_settings(
    *, actor: Any, council: Council, logo: tuple[bytes, str] | None = None, **values: Any
) -> Council:
    """Change the council's name, branding, time zone or division (administrators only)."""
    _authorise(actor, council)
    unknown = set(values) - set(COUNCIL_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    changes = {k: (getattr(council, k), v) for k, v in values.items() if getattr(council, k) != v}
    if logo is not None:
        changes["logo"] = (f"{len(council.logo or b'')} bytes", f"{len(logo[0])} bytes")
        council.logo, council.logo_content_type = logo
    for name, (_old, new) in changes.items():
        if name != "logo":
            setattr(council, name, new)
    if changes:
        council.full_clean()
        council.save()
        if "time_zone" in changes:
            _facts_changed(council.pk)
        record_change(
            actor=actor,
            action="council.update_settings",
            instance=council,
            changes=changes,
            council_id=council.pk,
        )
    return council
