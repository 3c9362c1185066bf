"""Sealing personal values with a per-subject key, and destroying the key on erasure."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db import IntegrityError, transaction

from .models import SubjectKey

ERASED = "[erased]"


def subject_ref(instance: Any) -> str:
    """The stable reference of a data subject: "app_label.model:pk"."""
    return f"{instance._meta.label_lower}:{instance.pk}"


def _key_for(subject: str, create: bool) -> bytes | None:
    row = SubjectKey.objects.filter(subject=subject).first()
    if row is not None:
        return bytes(row.key)
    if not create:
        return None
    key = Fernet.generate_key()
    try:
        with transaction.atomic():
            SubjectKey.objects.create(subject=subject, key=key)
    except IntegrityError:  # another writer made it first
        return bytes(SubjectKey.objects.get(subject=subject).key)
    return key


def seal(subject: str, value: Any) -> dict[str, str]:
    """Seal a JSON-serialisable value under the subject's key."""
    key = _key_for(subject, create=True)
    assert key is not None
    token = Fernet(key).encrypt(json.dumps(value, default=str).encode())
    return {"sealed": token.decode()}


def unseal(subject: str, sealed: Any) -> Any:
    """Open a sealed value; returns ERASED once the subject's key was destroyed."""
    if not isinstance(sealed, dict) or "sealed" not in sealed:
        return sealed
    key = _key_for(subject, create=False)
    if key is None:
        return ERASED
    try:
        return json.loads(Fernet(key).decrypt(sealed["sealed"].encode()))
    except InvalidToken:
        return ERASED


def destroy_key(subject: str) -> bool:
    """Crypto-shred the subject: nothing sealed for them can be read after this."""
    deleted, _ = SubjectKey.objects.filter(subject=subject).delete()
    return deleted > 0
