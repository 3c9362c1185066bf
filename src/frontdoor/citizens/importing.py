"""Importing residents from another council system: a documented CSV, or any CSV a mapping reads.

    frontdoor import_residents --source NAME FILE [--mapping FILE] [--council SLUG]

The file
--------
CSV, UTF-8 (a leading byte-order mark is ignored), a header row; column names are matched
trimmed and without regard to case, in any order; unknown columns are ignored. Values are
trimmed; an empty value means "not given". Row numbers are as a spreadsheet shows them (the
header is row 1).

=====================  ========  ===========================================================
column                 required  meaning
=====================  ========  ===========================================================
source_id              yes       the person's id in the source system, at most 100 characters;
                                 with the council and --source it is the person's identity
title                  no        Mr, Mrs, Ms, Dr... (at most 30 characters)
given_name             (a)       first name (at most 100 characters)
middle_names           no        (at most 200 characters)
family_name            (a)       surname (at most 100 characters)
preferred_name         no        what they like to be called
date_of_birth          no        YYYY-MM-DD or DD/MM/YYYY (or the mapping's date_format);
                                 not in the future, not before 1890
address                no        the address lines without the postcode, separated by new
                                 lines, "|" or ";" (or give address_line_1, address_line_2,
                                 address_line_3 and town instead)
postcode               no        a UK postcode ("SW1A 1AA", any case and spacing)
uprn                   no        the property's UPRN, 1 to 12 digits
phone, mobile          no        phone numbers (UK national or international form)
email                  no        an email address
preferred_channel      no        phone, sms, email, letter, webchat or face_to_face
preferred_language     no        a language code: en, cy, pl, pt-BR...
sensitivity            no        normal (default), restricted or safeguarding
needs                  no        accessibility needs, separated by ";": bsl_interpreter,
                                 spoken_language_interpreter, text_relay, large_print,
                                 easy_read, hearing_loop, needs_more_time, prefers_named_contact
interpreter_language   no        the language a spoken-language interpreter is for (needed
                                 when needs names spoken_language_interpreter)
=====================  ========  ===========================================================

(a) every row needs a given_name or a family_name.

What an import does
-------------------
- A row whose (council, source, source_id) is new creates a person, with the external
  reference (source, source_id) that finds them next time, their address (as the primary
  address), phone numbers, email and needs.
- A row whose identity exists updates that person: the non-empty values in the file replace the
  stored ones; empty values leave them (so what agents corrected at the desktop is not blanked);
  a different address becomes the primary one (a previous home is kept as a previous address);
  new phone numbers and emails are added; needs named are set (never cleared by an import).
  Re-importing a file changes nothing.
- Every rejected row is reported with its row number, the column and the reason (a row can
  have several); the good rows are imported all the same; the command exits 1 if any row was
  rejected. A second row with the same source_id in one file is rejected as a duplicate.
- Rows are written in batches of a few thousand, each batch in one transaction with one audit
  entry (counts, file hash; no personal values), plus one entry, with the personal values
  sealed, for each existing person it changed.

Mapping files
-------------
Other systems' exports are read through a mapping (TOML, or YAML by its extension)::

    delimiter = ";"                  # default ","
    encoding = "cp1252"              # default utf-8
    date_format = "%d.%m.%Y"         # a further format date_of_birth is read with
    [columns]                        # our column = the export's header
    source_id = "PERSON_NO"
    given_name = "FORENAME"
    family_name = "SURNAME"
    [values]                         # constants for columns the export lacks
    preferred_language = "en"
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, models, transaction
from django.utils import timezone

from frontdoor.audit.recorder import record_batch, record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council, Sensitivity
from frontdoor.identity.policies import require

from .actions import new_reference
from .engine.keys import NAME as NAME_KIND
from .engine.keys import party_keys
from .engine.normalise import (
    display_phone,
    format_postcode,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    normalise_uprn,
)
from .indexing import KeyRow, add_vocabulary, reindex_parties, write_keys
from .models import (
    KEY_KINDS,
    AccessibilityNeeds,
    Address,
    AddressKind,
    ContactPoint,
    ContactPointKind,
    ExternalReference,
    Party,
    PartyKind,
    PreferredChannel,
    ResidentImport,
    ResidentImportRejection,
)

BATCH_SIZE = 2000
COLUMNS = (
    "source_id",
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "address",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "town",
    "postcode",
    "uprn",
    "phone",
    "mobile",
    "email",
    "preferred_channel",
    "preferred_language",
    "sensitivity",
    "needs",
    "interpreter_language",
)
PARTY_FIELDS = (
    "title",
    "given_name",
    "middle_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "preferred_channel",
    "preferred_language",
    "sensitivity",
)
_LENGTHS = {
    "source_id": 100,
    "title": 30,
    "given_name": 100,
    "middle_names": 200,
    "family_name": 100,
    "preferred_name": 100,
    "preferred_language": 35,
    "interpreter_language": 35,
}
_LOOKUP_CHUNK = 900


class ReadError(ValueError):
    """The file (or its mapping) cannot be read at all."""


@dataclass(frozen=True)
class Rejection:
    row_number: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row_number}, column {self.column}: {self.reason}"


@dataclass
class ResidentMapping:
    """How to read another system's export: column names, constants, delimiter, encoding."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    date_format: str = ""


@dataclass
class ValidRow:
    """A row that passed every check, in stored form."""

    row_number: int
    source_id: str
    party: dict[str, Any]
    address: dict[str, str] | None
    phones: list[str]  # normalised digits
    emails: list[str]
    needs: dict[str, Any]


@dataclass
class ImportResult:
    resident_import: ResidentImport
    rejections: list[Rejection]

    @property
    def ok(self) -> bool:
        return not self.rejections


def load_mapping(path: Path) -> ResidentMapping:
    """Read a mapping file (TOML or YAML); ReadError for one that is not valid."""
    try:
        if path.suffix.lower() == ".toml":
            with path.open("rb") as handle:
                data: Any = tomllib.load(handle)
        elif path.suffix.lower() in (".yaml", ".yml"):
            with path.open(encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        else:
            raise ReadError("a mapping file ends in .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise ReadError(f"the mapping is not valid: {error}") from error
    if not isinstance(data, dict):
        raise ReadError("a mapping is a table of settings")
    unknown = set(data) - {"columns", "values", "delimiter", "encoding", "date_format"}
    if unknown:
        raise ReadError(f"unknown mapping settings: {', '.join(sorted(unknown))}")
    columns = data.get("columns", {}) or {}
    values = data.get("values", {}) or {}
    for table, name in ((columns, "columns"), (values, "values")):
        if not isinstance(table, dict):
            raise ReadError(f"{name} must be a table")
        wrong = set(table) - set(COLUMNS)
        if wrong:
            raise ReadError(f"{name}: not columns of the format: {', '.join(sorted(wrong))}")
    delimiter = str(data.get("delimiter", ","))
    if len(delimiter) != 1:
        raise ReadError("delimiter: one character")
    return ResidentMapping(
        columns={k: str(v) for k, v in columns.items()},
        values={k: str(v) for k, v in values.items()},
        delimiter=delimiter,
        encoding=str(data.get("encoding", "utf-8-sig")),
        date_format=str(data.get("date_format", "")),
    )


def read_rows(path: Path, mapping: ResidentMapping | None) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {our column: value}) for each record of the file, streamed."""
    mapping = mapping or ResidentMapping()
    encoding = "utf-8-sig" if mapping.encoding.lower() in ("utf-8", "utf8") else mapping.encoding
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter)
        header = next(reader, None)
        if header is None:
            raise ReadError("the file is empty: it has no header row")
        names = [h.strip().lower() for h in header]
        wanted = {ours: theirs.strip().lower() for ours, theirs in mapping.columns.items()}
        index: dict[str, int] = {}
        for column in COLUMNS:
            source = wanted.get(column, column)
            if source in names:
                index[column] = names.index(source)
        missing = [theirs for theirs in wanted.values() if theirs not in names]
        if missing:
            raise ReadError(f"the header lacks the mapping's columns: {', '.join(missing)}")
        if "source_id" not in index and "source_id" not in mapping.values:
            raise ReadError("the header (row 1) has no source_id column")
        for line in reader:
            row_number = reader.line_num
            if not any(cell.strip() for cell in line):
                continue
            row = {c: line[i] if i < len(line) else "" for c, i in index.items()}
            for column, value in mapping.values.items():
                row.setdefault(column, value)
                if not row[column].strip():
                    row[column] = value
            yield row_number, row


def validate(
    row_number: int, row: dict[str, str], *, today: dt.date, date_format: str = ""
) -> ValidRow | list[Rejection]:
    """Check one row; every problem is a rejection naming its column."""
    problems: list[Rejection] = []
    value = {k: v.strip() for k, v in row.items()}

    def bad(column: str, reason: str) -> None:
        problems.append(Rejection(row_number, column, reason))

    for column in value:
        if "\ufffd" in value[column]:
            bad(column, "holds bytes that are not valid text in the file's encoding")
    for column, limit in _LENGTHS.items():
        if len(value.get(column, "")) > limit:
            bad(column, f"is longer than {limit} characters")
    if not value.get("source_id"):
        bad("source_id", "is required")
    if not (value.get("given_name") or value.get("family_name")):
        bad("family_name", "a person needs a given_name or a family_name")
    party: dict[str, Any] = {
        name: value.get(name, "")
        for name in ("title", "given_name", "middle_names", "family_name", "preferred_name")
    }
    birth = value.get("date_of_birth", "")
    if birth:
        parsed = _date(birth, date_format)
        if parsed is None:
            bad("date_of_birth", f"'{birth}' is not a date (YYYY-MM-DD or DD/MM/YYYY)")
        elif not dt.date(1890, 1, 1) <= parsed <= today:
            bad("date_of_birth", "is in the future or before 1890")
        party["date_of_birth"] = parsed
    channel = value.get("preferred_channel", "").lower()
    if channel and channel not in PreferredChannel.values:
        bad("preferred_channel", f"'{channel}' is not one of {', '.join(PreferredChannel.values)}")
    party["preferred_channel"] = channel
    language = value.get("preferred_language", "")
    party["preferred_language"] = language
    sensitivity = value.get("sensitivity", "").lower()
    if sensitivity and sensitivity not in Sensitivity.values:
        bad("sensitivity", f"'{sensitivity}' is not one of {', '.join(Sensitivity.values)}")
    party["sensitivity"] = sensitivity

    address = _address(value, bad)
    phones = []
    for column in ("phone", "mobile"):
        if value.get(column):
            digits = normalise_phone(value[column])
            if digits is None:
                bad(column, f"'{value[column]}' is not a phone number")
            elif digits not in phones:
                phones.append(digits)
    emails = []
    if value.get("email"):
        email = normalise_email(value["email"])
        if email is None:
            bad("email", "is not an email address")
        else:
            emails.append(email)
    needs: dict[str, Any] = {}
    for code in filter(None, (c.strip().lower() for c in value.get("needs", "").split(";"))):
        if code not in AccessibilityNeeds.FLAGS:
            bad("needs", f"'{code}' is not an accessibility need")
        else:
            needs[code] = True
    if value.get("interpreter_language"):
        needs["interpreter_language"] = value["interpreter_language"]
    if needs.get("spoken_language_interpreter") and not value.get("interpreter_language"):
        bad("interpreter_language", "is needed with spoken_language_interpreter")
    if problems:
        return problems
    return ValidRow(row_number, value["source_id"], party, address, phones, emails, needs)


def _date(text: str, extra: str) -> dt.date | None:
    for fmt in filter(None, ("%Y-%m-%d", "%d/%m/%Y", extra)):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _address(value: dict[str, str], bad: Any) -> dict[str, str] | None:
    lines = value.get("address", "").replace("|", "\n").replace(";", "\n").splitlines()
    if not any(line.strip() for line in lines):
        lines = [value.get(c, "") for c in ("address_line_1", "address_line_2", "address_line_3")]
        lines.append(value.get("town", ""))
    text = "\n".join(line.strip() for line in lines if line.strip())
    postcode = ""
    if value.get("postcode"):
        compact = normalise_postcode(value["postcode"])
        if compact is None:
            bad("postcode", f"'{value['postcode']}' is not a UK postcode")
        else:
            postcode = format_postcode(compact)
    uprn = ""
    if value.get("uprn"):
        uprn = normalise_uprn(value["uprn"]) or ""
        if not uprn:
            bad("uprn", "a UPRN is 1 to 12 digits")
    if not (text or postcode or uprn):
        return None
    if not text:
        bad("address", "a postcode or UPRN needs the address lines too")
    return {"text": text, "postcode": postcode, "uprn": uprn}


# --------------------------------------------------------------------------------------------
# Running an import
# --------------------------------------------------------------------------------------------


def authorise_import(actor: Any, council: Council) -> None:
    """The command line acts as the system (actor None); a person needs import_residents."""
    if actor is not None:
        require(actor, "import_residents", council)


def import_residents_file(
    *,
    actor: Any,
    council: Council,
    path: Path,
    source: str,
    mapping: ResidentMapping | None = None,
    mapping_name: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Any = None,
) -> ImportResult:
    """Import a file of residents for `council` from `source`; returns the report."""
    authorise_import(actor, council)
    source = source.strip()
    if not source or len(source) > 50:
        raise ReadError("--source is a name of at most 50 characters")
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    run = ResidentImport.objects.create(
        council=council,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=path.name,
        file_sha256=digest.hexdigest(),
        source=source,
        mapping=mapping_name,
    )
    rejections: list[Rejection] = []
    today = council.local_date(timezone.now())
    seen: set[str] = set()
    known_tokens: set[str] = set()
    batch: list[ValidRow] = []
    batch_rejections: list[Rejection] = []

    def flush() -> None:
        with transaction.atomic():
            if batch:
                outcome = do_import_residents(
                    actor=actor,
                    council=council,
                    source=source,
                    rows=batch,
                    resident_import=run,
                    known_tokens=known_tokens,
                )
                run.created += outcome["created"]
                run.updated += outcome["updated"]
                run.unchanged += outcome["unchanged"]
            ResidentImportRejection.objects.bulk_create(
                ResidentImportRejection(
                    resident_import=run,
                    row_number=r.row_number,
                    column=r.column[:100],
                    reason=r.reason[:500],
                )
                for r in batch_rejections
            )
            run.save()
        rejections.extend(batch_rejections)
        batch.clear()
        batch_rejections.clear()
        if progress:
            progress(run)

    try:
        for row_number, row in read_rows(path, mapping):
            run.read += 1
            result = validate(
                row_number, row, today=today, date_format=mapping.date_format if mapping else ""
            )
            if isinstance(result, ValidRow):
                if result.source_id in seen:
                    result = [
                        Rejection(row_number, "source_id", "duplicates an earlier row of this file")
                    ]
                else:
                    seen.add(result.source_id)
                    batch.append(result)
            if isinstance(result, list):
                run.rejected += 1
                batch_rejections.extend(result)
            if len(batch) >= batch_size or len(batch_rejections) >= batch_size:
                flush()
        flush()
    except Exception as error:
        run.status = ResidentImport.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save()
        raise
    run.status = ResidentImport.Status.COMPLETED
    run.finished_at = timezone.now()
    run.save()
    return ImportResult(run, rejections)


@transaction.atomic
def do_import_residents(
    *,
    actor: Any,
    council: Council,
    source: str,
    rows: list[ValidRow],
    resident_import: ResidentImport | None = None,
    known_tokens: set[str] | None = None,
) -> dict[str, int]:
    """Create or update a batch of validated residents in one transaction.

    One audit entry records the batch (counts and the file's hash); each existing person the
    batch changed gets an entry of their own with the changes sealed under their key.
    """
    authorise_import(actor, council)
    existing = _existing(council, source, [r.source_id for r in rows])
    new_rows = [r for r in rows if r.source_id not in existing]
    old_rows = [r for r in rows if r.source_id in existing]
    created = _create(council, source, new_rows, known_tokens)
    updated = _update(actor, council, old_rows, existing)
    record_batch(
        actor=actor,
        action="resident.import_batch",
        object_type="citizens.party",
        council_id=council.pk,
        summary={
            "import": resident_import.pk if resident_import else None,
            "file_sha256": resident_import.file_sha256 if resident_import else "",
            "source": source,
            "rows": len(rows),
            "created": created,
            "updated": updated,
            "unchanged": len(old_rows) - updated,
        },
    )
    return {"created": created, "updated": updated, "unchanged": len(old_rows) - updated}


def _existing(council: Council, source: str, source_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(source_ids), _LOOKUP_CHUNK):
        chunk = source_ids[start : start + _LOOKUP_CHUNK]
        found.update(
            ExternalReference.objects.filter(
                council=council, source=source, source_id__in=chunk
            ).values_list("source_id", "party_id")
        )
    return found


def _fresh_references(council: Council, count: int) -> list[str]:
    """`count` new party references, none already taken (checked in one read)."""
    while True:
        wanted = {new_reference() for _ in range(count)}
        if len(wanted) < count:
            continue
        taken: set[str] = set()
        listed = sorted(wanted)
        for start in range(0, len(listed), _LOOKUP_CHUNK):
            taken.update(
                Party.objects.filter(
                    council=council, reference__in=listed[start : start + _LOOKUP_CHUNK]
                ).values_list("reference", flat=True)
            )
        if not taken:
            return listed


def _create(
    council: Council, source: str, rows: list[ValidRow], known_tokens: set[str] | None
) -> int:
    """Insert new people and everything they hold with `executemany`, not model instances:
    an import of half a million people would spend most of its time in the ORM otherwise.
    """
    if not rows:
        return 0
    now = timezone.now()
    today = council.local_date(now)
    references = _fresh_references(council, len(rows))
    _insert(
        Party,
        [
            {
                "council_id": council.pk,
                "kind": PartyKind.PERSON,
                "reference": reference,
                "created_at": now,
                "updated_at": now,
                **{k: v for k, v in row.party.items() if v not in ("", None)},
            }
            for row, reference in zip(rows, references, strict=True)
        ],
    )
    ids = _ids_of(council, references)
    refs: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    keys: list[KeyRow] = []
    tokens: Counter[str] = Counter()
    for row, reference in zip(rows, references, strict=True):
        pk = ids[reference]
        refs.append(
            {"council_id": council.pk, "party_id": pk, "source": source, "source_id": row.source_id}
        )
        if row.address:
            addresses.append(
                {"party_id": pk, "is_primary": True, "valid_from": today, **row.address}
            )
        points.extend(point | {"party_id": pk} for point in _points(row))
        if row.needs:
            needs.append({"party_id": pk, **row.needs})
        found = party_keys(
            names=[row.party.get(n, "") for n in ("given_name", "middle_names", "family_name")]
            + [row.party.get("preferred_name", "")],
            phones=row.phones,
            emails=row.emails,
            postcodes=[row.address["postcode"]] if row.address and row.address["postcode"] else [],
            uprns=[row.address["uprn"]] if row.address and row.address["uprn"] else [],
            references=[reference, row.source_id],
        )
        for kind, key in found:
            keys.append((council.pk, pk, KEY_KINDS[kind], key))
            if kind == NAME_KIND:
                tokens[key] += 1
    _insert(ExternalReference, [r | {"created_at": now} for r in refs])
    _insert(Address, [a | {"created_at": now} for a in addresses])
    _insert(ContactPoint, [p | {"created_at": now} for p in points])
    _insert(AccessibilityNeeds, [n | {"updated_at": now} for n in needs])
    write_keys(keys)
    add_vocabulary(council.pk, tokens, known_tokens)
    return len(rows)


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT rows (by attribute name; absent fields take their default) in one executemany."""
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    ops = connection.ops
    adapters: list[Any] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    defaults = {f.attname: f.get_default() for f in fields}
    quote = ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(str(model._meta.db_table))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    adapted: dict[tuple[int, Any], Any] = {}  # most dates repeat ("now", "today"): adapt once
    values = []
    for row in rows:
        record = []
        for position, (f, adapt) in enumerate(zip(fields, adapters, strict=True)):
            value = row.get(f.attname, defaults[f.attname])
            if adapt and value is not None:
                key = (position, value)
                if key not in adapted:
                    adapted[key] = adapt(value)
                value = adapted[key]
            record.append(value)
        values.append(record)
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _ids_of(council: Council, references: list[str]) -> dict[str, int]:
    """The ids of parties just inserted, by their (unique) references."""
    ids: dict[str, int] = {}
    for start in range(0, len(references), _LOOKUP_CHUNK):
        ids.update(
            Party.objects.filter(
                council=council, reference__in=references[start : start + _LOOKUP_CHUNK]
            ).values_list("reference", "pk")
        )
    return ids


def _points(row: ValidRow) -> list[dict[str, Any]]:
    """The row's phone numbers and email as contact-point values; the first of each preferred."""
    points = [
        {
            "kind": ContactPointKind.PHONE,
            "value": display_phone(digits),
            "normalised": digits,
            "label": "mobile" if digits.startswith("447") else "",
            "is_preferred": i == 0,
        }
        for i, digits in enumerate(row.phones)
    ]
    points.extend(
        {
            "kind": ContactPointKind.EMAIL,
            "value": email,
            "normalised": email,
            "label": "",
            "is_preferred": i == 0,
        }
        for i, email in enumerate(row.emails)
    )
    return points


def _update(actor: Any, council: Council, rows: list[ValidRow], existing: dict[str, int]) -> int:
    """Apply the non-empty values of rows whose person exists; returns how many changed."""
    if not rows:
        return 0
    ids = [existing[r.source_id] for r in rows]
    parties = Party.objects.in_bulk(ids)
    primaries = {a.party_id: a for a in Address.objects.filter(party_id__in=ids, is_primary=True)}
    held: dict[int, set[tuple[str, str]]] = {pk: set() for pk in ids}
    for party_id, kind, normalised in ContactPoint.objects.filter(party_id__in=ids).values_list(
        "party_id", "kind", "normalised"
    ):
        held[party_id].add((kind, normalised))
    needs_of = AccessibilityNeeds.objects.in_bulk(ids)
    today = council.local_date(timezone.now())
    changed: list[Party] = []
    for row in rows:
        party = parties[existing[row.source_id]]
        subject = subject_ref(party)
        changes: dict[str, tuple[Any, Any]] = {}
        for name, value in row.party.items():
            if value in ("", None) or getattr(party, name) == value:
                continue
            changes[name] = (getattr(party, name), value)
            setattr(party, name, value)
        if changes:
            party.save(update_fields=[*changes, "updated_at"])
            _log(actor, "party.reimport", party, subject, changes)
        touched = bool(changes)
        touched |= _update_address(actor, party, subject, row, primaries.get(party.pk), today)
        new_points = [
            ContactPoint(party=party, **(p | {"is_preferred": False}))
            for p in _points(row)
            if (p["kind"], p["normalised"]) not in held[party.pk]
        ]
        for point in new_points:
            point.save()
            _log(actor, "contact_point.create", point, subject, {"value": (None, point.value)})
        touched |= bool(new_points)
        touched |= _update_needs(actor, party, subject, row, needs_of.get(party.pk))
        if touched:
            changed.append(party)
    reindex_parties(changed)
    return len(changed)


def _update_address(
    actor: Any, party: Party, subject: str, row: ValidRow, current: Address | None, today: Any
) -> bool:
    if not row.address:
        return False
    if current is not None and all(
        getattr(current, k) == v or (not v and k != "text") for k, v in row.address.items()
    ):
        return False
    if current is not None:
        current.is_primary = False
        if current.kind == AddressKind.HOME:
            current.kind = AddressKind.PREVIOUS
            current.valid_to = today
        current.save(update_fields=["is_primary", "kind", "valid_to"])
        _log(actor, "address.update", current, subject, {"is_primary": (True, False)})
    address = Address.objects.create(party=party, is_primary=True, valid_from=today, **row.address)
    _log(
        actor,
        "address.create",
        address,
        subject,
        {k: (None, v) for k, v in row.address.items() if v},
    )
    return True


def _update_needs(
    actor: Any, party: Party, subject: str, row: ValidRow, needs: AccessibilityNeeds | None
) -> bool:
    if not row.needs:
        return False
    creating = needs is None
    if needs is None:
        needs = AccessibilityNeeds(party=party)
    changes = {
        name: (getattr(needs, name), value)
        for name, value in row.needs.items()
        if getattr(needs, name) != value
    }
    if not changes:
        return False
    for name, (_old, value) in changes.items():
        setattr(needs, name, value)
    needs.save()
    _log(actor, "needs.create" if creating else "needs.update", needs, subject, changes)
    return True


def _log(actor: Any, action: str, instance: Any, subject: str, changes: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes,
        subject=subject,
        council_id=getattr(instance, "council_id", None) or _council_of(instance),
    )


def _council_of(instance: Any) -> int | None:
    party = getattr(instance, "party", None)
    return getattr(party, "council_id", None)
