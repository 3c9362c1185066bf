"""Nicknames: "Bob" is Robert, "Peggy" Margaret, "Bill" William, "Liz" Elizabeth.

A resident known as Bob to one service and Robert to another is one person; a search for one
should find the other, and the duplicate finder should count the pair as a partial agreement of
given names, not a disagreement. The relation comes from the `nicknames` package (a
hand-curated list of English given names and their nicknames, Apache-2.0, carltonnorthern/
nicknames), read from the file inside the installed package: nothing is downloaded.

Two names are nickname-equivalent when the list relates them directly, either way round: Bob
and Robert, Robert and Bob. Names that only share a third name (Peggy and Maggie, both
Margaret) are not: going through a third name reaches too far in a list where some nicknames
are names in their own right (Bob to Robert to Bill). The relation is read once per process.

Pure: values in, values out, no Django.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from nicknames import name_triplets

from .normalise import fold

_NOT_LETTER = re.compile(r"[^a-z]+")


def name_key(name: str) -> str:
    """A given name as the relation holds it: lower case, no accents, letters only."""
    return _NOT_LETTER.sub("", fold(name).replace("'", "").replace("\u2019", ""))


@cache
def _relation() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(nicknames of each name, names each nickname is short for), read once.

    Entries that are not plain names after folding (initials written "l.b.") and a name
    listed as its own nickname are left out.
    """
    nicknames: dict[str, set[str]] = {}
    canonicals: dict[str, set[str]] = {}
    for name, relationship, nickname in name_triplets():
        if relationship != "has_nickname":
            continue
        if not (name.isalpha() and nickname.isalpha()):
            continue
        full, short = name_key(name), name_key(nickname)
        if not full or not short or full == short:
            continue
        nicknames.setdefault(full, set()).add(short)
        canonicals.setdefault(short, set()).add(full)
    return (
        {k: frozenset(v) for k, v in nicknames.items()},
        {k: frozenset(v) for k, v in canonicals.items()},
    )


def nicknames_of(name: str) -> frozenset[str]:
    """The nicknames the list gives for a name: "Robert" -> {"bob", "rob", "bobby", ...}."""
    return _relation()[0].get(name_key(name), frozenset())


def canonical_forms(name: str) -> frozenset[str]:
    """The names a nickname is short for: "Bob" -> {"robert", ...}; empty for a name that is
    nobody's nickname ("Zebedee") or unknown to the list."""
    return _relation()[1].get(name_key(name), frozenset())


# Bounded: the keys asked about include whatever agents type, for as long as the process runs.
@lru_cache(maxsize=8192)
def token_variants(key: str) -> frozenset[str]:
    """`nickname_variants` of a name already folded into a key (a search token): cached, for
    the hot paths that ask about the same few tokens many times."""
    nicknames, canonicals = _relation()
    return (nicknames.get(key, frozenset()) | canonicals.get(key, frozenset())) - {key}


def nickname_variants(name: str) -> frozenset[str]:
    """Every name nickname-equivalent to `name` (its nicknames and what it is short for),
    folded like name tokens, without the name itself. Empty for an unknown name."""
    return token_variants(name_key(name))


def are_nickname_equivalent(one: str, other: str) -> bool:
    """Whether two different given names are a nickname and its name, either way round.

    The same name is not a nickname of itself (False): callers check equality first.
    """
    a, b = name_key(one), name_key(other)
    return bool(a) and bool(b) and a != b and b in token_variants(a)
