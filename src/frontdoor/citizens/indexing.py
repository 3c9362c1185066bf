"""Keeping the search keys and the name vocabulary in step with the parties they describe.

Actions call `reindex_parties` inside their transaction after any change that touches what a
party can be found by; the bulk import builds keys from the values it writes and calls
`write_keys` and `add_vocabulary` once per batch. Keys are written with `executemany`: an import
of half a million people writes millions of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import F

from .engine.keys import NAME as NAME_KIND
from .engine.keys import party_keys, vocabulary_codes
from .models import (
    KEY_KINDS,
    Address,
    ContactPoint,
    ContactPointKind,
    ExternalReference,
    NameVocabulary,
    Party,
    SearchKey,
)

KeyRow = tuple[int, int, int, str]  # council_id, party_id, kind, key
_CHUNK = 900  # parameters a statement stays well under on every database


def keys_of(
    party: Party,
    addresses: Iterable[Address],
    contact_points: Iterable[ContactPoint],
    references: Iterable[ExternalReference],
) -> list[tuple[str, str]]:
    """The (kind, key) pairs a party is found by, from its rows."""
    points = list(contact_points)
    places = list(addresses)
    return party_keys(
        names=(
            party.given_name,
            party.middle_names,
            party.family_name,
            party.preferred_name,
            party.organisation_name,
        ),
        phones=[p.value for p in points if p.kind == ContactPointKind.PHONE],
        emails=[p.value for p in points if p.kind == ContactPointKind.EMAIL],
        postcodes=[a.postcode for a in places if a.postcode],
        uprns=[a.uprn for a in places if a.uprn],
        references=[party.reference, *(r.source_id for r in references)],
    )


def reindex_parties(parties: Iterable[Party]) -> None:
    """Rebuild the keys of some parties from their rows, and the name counts with them."""
    by_id = {p.pk: p for p in parties}
    if not by_id:
        return
    ids = list(by_id)
    addresses: dict[int, list[Address]] = defaultdict(list)
    for address in Address.objects.filter(party_id__in=ids):
        addresses[address.party_id].append(address)
    points: dict[int, list[ContactPoint]] = defaultdict(list)
    for point in ContactPoint.objects.filter(party_id__in=ids):
        points[point.party_id].append(point)
    references: dict[int, list[ExternalReference]] = defaultdict(list)
    for reference in ExternalReference.objects.filter(party_id__in=ids):
        references[reference.party_id].append(reference)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    old = SearchKey.objects.filter(party_id__in=ids, kind=KEY_KINDS[NAME_KIND])
    for council_id, token in old.values_list("council_id", "key"):
        counts[council_id][token] -= 1
    SearchKey.objects.filter(party_id__in=ids).delete()
    rows: list[KeyRow] = []
    for pk, party in by_id.items():
        for kind, key in keys_of(party, addresses[pk], points[pk], references[pk]):
            rows.append((party.council_id, pk, KEY_KINDS[kind], key))
            if kind == NAME_KIND:
                counts[party.council_id][key] += 1
    write_keys(rows)
    for council_id, council_counts in counts.items():
        add_vocabulary(council_id, council_counts)


def write_keys(rows: list[KeyRow]) -> None:
    """Insert search keys in one `executemany`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(SearchKey._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({quote('council_id')}, {quote('party_id')}, "  # noqa: S608
        f"{quote('kind')}, {quote('key')}) VALUES (%s, %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def add_vocabulary(
    council_id: int, counts: Mapping[str, int], known: set[str] | None = None
) -> int:
    """File new name tokens under their codes and add to every token's count of parties.

    `counts` maps a token to how many more (or, negative, fewer) parties hold it. A token is
    filed once: its own deletion code ("d:" + token) marks it as known. `known`, when given,
    is a cache of tokens already filed (an import passes one set for its whole run). Returns
    how many tokens were new.
    """
    changes = {t: n for t, n in counts.items() if t and n}
    if not changes:
        return 0
    unsure = sorted(t for t in changes if known is None or t not in known)
    present: set[str] = set()
    for start in range(0, len(unsure), _CHUNK):
        chunk = unsure[start : start + _CHUNK]
        present.update(
            NameVocabulary.objects.filter(
                council_id=council_id, code__in=["d:" + t for t in chunk], token__in=chunk
            ).values_list("token", flat=True)
        )
    new = {t for t in unsure if t not in present}
    rows = [
        NameVocabulary(council_id=council_id, code=code, token=token, people=max(changes[token], 0))
        for token in sorted(new)
        for code in vocabulary_codes(token)
    ]
    if rows:
        NameVocabulary.objects.bulk_create(
            rows,
            batch_size=2000,
            ignore_conflicts=True,  # a concurrent writer may have filed the same token
        )
    # Tokens filed before: one UPDATE per distinct change, all their rows at once.
    by_change: dict[int, list[str]] = defaultdict(list)
    for token, change in changes.items():
        if token not in new:
            by_change[change].append(token)
    for change, tokens in by_change.items():
        for start in range(0, len(tokens), _CHUNK):
            NameVocabulary.objects.filter(
                council_id=council_id, token__in=tokens[start : start + _CHUNK]
            ).update(people=F("people") + change)
    if known is not None:
        known.update(changes)
    return len(new)
