"""The search keys of a person, and the near-miss codes of a name token.

A person's keys are what the search box can find them by: each name token, each phone number,
email address, postcode, UPRN and reference, normalised. Name tokens also enter a vocabulary
(one row per distinct token and code, not per person) under their one-letter deletions and
their phonetic codes, which is how a typo or a sound-alike finds the real token.
"""

from __future__ import annotations

from collections.abc import Iterable

from .fuzzy import allowed_edits, deletions, osa_distance
from .normalise import (
    name_tokens,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_reference,
    normalise_uprn,
)
from .phonetic import phonetic_codes
from .query import EMAIL, PHONE, POSTCODE, REFERENCE, UPRN

NAME = "name"
MAX_KEY_LENGTH = 100
DELETION = "d:"
SOUND = "p:"


def party_keys(
    *,
    names: Iterable[str] = (),
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    postcodes: Iterable[str] = (),
    uprns: Iterable[str] = (),
    references: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Every (kind, key) a party can be found by, each once, in a stable order."""
    keys: dict[tuple[str, str], None] = {}

    def add(kind: str, value: str | None) -> None:
        if value:
            keys.setdefault((kind, value[:MAX_KEY_LENGTH]), None)

    for token in name_tokens(*names):
        add(NAME, token)
    for phone in phones:
        add(PHONE, normalise_phone(phone))
    for email in emails:
        add(EMAIL, normalise_email(email))
    for postcode in postcodes:
        add(POSTCODE, normalise_postcode(postcode))
    for uprn in uprns:
        add(UPRN, normalise_uprn(uprn))
    for reference in references:
        add(REFERENCE, normalise_reference(reference))
    return list(keys)


def vocabulary_codes(token: str) -> set[str]:
    """The codes a stored name token is filed under: its deletions and its phonetic codes."""
    codes = {DELETION + d for d in deletions(token)}
    if len(token) >= 3:
        codes.update(SOUND + c for c in phonetic_codes(token))
    return {c[:MAX_KEY_LENGTH] for c in codes}


def lookup_codes(typed: str) -> set[str]:
    """The codes to look a typed token up under (the same recipe as the stored side)."""
    return vocabulary_codes(typed)


def accept_near(typed: str, stored: str, via: str) -> bool:
    """Whether a token the vocabulary found for `typed` really is near it.

    Deletion codes over-find (two deletions can meet with two different edits): the distance
    decides. A shared phonetic code is accepted as it is.
    """
    if stored == typed:
        return True
    if via.startswith(SOUND):
        return True
    limit = allowed_edits(typed)
    return bool(limit) and osa_distance(typed, stored, limit) <= limit
