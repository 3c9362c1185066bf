"""Finding a person fast: the one search box of the agent desktop.

How a search runs (a handful of indexed statements, whatever the number of people):

1. The text is parsed (engine.query) into name tokens, identifier terms (phone, email,
   postcode, UPRN, reference; a digit string is tried as several) and a date of birth.
2. Candidates come from the search-key table in tiers, each tier only when the ones before it
   found too few: exact name tokens (enough when they fill the results: nothing later could
   rank above them); then near misses (typos, sound-alikes and nicknames, "Bob" for Robert
   and back, found through the name vocabulary in one read that also says how common each
   name is); then prefixes of partial names. In each tier the term expected to match fewest
   people drives an index range scan and every other term is an `EXISTS` probe into the
   candidate's own keys; when even the rarest term is common ("Dav Smit"), the common terms'
   keys are read once each and INTERSECTed instead. Restricted parties are filtered in the
   same statement, so the pool holds only what the viewer may find. The SQL is written by
   hand, as UNION ALL branches rather than ORs, because without statistics SQLite scans a
   whole kind of key for an OR.
3. The candidates' names, date of birth and primary address are read in one statement and
   ranked in Python by how closely their names meet what was typed (engine.ranking): an
   exact name first, a nickname below it; a result met through a nickname says which
   (`SearchResult.nicknames`).
4. The search is logged as ONE access-log entry: the query, sealed under a key of its own,
   and the ids of the results shown (not a view of each result).

The query is sealed under a per-search subject (`citizens.search:<uuid>`) because a search is
about no single person; `search_subjects_listing` finds the searches that listed a person so
that erasing them can destroy those keys too.

`likely_matches` is the same search, asked before a new person is recorded: the people already
recorded with the same or a similar name (every name token, exact, near, a nickname or partial,
as above)
who also share the date of birth, a postcode, a phone number or an email address. It is one
search's worth of statements (not the nightly duplicate run over everyone), plus one read of
which of the details each candidate shares; what it showed is logged as a search.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.audit.recorder import record_access
from frontdoor.core.models import Council, Sensitivity

from .engine.fuzzy import osa_distance
from .engine.keys import DELETION, accept_near, lookup_codes
from .engine.nicknames import token_variants
from .engine.normalise import (
    normalise_email,
    normalise_phone,
    normalise_postcode,
    prefix_upper_bound,
    query_name_tokens,
)
from .engine.query import EMAIL, PHONE, POSTCODE, IdentifierTerm, ParsedQuery, Probe, parse_query
from .engine.ranking import EXACT, ORDER_BONUS, Candidate, nickname_matches, rank
from .models import KEY_KINDS, KeyKind, NameVocabulary, Party, PartyKind, SearchKey
from .policies import require_read_people, visible_sensitivities

RESULTS = 20  # shown
POOL = 60  # candidates ranked; more than this and the agent is asked to add detail
SEARCH_VIEW = "citizens.search"
SEARCH_SUBJECT = "citizens.search"


@dataclass(frozen=True)
class Cond:
    """Keys of one kind that meet a term: some exact values, or one prefix."""

    kind: int
    values: tuple[str, ...]
    prefix: bool = False


# A term is met when any of its conditions is.
Term = tuple[Cond, ...]


@dataclass(frozen=True)
class SearchResult:
    """One person found: enough to tell two people apart, nothing more.

    A restricted party (found only by staff who may open restricted records) shows its name
    and date of birth but not where they live; opening it asks for a reason.
    """

    party_id: int
    reference: str
    kind: str
    display_name: str
    date_of_birth: Any
    postcode: str
    address_hint: str
    restricted: bool
    score: float
    # Why a name matched when it was through a nickname: (typed, recorded) pairs, such as
    # (("bob", "robert"),) for "Bob Smith" finding Robert Smith.
    nicknames: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    results: list[SearchResult]
    more: bool  # the pool was full: more people match than were ranked
    understood_as: tuple[str, ...]  # what the query was read as (name, phone, postcode...)
    access_entry_id: int | None


def search_parties(
    viewer: Any, council: Council, text: str, *, limit: int = RESULTS
) -> SearchOutcome:
    """Search the council's people and organisations; log the search as one access entry."""
    require_read_people(viewer, council)
    parsed = parse_query(text, today=council.local_date(timezone.now()))
    if parsed.empty:
        return SearchOutcome(text, [], False, (), None)
    allowed = visible_sensitivities(viewer, council)
    ids, more = candidate_ids(council.pk, parsed, allowed, POOL, shown=limit)
    results = _results(ids, parsed.names)[:limit]
    entry = log_search(viewer, council, text, [r.party_id for r in results])
    return SearchOutcome(text, results, more or len(ids) > limit, parsed.kinds, entry.pk)


# Why a person already recorded may be the one being added, in the order the page shows them.
SAME_NAME = "same_name"
SIMILAR_NAME = "similar_name"
# A given name recorded as a nickname of the one typed (Bob for Robert).
NICKNAME = "nickname"
SAME_BIRTH = "date_of_birth"
SAME_POSTCODE = POSTCODE
SAME_PHONE = PHONE
SAME_EMAIL = EMAIL
MATCHES = 10  # shown before a new person is added


@dataclass(frozen=True)
class PossibleMatch:
    """Someone already recorded who may be the person being added, and what they share.

    `result` is what the search shows of them (a restricted party's address is left out);
    `reasons` are the SAME_* and *_NAME codes above.
    """

    result: SearchResult
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MatchCheck:
    matches: list[PossibleMatch]
    more: bool  # more people match than are shown
    access_entry_id: int | None


def likely_matches(
    viewer: Any,
    council: Council,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    postcodes: Sequence[str] = (),
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
    limit: int = MATCHES,
) -> MatchCheck:
    """People already recorded who may be the person about to be added: every name token met
    (exactly, or near as the search finds it), and the same date of birth, postcode, phone
    number or email address. Only people the viewer may find; those sharing most come first.

    When any are found they are logged as one search (the details checked, sealed, and the
    ids shown), so erasing a person also reaches the checks that listed them.
    """
    require_read_people(viewer, council)
    names = tuple(query_name_tokens(f"{given_name} {family_name}"))
    probes: dict[Probe, None] = {}
    for kind, values, normalise in (
        (POSTCODE, postcodes, normalise_postcode),
        (PHONE, phones, normalise_phone),
        (EMAIL, emails, normalise_email),
    ):
        for value in values:
            if found := normalise(value):
                probes.setdefault(Probe(kind, found), None)
    if not names or not (probes or date_of_birth):
        return MatchCheck([], False, None)
    parsed = ParsedQuery(" ".join(names), names, (), date_of_birth)
    shared = IdentifierTerm("", tuple(probes)) if probes else None
    allowed = visible_sensitivities(viewer, council)
    ids, more = candidate_ids(council.pk, parsed, allowed, POOL, shown=limit, birth_or=shared)
    people = [r for r in _results(ids, names) if r.kind == PartyKind.PERSON]
    held = _keys_held([r.party_id for r in people], tuple(probes))
    matches = []
    for result in people:
        if result.score >= EXACT:
            reasons = [SAME_NAME]
        else:
            reasons = [NICKNAME if result.nicknames else SIMILAR_NAME]
        if date_of_birth is not None and result.date_of_birth == date_of_birth:
            reasons.append(SAME_BIRTH)
        kinds = held.get(result.party_id, set())
        reasons.extend(kind for kind in (SAME_POSTCODE, SAME_PHONE, SAME_EMAIL) if kind in kinds)
        matches.append(PossibleMatch(result, tuple(reasons)))
    # Most shared details first; then the closer name (the search's own order breaks ties).
    matches.sort(key=lambda match: (-len(match.reasons), -match.result.score))
    shown = matches[:limit]
    entry = None
    if shown:
        checked = [given_name, family_name, str(date_of_birth or ""), *postcodes, *phones, *emails]
        text = " ".join(value.strip() for value in checked if value and value.strip())
        entry = log_search(viewer, council, text, [m.result.party_id for m in shown])
    return MatchCheck(shown, more or len(matches) > limit, entry.pk if entry else None)


def _keys_held(party_ids: Sequence[int], probes: Sequence[Probe]) -> dict[int, set[str]]:
    """Which of the probed kinds (postcode, phone, email) each party holds a key for: one read."""
    if not party_ids or not probes:
        return {}
    wanted = Q()
    for probe in probes:
        wanted |= Q(kind=KEY_KINDS[probe.kind], key=probe.value)
    kind_names = {int(code): name for name, code in KEY_KINDS.items()}
    held: dict[int, set[str]] = {}
    for party_id, kind in SearchKey.objects.filter(wanted, party_id__in=party_ids).values_list(
        "party_id", "kind"
    ):
        held.setdefault(party_id, set()).add(kind_names[kind])
    return held


def log_search(viewer: Any, council: Council, text: str, result_ids: Sequence[int]) -> Any:
    """The one access entry of a search: the query sealed, and the ids of what it showed."""
    with transaction.atomic():
        return record_access(
            actor=viewer,
            view=SEARCH_VIEW,
            kind=AccessKind.SEARCH,
            object_type="citizens.party",
            council_id=council.pk,
            subject=f"{SEARCH_SUBJECT}:{uuid.uuid4().hex}",
            detail=text,
            result_ids=list(result_ids),
        )


def search_subjects_listing(party: Party) -> list[str]:
    """The subjects of the searches that showed `party` (their keys go when it is erased)."""
    wanted = str(party.pk)
    entries = AccessLogEntry.objects.filter(
        council_id=party.council_id, kind=AccessKind.SEARCH, view=SEARCH_VIEW
    ).values_list("subject", "result_ids")
    return [subject for subject, ids in entries.iterator() if wanted in (ids or [])]


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


def candidate_ids(
    council_id: int,
    parsed: ParsedQuery,
    allowed: tuple[str, ...],
    pool: int,
    shown: int = RESULTS,
    *,
    birth_or: IdentifierTerm | None = None,
) -> tuple[list[int], bool]:
    """Up to `pool` ids of parties that meet every term, best tiers first; and whether more do.

    When the exact tier alone fills the `shown` results, the later tiers stop there: whatever
    they add ranks below an exact match of every name, so it could never be shown.

    `birth_or` loosens the date of birth: a party meets it OR this term (with no date of
    birth, the term is simply one more term to meet).
    """
    identifiers = [_identifier_term(t) for t in parsed.identifiers]
    identifier_sizes = [_identifier_size(t) for t in parsed.identifiers]
    alternative: Term | None = None
    if birth_or is not None and parsed.date_of_birth is None:
        identifiers.append(_identifier_term(birth_or))
        identifier_sizes.append(_identifier_size(birth_or))
    elif birth_or is not None:
        # Either may be met, so neither can drive: it is checked on each candidate instead.
        alternative = _identifier_term(birth_or)
    full = [t for t in dict.fromkeys(parsed.names) if len(t) > 1]
    initials = [(Cond(KeyKind.NAME, (t,), prefix=True),) for t in parsed.names if len(t) == 1]
    restrict = None if set(allowed) >= set(Sensitivity.values) else allowed

    # Each tier: the name terms and how many parties each is expected to match.
    tiers: list[tuple[list[Term], list[float]]] = []
    near_sizes: list[float] = []
    people: dict[str, int] = {}
    partial_tokens: set[str] = set()
    exact_names: list[Term] | None = None
    if not full:
        tiers.append(([], []))
    else:
        near, people = _near_tokens(council_id, full)
        # A token the council has never stored cannot match exactly: skip that tier then.
        if all(people.get(t, 0) > 0 for t in full):
            exact_names = [(Cond(KeyKind.NAME, (t,)),) for t in full]
            tiers.append((exact_names, [float(people[t]) for t in full]))
        near_sizes = [float(sum(max(people.get(n, 0), 0) for n in near[t])) for t in full]
        if any(len(near[t]) > 1 for t in full):
            tiers.append(([(Cond(KeyKind.NAME, near[t]),) for t in full], near_sizes))
        # Prefixes are for partial names: a token the council does not hold, or a short one
        # (or, when nothing else was found, every token). A whole name keeps its near tokens.
        partial_tokens = {t for t in full if people.get(t, 0) <= 0 or len(t) <= 3} or set(full)
        tiers.append(
            (
                [
                    _prefixed(t, near[t]) if t in partial_tokens else (Cond(KeyKind.NAME, near[t]),)
                    for t in full
                ],
                [],  # sized only if this tier is reached (one more read)
            )
        )
    # When every token is a whole name and something was found, the (widest, dearest) prefix
    # tier is skipped.
    partly_typed = any(people.get(t, 0) <= 0 or len(t) <= 3 for t in full) if full else False
    found: dict[int, None] = {}
    for names, sizes in tiers:
        if len(sizes) < len(names):
            if found and not partly_typed:
                break
            sizes = _prefix_sizes(council_id, full, near_sizes, identifiers, partial_tokens)
        terms = [*identifiers, *names, *initials]
        # The term expected to match the fewest parties drives; initials only when alone.
        expected = [*identifier_sizes, *sizes, *[INF] * len(initials)]
        order = sorted(range(len(terms)), key=lambda i: (expected[i], i))
        ordered = [terms[i] for i in order]
        # Two or more common terms ("Dav Smit"): probing thousands of candidates one by one is
        # slower than reading each term's keys once and intersecting them.
        common = sum(1 for i in order if expected[i] >= INTERSECT_FROM and expected[i] < INF)
        together = common if common >= 2 and expected[order[0]] >= INTERSECT_FROM else 1
        for pk in _matching(
            council_id,
            ordered,
            parsed.date_of_birth,
            restrict,
            pool,
            intersect=together,
            alternative=alternative,
        ):
            found.setdefault(pk, None)
        if len(found) >= pool or (names is exact_names and len(found) >= shown):
            return list(found)[:pool], True
    if not found and len(full) >= 3:
        # "Mary Ann Jones" for a Mary Jones: keep the first and last names, drop the middle.
        kept = {full[0], full[-1]}
        names = [term for token, term in zip(full, tiers[-1][0], strict=True) if token in kept]
        terms = [*identifiers, *names, *initials]
        for pk in _matching(
            council_id, terms, parsed.date_of_birth, restrict, pool, alternative=alternative
        ):
            found.setdefault(pk, None)
    return list(found)[:pool], len(found) >= pool


INF = float("inf")
# From this many expected matches, two terms are intersected rather than one probed per match.
INTERSECT_FROM = 2000

# How many parties an identifier is expected to match, by kind: what orders the terms.
_IDENTIFIER_SIZES = {"email": 1, "phone": 2, "reference": 2, "uprn": 3, "postcode": 40}
PREFIX_POSTCODE_SIZE = 5000


def _identifier_size(term: IdentifierTerm) -> float:
    return sum(PREFIX_POSTCODE_SIZE if p.prefix else _IDENTIFIER_SIZES[p.kind] for p in term.probes)


def _prefixed(token: str, near: tuple[str, ...]) -> Term:
    """A partial name: its near tokens, and every token starting with it (the near tokens the
    prefix covers already are left out of the list, so no key is read twice).
    """
    listed = tuple(n for n in near if not n.startswith(token))
    prefix = Cond(KeyKind.NAME, (token,), prefix=True)
    return (Cond(KeyKind.NAME, listed), prefix) if listed else (prefix,)


def _prefix_sizes(
    council_id: int,
    full: list[str],
    near_sizes: list[float],
    identifiers: list[Term],
    partial: set[str],
) -> list[float]:
    """Expected matches of each name term in the prefix tier: the near tokens' counts plus, for
    a partial name, the counts of every token starting with it (one read, only when the order
    of several terms depends on it).
    """
    prefixed = [t for t in full if t in partial]
    if len(full) + len(identifiers) <= 1 or not prefixed:
        return list(near_sizes)
    table = connection.ops.quote_name(NameVocabulary._meta.db_table)
    selects: list[str] = []
    params: list[Any] = []
    for token in prefixed:
        bound = prefix_upper_bound(token)
        selects.append(
            f"(SELECT COALESCE(SUM(people), 0) FROM {table} WHERE council_id = %s "  # noqa: S608
            "AND code >= %s" + (" AND code < %s" if bound else "") + " AND code = 'd:' || token)"
        )
        params.extend([council_id, "d:" + token, *(["d:" + bound] if bound else [])])
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        extra = dict(zip(prefixed, cursor.fetchone(), strict=True))
    return [
        near + max(extra.get(token) or 0, 0) for token, near in zip(full, near_sizes, strict=True)
    ]


def _identifier_term(term: IdentifierTerm) -> Term:
    conditions: dict[tuple[int, bool], list[str]] = {}
    for probe in term.probes:
        conditions.setdefault((KEY_KINDS[probe.kind], probe.prefix), []).append(probe.value)
    out: list[Cond] = []
    for (kind, prefix), values in conditions.items():
        if prefix:
            out.extend(Cond(kind, (v,), prefix=True) for v in values)
        else:
            out.append(Cond(kind, tuple(values)))
    return tuple(out)


def _near_tokens(
    council_id: int, tokens: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """Each typed token with the real tokens near it (typos, sound-alikes, nicknames), and how
    many parties hold each token found: one read of the vocabulary.

    A nickname ("bob" for "robert", and back) is looked up in the same read, under the code
    every stored token is filed under as itself (its "deletion" of none): no read per variant.
    """
    codes = {t: lookup_codes(t) for t in tokens}
    variants = {t: token_variants(t) for t in tokens}
    every = sorted(
        set().union(*codes.values(), *({DELETION + v for v in vs} for vs in variants.values()))
    )
    hits = NameVocabulary.objects.filter(council_id=council_id, code__in=every).values_list(
        "code", "token", "people"
    )
    near: dict[str, dict[str, None]] = {t: {t: None} for t in tokens}
    people: dict[str, int] = {}
    for code, token, count in hits:
        people[token] = count
        for typed, wanted in codes.items():
            nickname = token in variants[typed] and code == DELETION + token
            if nickname or (code in wanted and accept_near(typed, token, code)):
                near[typed].setdefault(token, None)
    # Sound-alikes can be many for a short code; typos (checked by distance) and nicknames
    # come first.
    out: dict[str, tuple[str, ...]] = {}
    for typed, found in near.items():
        ordered = sorted(found, key=partial(_nearness, typed, variants[typed]))
        out[typed] = tuple(ordered[:200])
    return out, people


def _nearness(typed: str, nicknames: frozenset[str], token: str) -> tuple[int, str]:
    distance = osa_distance(typed, token, 3)
    return (min(distance, 1) if token in nicknames else distance, token)


def _table() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(SearchKey._meta.db_table), quote(Party._meta.db_table)


def _branches(term: Term, council_id: int) -> tuple[str, list[Any]]:
    """The parties with a key meeting the term: one index range scan per condition, UNION ALL.

    Written as separate scans rather than one OR: without statistics SQLite would scan every
    key of the kind and filter, instead of seeking each value or range.
    """
    keys, _ = _table()
    parts: list[str] = []
    params: list[Any] = []
    for cond in term:
        sql = f"SELECT party_id FROM {keys} WHERE council_id = %s AND kind = %s AND "  # noqa: S608
        if cond.prefix:
            bound = prefix_upper_bound(cond.values[0])
            sql += '"key" >= %s' + (' AND "key" < %s' if bound else "")
            params.extend([council_id, cond.kind, cond.values[0], *([bound] if bound else [])])
        else:
            sql += f'"key" IN ({", ".join(["%s"] * len(cond.values))})'
            params.extend([council_id, cond.kind, *cond.values])
        parts.append(sql)
    return " UNION ALL ".join(parts), params


def _probe(term: Term) -> tuple[str, list[Any]]:
    """EXISTS: the candidate has a key meeting the term (a seek into its own few keys)."""
    keys, _ = _table()
    conditions: list[str] = []
    params: list[Any] = []
    for cond in term:
        if cond.prefix:
            bound = prefix_upper_bound(cond.values[0])
            conditions.append(
                '(k.kind = %s AND k."key" >= %s' + (' AND k."key" < %s)' if bound else ")")
            )
            params.extend([cond.kind, cond.values[0], *([bound] if bound else [])])
        else:
            marks = ", ".join(["%s"] * len(cond.values))
            conditions.append(f'(k.kind = %s AND k."key" IN ({marks}))')
            params.extend([cond.kind, *cond.values])
    sql = (
        f"EXISTS (SELECT 1 FROM {keys} k WHERE k.party_id = d.party_id "  # noqa: S608
        f"AND ({' OR '.join(conditions)}))"
    )
    return sql, params


def _matching(
    council_id: int,
    terms: list[Term],
    birth: Any,
    restrict: tuple[str, ...] | None,
    limit: int,
    intersect: int = 1,
    alternative: Term | None = None,
) -> list[int]:
    """Ids of parties meeting every term (and the date of birth): one statement.

    The first `intersect` terms drive: one term's keys are read by index scans, several are
    each read once and INTERSECTed. Every other term is an EXISTS probe into the candidate's
    own keys; the party row is joined for the date of birth and sensitivity. With an
    `alternative`, the date of birth or a key meeting it will do.
    """
    _keys, parties = _table()
    filters: list[str] = []
    params: list[Any] = []
    if terms:
        drivers = []
        for position, term in enumerate(terms[:intersect]):
            sql, term_params = _branches(term, council_id)
            drivers.append(f"SELECT party_id FROM ({sql}) t{position}")  # noqa: S608
            params.extend(term_params)
        source = f"({' INTERSECT '.join(drivers)}) d JOIN {parties} p ON p.id = d.party_id"
        for term in terms[intersect:]:
            probe, probe_params = _probe(term)
            filters.append(probe)
            params.extend(probe_params)
    elif birth is not None:
        source = f"(SELECT id AS party_id FROM {parties} WHERE council_id = %s) d "  # noqa: S608
        source += f"JOIN {parties} p ON p.id = d.party_id"
        params = [council_id]
    else:
        return []
    if birth is not None and alternative is not None:
        probe, probe_params = _probe(alternative)
        filters.append(f"(p.date_of_birth = %s OR {probe})")
        params.extend([connection.ops.adapt_datefield_value(birth), *probe_params])
    elif birth is not None:
        filters.append("p.date_of_birth = %s")
        params.append(connection.ops.adapt_datefield_value(birth))
    if restrict is not None:
        filters.append(f"p.sensitivity IN ({', '.join(['%s'] * len(restrict))})")
        params.extend(restrict)
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    # No DISTINCT: it would make both databases find every match before returning the first;
    # a party met through two keys comes twice, so fetch twice the limit and drop repeats here.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.party_id FROM {source}{where} LIMIT %s",  # noqa: S608
            [*params, 2 * limit],
        )
        return list(dict.fromkeys(row[0] for row in cursor.fetchall()))[:limit]


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

_RESULT_FIELDS = (
    "pk",
    "reference",
    "kind",
    "sensitivity",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "organisation_name",
    "date_of_birth",
    "home__text",
    "home__postcode",
)


def _results(ids: list[int], typed: Sequence[str]) -> list[SearchResult]:
    """The candidates read in one statement, ranked, as results."""
    if not ids:
        return []
    rows = {
        row["pk"]: row
        for row in Party.objects.filter(pk__in=ids)
        .annotate(home=FilteredRelation("addresses", condition=Q(addresses__is_primary=True)))
        .values(*_RESULT_FIELDS)
    }
    candidates = [
        Candidate(
            party_id=row["pk"],
            given_name=row["given_name"],
            middle_names=row["middle_names"],
            family_name=row["family_name"],
            preferred_name=row["preferred_name"],
            organisation_name=row["organisation_name"],
            date_of_birth=row["date_of_birth"],
        )
        for row in rows.values()
    ]
    # Only a typed name with nicknames, in a result that is not a perfect match of every name,
    # can have been met through a nickname: the rest are not looked at again.
    nicknamed = any(token_variants(t) for t in typed)
    results = []
    for score, candidate in rank(typed, candidates):
        row = rows[candidate.party_id]
        restricted = row["sensitivity"] != Sensitivity.NORMAL
        party = Party(
            kind=row["kind"],
            given_name=row["given_name"],
            family_name=row["family_name"],
            preferred_name=row["preferred_name"],
            organisation_name=row["organisation_name"],
        )
        text = row["home__text"] or ""
        results.append(
            SearchResult(
                party_id=row["pk"],
                reference=row["reference"],
                kind=row["kind"],
                display_name=party.display_name,
                date_of_birth=row["date_of_birth"],
                postcode="" if restricted else (row["home__postcode"] or ""),
                address_hint="" if restricted else _first_line(text),
                restricted=restricted,
                score=round(score, 4),
                nicknames=nickname_matches(typed, candidate)
                if nicknamed and score < EXACT + ORDER_BONUS
                else (),
            )
        )
    return results


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0].strip() if stripped else ""
