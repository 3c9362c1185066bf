"""What was typed into the one search box: names, and identifiers of every kind.

The box takes a name (whole, partial or misspelt), a phone number, an email address, a postcode
(whole or its first half), a UPRN, a reference in another council system, a date of birth, or
several of these together ("Jones SW1A 1AA", "Sarah Jones 12/03/1980"). Each identifier becomes a
term with the probes (kind of key, value, prefix or exact) any of which may match it; a digit
string is tried as a phone number, a UPRN and a reference at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .normalise import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_reference,
    normalise_uprn,
    postcode_prefix,
    query_name_tokens,
)

MAX_QUERY_LENGTH = 200

# Key kinds, as the search-key table names them.
PHONE = "phone"
EMAIL = "email"
POSTCODE = "postcode"
UPRN = "uprn"
REFERENCE = "reference"

# Lower is more selective: the search starts from the most selective term.
_SELECTIVITY = {EMAIL: 0, PHONE: 0, REFERENCE: 0, UPRN: 0, POSTCODE: 1}
PREFIX_SELECTIVITY = 4

_EMAIL_IN_TEXT = re.compile(r"[^\s@,;]+@[^\s@,;]+")
_DMY = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+?\(?\d[\d\s\-().]{7,}\d")


@dataclass(frozen=True)
class Probe:
    """One way a term may meet a stored key: its kind, value, and whether it is a prefix."""

    kind: str
    value: str
    prefix: bool = False

    @property
    def selectivity(self) -> int:
        return PREFIX_SELECTIVITY if self.prefix else _SELECTIVITY[self.kind]


@dataclass(frozen=True)
class IdentifierTerm:
    """A typed identifier: a person matches it when any of its probes meets one of their keys."""

    text: str
    probes: tuple[Probe, ...]

    @property
    def selectivity(self) -> int:
        return max(p.selectivity for p in self.probes)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    names: tuple[str, ...]
    identifiers: tuple[IdentifierTerm, ...]
    date_of_birth: dt.date | None = None

    @property
    def empty(self) -> bool:
        return not (self.names or self.identifiers or self.date_of_birth)

    @property
    def kinds(self) -> tuple[str, ...]:
        """What the query holds (for the benchmark's mix and the access log's view)."""
        found = []
        if self.names:
            found.append("name")
        found.extend(sorted({p.kind for t in self.identifiers for p in t.probes}))
        if self.date_of_birth:
            found.append("date_of_birth")
        return tuple(found)


def parse_query(text: str, today: dt.date) -> ParsedQuery:
    """Split what was typed into name tokens, identifier terms and a date of birth.

    `today` decides the century of a two-digit year (a date of birth is never in the future).
    """
    rest = " ".join(text.split())[:MAX_QUERY_LENGTH]
    identifiers: list[IdentifierTerm] = []
    birth: dt.date | None = None

    def cut(match: re.Match[str]) -> str:
        return " "

    for match in _EMAIL_IN_TEXT.finditer(rest):
        email = normalise_email(match.group(0))
        if email:
            identifiers.append(IdentifierTerm(match.group(0), (Probe(EMAIL, email),)))
    rest = _EMAIL_IN_TEXT.sub(cut, rest)

    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_DMY, (2, 1, 0))):
        for match in pattern.finditer(rest):
            parts = [match.group(i + 1) for i in order]
            found = _date(parts[0], parts[1], parts[2], today)
            if found and birth is None:
                birth = found
        rest = pattern.sub(cut, rest)

    # Names are folded to lower case later, so the rest can be read in upper case here.
    rest = rest.upper()
    for match in _POSTCODE_IN_TEXT.finditer(rest):
        identifiers.append(
            IdentifierTerm(match.group(0), (Probe(POSTCODE, match.group(1) + match.group(2)),))
        )
    rest = _POSTCODE_IN_TEXT.sub(cut, rest)

    for match in _PHONE_IN_TEXT.finditer(rest):
        term = _digits_term(match.group(0))
        if term:
            identifiers.append(term)
    rest = _PHONE_IN_TEXT.sub(cut, rest)

    names: list[str] = []
    for chunk in re.split(r"[\s,;]+", rest):
        if not chunk:
            continue
        if any(c.isdigit() for c in chunk):
            term = _identifier_chunk(chunk)
            if term:
                identifiers.append(term)
        else:
            names.extend(query_name_tokens(chunk))
    return ParsedQuery(
        text=text,
        names=tuple(dict.fromkeys(names)),
        identifiers=tuple(identifiers),
        date_of_birth=birth,
    )


def _date(year: str, month: str, day: str, today: dt.date) -> dt.date | None:
    number = int(year)
    if len(year) == 2:
        number += 2000 if number <= today.year % 100 else 1900
    try:
        found = dt.date(number, int(month), int(day))
    except ValueError:
        return None
    return found if dt.date(1890, 1, 1) <= found <= today else None


def _digits_term(text: str) -> IdentifierTerm | None:
    """A run of digits (with the spaces and dashes phone numbers are written with)."""
    probes: list[Probe] = []
    phone = normalise_phone(text)
    if phone:
        probes.append(Probe(PHONE, phone))
    compact = "".join(c for c in text if c.isdigit())
    if not text.strip().startswith(("+", "0")):
        uprn = normalise_uprn(compact)
        if uprn:
            probes.append(Probe(UPRN, uprn))
    if compact:
        probes.append(Probe(REFERENCE, compact))
    return IdentifierTerm(text.strip(), tuple(dict.fromkeys(probes))) if probes else None


def _identifier_chunk(chunk: str) -> IdentifierTerm | None:
    """A word with digits in it: a reference, a UPRN, a phone number or half a postcode."""
    probes: list[Probe] = []
    reference = normalise_reference(chunk)
    if reference:
        probes.append(Probe(REFERENCE, reference))
    if chunk.isdigit():
        uprn = normalise_uprn(chunk)
        if uprn and not chunk.startswith("0"):
            probes.append(Probe(UPRN, uprn))
        phone = normalise_phone(chunk)
        if phone:
            probes.append(Probe(PHONE, phone))
    full = normalise_postcode(chunk)
    if full:
        probes.append(Probe(POSTCODE, full))
    else:
        partial = postcode_prefix(chunk)
        if partial:
            probes.append(Probe(POSTCODE, partial, prefix=True))
    return IdentifierTerm(chunk, tuple(probes)) if probes else None
