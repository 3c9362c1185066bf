"""Importing cases from another system's export: a mapping says which column is what.

The file is streamed row by row, each row validated, and the good rows written through
`actions.do_import_cases` a batch at a time (one transaction each). Every rejected row is
reported with its file, row (as a spreadsheet numbers it: the header is row 1), column and
reason; a key that repeats an earlier row's is reported too and the first row kept; the good
rows are imported all the same. Re-running a file changes nothing: a case is found again by its
council, source and id in the source system.

`compare_daily_openings` then checks what was imported against daily counts of cases opened
per category (the NYC data ship one): a difference is either explained by rows the import did
not take (repeated keys, rejected rows) or reported as a mismatch.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Count
from django.utils import timezone

from frontdoor.core.models import Council

from .actions import ImportRow, authorise_case_import, do_import_cases
from .models import Case, CaseImport, CaseImportRejection

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
BATCH_SIZE = 2000
REQUIRED_COLUMNS = ("source_id", "received_on", "service")
MAX_SOURCE_ID = 100


class MappingError(ValueError):
    """A mapping file that cannot be used, with the reason."""


class ImportFileError(ValueError):
    """A file that cannot be read as a whole (missing columns, not UTF-8)."""


@dataclass(frozen=True)
class CaseMapping:
    """How another system's export becomes cases (see mappings/nyc-council.toml)."""

    name: str
    source: str
    case_type: str
    open_status: str
    closed_status: str
    columns: dict[str, str]
    date_format: str = "%Y-%m-%d"
    description: str = ""
    council: dict[str, str] = field(default_factory=dict)
    blank_service: str = "(blank)"
    family_id: str = "imported"
    family_name: str = "Imported"
    team_name: str = "{value}"

    def column(self, key: str) -> str:
        return self.columns.get(key, "")

    def service_name(self, raw: str) -> str:
        """A category as the service is named: as written, or the mapping's blank name."""
        return raw.strip() or self.blank_service

    def service_id(self, raw: str) -> str:
        """A category's service id: its name in lower case with hyphens (at most 63 long)."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.service_name(raw).lower()).strip("-")[:63]
        return slug.strip("-") or "blank"

    def team(self, raw: str) -> str:
        return self.team_name.format(value=raw.strip())[:200] if raw.strip() else ""


def shipped_mappings() -> list[str]:
    return sorted(path.stem for path in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name: str) -> CaseMapping:
    """A shipped mapping by name (nyc-council), or a mapping file by path."""
    path = MAPPINGS_DIR / f"{name}.toml"
    if not path.is_file():
        path = Path(name)
    if not path.is_file():
        raise MappingError(
            f"no mapping {name!r}: give a file or one of {', '.join(shipped_mappings())}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MappingError(f"{path.name}: {error}") from error
    try:
        columns = dict(data["columns"])
        mapping = CaseMapping(
            name=str(data.get("name") or path.stem),
            source=str(data["source"]),
            case_type=str(data["case_type"]),
            open_status=str(data["open_status"]),
            closed_status=str(data["closed_status"]),
            columns={str(k): str(v) for k, v in columns.items()},
            date_format=str(data.get("date_format", "%Y-%m-%d")),
            description=str(data.get("description", "")),
            council={str(k): str(v) for k, v in data.get("council", {}).items()},
            blank_service=str(data.get("services", {}).get("blank", "(blank)")),
            family_id=str(data.get("services", {}).get("family_id", "imported")),
            family_name=str(data.get("services", {}).get("family_name", "Imported")),
            team_name=str(data.get("teams", {}).get("name", "{value}")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise MappingError(f"{path.name}: missing or wrong setting {error}") from error
    missing = [key for key in REQUIRED_COLUMNS if not mapping.column(key)]
    if missing:
        raise MappingError(f"{path.name}: [columns] must name {', '.join(missing)}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", mapping.source):
        raise MappingError(f"{path.name}: source must be a short slug, like nyc-council")
    return mapping


@dataclass(frozen=True)
class Rejection:
    """A row not imported: its file, row number, column and why."""

    file: str
    row: int
    column: str
    reason: str
    repeated: bool = False
    # What the row said it was, when known (for explaining the daily counts).
    received_on: dt.date | None = None
    service_id: str = ""

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, {self.column}: {self.reason}"


def _date(value: str, mapping: CaseMapping) -> dt.date:
    return dt.datetime.strptime(value.strip(), mapping.date_format).date()  # noqa: DTZ007


def validate_row(
    file: str, row: int, values: dict[str, str], mapping: CaseMapping, today: dt.date
) -> ImportRow | list[Rejection]:
    """A row as a case to import, or every reason it cannot be one."""
    problems: list[Rejection] = []

    def get(key: str) -> str:
        column = mapping.column(key)
        return (values.get(column) or "").strip() if column else ""

    def reject(key: str, reason: str) -> None:
        problems.append(Rejection(file, row, mapping.column(key), reason))

    source_id = get("source_id")
    if not source_id:
        reject("source_id", "the case's key is empty")
    elif len(source_id) > MAX_SOURCE_ID:
        reject("source_id", f"the case's key is longer than {MAX_SOURCE_ID} characters")
    received_on = closed_on = None
    try:
        received_on = _date(get("received_on"), mapping)
    except ValueError:
        reject("received_on", f"{get('received_on')!r} is not a date like {mapping.date_format}")
    if received_on is not None and received_on > today:
        reject("received_on", "the date is in the future")
    if get("closed_on"):
        try:
            closed_on = _date(get("closed_on"), mapping)
        except ValueError:
            reject("closed_on", f"{get('closed_on')!r} is not a date like {mapping.date_format}")
        else:
            if closed_on > today:
                reject("closed_on", "the date is in the future")
            elif received_on is not None and closed_on < received_on:
                reject("closed_on", "the case closed before it was opened")
    service = get("service")
    if len(service) > 200:
        reject("service", "the category is longer than 200 characters")
    if problems or received_on is None:
        return problems
    detail = get("summary_detail")
    summary = mapping.service_name(service) + (f": {detail}" if detail else "")
    return ImportRow(
        row_number=row,
        source_id=source_id,
        received_on=received_on,
        closed_on=closed_on,
        service_id=mapping.service_id(service),
        service_name=mapping.service_name(service),
        team=mapping.team(get("team")) if mapping.column("team") else "",
        summary=summary[:200],
    )


def read_rows(path: Path, mapping: CaseMapping) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows with their row numbers (the header is row 1)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [
                mapping.column(key)
                for key in (*REQUIRED_COLUMNS, "closed_on", "summary_detail", "team")
                if mapping.column(key) and mapping.column(key) not in header
            ]
            if missing:
                raise ImportFileError(f"{path.name}: no column {', '.join(missing)}")
            yield from enumerate(reader, start=2)
    except UnicodeDecodeError as error:
        raise ImportFileError(f"{path.name}: not UTF-8 text ({error})") from error


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class CaseImportResult:
    """The finished import's report, with every rejected row and repeated key."""

    case_import: CaseImport
    rejections: list[Rejection]
    repeats: list[Rejection]


Progress = Callable[[CaseImport], None]


def import_cases_file(
    *,
    actor: Any,
    council: Council,
    paths: Sequence[Path],
    mapping: CaseMapping,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> CaseImportResult:
    """Import one or more files of the same export into the council, in batches."""
    authorise_case_import(actor, council)
    case_import = CaseImport.objects.create(
        council=council,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=", ".join(path.name for path in paths)[:255],
        file_sha256=",".join(file_sha256(path)[:16] for path in paths)[:64],
        source=mapping.source,
        mapping=mapping.name,
    )
    rejections: list[Rejection] = []
    repeats: list[Rejection] = []
    try:
        today = council.local_date(timezone.now())
        first_row: dict[str, tuple[str, int]] = {}
        batch: list[ImportRow] = []
        pending: list[Rejection] = []

        def flush() -> None:
            outcome = do_import_cases(
                actor=actor,
                council=council,
                rows=batch,
                mapping=mapping,
                case_import=case_import,
                rejections=[_stored(case_import, r) for r in pending],
            )
            case_import.created += outcome.created
            case_import.updated += outcome.updated
            case_import.unchanged += outcome.unchanged
            batch.clear()
            pending.clear()
            if progress:
                progress(case_import)

        for path in paths:
            for number, values in read_rows(path, mapping):
                case_import.read += 1
                result = validate_row(path.name, number, values, mapping, today)
                if isinstance(result, list):
                    case_import.rejected += 1
                    rejections.extend(result)
                    pending.extend(result)
                elif result.source_id in first_row:
                    where = first_row[result.source_id]
                    repeat = Rejection(
                        path.name,
                        number,
                        mapping.column("source_id"),
                        f"the key {result.source_id} repeats {where[0]} row {where[1]}: "
                        "the first row is kept",
                        repeated=True,
                        received_on=result.received_on,
                        service_id=result.service_id,
                    )
                    case_import.repeated += 1
                    repeats.append(repeat)
                    pending.append(repeat)
                else:
                    first_row[result.source_id] = (path.name, number)
                    batch.append(result)
                if len(batch) >= batch_size or len(pending) >= batch_size:
                    flush()
        flush()
    except Exception as error:
        case_import.status = CaseImport.Status.FAILED
        case_import.error = f"{type(error).__name__}: {error}"
        case_import.finished_at = timezone.now()
        case_import.save()
        raise
    case_import.status = CaseImport.Status.COMPLETED
    case_import.finished_at = timezone.now()
    case_import.save()
    return CaseImportResult(case_import, rejections, repeats)


def _stored(case_import: CaseImport, rejection: Rejection) -> CaseImportRejection:
    return CaseImportRejection(
        case_import=case_import,
        row_number=rejection.row,
        column=rejection.column[:100],
        reason=f"{rejection.file}: {rejection.reason}"[:500],
        repeated=rejection.repeated,
    )


# Checking against daily counts ------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningsMismatch:
    """A day and category whose imported openings differ from the daily counts."""

    day: dt.date
    service_id: str
    imported: int
    expected: int
    not_taken: int  # rows of that day and category the import did not take

    @property
    def explained(self) -> bool:
        return self.imported + self.not_taken == self.expected


@dataclass
class OpeningsCheck:
    """Imported cases opened per day and category against the daily counts, over the days the
    import covers (from its first to its last opening)."""

    first: dt.date | None
    last: dt.date | None
    days: int = 0
    pairs: int = 0
    imported: int = 0
    expected: int = 0
    differences: list[OpeningsMismatch] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.pairs - len(self.differences)

    @property
    def unexplained(self) -> list[OpeningsMismatch]:
        return [d for d in self.differences if not d.explained]


def read_daily_counts(path: Path, mapping: CaseMapping) -> Counter[tuple[dt.date, str]]:
    """Cases opened per (day, service id) from a daily counts file (date, category, opened)."""
    counts: Counter[tuple[dt.date, str]] = Counter()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in ("date", "complaint_type", "opened"):
            if column not in header:
                raise ImportFileError(f"{path.name}: no column {column}")
        for values in reader:
            day = dt.date.fromisoformat(values["date"])
            counts[(day, mapping.service_id(values["complaint_type"]))] += int(values["opened"])
    return counts


def compare_daily_openings(
    council: Council,
    daily: Path,
    mapping: CaseMapping,
    not_taken: Sequence[Rejection] = (),
) -> OpeningsCheck:
    """Compare the council's cases from the mapping's source, opened per day and category (one
    grouped query), with the daily counts over the days the import covers. `not_taken` are the
    rows the import did not take (repeated keys, rejections with a date), which explain a day
    with fewer imported cases than the counts."""
    imported: Counter[tuple[dt.date, str]] = Counter(
        {
            (row["received_on"], row["service__service_id"]): row["n"]
            for row in Case.objects.filter(council=council, source=mapping.source)
            .values("received_on", "service__service_id")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    if not imported:
        return OpeningsCheck(first=None, last=None)
    first = min(day for day, _service in imported)
    last = max(day for day, _service in imported)
    expected = Counter(
        {key: n for key, n in read_daily_counts(daily, mapping).items() if first <= key[0] <= last}
    )
    skipped: Counter[tuple[dt.date, str]] = Counter(
        (r.received_on, r.service_id) for r in not_taken if r.received_on is not None
    )
    check = OpeningsCheck(first=first, last=last)
    keys = set(imported) | set(expected)
    check.days = len({day for day, _service in keys})
    check.pairs = len(keys)
    check.imported = sum(imported.values())
    check.expected = sum(expected.values())
    for key in sorted(keys):
        if imported[key] != expected[key]:
            check.differences.append(
                OpeningsMismatch(key[0], key[1], imported[key], expected[key], skipped[key])
            )
    return check
