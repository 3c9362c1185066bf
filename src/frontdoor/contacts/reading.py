"""Reading contact records from files: the interchange CSV, or any file a mapping describes.

`contact-records-and-kpis.md` section 1 is the interchange format and section 4 the mapping files.
This module only *reads*: it turns each record of a file into the raw strings of the interchange
columns (a `SourceRecord`) and leaves judging them to the importer's validator. It imports no
Django, so the command line, the web upload, the API and the benchmarks can all share it.

Everything streams: a CSV or TSV is read line by line through `csv.reader`, and a JSON array
element by element with `json.JSONDecoder.raw_decode` over chunks of text, so only one record (and
a chunk of the file) is held in memory at a time. Files may be given by path or as an open file
object, binary or text (the web upload and the API hand over file objects).

Without a mapping the file is a CSV in the interchange format: UTF-8 with or without a byte-order
mark, a header row, unknown extra columns ignored (header names are matched trimmed and without
regard to case), column order free. Row numbers are what a spreadsheet shows: the header is row 1
and the first record row 2 (a blank line still takes a row number; a quoted value spanning lines is
one row). In a JSON array the first element is row 1.

A mapping file (TOML or YAML, chosen by the file's extension) describes any other export::

    format = "tsv"                    # csv (with `delimiter`, default ","), tsv or json
    source = "telephony"              # the source name records default to
    time_zone = "Asia/Jerusalem"      # IANA zone of naive offered_at values (see Mapping)
    encoding = "utf-8"                # optional, any Python codec; a BOM is always ignored
    quotechar = '"'                   # optional (csv and tsv); "" reads quotes as plain text

    [[skip_when]]                     # records that are not contacts at all: counted, not rejected
    reason = "hung up in the VRU before reaching the queue"
    when = [{ column = "q_start", equals = "0:00:00" }, { column = "outcome", equals = "HANG" }]

    [fields]                          # one expression per interchange column
    contact_id = { template = "{vru+line}-{call_id}" }
    channel = { value = "phone" }
    outcome = { column = "outcome", map = { AGENT = "answered", HANG = "abandoned" } }
    citizen_ref = { column = "customer_id", absent = ["0"] }

An expression has exactly one of these:

- `column = "name"`: the value of that source column (a key, for JSON), named exactly as in the
  file's header (trimmed); a CSV or TSV must have every column its mapping names.
- `value = "text"`: a constant (true/false and numbers are written as text).
- `template = "{a}-{b}"`: columns put into a text; `{{` and `}}` are literal braces. It is empty
  when any column it names is empty, so a half-built identifier never gets through.
- `datetime = "column"` with `format` (`strptime` codes, e.g. `%m/%d/%Y %I:%M:%S %p`), or
  `date = "column"` with `date_format` and `time = "column"` with `time_format`: an ISO 8601
  date-time, `YYYY-MM-DDTHH:MM:SS` (naive unless the format reads an offset with `%z`). With
  `next_day_if_before = "column"` (date and time only), a time more than 12 hours earlier than
  that column's time (read with `time_format`) is taken to be on the next day: a call that
  crossed midnight after the date was stamped.
- `seconds_between = ["start", "end"]` with `format`: the seconds from one time to the other; with
  a time-of-day format (no date in it) a negative difference is taken to have crossed midnight.
- `first_of = [expression, ...]`: the first of several expressions that is not empty.

and any of these:

- `absent = ["0:00:00", ...]`: source values that mean "absent" and read as empty, for every
  column the expression reads (a `first_of` passes its list on to its expressions).
- `map = {FROM = "to", ...}` with an optional `default`: translates the expression's value; a
  value the map does not name becomes `default` when one is given (`default = ""` empties it),
  and is otherwise passed through unchanged for the validator to reject. An empty value stays
  empty unless the map names `""`.
- `when = [{ column = "c", equals = "x" }, ...]`: the expression is empty unless every condition
  holds. A condition is `equals`, `not_equals`, `in` (a list), `not_in` (a list) or `empty` (true
  or false) on one source column, compared trimmed and exactly; `skip_when` rules use the same.

Values that do not parse are never fatal: when an expression cannot be evaluated for a row (a date
that does not match its format), the field keeps the raw text and the record carries a problem,
`(column, reason)`, for the importer to reject that row with; the next row is read as usual. Only
a file that cannot be read at all (no header, a mapping's column missing from it, broken JSON
syntax) raises `ReadError`, after the records before the fault have been yielded.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

__all__ = [
    "COLUMNS",
    "REQUIRED_FIELDS",
    "WHOLE_ROW",
    "Condition",
    "Expression",
    "Mapping",
    "MappingError",
    "ReadError",
    "SkipRule",
    "SourceRecord",
    "load_mapping",
    "parse_mapping",
    "read_records",
]

# The columns of the interchange format (section 1), in the reference's order.
COLUMNS: tuple[str, ...] = (
    "contact_id",
    "source",
    "channel",
    "direction",
    "parent_contact_id",
    "service",
    "queue",
    "offered_at",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "resolution",
    "failure_demand",
    "failure_demand_type",
    "case_ref",
    "citizen_ref",
    "email_known",
    "csat",
    "wrap_code",
    "agent_ref",
    "sensitivity",
    "retracted",
)
# Every record needs these, so a mapping that cannot produce one of them is refused.
REQUIRED_FIELDS: tuple[str, ...] = ("contact_id", "channel", "service", "offered_at", "outcome")
# The column a problem names when it concerns the whole row (a row with too many fields).
WHOLE_ROW = "*"

CHUNK_SIZE = 1 << 16
MAX_JSON_ELEMENT = 16 << 20  # characters of one JSON element before we call it malformed
_REPLACEMENT = "\ufffd"  # what an undecodable byte becomes
_JSON_SPACE = " \t\n\r"
_FORMATS = ("csv", "tsv", "json")
_DATE_DIRECTIVES = ("%d", "%j", "%y", "%Y", "%m", "%b", "%B", "%c", "%x", "%G", "%U", "%W", "%V")
_HALF_DAY = dt.timedelta(hours=12)


class MappingError(ValueError):
    """A mapping file that cannot be used: the message says where and why."""


class ReadError(ValueError):
    """A file that cannot be read as a whole (as opposed to one bad record in it)."""


@dataclass(frozen=True)
class SourceRecord:
    """One record of a file, as raw strings of the interchange columns.

    `values` maps interchange column names to raw strings (empty or missing means absent); it is
    None for a record that a mapping's `skip_when` rule says is not a contact at all, and then
    `skipped` is that rule's reason. `problems` are `(column, reason)` pairs for values the
    reading itself could not make sense of (a date that does not match the mapping's format, a
    row with the wrong number of fields, bytes that are not valid text): the importer rejects the
    record with them. `WHOLE_ROW` ("*") is the column of a problem about the row as a whole.
    """

    row_number: int
    values: dict[str, str] | None
    skipped: str | None = None
    problems: tuple[tuple[str, str], ...] = ()


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> str | bytes: ...


# A source row as a mapping sees it: the trimmed value of a column, "" when it is missing.
_Getter = Callable[[str], str]


class _Failure(Exception):
    """An expression that cannot be evaluated for this row; `raw` is the text it read."""

    def __init__(self, reason: str, raw: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw


# --------------------------------------------------------------------------------------------
# Conditions, skip rules and expressions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A test on one source column: its trimmed value is (or, negated, is not) one of `values`."""

    column: str
    values: frozenset[str]
    negate: bool = False

    def holds(self, get: _Getter) -> bool:
        return (get(self.column) in self.values) != self.negate


@dataclass(frozen=True)
class SkipRule:
    """Records for which every condition holds are not contacts: skipped, counted, by reason."""

    reason: str
    conditions: tuple[Condition, ...]

    def matches(self, get: _Getter) -> bool:
        return all(condition.holds(get) for condition in self.conditions)


class Expression:
    """How one interchange column is made from a source row (see the module's docstring)."""

    def __init__(
        self,
        *,
        absent: frozenset[str] = frozenset(),
        when: tuple[Condition, ...] = (),
        value_map: dict[str, str] | None = None,
        default: str | None = None,
    ) -> None:
        self.absent = absent
        self.when = when
        self.value_map = value_map
        self.default = default

    def evaluate(self, get: _Getter) -> str:
        """The value for this row ("" for absent); raises `_Failure` when it cannot be made."""
        for condition in self.when:
            if not condition.holds(get):
                return ""
        value = self._compute(get)
        if self.value_map is not None:
            mapped = self.value_map.get(value)
            if mapped is not None:
                return mapped
            if value and self.default is not None:
                return self.default
        return value

    def columns(self) -> set[str]:
        """Every source column this expression reads."""
        return {condition.column for condition in self.when} | self._own_columns()

    def _read(self, get: _Getter, column: str) -> str:
        value = get(column)
        return "" if value in self.absent else value

    def _compute(self, get: _Getter) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _own_columns(self) -> set[str]:
        return set()


class _Column(Expression):
    def __init__(self, column: str, **options: Any) -> None:
        super().__init__(**options)
        self.column = column

    def _compute(self, get: _Getter) -> str:
        return self._read(get, self.column)

    def _own_columns(self) -> set[str]:
        return {self.column}


class _Constant(Expression):
    def __init__(self, value: str, **options: Any) -> None:
        super().__init__(**options)
        self.value = value

    def _compute(self, get: _Getter) -> str:
        return self.value


class _Template(Expression):
    def __init__(self, parts: list[tuple[str, str | None]], **options: Any) -> None:
        super().__init__(**options)
        self.parts = parts  # (literal text, column or None)

    def _compute(self, get: _Getter) -> str:
        out: list[str] = []
        for literal, column in self.parts:
            out.append(literal)
            if column is not None:
                value = self._read(get, column)
                if not value:
                    return ""
                out.append(value)
        return "".join(out)

    def _own_columns(self) -> set[str]:
        return {column for _, column in self.parts if column is not None}


class _DateTime(Expression):
    """One date-time column, or a date column and a time column, written as ISO 8601."""

    def __init__(
        self,
        *,
        column: str,
        fmt: str,
        time_column: str | None = None,
        time_fmt: str = "",
        next_day_if_before: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.column = column
        self.fmt = fmt
        self.time_column = time_column
        self.time_fmt = time_fmt
        self.next_day_if_before = next_day_if_before
        self._dates: dict[str, dt.date] = {}  # a file has few distinct dates: parse each once

    def _compute(self, get: _Getter) -> str:
        raw = self._read(get, self.column)
        if self.time_column is None:
            if not raw:
                return ""
            try:
                moment = _strptime(raw, self.fmt)
            except ValueError:
                raise _Failure(
                    f"{self.column} '{raw}' does not match the format {self.fmt}", raw
                ) from None
            return moment.isoformat()
        raw_time = self._read(get, self.time_column)
        if not raw or not raw_time:
            return ""
        both = f"{raw} {raw_time}"
        day = self._date(raw)
        if day is None:
            raise _Failure(f"{self.column} '{raw}' does not match the format {self.fmt}", both)
        try:
            clock = _strptime(raw_time, self.time_fmt)
        except ValueError:
            raise _Failure(
                f"{self.time_column} '{raw_time}' does not match the format {self.time_fmt}",
                both,
            ) from None
        moment = dt.datetime.combine(day, clock.timetz())
        if self.next_day_if_before is not None:
            try:
                before = _strptime(get(self.next_day_if_before), self.time_fmt)
            except ValueError:
                before = None
            if before is not None and clock < before - _HALF_DAY:
                moment += dt.timedelta(days=1)
        return moment.isoformat()

    def _date(self, raw: str) -> dt.date | None:
        day = self._dates.get(raw)
        if day is None:
            try:
                day = _strptime(raw, self.fmt).date()
            except ValueError:
                return None
            if len(self._dates) > 10_000:
                self._dates.clear()
            self._dates[raw] = day
        return day

    def _own_columns(self) -> set[str]:
        return {
            c for c in (self.column, self.time_column, self.next_day_if_before) if c is not None
        }


class _SecondsBetween(Expression):
    def __init__(self, start: str, end: str, fmt: str, **options: Any) -> None:
        super().__init__(**options)
        self.start = start
        self.end = end
        self.fmt = fmt
        self.time_of_day = not any(code in fmt for code in _DATE_DIRECTIVES)

    def _compute(self, get: _Getter) -> str:
        moments: list[dt.datetime] = []
        for column in (self.start, self.end):
            raw = self._read(get, column)
            if not raw:
                return ""
            try:
                moments.append(_strptime(raw, self.fmt))
            except ValueError:
                raise _Failure(
                    f"{column} '{raw}' does not match the format {self.fmt}",
                    f"{get(self.start)} {get(self.end)}",
                ) from None
        seconds = (moments[1] - moments[0]).total_seconds()
        if seconds < 0 and self.time_of_day:
            seconds += 86_400
        return str(int(seconds)) if seconds == int(seconds) else repr(seconds)

    def _own_columns(self) -> set[str]:
        return {self.start, self.end}


class _FirstOf(Expression):
    def __init__(self, choices: list[Expression], **options: Any) -> None:
        super().__init__(**options)
        self.choices = choices

    def _compute(self, get: _Getter) -> str:
        for choice in self.choices:
            value = choice.evaluate(get)
            if value:
                return value
        return ""

    def _own_columns(self) -> set[str]:
        return set().union(*(choice.columns() for choice in self.choices))


# --------------------------------------------------------------------------------------------
# The mapping
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """A checked mapping file: how to read one kind of export as contact records.

    `time_zone` is the IANA zone the export's naive times are in (None when the mapping gives
    none): the importer reads naive offered_at values in it. `source` is the source name that
    records which name none default to ("" when the mapping gives none). `columns` are the
    source columns the mapping reads (a CSV or TSV must have them all in its header).
    """

    format: str
    fields: dict[str, Expression]
    source: str = ""
    time_zone: str | None = None
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"
    skip_when: tuple[SkipRule, ...] = ()
    description: str = ""
    origin: str = ""
    columns: frozenset[str] = field(default=frozenset())

    def apply(self, row_number: int, row: AbcMapping[str, object]) -> SourceRecord:
        """Map one source row (column or key -> value) to a record: skipped, or its values."""

        def get(column: str) -> str:
            return _text(row.get(column)).strip()

        for rule in self.skip_when:
            if rule.matches(get):
                return SourceRecord(row_number, None, rule.reason)
        values: dict[str, str] = {}
        problems: list[tuple[str, str]] = []
        for name, expression in self.fields.items():
            try:
                values[name] = expression.evaluate(get)
            except _Failure as failure:
                values[name] = failure.raw
                problems.append((name, failure.reason))
        return SourceRecord(row_number, values, None, tuple(problems))


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read and check a mapping file: TOML (`.toml`) or YAML (`.yaml`, `.yml`).

    Raises `MappingError` for a file that is not valid TOML or YAML or not a valid mapping (an
    unknown key, an unknown interchange field, a bad expression or format), and `OSError` when
    the file cannot be opened.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            with path.open("rb") as handle:
                data: Any = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise MappingError(f"not valid TOML: {error}") from error
    elif suffix in (".yaml", ".yml"):
        with path.open(encoding="utf-8-sig") as handle:
            try:
                data = yaml.safe_load(handle)
            except yaml.YAMLError as error:
                raise MappingError(f"not valid YAML: {error}") from error
    else:
        raise MappingError(f"a mapping file must end in .toml, .yaml or .yml, not '{suffix}'")
    return parse_mapping(data, origin=str(path))


def parse_mapping(data: object, *, origin: str = "") -> Mapping:
    """Check a mapping already parsed into plain data (tables, lists, text) and compile it."""
    if not isinstance(data, dict):
        raise MappingError("a mapping must be a table of keys (format, source, fields...)")
    _only(
        data,
        {
            "format",
            "delimiter",
            "quotechar",
            "encoding",
            "source",
            "time_zone",
            "description",
            "skip_when",
            "fields",
        },
        "the mapping",
    )
    fmt = _text_option(data, "format", "the mapping") or "csv"
    if fmt not in _FORMATS:
        raise MappingError(f"format: '{fmt}' is not one of {', '.join(_FORMATS)}")
    delimiter = {"csv": ",", "tsv": "\t", "json": ""}[fmt]
    if "delimiter" in data:
        if fmt != "csv":
            raise MappingError(f"delimiter: only a csv has one (a {fmt} does not)")
        delimiter = _text_option(data, "delimiter", "the mapping")
        if len(delimiter) != 1 or delimiter in '\r\n"':
            raise MappingError(f"delimiter: must be one character, not {delimiter!r}")
    quotechar = '"'
    if "quotechar" in data:
        if fmt == "json":
            raise MappingError("quotechar: only a csv or tsv has one")
        quotechar = _text_option(data, "quotechar", "the mapping")
        if len(quotechar) > 1 or quotechar in ("\r", "\n", delimiter):
            raise MappingError(f"quotechar: must be one character or empty, not {quotechar!r}")
    encoding = _text_option(data, "encoding", "the mapping") or "utf-8-sig"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise MappingError(f"encoding: '{encoding}' is not a known text encoding") from None
    if codec.name in ("utf-8", "utf-8-sig"):
        encoding = "utf-8-sig"  # a byte-order mark is always ignored
    source = _text_option(data, "source", "the mapping")
    if len(source) > 50:
        raise MappingError("source: is longer than 50 characters")
    time_zone = _text_option(data, "time_zone", "the mapping") or None
    if time_zone is not None:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise MappingError(
                f"time_zone: '{time_zone}' is not an IANA time zone (e.g. Europe/London)"
            ) from None
    description = _text_option(data, "description", "the mapping")

    skip_data = data.get("skip_when", [])
    if isinstance(skip_data, dict):
        skip_data = [skip_data]
    if not isinstance(skip_data, list):
        raise MappingError("skip_when: must be a list of rules, each with a reason and a when")
    rules: list[SkipRule] = []
    for index, rule in enumerate(skip_data):
        where = f"skip_when[{index}]"
        if not isinstance(rule, dict):
            raise MappingError(f"{where}: must be a table with a reason and a when")
        _only(rule, {"reason", "when"}, where)
        reason = _text_option(rule, "reason", where)
        if not reason:
            raise MappingError(f"{where}: needs a reason (it is how skipped records are counted)")
        if "when" not in rule:
            raise MappingError(f"{where}: needs a when (the conditions a skipped record meets)")
        conditions = _conditions(rule["when"], f"{where}.when")
        if not conditions:
            raise MappingError(f"{where}.when: needs at least one condition")
        rules.append(SkipRule(reason, conditions))

    fields_data = data.get("fields")
    if not isinstance(fields_data, dict) or not fields_data:
        raise MappingError("fields: must be a table of interchange columns and their expressions")
    fields: dict[str, Expression] = {}
    for name, spec in fields_data.items():
        if name not in COLUMNS:
            raise MappingError(
                f"fields: '{name}' is not a column of the interchange format "
                f"(one of {', '.join(COLUMNS)})"
            )
        fields[name] = _expression(spec, f"fields.{name}", frozenset())
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise MappingError(f"fields: every record needs {', '.join(missing)}; the mapping has none")

    columns: set[str] = set()
    for expression in fields.values():
        columns |= expression.columns()
    for rule in rules:
        columns |= {condition.column for condition in rule.conditions}
    return Mapping(
        format=fmt,
        fields=fields,
        source=source,
        time_zone=time_zone,
        delimiter=delimiter,
        quotechar=quotechar,
        encoding=encoding,
        skip_when=tuple(rules),
        description=description,
        origin=origin,
        columns=frozenset(columns),
    )


_BASE_KEYS = ("column", "value", "template", "datetime", "date", "seconds_between", "first_of")
_KEYS_OF: dict[str, set[str]] = {
    "column": set(),
    "value": set(),
    "template": set(),
    "datetime": {"format"},
    "date": {"date_format", "time", "time_format", "next_day_if_before"},
    "seconds_between": {"format"},
    "first_of": set(),
}
_MODIFIER_KEYS = {"absent", "map", "default", "when"}


def _expression(spec: object, where: str, inherited_absent: frozenset[str]) -> Expression:
    if not isinstance(spec, dict):
        raise MappingError(
            f'{where}: must be a table such as {{ column = "..." }} or {{ value = "..." }}'
        )
    bases = [key for key in _BASE_KEYS if key in spec]
    if len(bases) != 1:
        found = f"it has {', '.join(bases)}" if bases else "it has none"
        raise MappingError(f"{where}: needs exactly one of {', '.join(_BASE_KEYS)} ({found})")
    base = bases[0]
    _only(spec, {base} | _KEYS_OF[base] | _MODIFIER_KEYS, where)

    absent = inherited_absent | frozenset(_text_list(spec, "absent", where))
    options: dict[str, Any] = {"absent": absent}
    if "when" in spec:
        options["when"] = _conditions(spec["when"], f"{where}.when")
    if "map" in spec:
        table = spec["map"]
        if not isinstance(table, dict):
            raise MappingError(f"{where}.map: must be a table of values and what they become")
        value_map: dict[str, str] = {}
        for key, mapped in table.items():
            if not isinstance(key, str):
                raise MappingError(
                    f"{where}.map: the key {key!r} is not text (put it in quotes in YAML)"
                )
            value_map[key.strip()] = _scalar(mapped, f"{where}.map.{key}")
        options["value_map"] = value_map
    if "default" in spec:
        if "map" not in spec:
            raise MappingError(f"{where}: a default is only for a map")
        options["default"] = _scalar(spec["default"], f"{where}.default")

    if base == "column":
        return _Column(_column_name(spec["column"], f"{where}.column"), **options)
    if base == "value":
        return _Constant(_scalar(spec["value"], f"{where}.value"), **options)
    if base == "template":
        template = spec["template"]
        if not isinstance(template, str):
            raise MappingError(f'{where}.template: must be text like "{{a}}-{{b}}"')
        return _Template(_template_parts(template, f"{where}.template"), **options)
    if base == "datetime":
        fmt = _datetime_format(spec, "format", where, need_date=True, need_time=True)
        return _DateTime(
            column=_column_name(spec["datetime"], f"{where}.datetime"), fmt=fmt, **options
        )
    if base == "date":
        if "time" not in spec:
            raise MappingError(f"{where}: a date needs a time column too (offered_at has a time)")
        date_fmt = _datetime_format(spec, "date_format", where, need_date=True, need_time=False)
        time_fmt = _datetime_format(spec, "time_format", where, need_date=False, need_time=True)
        before = spec.get("next_day_if_before")
        return _DateTime(
            column=_column_name(spec["date"], f"{where}.date"),
            fmt=date_fmt,
            time_column=_column_name(spec["time"], f"{where}.time"),
            time_fmt=time_fmt,
            next_day_if_before=(
                None if before is None else _column_name(before, f"{where}.next_day_if_before")
            ),
            **options,
        )
    if base == "seconds_between":
        pair = spec["seconds_between"]
        if not (isinstance(pair, list) and len(pair) == 2):
            raise MappingError(f"{where}.seconds_between: must be [start column, end column]")
        fmt = _datetime_format(spec, "format", where, need_date=False, need_time=True)
        return _SecondsBetween(
            _column_name(pair[0], f"{where}.seconds_between[0]"),
            _column_name(pair[1], f"{where}.seconds_between[1]"),
            fmt,
            **options,
        )
    choices = spec["first_of"]
    if not isinstance(choices, list) or not choices:
        raise MappingError(f"{where}.first_of: must be a list of expressions")
    return _FirstOf(
        [_expression(choice, f"{where}.first_of[{i}]", absent) for i, choice in enumerate(choices)],
        **options,
    )


def _conditions(data: object, where: str) -> tuple[Condition, ...]:
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise MappingError(f"{where}: must be a condition or a list of conditions")
    conditions: list[Condition] = []
    for index, item in enumerate(items):
        here = f"{where}[{index}]" if isinstance(data, list) else where
        if not isinstance(item, dict):
            raise MappingError(
                f'{here}: must be a table such as {{ column = "...", equals = ... }}'
            )
        tests = [key for key in ("equals", "not_equals", "in", "not_in", "empty") if key in item]
        if "column" not in item or len(tests) != 1:
            raise MappingError(
                f"{here}: needs a column and exactly one of equals, not_equals, in, not_in, empty"
            )
        _only(item, {"column", tests[0]}, here)
        column = _column_name(item["column"], f"{here}.column")
        test = tests[0]
        if test in ("equals", "not_equals"):
            values = frozenset({_text_value(item[test], f"{here}.{test}").strip()})
        elif test in ("in", "not_in"):
            values = frozenset(value.strip() for value in _text_list(item, test, here))
        else:
            if not isinstance(item["empty"], bool):
                raise MappingError(f"{here}.empty: must be true or false")
            values = frozenset({""})
        negate = test in ("not_equals", "not_in") or (test == "empty" and not item["empty"])
        conditions.append(Condition(column, values, negate))
    return tuple(conditions)


def _template_parts(template: str, where: str) -> list[tuple[str, str | None]]:
    parts: list[tuple[str, str | None]] = []
    literal: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char in "{}" and template[index : index + 2] == char * 2:
            literal.append(char)
            index += 2
        elif char == "{":
            end = template.find("}", index)
            name = template[index + 1 : end] if end > 0 else ""
            if end < 0 or not name.strip() or "{" in name:
                raise MappingError(f"{where}: a '{{' must open a column name closed by '}}'")
            parts.append(("".join(literal), name.strip()))
            literal.clear()
            index = end + 1
        elif char == "}":
            raise MappingError(f"{where}: a lone '}}' (write '}}}}' for a literal brace)")
        else:
            literal.append(char)
            index += 1
    if not parts:
        raise MappingError(f"{where}: names no column (use value for a constant)")
    if literal:
        parts.append(("".join(literal), None))
    return parts


def _datetime_format(
    spec: dict[str, Any], key: str, where: str, *, need_date: bool, need_time: bool
) -> str:
    if key not in spec:
        raise MappingError(f"{where}: needs a {key} (strptime codes, e.g. %Y-%m-%d %H:%M:%S)")
    fmt = spec[key]
    if not isinstance(fmt, str) or not fmt:
        raise MappingError(f"{where}.{key}: must be text such as %Y-%m-%d %H:%M:%S")
    sample = dt.datetime(2001, 2, 3, 16, 5, 6, tzinfo=dt.UTC)
    try:
        _strptime(sample.strftime(fmt), fmt)
    except ValueError as error:
        raise MappingError(f"{where}.{key}: '{fmt}' is not a usable format ({error})") from None
    if need_date and not any(code in fmt for code in _DATE_DIRECTIVES):
        raise MappingError(f"{where}.{key}: '{fmt}' reads no date (e.g. %Y-%m-%d)")
    if need_time and "%H" not in fmt and "%I" not in fmt:
        raise MappingError(f"{where}.{key}: '{fmt}' reads no hour (%H, or %I with %p)")
    if "%I" in fmt and "%p" not in fmt:
        raise MappingError(f"{where}.{key}: '{fmt}' has a 12-hour %I but no AM/PM %p")
    return fmt


def _strptime(text: str, fmt: str) -> dt.datetime:
    """`datetime.strptime`: naive on purpose, unless the format reads an offset (%z).

    Exports hold wall-clock times; the importer reads naive offered_at values in the mapping's
    time zone, with the reference's clock-change rules, so no zone is attached here.
    """
    return dt.datetime.strptime(text, fmt)  # noqa: DTZ007


def _only(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(key) for key in table if key not in allowed)
    if unknown:
        raise MappingError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(expected {', '.join(sorted(allowed))})"
        )


def _text_option(table: dict[str, Any], key: str, where: str) -> str:
    if key not in table:
        return ""
    value = table[key]
    if not isinstance(value, str):
        prefix = key if where == "the mapping" else f"{where}.{key}"
        raise MappingError(f"{prefix}: must be text, not {value!r}")
    return value


def _text_value(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise MappingError(f"{where}: must be text, not {value!r} (put it in quotes in YAML)")
    return value


def _text_list(table: dict[str, Any], key: str, where: str) -> list[str]:
    if key not in table:
        return []
    values = table[key]
    if not isinstance(values, list):
        raise MappingError(f"{where}.{key}: must be a list of text values")
    return [_text_value(value, f"{where}.{key}") for value in values]


def _column_name(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{where}: must be the name of a source column")
    return value.strip()


def _scalar(value: object, where: str) -> str:
    """Text, or a TOML/YAML boolean or number written as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise MappingError(f"{where}: must be text, a number or true/false, not {value!r}")


def _text(value: object) -> str:
    """A JSON (or CSV) value as the raw text of a column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def read_records(
    source: str | os.PathLike[str] | _Readable, mapping: Mapping | None = None
) -> Iterator[SourceRecord]:
    """The records of a file, one at a time, in file order.

    `source` is a path (a `str` is a path, never data) or an open file object, binary or text; a
    file object is read from where it stands and is not closed. Without a `mapping` the file is
    a CSV in the interchange format. Raises `ReadError` (when iterated) for a file that cannot
    be read as a whole; the records before the fault have been yielded by then.
    """
    encoding = mapping.encoding if mapping else "utf-8-sig"
    chunks = _text_chunks(source, encoding)
    if mapping is not None and mapping.format == "json":
        return _read_json(chunks, mapping)
    return _read_delimited(chunks, mapping)


def _text_chunks(source: str | os.PathLike[str] | _Readable, encoding: str) -> Iterator[str]:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield from _decoded(handle, encoding)
    else:
        yield from _decoded(source, encoding)


def _decoded(handle: _Readable, encoding: str) -> Iterator[str]:
    """Text of a binary or text file object, chunk by chunk; a leading BOM is dropped."""
    decoder: codecs.IncrementalDecoder | None = None
    first = True
    while True:
        chunk = handle.read(CHUNK_SIZE)
        if isinstance(chunk, str):
            if not chunk:
                return
            if first:
                chunk = chunk.removeprefix("\ufeff")
                first = False
            yield chunk
            continue
        if decoder is None:
            # Undecodable bytes become U+FFFD and the rows holding them get a problem, so one
            # bad byte does not stop a million-row import.
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = decoder.decode(bytes(chunk), final=not chunk)
        if text:
            if first:
                text = text.removeprefix("\ufeff")  # a BOM in a non-UTF-8 codec's clothing
            first = False
            yield text
        if not chunk:
            return


def _lines(chunks: Iterable[str]) -> Iterator[str]:
    """Lines of text ending with their "\\n", as `csv.reader` wants them."""
    pending: list[str] = []
    for chunk in chunks:
        start = 0
        while (end := chunk.find("\n", start)) >= 0:
            piece = chunk[start : end + 1]
            if pending:
                pending.append(piece)
                yield "".join(pending)
                pending.clear()
            else:
                yield piece
            start = end + 1
        if start < len(chunk):
            pending.append(chunk[start:])
    if pending:
        yield "".join(pending)


def _read_delimited(chunks: Iterator[str], mapping: Mapping | None) -> Iterator[SourceRecord]:
    delimiter = mapping.delimiter if mapping else ","
    quotechar = mapping.quotechar if mapping else '"'
    if quotechar:
        reader = csv.reader(_lines(chunks), delimiter=delimiter, quotechar=quotechar)
    else:
        reader = csv.reader(_lines(chunks), delimiter=delimiter, quoting=csv.QUOTE_NONE)
    row_number = 1
    header = _next_row(reader, row_number)
    if header is None:
        raise ReadError("the file is empty: it has no header row")
    names = [name.strip() for name in header]
    if mapping is None:
        names = [name.lower() for name in names]
        wanted: set[str] = set(COLUMNS)
    else:
        wanted = set(mapping.columns)
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in wanted:
            if name in index:
                raise ReadError(f"the header (row 1) has the column '{name}' twice")
            index[name] = position
    if mapping is None and not index:
        raise ReadError(
            "the header (row 1) has none of the interchange format's columns "
            "(contact_id, channel, service, offered_at, outcome...): is the file in that "
            "format, or does it need a mapping?"
        )
    if mapping is not None:
        missing = sorted(wanted - index.keys())
        if missing:
            raise ReadError(
                f"the header (row 1) lacks column{'s' if len(missing) > 1 else ''} the mapping "
                f"reads: {', '.join(missing)}"
            )
    width = len(names)
    while True:
        row_number += 1
        cells = _next_row(reader, row_number)
        if cells is None:
            return
        if not cells:
            continue  # a blank line: it keeps its row number, it is not a record
        problems: list[tuple[str, str]] = []
        if len(cells) != width:
            problems.append((WHOLE_ROW, f"has {len(cells)} fields where the header has {width}"))
        row = {name: cells[at] if at < len(cells) else "" for name, at in index.items()}
        for name, value in row.items():
            if _REPLACEMENT in value:
                problems.append((name, _bad_text_reason(mapping)))
        if mapping is None:
            yield SourceRecord(row_number, row, None, tuple(problems))
        elif len(cells) != width:
            yield SourceRecord(row_number, {}, None, tuple(problems))  # misaligned: not mapped
        else:
            record = mapping.apply(row_number, row)
            if problems and record.skipped is None:
                record = SourceRecord(
                    row_number, record.values, None, (*problems, *record.problems)
                )
            yield record


def _next_row(reader: Iterator[list[str]], row_number: int) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        raise ReadError(f"row {row_number}: the file cannot be read as CSV ({error})") from None


def _bad_text_reason(mapping: Mapping | None) -> str:
    encoding = mapping.encoding if mapping else "utf-8-sig"
    name = "UTF-8" if encoding == "utf-8-sig" else encoding
    return f"holds bytes that are not valid {name} text (is the file in another encoding?)"


def _read_json(chunks: Iterator[str], mapping: Mapping) -> Iterator[SourceRecord]:
    for row_number, element in _JsonArray(chunks):
        if not isinstance(element, dict):
            yield SourceRecord(
                row_number,
                {},
                None,
                ((WHOLE_ROW, f"is a JSON {_json_kind(element)}, not an object"),),
            )
            continue
        record = mapping.apply(row_number, element)
        if record.skipped is None:
            bad = [
                (column, _bad_text_reason(mapping))
                for column in sorted(mapping.columns)
                if _REPLACEMENT in _text(element.get(column))
            ]
            if bad:
                record = SourceRecord(row_number, record.values, None, (*bad, *record.problems))
        yield record


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else type(value).__name__


class _JsonArray:
    """The elements of a top-level JSON array, numbered from 1, parsed one at a time."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks = chunks
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        first = self._peek()
        if not first:
            raise ReadError("the file is empty: expected a JSON array")
        if first != "[":
            raise ReadError("the file is not a JSON array: it must start with '['")
        self.pos += 1
        if self._peek() == "]":
            self.pos += 1
            self._expect_end()
            return
        number = 0
        while True:
            number += 1
            yield number, self._element(number)
            after = self._peek()
            if after == ",":
                self.pos += 1
            elif after == "]":
                self.pos += 1
                self._expect_end()
                return
            elif not after:
                raise ReadError(f"the JSON array ends early, after element {number}")
            else:
                raise ReadError(f"after element {number} of the JSON array: expected ',' or ']'")

    def _element(self, number: int) -> Any:
        while True:
            if not self._peek():
                raise ReadError(f"the JSON array ends early, at element {number}")
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > MAX_JSON_ELEMENT:
                    raise ReadError(f"element {number} of the JSON array is too large") from None
                if self._more():
                    continue  # most likely cut off at the end of the chunk
                raise ReadError(
                    f"element {number} of the JSON array is not valid JSON ({error.msg})"
                ) from None
            if end == len(self.buffer) and self._more():
                continue  # a bare number or literal may go on in the next chunk
            self.pos = end
            return value

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end), without taking it."""
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _JSON_SPACE:
                pos += 1
            self.pos = pos
            if pos < len(buffer):
                return buffer[pos]
            if not self._more():
                return ""

    def _more(self) -> bool:
        if self.eof:
            return False
        for chunk in self.chunks:
            if chunk:
                if self.pos:
                    self.buffer = self.buffer[self.pos :]
                    self.pos = 0
                self.buffer += chunk
                return True
        self.eof = True
        return False

    def _expect_end(self) -> None:
        if self._peek():
            raise ReadError("there is more after the end of the JSON array")
