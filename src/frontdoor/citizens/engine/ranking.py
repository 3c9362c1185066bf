"""Ranking search candidates: the closest names first, then alphabetical.

The database finds candidates through indexed keys (exact tokens, near misses, sound-alikes,
prefixes); this module scores how well each candidate's names meet the typed name tokens, so a
perfect match outranks a typo, which outranks a nickname ("Bob" for Robert), which outranks a
sound-alike, which outranks a bare prefix.
Identifiers (phone, email, postcode...) are filters already: every candidate meets them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .fuzzy import allowed_edits, osa_distance
from .nicknames import token_variants
from .normalise import name_tokens
from .phonetic import phonetic_codes

EXACT = 1.0
ONE_EDIT = 0.85
NICKNAME = 0.8  # "bob" for "robert" and back: below a slip of one letter in what was typed
TWO_EDITS = 0.7
SOUNDS_ALIKE = 0.65
INITIAL = 0.6
PREFIX_BASE = 0.6  # plus up to 0.25 for how much of the name the prefix covers
ORDER_BONUS = 0.02  # the first token met a given name and the last a family name


@dataclass(frozen=True)
class Candidate:
    """What ranking needs of a person (or organisation) the database found."""

    party_id: int
    given_name: str = ""
    middle_names: str = ""
    family_name: str = ""
    preferred_name: str = ""
    organisation_name: str = ""
    date_of_birth: dt.date | None = None


def token_score(typed: str, stored: str) -> float:
    """How well one typed token meets one stored name token (0 when it does not)."""
    if typed == stored:
        return EXACT
    if len(typed) == 1:
        return INITIAL if stored.startswith(typed) else 0.0
    limit = allowed_edits(typed)
    best = 0.0
    if stored.startswith(typed):
        best = PREFIX_BASE + 0.25 * len(typed) / len(stored)
    if limit:
        distance = osa_distance(typed, stored, limit)
        if distance == 1:
            best = max(best, ONE_EDIT)
        elif distance == 2 and limit >= 2:
            best = max(best, TWO_EDITS)
    if best < NICKNAME and stored in token_variants(typed):
        best = NICKNAME
    sounds_alike = best < SOUNDS_ALIKE and len(typed) >= 3
    if sounds_alike and set(phonetic_codes(typed)) & set(phonetic_codes(stored)):
        best = SOUNDS_ALIKE
    return best


def name_score(typed: Sequence[str], candidate: Candidate) -> float:
    """The mean, over typed tokens, of each one's best score against the candidate's names."""
    if not typed:
        return EXACT
    given = name_tokens(candidate.given_name, candidate.preferred_name)
    family = name_tokens(candidate.family_name)
    others = name_tokens(candidate.middle_names, candidate.organisation_name)
    every = [*given, *family, *others]
    if not every:
        return 0.0
    total = sum(max(token_score(t, s) for s in every) for t in typed)
    score = total / len(typed)
    if (
        len(typed) > 1
        and given
        and family
        and max(token_score(typed[0], s) for s in given) >= INITIAL
        and max(token_score(typed[-1], s) for s in family) >= INITIAL
    ):
        score += ORDER_BONUS
    return score


def nickname_matches(typed: Sequence[str], candidate: Candidate) -> tuple[tuple[str, str], ...]:
    """The typed tokens a candidate meets best through a nickname, each with the name it meets:
    (("bob", "robert"),) for "Bob Smith" against Robert Smith. What explains such a match."""
    every = name_tokens(
        candidate.given_name,
        candidate.preferred_name,
        candidate.family_name,
        candidate.middle_names,
        candidate.organisation_name,
    )
    found: list[tuple[str, str]] = []
    for token in typed:
        variants = token_variants(token)
        if not variants:
            continue
        scored = [(token_score(token, stored), stored) for stored in every]
        best = max((score for score, _ in scored), default=0.0)
        # Met best by a nickname: never when the typed name itself is there, nor when a slip of a
        # letter explains it better (Sara for Sarah is a spelling, though the list pairs them).
        nicknames = [stored for score, stored in scored if score == best and stored in variants]
        if best == NICKNAME and nicknames:
            found.append((token, nicknames[0]))
    return tuple(found)


def rank(typed: Sequence[str], candidates: Iterable[Candidate]) -> list[tuple[float, Candidate]]:
    """Candidates best first: by name score, then family name, given name and date of birth."""
    scored = [(name_score(typed, c), c) for c in candidates]
    scored.sort(
        key=lambda pair: (
            -round(pair[0], 6),
            (pair[1].family_name or pair[1].organisation_name).casefold(),
            pair[1].given_name.casefold(),
            pair[1].date_of_birth or dt.date.max,
            pair[1].party_id,
        )
    )
    return scored
