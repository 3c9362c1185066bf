"""Merged people in the KPIs: the citizen_refs that now stand for another person.

A contact names its person by (source, citizen_ref): the CRM reference for a desktop contact, a
legacy system's id for an imported one. When the CRM merges two records of one person
(`frontdoor.citizens.merging`), every ref of the merged group must give one person key, the
survivor's, or repeat-contact and chasing figures would count one resident as two.

`person_ref_aliases(council_id)` maps, for every record that absorbed others by a merge in
force, each of its refs (its CRM reference, each merged record's CRM reference, and its external
references, including those it received) to its CRM reference. `canonical_ref` applies the map.
The merge marks the council's snapshots for a full rebuild, so the next refresh recomputes
every month with the map.

Wiring (in `insight/snapshots.py`, which this module leaves alone):

- `FactContext` gains `aliases: dict[tuple[str, str], str]`, filled in `for_council` with
  `person_ref_aliases(council.pk)`;
- `facts_table` computes
  `person_key(context.council_id, canonical_ref(context.aliases, source, citizen_ref))`
  instead of `person_key(context.council_id, citizen_ref)`.
"""

from __future__ import annotations

ANY_SOURCE = ""


def person_ref_aliases(council_id: int) -> dict[tuple[str, str], str]:
    """{(source, citizen_ref): canonical ref} for the council's merged people (empty when no
    merge is in force). A CRM reference is keyed under ANY_SOURCE: whichever system quotes it
    (the desktop, a telephony screen-pop), it names the same record. Two queries."""
    from frontdoor.citizens.merging import MERGED_SOURCE
    from frontdoor.citizens.models import ExternalReference, MergeStatus, PartyMerge

    merges = list(
        PartyMerge.objects.filter(council_id=council_id, status=MergeStatus.ACTIVE).values_list(
            "survivor_id", "survivor__reference", "merged_id", "merged_reference"
        )
    )
    if not merges:
        return {}
    survivor_of = {merged: survivor for survivor, _ref, merged, _mref in merges}
    reference_of = {survivor: ref for survivor, ref, _merged, _mref in merges}

    def final(party_id: int) -> int:
        seen = set()
        while party_id in survivor_of and party_id not in seen:
            seen.add(party_id)
            party_id = survivor_of[party_id]
        return party_id

    aliases: dict[tuple[str, str], str] = {}
    for survivor, reference, _merged, merged_reference in merges:
        target = reference_of[final(survivor)]
        aliases[(ANY_SOURCE, merged_reference)] = target
        aliases[(ANY_SOURCE, reference)] = target
    finals = {final(s) for s, _r, _m, _mr in merges}
    for party_id, source, source_id in ExternalReference.objects.filter(
        council_id=council_id, party_id__in=finals
    ).values_list("party_id", "source", "source_id"):
        if source != MERGED_SOURCE:
            aliases[(source, source_id)] = reference_of[party_id]
    return aliases


def canonical_ref(aliases: dict[tuple[str, str], str], source: str, citizen_ref: str) -> str:
    """The ref a contact's person key is computed from: the survivor's CRM reference for a
    merged person, else the citizen_ref itself."""
    if not aliases:
        return citizen_ref
    return aliases.get((source, citizen_ref)) or aliases.get((ANY_SOURCE, citizen_ref), citizen_ref)
