"""Writing the audit: every action calls these inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from .models import AccessKind, AccessLogEntry, ChangeLogEntry
from .sealing import seal, subject_ref

# Fields whose values are personal data on every model (the model may declare more).
ALWAYS_PERSONAL = {"first_name", "last_name", "email", "username", "password", "name_on_record"}


def personal_fields_of(model: type[models.Model]) -> set[str]:
    """Fields whose values are sealed: the model's `audit_personal_fields` and the usual ones."""
    return ALWAYS_PERSONAL | set(getattr(model, "audit_personal_fields", ()))


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of some fields, for diffing before and after a change."""
    return {name: getattr(instance, name) for name in fields}


def created(instance: models.Model, fields: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    """A new record's fields as changes, {field: (None, value)}, for its creation entry."""
    return {name: (None, getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ, as {field: (old, new)}."""
    return {k: (before.get(k), after[k]) for k in after if before.get(k) != after[k]}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def record_change(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    subject: str | None = None,
    council_id: int | None = None,
) -> ChangeLogEntry:
    """Log one change to `instance`. Personal values are sealed under the data subject's key.

    `subject` names the person the personal values are about; it defaults to the instance itself
    when the instance is a person (declares `audit_is_subject = True` or is a staff user).
    """
    model = type(instance)
    personal = personal_fields_of(model)
    if subject is None and (getattr(model, "audit_is_subject", False) or _is_user(instance)):
        subject = subject_ref(instance)
    logged: dict[str, dict[str, Any]] = {}
    for field, (old, new) in (changes or {}).items():
        if field in personal:
            if not subject:
                raise ValueError(f"personal field {field} changed with no data subject to seal it")
            logged[field] = {"old": seal(subject, _plain(old)), "new": seal(subject, _plain(new))}
        else:
            logged[field] = {"old": _plain(old), "new": _plain(new)}
    return ChangeLogEntry.objects.create(
        actor=_actor(actor),
        council_id=council_id if council_id is not None else getattr(instance, "council_id", None),
        action=action,
        object_type=model._meta.label_lower,
        object_id=str(instance.pk),
        changes=logged,
        subject=subject or "",
    )


def record_batch(
    *, actor: Any, action: str, object_type: str, council_id: int | None, summary: Mapping[str, Any]
) -> ChangeLogEntry:
    """Log one entry for a whole batch of a bulk action (counts, file hash; no personal values)."""
    return ChangeLogEntry.objects.create(
        actor=_actor(actor),
        council_id=council_id,
        action=action,
        object_type=object_type,
        batch=dict(summary),
    )


def record_access(
    *,
    actor: Any,
    view: str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    council_id: int | None = None,
    subject: str = "",
    kind: str = AccessKind.VIEW,
    detail: str = "",
    result_ids: list[Any] | None = None,
) -> AccessLogEntry:
    """Log that `actor` viewed (or searched, exported, broke glass on) a record."""
    if instance is not None:
        object_type = instance._meta.label_lower
        object_id = str(instance.pk)
        council_id = council_id if council_id is not None else getattr(instance, "council_id", None)
        if not subject and getattr(type(instance), "audit_is_subject", False):
            subject = subject_ref(instance)
    sealed_detail: dict[str, Any] = {}
    if detail:
        if not subject:
            raise ValueError("free text in the access log needs a data subject to seal it")
        sealed_detail = seal(subject, detail)
    return AccessLogEntry.objects.create(
        actor=_actor(actor),
        council_id=council_id,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        view=view,
        subject=subject,
        detail=sealed_detail,
        result_ids=[str(i) for i in (result_ids or [])],
    )


def _is_user(instance: models.Model) -> bool:
    from django.contrib.auth import get_user_model

    return isinstance(instance, get_user_model())


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
