"""Clock policies as data: an amount and a unit over a calendar, plus what may stop or extend it.

A policy never names a code path. Every clock of the product (a complaint stage, an FOI request, a
subject access request, a councillor's enquiry, a service standard) is a `ClockPolicy` value, so a
council's own procedure is configuration, and a case can keep the exact policy it was opened under
(`policy_to_data` / `policy_from_data`) so a later change of procedure never moves its dates.

Which calendar
--------------
`CalendarRule` names the bank holidays that are not working days and whether the council's own
closure days are skipped too:

* `Holidays.DIVISION`: the council's division (complaints, member enquiries, service standards,
  subject access).
* `Holidays.FOI`: the FOI Act's "bank holiday in any part of the United Kingdom" (FOIA s.10(6)),
  except for a Scottish council, which answers under FOISA 2002 (s.73) and counts Scotland's
  bank holidays only. The EIR borrow the FOIA definition (EIR 2004 reg 2; EISR 2004 reg 2).
* `Holidays.ALL_UK` and `Holidays.SCOTLAND`: the same sets named outright.

Closure days are skipped by complaint, member-enquiry and service-standard clocks only: a
statutory clock is set by law, and the council closing its doors does not stop it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

DIVISIONS: tuple[str, ...] = ("england-and-wales", "scotland", "northern-ireland")
SCOTLAND = "scotland"


class PolicyError(ValueError):
    """A policy, or settings describing one, that cannot be used; the message says why."""


class Unit(StrEnum):
    WORKING_DAYS = "working-days"
    CALENDAR_DAYS = "calendar-days"
    CALENDAR_MONTHS = "calendar-months"
    HOURS = "hours"  # hours within the opening hours of the service's queue


UNIT_WORDS = {
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    Unit.CALENDAR_MONTHS: ("calendar month", "calendar months"),
    Unit.HOURS: ("hour", "hours"),
}


@dataclass(frozen=True, slots=True)
class Period:
    """An amount of a unit: 20 working days, 1 calendar month, 48 hours."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise PolicyError("a period's amount must be a whole number")
        if self.amount < 0:
            raise PolicyError("a period's amount cannot be negative")
        object.__setattr__(self, "unit", Unit(self.unit))

    def __str__(self) -> str:
        singular, plural = UNIT_WORDS[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"


def working_days(amount: int) -> Period:
    return Period(amount, Unit.WORKING_DAYS)


def calendar_days(amount: int) -> Period:
    return Period(amount, Unit.CALENDAR_DAYS)


def calendar_months(amount: int) -> Period:
    return Period(amount, Unit.CALENDAR_MONTHS)


def hours(amount: int) -> Period:
    return Period(amount, Unit.HOURS)


class Holidays(StrEnum):
    DIVISION = "division"
    FOI = "foi"
    ALL_UK = "all-uk"
    SCOTLAND = "scotland"


@dataclass(frozen=True, slots=True)
class CalendarRule:
    """Which bank holidays a clock skips, and whether it skips the council's closure days."""

    holidays: Holidays = Holidays.DIVISION
    closures: bool = False

    def divisions(self, division: str) -> tuple[str, ...]:
        """The divisions whose bank holidays are non-working, for a council of `division`."""
        if division not in DIVISIONS:
            raise PolicyError(f"unknown division {division!r}; expected one of {DIVISIONS}")
        if self.holidays is Holidays.DIVISION:
            return (division,)
        if self.holidays is Holidays.SCOTLAND:
            return (SCOTLAND,)
        if self.holidays is Holidays.FOI and division == SCOTLAND:
            return (SCOTLAND,)
        return DIVISIONS


COUNCIL_DAYS = CalendarRule(Holidays.DIVISION, closures=True)
STATUTORY_DIVISION_DAYS = CalendarRule(Holidays.DIVISION, closures=False)
FOI_DAYS = CalendarRule(Holidays.FOI, closures=False)


class WaitReason(StrEnum):
    """What the council is waiting for from the requester."""

    CLARIFICATION = "clarification"
    IDENTITY = "identity"
    FEE = "fee"


class WaitEffect(StrEnum):
    """What the awaited answer does to the clock.

    RESTART: the period starts again from the day the answer arrives (FOI clarification, SAR
    identity evidence or fee). PAUSE: the days from asking to the answer, both included, do not
    count (FOI fees notice: working days; SAR clarification: calendar days).
    """

    RESTART = "restart"
    PAUSE = "pause"


class ExtensionKind(StrEnum):
    """ADD: up to `limit` more (complaints, FOI public interest). TOTAL: the whole period
    becomes `limit`, counted from the same start (EIR 40 working days, SAR three months)."""

    ADD = "add"
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class ExtensionRule:
    kind: ExtensionKind
    # ADD: the most that all extensions together may add (None: no fixed cap, as in the SPSO's
    # stage 2). TOTAL: the period the clock becomes.
    limit: Period | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ExtensionKind(self.kind))
        if self.kind is ExtensionKind.TOTAL and self.limit is None:
            raise PolicyError("a TOTAL extension needs the period it extends the clock to")


class CountFrom(StrEnum):
    """Where the response period counts from.

    ACKNOWLEDGEMENT: the actual acknowledgement or the last day allowed for it, whichever is
    earlier (the Housing Ombudsman's and LGSCO's codes), so a late acknowledgement never buys time.
    """

    RECEIPT = "receipt"
    ACKNOWLEDGEMENT = "acknowledgement"


@dataclass(frozen=True, slots=True)
class ClockPolicy:
    """One clock: acknowledge within `acknowledge`, respond within `respond`, over `calendar`.

    `respond` None means no response limit (a blank procedure, a data-protection complaint whose
    answer is due "without undue delay", a compliment). `roll_forward` moves a date that falls on
    a non-working day to the next working day (calendar-day and calendar-month clocks; a
    working-day count always ends on a working day anyway).
    """

    name: str
    respond: Period | None
    acknowledge: Period | None = None
    count_from: CountFrom = CountFrom.RECEIPT
    calendar: CalendarRule = COUNCIL_DAYS
    roll_forward: bool = False
    waits: tuple[tuple[WaitReason, WaitEffect], ...] = ()
    extension: ExtensionRule | None = None
    title: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "count_from", CountFrom(self.count_from))
        if self.count_from is CountFrom.ACKNOWLEDGEMENT and self.acknowledge is None:
            raise PolicyError(
                f"{self.name}: counting from the acknowledgement needs a limit for it"
            )
        if self.acknowledge is not None and self.acknowledge.unit not in (
            Unit.WORKING_DAYS,
            Unit.CALENDAR_DAYS,
        ):
            raise PolicyError(f"{self.name}: acknowledge in working days or calendar days")
        reasons = [reason for reason, _effect in self.waits]
        if len(reasons) != len(set(reasons)):
            raise PolicyError(f"{self.name}: each wait reason may appear once")
        if self.hour_based and (self.waits or self.extension or self.acknowledge):
            raise PolicyError(
                f"{self.name}: an hour-based standard has no acknowledgement, waits or extension"
            )
        if self.extension is not None:
            if self.respond is None:
                raise PolicyError(f"{self.name}: an extension needs a response limit")
            limit = self.extension.limit
            if limit is not None and limit.unit is not self.respond.unit:
                raise PolicyError(f"{self.name}: an extension is in the unit of the response limit")
            if (
                self.extension.kind is ExtensionKind.TOTAL
                and limit is not None
                and limit.amount < self.respond.amount
            ):
                raise PolicyError(f"{self.name}: an extension cannot shorten the response limit")

    @property
    def hour_based(self) -> bool:
        return self.respond is not None and self.respond.unit is Unit.HOURS

    def wait_effect(self, reason: WaitReason) -> WaitEffect | None:
        """What waiting for `reason` does to this clock; None when the policy does not allow it."""
        for allowed, effect in self.waits:
            if allowed is reason:
                return effect
        return None


@dataclass(frozen=True, slots=True)
class ComplaintProcedure:
    """A council's complaints procedure: one clock per stage, stage 1 first."""

    name: str
    title: str
    stages: tuple[ClockPolicy, ...]

    def stage(self, number: int) -> ClockPolicy:
        if not 1 <= number <= len(self.stages):
            raise PolicyError(
                f"the {self.name} procedure has {len(self.stages)} stage(s), not stage {number}"
            )
        return self.stages[number - 1]


# Presets -----------------------------------------------------------------------------------------


def _stage(
    procedure: str,
    number: int,
    *,
    acknowledge: Period | None,
    respond: Period | None,
    count_from: CountFrom,
    extension_cap: Period | None,
    extensible: bool = True,
) -> ClockPolicy:
    return ClockPolicy(
        name=f"{procedure}/stage-{number}",
        title=f"Complaint stage {number} ({procedure})",
        acknowledge=acknowledge,
        respond=respond,
        count_from=count_from,
        calendar=COUNCIL_DAYS,
        extension=ExtensionRule(ExtensionKind.ADD, extension_cap) if extensible else None,
    )


# The Housing Ombudsman's Complaint Handling Code (statutory from 1 April 2024) and the LGSCO's
# code for councils share these limits: acknowledge in 5 working days of receipt; answer stage 1 in
# 10 and stage 2 in 20 working days of the acknowledgement; extend by at most 10 and 20.
HOS_LGSCO_2024 = ComplaintProcedure(
    name="hos-lgsco-2024",
    title="Housing Ombudsman and LGSCO complaint handling codes (2024)",
    stages=(
        _stage(
            "hos-lgsco-2024",
            1,
            acknowledge=working_days(5),
            respond=working_days(10),
            count_from=CountFrom.ACKNOWLEDGEMENT,
            extension_cap=working_days(10),
        ),
        _stage(
            "hos-lgsco-2024",
            2,
            acknowledge=working_days(5),
            respond=working_days(20),
            count_from=CountFrom.ACKNOWLEDGEMENT,
            extension_cap=working_days(20),
        ),
    ),
)

# The SPSO's model complaints handling procedure for Scottish councils: stage 1 (frontline
# resolution) answered in 5 working days of receipt, extendable to 10 in total (so at most 5
# more); stage 2 (investigation) acknowledged in 3 and answered in 20 working days of receipt,
# extendable where there are clearly good reasons, with no fixed cap (a revised timescale is
# agreed with the customer and recorded).
SPSO_MCHP = ComplaintProcedure(
    name="spso-mchp",
    title="SPSO model complaints handling procedure (Scotland)",
    stages=(
        _stage(
            "spso-mchp",
            1,
            acknowledge=None,
            respond=working_days(5),
            count_from=CountFrom.RECEIPT,
            extension_cap=working_days(5),
        ),
        _stage(
            "spso-mchp",
            2,
            acknowledge=working_days(3),
            respond=working_days(20),
            count_from=CountFrom.RECEIPT,
            extension_cap=None,
        ),
    ),
)

# A two-stage procedure with no limits, for a council to fill in with its own.
BLANK = ComplaintProcedure(
    name="blank",
    title="Blank procedure (no limits set)",
    stages=tuple(
        _stage(
            "blank",
            number,
            acknowledge=None,
            respond=None,
            count_from=CountFrom.RECEIPT,
            extension_cap=None,
            extensible=False,
        )
        for number in (1, 2)
    ),
)

PRESET_PROCEDURES: dict[str, ComplaintProcedure] = {
    procedure.name: procedure for procedure in (HOS_LGSCO_2024, SPSO_MCHP, BLANK)
}
DEFAULT_PROCEDURE = HOS_LGSCO_2024.name


def default_procedure_for(division: str) -> str:
    """The preset a council uses until it chooses: Scotland's model procedure in Scotland."""
    return SPSO_MCHP.name if division == SCOTLAND else DEFAULT_PROCEDURE


# Statutory clocks --------------------------------------------------------------------------------


def foi_policy(division: str) -> ClockPolicy:
    """FOI: 20 working days (FOIA s.10; FOISA s.10 in Scotland).

    Clarification restarts the clock (FOIA s.1(3)); the working days from a fees notice to the
    payment, both included, are disregarded (FOIA s.10(2)). Outside Scotland the public-interest
    extension (s.10(3)) allows "such time as is reasonable"; the ICO expects no more than 20
    further working days, so that is the cap. FOISA has no public-interest extension.
    """
    return ClockPolicy(
        name="foi",
        title="Freedom of Information request",
        respond=working_days(20),
        calendar=FOI_DAYS,
        waits=((WaitReason.CLARIFICATION, WaitEffect.RESTART), (WaitReason.FEE, WaitEffect.PAUSE)),
        extension=None
        if division == SCOTLAND
        else ExtensionRule(ExtensionKind.ADD, working_days(20)),
    )


def eir_policy(division: str) -> ClockPolicy:
    """Environmental information: 20 working days, 40 when complex and voluminous (EIR reg 7,
    EISR reg 7). Clarification restarts (reg 9(4)); an advance charge stops the clock until paid."""
    return ClockPolicy(
        name="eir",
        title="Environmental information request",
        respond=working_days(20),
        calendar=FOI_DAYS,
        waits=((WaitReason.CLARIFICATION, WaitEffect.RESTART), (WaitReason.FEE, WaitEffect.PAUSE)),
        extension=ExtensionRule(ExtensionKind.TOTAL, working_days(40)),
    )


def foi_review_policy(division: str) -> ClockPolicy:
    """FOI internal review: 20 working days (s.45 Code of Practice; FOISA s.21 in Scotland).

    The Code allows up to 20 more in exceptional cases; FOISA allows none.
    """
    return ClockPolicy(
        name="foi-internal-review",
        title="FOI internal review",
        respond=working_days(20),
        calendar=FOI_DAYS,
        extension=None
        if division == SCOTLAND
        else ExtensionRule(ExtensionKind.ADD, working_days(20)),
    )


def eir_review_policy(division: str) -> ClockPolicy:
    """EIR reconsideration: 40 working days (EIR reg 11(4)); 20 in Scotland (EISR reg 16(4))."""
    return ClockPolicy(
        name="eir-internal-review",
        title="EIR internal review",
        respond=working_days(20 if division == SCOTLAND else 40),
        calendar=FOI_DAYS,
    )


def data_rights_policy(name: str, title: str) -> ClockPolicy:
    """Subject access and the other data rights (UK GDPR Art 12(3)): one calendar month from the
    day of receipt, moved to the next working day; identity evidence or a fee asked for restarts
    it; a clarification pauses it (calendar days, both ends uncounted); an extension makes it three
    months from the same start."""
    return ClockPolicy(
        name=name,
        title=title,
        respond=calendar_months(1),
        calendar=STATUTORY_DIVISION_DAYS,
        roll_forward=True,
        waits=(
            (WaitReason.IDENTITY, WaitEffect.RESTART),
            (WaitReason.FEE, WaitEffect.RESTART),
            (WaitReason.CLARIFICATION, WaitEffect.PAUSE),
        ),
        extension=ExtensionRule(ExtensionKind.TOTAL, calendar_months(3)),
    )


# DPA 2018 s.164A (inserted by the Data (Use and Access) Act 2025): acknowledge a data-protection
# complaint within 30 days. The ICO counts from the day after receipt and moves a last day on a
# weekend or bank holiday to the next working day. The answer is due "without undue delay": no
# fixed limit.
DP_COMPLAINT = ClockPolicy(
    name="dp-complaint",
    title="Data protection complaint",
    acknowledge=calendar_days(30),
    respond=None,
    calendar=STATUTORY_DIVISION_DAYS,
    roll_forward=True,
)

NO_CLOCK = ClockPolicy(name="no-clock", title="No clock", respond=None)

DEFAULT_MEMBER_ACKNOWLEDGE = working_days(2)
DEFAULT_MEMBER_RESPOND = working_days(10)
DEFAULT_DUE_SOON_WORKING_DAYS = 2


def member_enquiry_policy(acknowledge: Period | None, respond: Period | None) -> ClockPolicy:
    """A councillor's enquiry: the council's standard, both limits counted from receipt."""
    return ClockPolicy(
        name="member-enquiry",
        title="Member enquiry",
        acknowledge=acknowledge,
        respond=respond,
        calendar=COUNCIL_DAYS,
    )


def service_standard_policy(name: str, respond: Period) -> ClockPolicy:
    """A back-office service's agreed standard, over the council's days (closures skipped)."""
    return ClockPolicy(
        name=name,
        title=f"Service standard: {respond}",
        respond=respond,
        calendar=COUNCIL_DAYS,
        roll_forward=respond.unit in (Unit.CALENDAR_DAYS, Unit.CALENDAR_MONTHS),
    )


_STANDARD = re.compile(
    r"^(?P<amount>\d{1,4})-?(?P<unit>working-days?|wd|calendar-days?|cd|calendar-months?|"
    r"months?|hours?|h)$"
)
_UNIT_ALIASES = {
    "working-day": Unit.WORKING_DAYS,
    "working-days": Unit.WORKING_DAYS,
    "wd": Unit.WORKING_DAYS,
    "calendar-day": Unit.CALENDAR_DAYS,
    "calendar-days": Unit.CALENDAR_DAYS,
    "cd": Unit.CALENDAR_DAYS,
    "calendar-month": Unit.CALENDAR_MONTHS,
    "calendar-months": Unit.CALENDAR_MONTHS,
    "month": Unit.CALENDAR_MONTHS,
    "months": Unit.CALENDAR_MONTHS,
    "hour": Unit.HOURS,
    "hours": Unit.HOURS,
    "h": Unit.HOURS,
}


def parse_standard(text: str) -> Period | None:
    """A service standard written as `10-working-days`, `7-calendar-days`, `1-calendar-month`,
    `48-hours` (or `10wd`, `7cd`, `48h`); None when `text` is not one."""
    match = _STANDARD.match(text.strip().lower())
    if match is None:
        return None
    return Period(int(match["amount"]), _UNIT_ALIASES[match["unit"]])


# A council's settings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockSettings:
    """What a council may set about its clocks (statutory clocks are the law's, not its own).

    Stored as plain data under the council's settings key "clocks"; see `clock_settings_from_data`.
    """

    complaint_procedure: str | None = None  # None: the preset for the council's division
    procedures: Mapping[str, ComplaintProcedure] = field(default_factory=dict)
    member_acknowledge: Period | None = DEFAULT_MEMBER_ACKNOWLEDGE
    member_respond: Period | None = DEFAULT_MEMBER_RESPOND
    standards: Mapping[str, Period] = field(default_factory=dict)
    due_soon_working_days: int = DEFAULT_DUE_SOON_WORKING_DAYS

    def procedure(self, name: str | None, division: str) -> ComplaintProcedure:
        """The procedure called `name` (the council's own first, then the presets); without a
        name, the council's chosen one or its division's preset."""
        chosen = name or self.complaint_procedure or default_procedure_for(division)
        if chosen in self.procedures:
            return self.procedures[chosen]
        if chosen in PRESET_PROCEDURES:
            return PRESET_PROCEDURES[chosen]
        known = sorted({*PRESET_PROCEDURES, *self.procedures})
        raise PolicyError(f"no complaint procedure {chosen!r}; known: {', '.join(known)}")

    def standard(self, name: str) -> Period:
        """A named service standard of the council, or one written out (`5-working-days`)."""
        if name in self.standards:
            return self.standards[name]
        period = parse_standard(name)
        if period is None:
            known = ", ".join(sorted(self.standards)) or "none named"
            raise PolicyError(
                f"no service standard {name!r}: give one such as 5-working-days, 7-calendar-days, "
                f"1-calendar-month or 48-hours, or a council's named standard ({known})"
            )
        return period


def period_to_data(period: Period | None) -> dict[str, Any] | None:
    return None if period is None else {"amount": period.amount, "unit": str(period.unit)}


def period_from_data(data: Any, where: str) -> Period | None:
    """{"amount": 10, "unit": "working-days"} (or null), checked; `where` names it in errors."""
    if data is None:
        return None
    if not isinstance(data, Mapping) or set(data) != {"amount", "unit"}:
        raise PolicyError(f'{where} must be {{"amount": N, "unit": U}} or null')
    try:
        unit = Unit(data["unit"])
    except ValueError as error:
        units = ", ".join(unit.value for unit in Unit)
        raise PolicyError(f"{where}: unit must be one of {units}") from error
    try:
        return Period(data["amount"], unit)
    except PolicyError as error:
        raise PolicyError(f"{where}: {error}") from error


def policy_to_data(policy: ClockPolicy) -> dict[str, Any]:
    """The whole policy as JSON-ready data, so a case can keep the one it was opened under."""
    extension = policy.extension
    return {
        "name": policy.name,
        "title": policy.title,
        "acknowledge": period_to_data(policy.acknowledge),
        "respond": period_to_data(policy.respond),
        "count_from": str(policy.count_from),
        "calendar": {
            "holidays": str(policy.calendar.holidays),
            "closures": policy.calendar.closures,
        },
        "roll_forward": policy.roll_forward,
        "waits": {str(reason): str(effect) for reason, effect in policy.waits},
        "extension": None
        if extension is None
        else {"kind": str(extension.kind), "limit": period_to_data(extension.limit)},
    }


def policy_from_data(data: Any, where: str = "policy") -> ClockPolicy:
    """The inverse of `policy_to_data`, checked: every problem is a PolicyError naming the key."""
    if not isinstance(data, Mapping):
        raise PolicyError(f"{where} must be an object")
    allowed = {
        "name",
        "title",
        "acknowledge",
        "respond",
        "count_from",
        "calendar",
        "roll_forward",
        "waits",
        "extension",
    }
    unknown = set(data) - allowed
    if unknown:
        raise PolicyError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise PolicyError(f"{where}.name must be a non-empty string")
    calendar_data = data.get("calendar", {"holidays": "division", "closures": True})
    try:
        calendar = CalendarRule(
            Holidays(calendar_data["holidays"]), closures=bool(calendar_data["closures"])
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PolicyError(
            f'{where}.calendar must be {{"holidays": division|foi|all-uk|scotland, '
            '"closures": true|false}'
        ) from error
    waits_data = data.get("waits", {}) or {}
    try:
        waits = tuple(
            (WaitReason(reason), WaitEffect(effect)) for reason, effect in waits_data.items()
        )
    except (AttributeError, ValueError) as error:
        raise PolicyError(
            f"{where}.waits maps clarification|identity|fee to restart|pause"
        ) from error
    extension_data = data.get("extension")
    extension = None
    if extension_data is not None:
        if not isinstance(extension_data, Mapping):
            raise PolicyError(f"{where}.extension must be an object or null")
        try:
            kind = ExtensionKind(str(extension_data.get("kind")))
        except ValueError as error:
            raise PolicyError(f"{where}.extension.kind must be add or total") from error
        extension = ExtensionRule(
            kind, period_from_data(extension_data.get("limit"), f"{where}.extension.limit")
        )
    try:
        count_from = CountFrom(data.get("count_from", "receipt"))
    except ValueError as error:
        raise PolicyError(f"{where}.count_from must be receipt or acknowledgement") from error
    try:
        return ClockPolicy(
            name=name,
            title=str(data.get("title", "")),
            acknowledge=period_from_data(data.get("acknowledge"), f"{where}.acknowledge"),
            respond=period_from_data(data.get("respond"), f"{where}.respond"),
            count_from=count_from,
            calendar=calendar,
            roll_forward=bool(data.get("roll_forward", False)),
            waits=waits,
            extension=extension,
        )
    except PolicyError as error:
        raise PolicyError(f"{where}: {error}") from error


def procedure_from_data(name: str, data: Any, where: str) -> ComplaintProcedure:
    """A council's own procedure: {"title": ..., "stages": [stage, ...]}.

    Each stage is {"acknowledge": period|null, "respond": period|null, "count_from":
    "receipt"|"acknowledgement", "extension_cap": period|null, "extensible": true|false}; stages
    always run over the council's days (its division's holidays and its closure days).
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("stages"), list):
        raise PolicyError(f'{where} must be {{"title": ..., "stages": [...]}}')
    if name in PRESET_PROCEDURES:
        raise PolicyError(f"{where}: {name!r} is a preset's name; choose another")
    if not data["stages"]:
        raise PolicyError(f"{where} needs at least one stage")
    stages = []
    for number, stage in enumerate(data["stages"], start=1):
        here = f"{where}.stages[{number - 1}]"
        if not isinstance(stage, Mapping):
            raise PolicyError(f"{here} must be an object")
        unknown = set(stage) - {
            "acknowledge",
            "respond",
            "count_from",
            "extension_cap",
            "extensible",
        }
        if unknown:
            raise PolicyError(f"{here} has unknown keys: {', '.join(sorted(unknown))}")
        try:
            count_from = CountFrom(stage.get("count_from", "acknowledgement"))
        except ValueError as error:
            raise PolicyError(f"{here}.count_from must be receipt or acknowledgement") from error
        respond = period_from_data(stage.get("respond"), f"{here}.respond")
        try:
            stages.append(
                _stage(
                    name,
                    number,
                    acknowledge=period_from_data(stage.get("acknowledge"), f"{here}.acknowledge"),
                    respond=respond,
                    count_from=count_from,
                    extension_cap=period_from_data(
                        stage.get("extension_cap"), f"{here}.extension_cap"
                    ),
                    extensible=bool(stage.get("extensible", True)) and respond is not None,
                )
            )
        except PolicyError as error:
            raise PolicyError(f"{here}: {error}") from error
        if stages[-1].hour_based:
            raise PolicyError(f"{here}: complaint stages count days, not hours")
    return ComplaintProcedure(name=name, title=str(data.get("title", name)), stages=tuple(stages))


def clock_settings_from_data(data: Any) -> ClockSettings:
    """A council's clock settings from its stored data, every problem named.

    {
      "complaint_procedure": "hos-lgsco-2024" | "spso-mchp" | "blank" | one of "procedures",
      "procedures": {"our-2-stage": {"title": ..., "stages": [...]}},
      "member_enquiry": {"acknowledge": period|null, "respond": period|null},
      "standards": {"missed-bin": {"amount": 2, "unit": "working-days"}},
      "due_soon_working_days": 2
    }
    Every key is optional; missing ones take the install's defaults.
    """
    if data is None:
        return ClockSettings()
    if not isinstance(data, Mapping):
        raise PolicyError("clock settings must be an object")
    unknown = set(data) - {
        "complaint_procedure",
        "procedures",
        "member_enquiry",
        "standards",
        "due_soon_working_days",
    }
    if unknown:
        raise PolicyError(f"clock settings have unknown keys: {', '.join(sorted(unknown))}")
    procedures_data = data.get("procedures", {}) or {}
    if not isinstance(procedures_data, Mapping):
        raise PolicyError("clocks.procedures must be an object")
    procedures = {
        str(name): procedure_from_data(str(name), body, f"clocks.procedures.{name}")
        for name, body in procedures_data.items()
    }
    chosen = data.get("complaint_procedure")
    if chosen is not None and chosen not in procedures and chosen not in PRESET_PROCEDURES:
        raise PolicyError(f"clocks.complaint_procedure: no procedure {chosen!r}")
    member = data.get("member_enquiry", {}) or {}
    if not isinstance(member, Mapping) or set(member) - {"acknowledge", "respond"}:
        raise PolicyError('clocks.member_enquiry must be {"acknowledge": ..., "respond": ...}')
    member_acknowledge = (
        period_from_data(member["acknowledge"], "clocks.member_enquiry.acknowledge")
        if "acknowledge" in member
        else DEFAULT_MEMBER_ACKNOWLEDGE
    )
    member_respond = (
        period_from_data(member["respond"], "clocks.member_enquiry.respond")
        if "respond" in member
        else DEFAULT_MEMBER_RESPOND
    )
    try:
        member_enquiry_policy(member_acknowledge, member_respond)
    except PolicyError as error:
        raise PolicyError(f"clocks.member_enquiry: {error}") from error
    standards_data = data.get("standards", {}) or {}
    if not isinstance(standards_data, Mapping):
        raise PolicyError("clocks.standards must be an object")
    standards: dict[str, Period] = {}
    for name, body in standards_data.items():
        period = period_from_data(body, f"clocks.standards.{name}")
        if period is None:
            raise PolicyError(f"clocks.standards.{name} needs a period")
        standards[str(name)] = period
    due_soon = data.get("due_soon_working_days", DEFAULT_DUE_SOON_WORKING_DAYS)
    if isinstance(due_soon, bool) or not isinstance(due_soon, int) or not 0 <= due_soon <= 20:
        raise PolicyError("clocks.due_soon_working_days must be a whole number from 0 to 20")
    return ClockSettings(
        complaint_procedure=chosen,
        procedures=procedures,
        member_acknowledge=member_acknowledge,
        member_respond=member_respond,
        standards=standards,
        due_soon_working_days=due_soon,
    )
