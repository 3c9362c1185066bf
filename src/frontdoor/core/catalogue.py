"""Reading the service catalogue CSVs: every bad row reported, the good rows kept."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from .models import is_slug

FAMILY_COLUMNS = ("family_id", "name")
SERVICE_COLUMNS = ("service_id", "name", "family", "description")
MAX_NAME = 200


@dataclass(frozen=True)
class Rejection:
    """One rejected row: the file, its row number as a spreadsheet shows it, column and reason."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, {self.column}: {self.reason}"


@dataclass(frozen=True)
class FamilyRow:
    family_id: str
    name: str


@dataclass(frozen=True)
class ServiceRow:
    service_id: str
    name: str
    family_id: str
    description: str


@dataclass
class ParsedCatalogue:
    families: list[FamilyRow] = field(default_factory=list)
    services: list[ServiceRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)


class CatalogueFileError(ValueError):
    """The file as a whole cannot be read (missing columns, not UTF-8)."""


def _read_rows(path: Path, required: tuple[str, ...]) -> tuple[list[dict[str, str]], str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # a leading byte-order mark is ignored
    except UnicodeDecodeError as error:
        raise CatalogueFileError(f"{path.name} is not UTF-8 text: {error}") from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in required if column not in header]
    if missing:
        raise CatalogueFileError(f"{path.name} has no column {', '.join(missing)}")
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    return rows, hashlib.sha256(raw).hexdigest()


def parse_families(path: Path, parsed: ParsedCatalogue) -> None:
    """Add the good family rows of `path` to `parsed`, and a rejection for each bad one."""
    rows, digest = _read_rows(path, FAMILY_COLUMNS)
    parsed.file_hashes[path.name] = digest
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # the header is row 1
        problem = _check_id(row["family_id"], seen) or _check_name(row["name"])
        if problem:
            parsed.rejections.append(Rejection(path.name, number, *problem))
            continue
        seen.add(row["family_id"])
        parsed.families.append(FamilyRow(row["family_id"], row["name"]))


def parse_services(path: Path, parsed: ParsedCatalogue, known_families: set[str]) -> None:
    """Add the good service rows of `path`; a family must be in the file or already loaded."""
    rows, digest = _read_rows(path, SERVICE_COLUMNS[:3])
    parsed.file_hashes[path.name] = digest
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        problem = _check_id(row["service_id"], seen, column="service_id") or _check_name(
            row["name"]
        )
        if problem is None and row["family"] not in known_families:
            problem = (
                "family",
                f"there is no family {row['family']!r}"
                if row["family"]
                else "a family is required",
            )
        if problem:
            parsed.rejections.append(Rejection(path.name, number, *problem))
            continue
        seen.add(row["service_id"])
        parsed.services.append(
            ServiceRow(row["service_id"], row["name"], row["family"], row.get("description", ""))
        )


def _check_id(value: str, seen: set[str], column: str = "family_id") -> tuple[str, str] | None:
    if not value:
        return column, "an id is required"
    if not is_slug(value):
        return column, f"{value!r} is not a valid id (lower-case letters, digits and hyphens)"
    if value in seen:
        return column, f"{value!r} appears twice in the file"
    return None


def _check_name(value: str) -> tuple[str, str] | None:
    if not value:
        return "name", "a name is required"
    if len(value) > MAX_NAME:
        return "name", f"the name is longer than {MAX_NAME} characters"
    return None
