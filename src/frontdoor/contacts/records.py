"""Validating contact records against the interchange format (`contact-records-and-kpis.md` §1).

`RecordValidator.validate(row_number, raw)` turns one record's raw strings into the values to
store, or into the list of reasons it is rejected. It never touches the database: the catalogue
it checks services and queues against is read once, up front, into a `CatalogueLookup`.

Only the values present in the record are returned, so a re-import can replace stored values
with the non-empty ones and leave the rest (section 1, "Re-imports").
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Channel, Direction, FailureDemandType, Outcome, Resolution

UTC = dt.UTC
MAX_SECONDS = 604_800.0
_DECIMAL = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_INTEGER = re.compile(r"^\d+$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_CSAT_WORDS = {"good", "average", "poor"}
_SENSITIVITIES = {"normal", "restricted", "safeguarding"}

CHANNELS = frozenset(Channel.values)
DIRECTIONS = frozenset(Direction.values)
OUTCOMES = frozenset(Outcome.values)
RESOLUTIONS = frozenset(Resolution.values)
FAILURE_DEMAND_TYPES = frozenset(FailureDemandType.values)
# Channels whose answered and abandoned contacts must say how long the person waited.
WAITED_CHANNELS = frozenset({"phone", "webchat"})

# Plain text columns and their longest allowed value.
TEXT_COLUMNS = {
    "parent_contact_id": 100,
    "case_ref": 100,
    "citizen_ref": 200,
    "wrap_code": 100,
    "agent_ref": 100,
}


@dataclass(frozen=True)
class ServiceEntry:
    """What validation needs to know about one catalogue service."""

    pk: int
    default_queue_pk: int
    default_sensitivity: str


@dataclass(frozen=True)
class CatalogueLookup:
    """The council's catalogue as validation sees it: ids to primary keys."""

    services: Mapping[str, ServiceEntry]
    queues: Mapping[str, int]

    def service_by_pk(self, pk: int) -> ServiceEntry:
        """The entry of the service with this primary key."""
        by_pk = self.__dict__.get("_by_pk")
        if by_pk is None:
            by_pk = {entry.pk: entry for entry in self.services.values()}
            object.__setattr__(self, "_by_pk", by_pk)
        return by_pk[pk]


@dataclass
class ValidRecord:
    """A record that passed: its identity and the values it gives (absent ones left out)."""

    row_number: int
    source: str
    contact_id: str
    values: dict[str, Any]


@dataclass
class Rejection:
    """Why a record was rejected: its row number (header = row 1), the column and the reason."""

    row_number: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row_number}, column {self.column}: {self.reason}"


@dataclass
class _Problems:
    row_number: int
    found: list[Rejection] = field(default_factory=list)

    def add(self, column: str, reason: str) -> None:
        self.found.append(Rejection(self.row_number, column, reason))


class RecordValidator:
    """Checks records of one council against the format; reusable for a whole file."""

    def __init__(
        self, *, catalogue: CatalogueLookup, time_zone: str, default_source: str = "import"
    ) -> None:
        self.catalogue = catalogue
        self.zone = zoneinfo.ZoneInfo(time_zone)
        self.default_source = default_source

    def validate(
        self, row_number: int, raw: Mapping[str, str | None]
    ) -> ValidRecord | list[Rejection]:
        """The record's values to store, or every reason it is rejected."""
        problems = _Problems(row_number)
        # Trim once; an empty value is an absent one.
        present = {name: text for name, value in raw.items() if value and (text := value.strip())}

        def get(name: str) -> str:
            return present.get(name, "")

        values: dict[str, Any] = {}

        contact_id = get("contact_id")
        if not contact_id:
            problems.add("contact_id", "is required")
        elif len(contact_id) > 100:
            problems.add("contact_id", "is longer than 100 characters")
        source = get("source") or self.default_source
        if len(source) > 50:
            problems.add("source", "is longer than 50 characters")

        channel = self._choice(get, problems, "channel", CHANNELS, required=True)
        direction = self._choice(get, problems, "direction", DIRECTIONS)
        outcome = self._choice(get, problems, "outcome", OUTCOMES, required=True)
        resolution = self._choice(get, problems, "resolution", RESOLUTIONS)
        fd_type = self._choice(get, problems, "failure_demand_type", FAILURE_DEMAND_TYPES)
        sensitivity = self._choice(get, problems, "sensitivity", _SENSITIVITIES)
        for name, chosen in (
            ("channel", channel),
            ("direction", direction),
            ("outcome", outcome),
            ("resolution", resolution),
            ("failure_demand_type", fd_type),
            ("sensitivity", sensitivity),
        ):
            if chosen:
                values[name] = chosen

        service_id = get("service")
        if not service_id:
            problems.add("service", "is required")
        else:
            service = self.catalogue.services.get(service_id)
            if service is None:
                problems.add("service", f"'{service_id}' is not a service in the catalogue")
            else:
                values["service_id"] = service.pk
        queue_id = get("queue")
        if queue_id:
            queue_pk = self.catalogue.queues.get(queue_id)
            if queue_pk is None:
                problems.add("queue", f"'{queue_id}' is not a queue in the catalogue")
            else:
                values["queue_id"] = queue_pk
        elif (
            "service_id" in values
            and not self.catalogue.service_by_pk(values["service_id"]).default_queue_pk
        ):
            problems.add("queue", f"is required: service '{service_id}' has no family queue")

        offered_at = self._offered_at(get("offered_at"), problems)
        if offered_at is not None:
            values["offered_at"] = offered_at

        for name in ("wait_seconds", "handle_seconds"):
            number = self._seconds(get(name), problems, name)
            if number is not None:
                values[name] = number
        if (
            outcome in ("answered", "abandoned")
            and channel in WAITED_CHANNELS
            and source != "desktop"
            and "wait_seconds" not in values
            and not any(r.column == "wait_seconds" for r in problems.found)
        ):
            problems.add("wait_seconds", f"is required for {outcome} {channel} contacts")

        failure_demand = self._boolean(get("failure_demand"), problems, "failure_demand")
        if fd_type:
            if failure_demand is False:
                problems.add("failure_demand_type", "is given but failure_demand is false")
            failure_demand = True
        if failure_demand is not None:
            values["failure_demand"] = failure_demand
        for name in ("email_known", "retracted"):
            flag = self._boolean(get(name), problems, name)
            if flag is not None:
                values[name] = flag

        csat = get("csat")
        if csat:
            lowered = csat.lower()
            if lowered in _CSAT_WORDS:
                values["csat"] = lowered
            elif _INTEGER.match(csat) and 1 <= int(csat) <= 5:
                values["csat"] = str(int(csat))
            else:
                problems.add("csat", "must be good, average, poor or a whole number from 1 to 5")

        for name, longest in TEXT_COLUMNS.items():
            text = get(name)
            if text:
                if len(text) > longest:
                    problems.add(name, f"is longer than {longest} characters")
                else:
                    values[name] = text

        if problems.found:
            return problems.found
        return ValidRecord(row_number, source, contact_id, values)

    @staticmethod
    def _choice(
        get: Callable[[str], str],
        problems: _Problems,
        name: str,
        allowed: frozenset[str] | set[str],
        *,
        required: bool = False,
    ) -> str:
        value = get(name).lower()
        if not value:
            if required:
                problems.add(name, "is required")
            return ""
        if value not in allowed:
            problems.add(name, f"'{value}' is not one of {', '.join(sorted(allowed))}")
            return ""
        return value

    @staticmethod
    def _seconds(text: str, problems: _Problems, name: str) -> float | None:
        if not text:
            return None
        if not _DECIMAL.match(text):
            problems.add(name, "must be a plain decimal number of seconds")
            return None
        number = float(text)
        if number > MAX_SECONDS:
            problems.add(name, f"must be between 0 and {int(MAX_SECONDS)}")
            return None
        return number

    @staticmethod
    def _boolean(text: str, problems: _Problems, name: str) -> bool | None:
        if not text:
            return None
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        problems.add(name, "must be true or false (also 1/0, yes/no)")
        return None

    def _offered_at(self, text: str, problems: _Problems) -> dt.datetime | None:
        if not text:
            problems.add("offered_at", "is required")
            return None
        if len(text) <= 10 or text[10] not in "Tt ":
            problems.add("offered_at", "must be an ISO 8601 date and time")
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            problems.add("offered_at", "must be an ISO 8601 date and time")
            return None
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        # Naive: the council's wall-clock time. fold=0 takes the first of an ambiguous hour; a
        # time inside the spring gap does not survive the round trip and is rejected.
        aware = moment.replace(tzinfo=self.zone)
        in_utc = aware.astimezone(UTC)
        if in_utc.astimezone(self.zone).replace(tzinfo=None) != moment:
            problems.add(
                "offered_at", "does not exist in the local time zone (clocks went forward)"
            )
            return None
        return in_utc
