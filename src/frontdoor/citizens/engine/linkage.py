"""Probabilistic record linkage: which records are probably the same person, and why.

Fellegi-Sunter, as Splink (the Ministry of Justice's library) implements it on DuckDB: each pair
of records that shares a blocking key is compared field by field; each field's outcome (same,
a nickname of the other for a given name, nearly the same, sounds alike, different, missing)
carries a match weight, log2(m/u), where m is how often true matches show that outcome and u
how often non-matches do. The weights add up to a
match weight; with the prior it gives a match probability. Exact agreement on a common value
("Smith", a busy postcode) says less than on a rare one ("Przybylski"): term-frequency
adjustments scale those weights by how common the value is.

Nothing is labelled: u comes from random pairs (almost all non-matches), the prior from strict
rules that rarely admit a false match, and m from expectation maximisation over blocked pairs.

The product (citizens/duplicates.py) and the FEBRL benchmark (benchmarks/febrl_linkage.py) both
call `find_duplicates` or `link_records` here, so the figures measured are those of the product.
Pure: values in, values out, no Django. DuckDB runs in memory for one call and is closed after.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .nicknames import token_variants
from .normalise import fold
from .phonetic import phonetic_codes

# Fields compared, in the order evidence is shown.
FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "locality",
    "phones",
    "emails",
)

# What each outcome of a comparison is, for the evidence.
AGREE = "agree"
PARTIAL = "partial"
DISAGREE = "disagree"
MISSING = "missing"

# The level of a given name that is a nickname of the other ("Bill", "William").
NICKNAME_LEVEL = "One a nickname of the other"

_SPACES = re.compile(r"\s+")
_NOT_NAME = re.compile(r"[^a-z ]+")
_NOT_ADDRESS = re.compile(r"[^a-z0-9 ]+")
_UK_POSTCODE = "^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LinkRecord:
    """One record to compare. Empty strings and empty tuples mean "not known".

    `address` is the first line (house and street); `locality` the town or district; the
    date of birth is ISO ("1980-03-12"), or any text (compared as text) when only that is known.
    """

    record_id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    address: str = ""
    locality: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldEvidence:
    """How one field compared: the outcome, Splink's level, and its match weight (log2 of the
    Bayes factor, term-frequency adjustment included). Never the values themselves."""

    field: str
    verdict: str  # AGREE, PARTIAL, DISAGREE or MISSING
    level: str
    weight: float


@dataclass(frozen=True)
class ScoredPair:
    """Two records that are probably one person: ids in a stable order (left < right)."""

    left_id: str
    right_id: str
    probability: float
    match_weight: float
    evidence: tuple[FieldEvidence, ...]


@dataclass(frozen=True)
class LinkageSettings:
    """How a run compares and decides.

    `threshold` is the match probability a pair must reach. `u_sample_pairs` bounds the random
    pairs that estimate u (more is steadier and slower). `prior_recall` is how much of the truth
    the strict rules (same names and date of birth; same family name, date of birth and
    postcode; same names and address) are taken to find when the prior is estimated.

    m starts from each comparison's stated m probabilities (what a true match usually looks
    like: the same name 85% of the time...) and expectation maximisation re-estimates it from
    the data, given at least `min_records_for_em` records: on fewer, EM has too few true pairs
    to learn from and overfits, so the stated values stand.
    """

    threshold: float = 0.9
    u_sample_pairs: float = 2e6
    prior_recall: float = 0.7
    max_em_iterations: int = 25
    min_records_for_em: int = 1000
    seed: int = 1


@dataclass(frozen=True)
class LinkageResult:
    pairs: list[ScoredPair]
    records: int
    fields_used: tuple[str, ...]
    prior: float
    seconds: float
    # The model as trained: for each field, its levels with their m, u and weight.
    model: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Normal forms
# --------------------------------------------------------------------------------------------


def clean_name(text: str) -> str:
    """Lower case, no accents or punctuation, one space between parts: "O'Brien-Smith" ->
    "obrien smith"."""
    folded = fold(text).replace("'", "").replace("\u2019", "").replace("-", " ")
    return _SPACES.sub(" ", _NOT_NAME.sub(" ", folded)).strip()


def clean_address(text: str) -> str:
    """An address line in a comparable form: "Flat 2, 14 Cathedral Rd." -> "flat 2 14 cathedral
    rd"."""
    return _SPACES.sub(" ", _NOT_ADDRESS.sub(" ", fold(text))).strip()


def clean_postcode(text: str) -> str:
    """Upper case with no spaces: "cf10 1ep" -> "CF10 1EP" compact as "CF101EP"."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def clean_date(text: str) -> str:
    """An ISO date as it is; "19800312" as "1980-03-12"; anything else as digits (still
    compared as text, so a typo is a near miss)."""
    value = text.strip()
    if _ISO_DATE.match(value):
        return value
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return digits


def _sounds(name: str) -> list[str] | None:
    codes: set[str] = set()
    for part in name.split():
        codes.update(phonetic_codes(part))
    return sorted(codes) or None


def _first_sound(name: str) -> str | None:
    parts = name.split()
    if not parts:
        return None
    codes = phonetic_codes(parts[-1])
    return codes[0] if codes else None


def _given_nicknames(name: str) -> tuple[list[str] | None, list[str] | None]:
    """The parts of a cleaned given name, and every name a part is a nickname of or for
    ("bill" -> william, willie, ...): what the nickname level compares."""
    parts = sorted(set(name.split()))
    variants = sorted({v for part in parts for v in token_variants(part)} - set(parts))
    return parts or None, variants or None


def _row(record: LinkRecord) -> dict[str, Any]:
    given = clean_name(record.given_name)
    family = clean_name(record.family_name)
    given_parts, given_nicknames = _given_nicknames(given)
    phones = sorted({p for p in ("".join(c for c in x if c.isdigit()) for x in record.phones) if p})
    emails = sorted({e.strip().lower() for e in record.emails if e.strip()})
    return {
        "unique_id": record.record_id,
        "given_name": given or None,
        "family_name": family or None,
        "given_sounds": _sounds(given),
        "family_sounds": _sounds(family),
        "family_sound": _first_sound(family),
        "given_sound": _first_sound(given),
        "given_parts": given_parts,
        "given_nicknames": given_nicknames,
        "date_of_birth": clean_date(record.date_of_birth) or None,
        "postcode": clean_postcode(record.postcode) or None,
        "address": clean_address(record.address) or None,
        "locality": clean_name(record.locality) or None,
        "phones": phones or None,
        "emails": emails or None,
    }


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def _comparisons(fields: Sequence[str]) -> list[Any]:
    """One Splink comparison per field in use, its levels labelled in plain words (the labels
    are what the candidates page shows)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def missing(column: str) -> Any:
        return cll.NullLevel(column).configure(label_for_charts="Missing")

    def name(column: str, sounds: str, description: str, initial: bool) -> Any:
        levels: list[Any] = [
            missing(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
                label_for_charts="Same"
            ),
        ]
        if initial:  # the given name: "Bill" and "William", "Peggy" and "Margaret"
            levels.append(nickname())
        levels += [
            cll.JaroWinklerLevel(column, 0.92).configure(label_for_charts="Nearly the same"),
            cll.ArrayIntersectLevel(sounds, 1).configure(label_for_charts="Sounds alike"),
            cll.JaroWinklerLevel(column, 0.8).configure(label_for_charts="Similar"),
        ]
        if initial:
            levels.append(
                cll.CustomLevel(
                    f"substr({column}_l, 1, 1) = substr({column}_r, 1, 1)", column
                ).configure(label_for_charts="Same initial")
            )
        levels.append(cll.ElseLevel().configure(label_for_charts="Different"))
        m = (
            [0.82, 0.03, 0.06, 0.03, 0.02, 0.02, 0.02]
            if initial
            else [0.85, 0.07, 0.03, 0.02, 0.03]
        )
        return cl.CustomComparison(
            levels, output_column_name=column, comparison_description=description
        ).configure(m_probabilities=m)

    def nickname() -> Any:
        # A part of one given name is a nickname of, or the name for, a part of the other, and
        # no part is the same ("Mary Ann" and "Mary" are a near miss, not a nickname). The
        # relation is symmetric, so one side's nicknames meeting the other's parts is enough.
        # Spellings one letter apart that the list also holds ("Sara", "Sarah") stay "Nearly
        # the same", as a one-letter slip outranks a nickname in the search.
        sql = (
            "list_has_any(given_nicknames_l, given_parts_r) "
            "AND NOT list_has_any(given_parts_l, given_parts_r) "
            "AND damerau_levenshtein(given_name_l, given_name_r) > 1"
        )
        return cll.CustomLevel(sql, "given_name").configure(label_for_charts=NICKNAME_LEVEL)

    def date_of_birth() -> Any:
        column = "date_of_birth"
        swapped = (
            "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4) AND "
            "substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2) AND "
            "substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)"
        )
        within_year = (
            "abs(date_diff('day', try_cast(date_of_birth_l AS DATE), "
            "try_cast(date_of_birth_r AS DATE))) <= 366"
        )
        return cl.CustomComparison(
            [
                missing(column),
                cll.ExactMatchLevel(column).configure(label_for_charts="Same"),
                cll.DamerauLevenshteinLevel(column, 1).configure(
                    label_for_charts="One digit different or two swapped"
                ),
                cll.CustomLevel(swapped, column).configure(
                    label_for_charts="Day and month swapped"
                ),
                cll.CustomLevel(within_year, column).configure(label_for_charts="Within a year"),
                cll.ElseLevel().configure(label_for_charts="Different"),
            ],
            output_column_name=column,
            comparison_description="date of birth",
        ).configure(m_probabilities=[0.9, 0.05, 0.01, 0.02, 0.02])

    def postcode() -> Any:
        column = "postcode"
        uk = (
            f"regexp_matches(postcode_l, '{_UK_POSTCODE}') AND "
            f"regexp_matches(postcode_r, '{_UK_POSTCODE}')"
        )
        sector = f"{uk} AND left(postcode_l, -2) = left(postcode_r, -2)"
        district = f"{uk} AND left(postcode_l, -3) = left(postcode_r, -3)"
        return cl.CustomComparison(
            [
                missing(column),
                cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
                    label_for_charts="Same"
                ),
                cll.DamerauLevenshteinLevel(column, 1).configure(
                    label_for_charts="One character different"
                ),
                cll.CustomLevel(sector, column).configure(label_for_charts="Same sector"),
                cll.CustomLevel(district, column).configure(label_for_charts="Same district"),
                cll.ElseLevel().configure(label_for_charts="Different"),
            ],
            output_column_name=column,
            comparison_description="postcode",
        ).configure(m_probabilities=[0.8, 0.03, 0.05, 0.04, 0.08])

    def text(column: str, thresholds: Sequence[float], description: str, m: list[float]) -> Any:
        levels: list[Any] = [
            missing(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
                label_for_charts="Same"
            ),
        ]
        labels = ("Nearly the same", "Similar")
        for threshold, label in zip(thresholds, labels, strict=False):
            levels.append(cll.JaroWinklerLevel(column, threshold).configure(label_for_charts=label))
        levels.append(cll.ElseLevel().configure(label_for_charts="Different"))
        return cl.CustomComparison(
            levels, output_column_name=column, comparison_description=description
        ).configure(m_probabilities=m)

    def shared(column: str, label: str, description: str) -> Any:
        return cl.CustomComparison(
            [
                missing(column),
                cll.ArrayIntersectLevel(column, 1).configure(label_for_charts=label),
                cll.ElseLevel().configure(label_for_charts="None in common"),
            ],
            output_column_name=column,
            comparison_description=description,
        ).configure(m_probabilities=[0.6, 0.4])

    builders = {
        "given_name": lambda: name("given_name", "given_sounds", "given name", initial=True),
        "family_name": lambda: name("family_name", "family_sounds", "family name", initial=False),
        "date_of_birth": date_of_birth,
        "postcode": postcode,
        "address": lambda: text("address", (0.9, 0.75), "address", [0.7, 0.1, 0.05, 0.15]),
        "locality": lambda: text("locality", (0.88,), "town or district", [0.85, 0.05, 0.1]),
        "phones": lambda: shared("phones", "A number in common", "phone numbers"),
        "emails": lambda: shared("emails", "An address in common", "email addresses"),
    }
    return [builders[f]() for f in fields]


def _blocking_rules(fields: Sequence[str]) -> list[Any]:
    """Which pairs are compared at all: those sharing a family name and initial, a date of
    birth, a postcode, an address line, the sound of both names, a phone or an email. A true
    pair with typos in all of these is lost; every other pair costs one comparison."""
    from splink import block_on

    rules: list[Any] = []
    if {"family_name", "given_name"} <= set(fields):
        rules.append(block_on("family_name", "substr(given_name, 1, 1)"))
        rules.append(block_on("family_sound", "given_sound"))
    if "date_of_birth" in fields:
        rules.append(block_on("date_of_birth"))
    if "postcode" in fields:
        rules.append(block_on("postcode"))
    if "address" in fields:
        rules.append(block_on("address"))
    if "phones" in fields:
        rules.append(block_on("phones", arrays_to_explode=["phones"]))
    if "emails" in fields:
        rules.append(block_on("emails", arrays_to_explode=["emails"]))
    return rules


def _deterministic_rules(fields: Sequence[str]) -> list[Any]:
    """Rules that almost never pair two different people: for estimating the prior."""
    from splink import block_on

    rules: list[Any] = []
    if {"given_name", "family_name", "date_of_birth"} <= set(fields):
        rules.append(block_on("given_name", "family_name", "date_of_birth"))
    if {"family_name", "date_of_birth", "postcode"} <= set(fields):
        rules.append(block_on("family_name", "date_of_birth", "postcode"))
    if {"given_name", "family_name", "address"} <= set(fields):
        rules.append(block_on("given_name", "family_name", "address"))
    return rules


def _training_rules(fields: Sequence[str]) -> list[Any]:
    """Blocks for expectation maximisation: each leaves out fields the next one trains."""
    from splink import block_on

    rules: list[Any] = []
    if "date_of_birth" in fields:
        rules.append(block_on("date_of_birth"))
    if "postcode" in fields:
        rules.append(block_on("postcode"))
    if {"family_name", "given_name"} <= set(fields):
        rules.append(block_on("family_name", "given_name"))
    return rules


def fields_present(rows: Iterable[dict[str, Any]]) -> tuple[str, ...]:
    """Fields that at least two records hold: a field nobody holds tells the model nothing."""
    counts = dict.fromkeys(FIELDS, 0)
    for row in rows:
        for name in FIELDS:
            if row[name] is not None:
                counts[name] += 1
    return tuple(name for name in FIELDS if counts[name] >= 2)


# --------------------------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------------------------


def find_duplicates(
    records: Sequence[LinkRecord], settings: LinkageSettings | None = None
) -> LinkageResult:
    """Pairs of records within one list that are probably the same person."""
    return _run([records], settings or LinkageSettings())


def link_records(
    left: Sequence[LinkRecord],
    right: Sequence[LinkRecord],
    settings: LinkageSettings | None = None,
) -> LinkageResult:
    """Pairs across two lists (one record from each) that are probably the same person."""
    return _run([left, right], settings or LinkageSettings())


def _run(datasets: Sequence[Sequence[LinkRecord]], settings: LinkageSettings) -> LinkageResult:
    import logging

    import pyarrow as pa
    from splink import DuckDBAPI, Linker, SettingsCreator

    began = time.perf_counter()
    tables = [[_row(r) for r in records] for records in datasets]
    all_rows = [row for table in tables for row in table]
    records = len(all_rows)
    fields = fields_present(all_rows)
    if records < 2 or not fields:
        return LinkageResult([], records, fields, 0.0, time.perf_counter() - began)
    linking = len(datasets) == 2
    schema = pa.schema(
        [
            ("unique_id", pa.string()),
            ("given_name", pa.string()),
            ("family_name", pa.string()),
            ("given_sounds", pa.list_(pa.string())),
            ("family_sounds", pa.list_(pa.string())),
            ("family_sound", pa.string()),
            ("given_sound", pa.string()),
            ("given_parts", pa.list_(pa.string())),
            ("given_nicknames", pa.list_(pa.string())),
            ("date_of_birth", pa.string()),
            ("postcode", pa.string()),
            ("address", pa.string()),
            ("locality", pa.string()),
            ("phones", pa.list_(pa.string())),
            ("emails", pa.list_(pa.string())),
        ]
    )
    db_api = DuckDBAPI()
    try:
        registered = [
            db_api.register(pa.Table.from_pylist(table, schema=schema), table_name=f"records_{i}")
            for i, table in enumerate(tables)
        ]
        creator = SettingsCreator(
            link_type="link_only" if linking else "dedupe_only",
            comparisons=_comparisons(fields),
            blocking_rules_to_generate_predictions=_blocking_rules(fields),
            retain_intermediate_calculation_columns=True,
            # Keeps the comparison-vector values (gamma_*) in the output, with the inputs.
            retain_matching_columns=True,
            max_iterations=settings.max_em_iterations,
        )
        linker = Linker(registered if linking else registered[0], creator, log_level=logging.ERROR)
        sizes = [len(t) for t in tables]
        all_pairs = sizes[0] * sizes[1] if linking else records * (records - 1) / 2
        prior = _train(linker, fields, records, all_pairs, settings)
        predictions = linker.inference.predict(
            threshold_match_probability=settings.threshold, warning_mode="never"
        )
        rows = predictions.as_record_list()
        model = _model_levels(linker)
        pairs = [_pair(row, fields, model, linking) for row in rows]
    finally:
        db_api.duckdb_con.close()
    pairs.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
    return LinkageResult(
        pairs=pairs,
        records=records,
        fields_used=fields,
        prior=prior,
        seconds=time.perf_counter() - began,
        model=model,
    )


def _train(
    linker: Any, fields: Sequence[str], records: int, all_pairs: float, settings: LinkageSettings
) -> float:
    """u from random pairs, the prior from strict rules, m by expectation maximisation."""
    training = linker.training
    deterministic = _deterministic_rules(fields)
    prior = 1e-4
    if deterministic:
        try:
            training.estimate_probability_two_random_records_match(
                deterministic, recall=settings.prior_recall
            )
            prior = float(linker._settings_obj._probability_two_random_records_match)
        except Exception:  # no pair met a strict rule (a small council): the floor below
            prior = 0.0
    # A handful of records may meet no strict rule, or all of them: keep the prior sensible.
    floor = 1.0 / max(all_pairs, 1.0)
    if not (floor <= prior <= 0.5) or math.isnan(prior):
        prior = min(max(prior, floor), 0.5) if not math.isnan(prior) else floor
        linker._settings_obj._probability_two_random_records_match = prior
    training.estimate_u_using_random_sampling(
        max_pairs=min(settings.u_sample_pairs, max(all_pairs, 1.0)),
        seed=settings.seed,
        min_count_per_level=None,
        num_chunks=1,
    )
    if records < settings.min_records_for_em:
        return prior
    for rule in _training_rules(fields):
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except Exception:  # noqa: S112 - a block too small to train: the others do
            continue
    return prior


def _model_levels(linker: Any) -> dict[str, list[dict[str, Any]]]:
    """Each comparison's levels as trained: label, comparison-vector value, m, u, weight."""
    model: dict[str, list[dict[str, Any]]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels = []
        for level in comparison.comparison_levels:
            m = u = weight = None
            if not level.is_null_level:
                m, u = level.m_probability, level.u_probability
                if m and u:
                    weight = math.log2(m / u)
            levels.append(
                {
                    "label": level.label_for_charts,
                    "value": level.comparison_vector_value,
                    "null": level.is_null_level,
                    "m": m,
                    "u": u,
                    "weight": weight,
                }
            )
        model[comparison.output_column_name] = levels
    return model


def _verdict(value: int, levels: list[dict[str, Any]]) -> str:
    if value < 0:
        return MISSING
    top = max(level["value"] for level in levels)
    if value == top:
        return AGREE
    if value == 0:
        return DISAGREE
    return PARTIAL


def _pair(
    row: dict[str, Any], fields: Sequence[str], model: dict[str, list[dict[str, Any]]], link: bool
) -> ScoredPair:
    evidence = []
    for name in fields:
        levels = model[name]
        value = int(row[f"gamma_{name}"])
        level = next(lv for lv in levels if lv["value"] == value)
        # The level's weight (mw_*) plus the term-frequency adjustment (mw_tf_adj_*), in bits.
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        evidence.append(
            FieldEvidence(
                field=name,
                verdict=_verdict(value, levels),
                level=str(level["label"]),
                weight=round(weight, 3),
            )
        )
    left, right = str(row["unique_id_l"]), str(row["unique_id_r"])
    if not link and right < left:
        left, right = right, left
    return ScoredPair(
        left_id=left,
        right_id=right,
        probability=float(row["match_probability"]),
        match_weight=float(row["match_weight"]),
        evidence=tuple(evidence),
    )


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def clusters(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected components: the groups of records that pairs join (each id once)."""
    parent: dict[str, str] = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return list(groups.values())


@dataclass(frozen=True)
class Accuracy:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def accuracy(found: Iterable[tuple[str, str]], truth: Iterable[tuple[str, str]]) -> Accuracy:
    """Pairwise precision and recall of found pairs against the true pairs (unordered)."""
    found_set = {tuple(sorted(p)) for p in found}
    true_set = {tuple(sorted(p)) for p in truth}
    hits = len(found_set & true_set)
    return Accuracy(hits, len(found_set) - hits, len(true_set) - hits)
