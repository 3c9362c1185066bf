"""Policies are data: presets, statutory clocks, a council's settings, and their JSON form."""

from __future__ import annotations

import json

import pytest

from frontdoor.cases.engine.due_date import CLOCK_TYPES, policy_for
from frontdoor.cases.engine.policies import (
    BLANK,
    DIVISIONS,
    FOI_DAYS,
    HOS_LGSCO_2024,
    SPSO_MCHP,
    CalendarRule,
    ClockPolicy,
    ClockSettings,
    CountFrom,
    ExtensionKind,
    ExtensionRule,
    Holidays,
    Period,
    PolicyError,
    Unit,
    calendar_days,
    clock_settings_from_data,
    default_procedure_for,
    hours,
    parse_standard,
    policy_from_data,
    policy_to_data,
    working_days,
)

pytestmark = pytest.mark.no_db


def every_builtin_policy() -> list[ClockPolicy]:
    policies = [stage for p in (HOS_LGSCO_2024, SPSO_MCHP, BLANK) for stage in p.stages]
    for division in DIVISIONS:
        for clock_type in CLOCK_TYPES:
            if clock_type == "service-request":
                for standard in ("5-working-days", "7-calendar-days", "48-hours"):
                    policies.append(
                        policy_for(
                            clock_type,
                            division=division,
                            settings=ClockSettings(),
                            policy=standard,
                        )
                    )
            else:
                policies.append(policy_for(clock_type, division=division, settings=ClockSettings()))
    return policies


@pytest.mark.parametrize("policy", every_builtin_policy(), ids=lambda p: p.name)
def test_every_policy_survives_a_trip_through_json(policy):
    data = json.loads(json.dumps(policy_to_data(policy)))
    again = policy_from_data(data)
    assert again == policy


def test_the_presets_carry_the_codes_limits():
    one, two = HOS_LGSCO_2024.stages
    assert (one.acknowledge, one.respond, one.count_from) == (
        working_days(5),
        working_days(10),
        CountFrom.ACKNOWLEDGEMENT,
    )
    assert one.extension == ExtensionRule(ExtensionKind.ADD, working_days(10))
    assert (two.respond, two.extension.limit) == (working_days(20), working_days(20))
    first, second = SPSO_MCHP.stages
    assert (first.acknowledge, first.respond, first.extension.limit) == (
        None,
        working_days(5),
        working_days(5),  # 10 working days in all
    )
    assert (second.acknowledge, second.respond, second.count_from) == (
        working_days(3),
        working_days(20),
        CountFrom.RECEIPT,
    )
    assert all(stage.calendar == CalendarRule(Holidays.DIVISION, True) for stage in (one, two))


def test_which_holidays_each_calendar_rule_skips():
    assert FOI_DAYS.divisions("england-and-wales") == DIVISIONS
    assert FOI_DAYS.divisions("northern-ireland") == DIVISIONS
    assert FOI_DAYS.divisions("scotland") == ("scotland",)
    assert CalendarRule(Holidays.DIVISION).divisions("northern-ireland") == ("northern-ireland",)
    assert CalendarRule(Holidays.ALL_UK).divisions("scotland") == DIVISIONS
    with pytest.raises(PolicyError, match="unknown division"):
        FOI_DAYS.divisions("wales")


def test_statutory_clocks_never_skip_closure_days():
    for division in DIVISIONS:
        for clock_type in ("foi", "eir", "foi-internal-review", "sar", "dp-complaint"):
            policy = policy_for(clock_type, division=division, settings=ClockSettings())
            assert not policy.calendar.closures, clock_type
        member = policy_for("member-enquiry", division=division, settings=ClockSettings())
        assert member.calendar.closures


def test_scottish_councils_default_to_the_spso_procedure():
    assert default_procedure_for("scotland") == "spso-mchp"
    assert default_procedure_for("england-and-wales") == "hos-lgsco-2024"
    assert ClockSettings().procedure(None, "scotland") is SPSO_MCHP


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("5-working-days", working_days(5)),
        ("1-working-day", working_days(1)),
        ("10wd", working_days(10)),
        ("7-calendar-days", calendar_days(7)),
        ("7cd", calendar_days(7)),
        ("1-calendar-month", Period(1, Unit.CALENDAR_MONTHS)),
        ("48-hours", hours(48)),
        ("4h", hours(4)),
        ("five days", None),
        ("-5-working-days", None),
    ],
)
def test_service_standards_written_out(text, period):
    assert parse_standard(text) == period


def test_a_council_sets_its_own_procedure_member_standard_and_named_standards():
    settings = clock_settings_from_data(
        {
            "complaint_procedure": "one-stage",
            "procedures": {
                "one-stage": {
                    "title": "Our one-stage procedure",
                    "stages": [
                        {
                            "acknowledge": {"amount": 3, "unit": "working-days"},
                            "respond": {"amount": 15, "unit": "working-days"},
                            "count_from": "receipt",
                            "extension_cap": {"amount": 5, "unit": "working-days"},
                        }
                    ],
                }
            },
            "member_enquiry": {
                "acknowledge": None,
                "respond": {"amount": 5, "unit": "working-days"},
            },
            "standards": {"missed-bin": {"amount": 2, "unit": "working-days"}},
            "due_soon_working_days": 3,
        }
    )
    procedure = settings.procedure(None, "england-and-wales")
    assert procedure.title == "Our one-stage procedure"
    stage = procedure.stage(1)
    assert (stage.acknowledge, stage.respond, stage.count_from) == (
        working_days(3),
        working_days(15),
        CountFrom.RECEIPT,
    )
    with pytest.raises(PolicyError, match="has 1 stage"):
        procedure.stage(2)
    assert settings.procedure("hos-lgsco-2024", "england-and-wales") is HOS_LGSCO_2024
    assert (settings.member_acknowledge, settings.member_respond) == (None, working_days(5))
    assert settings.standard("missed-bin") == working_days(2)
    assert settings.standard("3-working-days") == working_days(3)
    assert settings.due_soon_working_days == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("hos", "must be an object"),
        ({"colour": "red"}, "unknown keys: colour"),
        ({"complaint_procedure": "ours"}, "no procedure 'ours'"),
        ({"procedures": {"blank": {"stages": [{}]}}}, "a preset's name"),
        ({"procedures": {"ours": {"stages": []}}}, "at least one stage"),
        (
            {"procedures": {"ours": {"stages": [{"respond": {"amount": 2, "unit": "weeks"}}]}}},
            r"clocks.procedures.ours.stages\[0\].respond: unit must be one of",
        ),
        (
            {"procedures": {"ours": {"stages": [{"respond": {"amount": 4, "unit": "hours"}}]}}},
            "counting from the acknowledgement needs a limit",
        ),
        (
            {
                "procedures": {
                    "ours": {
                        "stages": [
                            {
                                "acknowledge": {"amount": 1, "unit": "working-days"},
                                "respond": {"amount": 4, "unit": "hours"},
                            }
                        ]
                    }
                }
            },
            "an hour-based standard has no acknowledgement",
        ),
        ({"member_enquiry": {"respond": {"amount": -1, "unit": "working-days"}}}, "negative"),
        ({"standards": {"bins": None}}, "needs a period"),
        ({"due_soon_working_days": "2"}, "whole number from 0 to 20"),
        ({"due_soon_working_days": True}, "whole number from 0 to 20"),
    ],
)
def test_malformed_settings_are_refused_naming_the_key(data, message):
    with pytest.raises(PolicyError, match=message):
        clock_settings_from_data(data)


def test_no_settings_are_the_install_defaults():
    assert clock_settings_from_data(None) == ClockSettings()
    assert clock_settings_from_data({}) == ClockSettings()


def test_unknown_names_list_the_known_ones():
    with pytest.raises(PolicyError, match="known: blank, hos-lgsco-2024, spso-mchp"):
        ClockSettings().procedure("lgsco-2026", "england-and-wales")
    with pytest.raises(PolicyError, match="5-working-days"):
        ClockSettings().standard("soon")
    with pytest.raises(PolicyError, match="unknown type 'parking'"):
        policy_for("parking", division="england-and-wales", settings=ClockSettings())
    with pytest.raises(PolicyError, match="follows the law"):
        policy_for(
            "foi", division="england-and-wales", settings=ClockSettings(), policy="hos-lgsco-2024"
        )
    with pytest.raises(PolicyError, match="needs its standard"):
        policy_for("service-request", division="england-and-wales", settings=ClockSettings())


def test_inconsistent_policies_are_refused():
    with pytest.raises(PolicyError, match="cannot be negative"):
        working_days(-1)
    with pytest.raises(PolicyError, match="whole number"):
        Period(1.5, Unit.WORKING_DAYS)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="cannot shorten"):
        ClockPolicy(
            "x",
            respond=working_days(20),
            extension=ExtensionRule(ExtensionKind.TOTAL, working_days(10)),
        )
    with pytest.raises(PolicyError, match="unit of the response limit"):
        ClockPolicy(
            "x",
            respond=working_days(20),
            extension=ExtensionRule(ExtensionKind.ADD, calendar_days(10)),
        )
    with pytest.raises(PolicyError, match="needs a response limit"):
        ClockPolicy("x", respond=None, extension=ExtensionRule(ExtensionKind.ADD, None))
    with pytest.raises(PolicyError, match="needs the period"):
        ExtensionRule(ExtensionKind.TOTAL, None)


def test_periods_read_as_english():
    assert str(working_days(1)) == "1 working day"
    assert str(working_days(20)) == "20 working days"
    assert str(Period(3, Unit.CALENDAR_MONTHS)) == "3 calendar months"
