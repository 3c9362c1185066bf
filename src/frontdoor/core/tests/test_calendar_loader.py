"""Loading bank holidays (package, file, rules), seeding, horizons and council calendars."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.core.calendars import sources
from frontdoor.core.calendars.actions import (
    do_load_bank_holidays,
    ensure_bank_holidays,
)
from frontdoor.core.calendars.models import BankHoliday, ClosureDay, HolidaySource
from frontdoor.core.calendars.selectors import (
    ALL_DIVISIONS,
    calendar_horizon,
    horizon_warning,
    working_calendar,
)
from frontdoor.core.calendars.sources import BankHolidayDataError
from frontdoor.core.models import Division

D = dt.date
TODAY = D(2026, 11, 25)
GOVUK_END = D(2028, 12, 26)


def govuk_file(events_by_division: dict[str, list[tuple[str, str]]]) -> bytes:
    """A bank-holidays.json in GOV.UK's shape: {division: [(date, title), ...]}."""
    return json.dumps(
        {
            division: {
                "division": division,
                "events": [
                    {"title": title, "date": day, "notes": "", "bunting": True}
                    for day, title in events_by_division.get(division, [("2030-01-01", "New Year")])
                ],
            }
            for division in sources.DIVISIONS
        }
    ).encode()


def holiday(division: str, day: dt.date) -> BankHoliday:
    return BankHoliday.objects.get(division=division, date=day)


# Seeding from the package ----------------------------------------------------------------


def test_load_fills_every_division_from_the_cached_govuk_data():
    report = do_load_bank_holidays(today=TODAY)

    assert report.created > 600
    assert report.horizons == dict.fromkeys(sources.DIVISIONS, GOVUK_END)
    funeral = holiday(Division.ENGLAND_AND_WALES, D(2022, 9, 19))
    assert funeral.source == HolidaySource.GOVUK
    assert not funeral.provisional
    assert holiday(Division.SCOTLAND, D(2026, 1, 2)).title == "2nd January"
    assert holiday(Division.NORTHERN_IRELAND, D(2026, 3, 17))
    assert not BankHoliday.objects.filter(division=Division.SCOTLAND, date=D(2026, 4, 6)).exists()


def test_a_reload_changes_nothing():
    do_load_bank_holidays(today=TODAY)
    before = list(BankHoliday.objects.values_list("division", "date", "title", "source"))

    report = do_load_bank_holidays(today=TODAY)

    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert report.unchanged == len(before)
    assert list(BankHoliday.objects.values_list("division", "date", "title", "source")) == before


def test_each_load_records_one_audit_entry_for_the_batch():
    do_load_bank_holidays(today=TODAY)

    entries = ChangeLogEntry.objects.filter(action="core.load_bank_holidays")
    assert entries.count() == 1
    batch = entries.get().batch
    assert batch["created"] == BankHoliday.objects.count()
    assert batch["govuk_until"]["scotland"] == "2028-12-26"


def test_past_the_govuk_horizon_dates_come_from_rules_and_are_provisional():
    do_load_bank_holidays(today=TODAY)

    later = BankHoliday.objects.filter(date__gt=GOVUK_END)
    assert later.exists()
    assert set(later.values_list("source", "provisional").distinct()) == {
        (HolidaySource.RULES, True)
    }
    assert not BankHoliday.objects.filter(date__lte=GOVUK_END, provisional=True).exists()
    # Christmas 2032 is a Saturday: the substitute Monday and Tuesday are kept, not the weekend.
    christmas = BankHoliday.objects.filter(
        division=Division.ENGLAND_AND_WALES, date__range=(D(2032, 12, 24), D(2032, 12, 31))
    )
    assert list(christmas.values_list("date", "notes")) == [
        (D(2032, 12, 27), "Substitute day"),
        (D(2032, 12, 28), "Substitute day"),
    ]
    assert holiday(Division.SCOTLAND, D(2029, 1, 2)).provisional
    assert holiday(Division.NORTHERN_IRELAND, D(2029, 7, 12)).provisional


def test_rules_reach_five_years_past_the_later_of_horizon_and_today():
    report = do_load_bank_holidays(today=D(2031, 6, 1))

    assert report.rules_until == 2036
    assert BankHoliday.objects.filter(date__year=2036).exists()
    assert not BankHoliday.objects.filter(date__year=2037).exists()


def test_the_rules_agree_with_govuk_where_both_exist():
    """The fallback is trustworthy: over 2013-2028 the rules reproduce GOV.UK's dates."""
    cached = sources.cached_govuk_events()
    for division in ("england-and-wales", "northern-ireland"):
        govuk = {e.date for e in cached if e.division == division and e.date.year >= 2013}
        rules = {e.date for e in sources.rules_events(division, range(2013, 2029))}
        assert govuk == rules, division


# A fresh file ------------------------------------------------------------------------------


def test_a_fresh_file_replaces_provisional_dates_and_moves_the_horizon():
    do_load_bank_holidays(today=TODAY)
    assert holiday(Division.ENGLAND_AND_WALES, D(2029, 1, 1)).provisional
    raw = govuk_file({division: [("2029-01-01", "New Year's Day")] for division in ALL_DIVISIONS})

    report = do_load_bank_holidays(file_bytes=raw, today=TODAY)

    new_year = holiday(Division.ENGLAND_AND_WALES, D(2029, 1, 1))
    assert (new_year.source, new_year.provisional) == (HolidaySource.GOVUK, False)
    assert report.horizons[Division.ENGLAND_AND_WALES] == D(2029, 1, 1)
    # GOV.UK's data now ends on 1 January 2029: later dates stay provisional, from rules.
    assert holiday(Division.ENGLAND_AND_WALES, D(2029, 3, 30)).provisional
    assert holiday(Division.ENGLAND_AND_WALES, D(2030, 12, 25)).provisional
    assert calendar_horizon() == D(2029, 1, 1)


def test_a_file_moves_a_holiday_and_the_package_never_reverts_it():
    do_load_bank_holidays(today=TODAY)
    # Like VE Day 2020: the early May bank holiday of 2027 moves from Monday 3 to Friday 7 May.
    moved = [
        (e.date.isoformat(), e.title)
        for e in sources.cached_govuk_events()
        if e.division == "england-and-wales" and e.date.year == 2027 and e.date != D(2027, 5, 3)
    ] + [("2027-05-07", "Early May bank holiday (VE day)")]
    raw = govuk_file({"england-and-wales": moved})

    report = do_load_bank_holidays(file_bytes=raw, today=TODAY)
    do_load_bank_holidays(today=TODAY)  # a later package load

    assert report.deleted >= 1
    days = set(
        BankHoliday.objects.filter(
            division=Division.ENGLAND_AND_WALES, date__year=2027
        ).values_list("date", flat=True)
    )
    assert D(2027, 5, 7) in days
    assert D(2027, 5, 3) not in days


def test_manual_holidays_survive_reloads():
    do_load_bank_holidays(today=TODAY)
    BankHoliday.objects.create(
        division=Division.SCOTLAND,
        date=D(2027, 6, 14),
        title="Proclaimed holiday",
        source=HolidaySource.MANUAL,
    )

    do_load_bank_holidays(today=TODAY)

    assert holiday(Division.SCOTLAND, D(2027, 6, 14)).source == HolidaySource.MANUAL


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "is not valid JSON"),
        (b"[]", "must be a JSON object keyed by division"),
        (json.dumps({"england-and-wales": {"events": []}}).encode(), "has no events for"),
        (
            json.dumps(
                {d: {"events": [{"title": "X", "date": "25/12/2026"}]} for d in ALL_DIVISIONS}
            ).encode(),
            "expected a date like 2026-12-25",
        ),
        (
            json.dumps({d: {"events": [{"date": "2026-12-25"}]} for d in ALL_DIVISIONS}).encode(),
            "has no title",
        ),
        (
            json.dumps({**{d: {"events": []} for d in ALL_DIVISIONS}, "wales": {}}).encode(),
            "unknown divisions: wales",
        ),
    ],
)
def test_a_malformed_file_is_refused_whole_with_a_clear_message(raw, message):
    do_load_bank_holidays(today=TODAY)
    count = BankHoliday.objects.count()

    with pytest.raises(BankHolidayDataError, match=message):
        do_load_bank_holidays(file_bytes=raw, file_name="bank-holidays.json", today=TODAY)

    assert BankHoliday.objects.count() == count


def test_the_command_loads_a_file_and_reports_a_malformed_one(tmp_path):
    good = tmp_path / "bank-holidays.json"
    good.write_bytes(govuk_file({}))
    bad = tmp_path / "broken.json"
    bad.write_text('{"england-and-wales": 1}')

    call_command("load_bank_holidays", file=good)
    assert holiday(Division.ENGLAND_AND_WALES, D(2030, 1, 1)).source == HolidaySource.GOVUK

    with pytest.raises(CommandError, match=r"Nothing was loaded\. broken\.json"):
        call_command("load_bank_holidays", file=bad)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_bank_holidays", file=tmp_path / "missing.json")


def test_only_someone_acting_across_councils_may_load(make_user):
    """Bank holidays are shared by every council, so a council's administrator may not."""
    for role in ("agent", "administrator"):
        with pytest.raises(PermissionDenied):
            do_load_bank_holidays(actor=make_user(role), today=TODAY)
    assert not BankHoliday.objects.exists()

    platform_admin = make_user(is_superuser=True)
    do_load_bank_holidays(actor=platform_admin, today=TODAY)
    assert BankHoliday.objects.exists()
    assert ChangeLogEntry.objects.get(action="core.load_bank_holidays").actor == platform_admin


# Seeding lazily, horizons ----------------------------------------------------------------


def test_an_empty_table_is_seeded_on_first_read(council):
    assert not BankHoliday.objects.exists()

    calendar = working_calendar(council, include_closures=False)

    assert not calendar.is_working_day(D(2026, 12, 25))
    assert BankHoliday.objects.exists()
    assert ensure_bank_holidays() is False  # already seeded: nothing to do


def test_horizon_is_the_end_of_govuk_data_and_warns_a_year_before():
    assert calendar_horizon() == GOVUK_END
    assert not horizon_warning(D(2027, 12, 26))
    assert horizon_warning(D(2027, 12, 27))
    assert horizon_warning(D(2029, 6, 1))
    assert horizon_warning(D(2024, 3, 1), horizon=D(2024, 2, 29)) is True
    assert not horizon_warning(D(2023, 2, 28), horizon=D(2024, 2, 29))


# Council calendars -------------------------------------------------------------------------


def test_a_council_calendar_uses_its_own_division(council):
    council.division = Division.SCOTLAND
    council.save()

    calendar = working_calendar(council, include_closures=False)

    assert not calendar.is_working_day(D(2026, 1, 2))
    assert calendar.is_working_day(D(2026, 4, 6))  # Easter Monday is not a Scottish holiday


def test_foi_calendar_skips_every_uk_holiday_but_not_closures(council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 29), reason="Shut")

    foi = working_calendar(council, include_closures=False, divisions=ALL_DIVISIONS)
    complaints = working_calendar(council, include_closures=True)

    assert not foi.is_working_day(D(2026, 3, 17))  # St Patrick's Day, Northern Ireland
    assert not foi.is_working_day(D(2027, 1, 4))  # 2 January substitute, Scotland
    assert foi.is_working_day(D(2026, 12, 29))  # closures still count for FOI
    assert not complaints.is_working_day(D(2026, 12, 29))
    assert complaints.is_working_day(D(2026, 3, 17))


def test_closures_of_another_council_do_not_count(council, other_council):
    ClosureDay.objects.create(council=other_council, date=D(2026, 12, 29), reason="Shut")

    assert working_calendar(council, include_closures=True).is_working_day(D(2026, 12, 29))
    assert not working_calendar(other_council, include_closures=True).is_working_day(
        D(2026, 12, 29)
    )


def test_unknown_divisions_are_refused(council):
    with pytest.raises(ValueError, match="unknown divisions"):
        working_calendar(council, include_closures=False, divisions=["wales"])
