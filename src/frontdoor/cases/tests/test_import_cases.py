"""Importing the real NYC Council casework with the nyc-council mapping: idempotent, every
rejected row and repeated key reported, batched; the openings match the shipped daily counts."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases.importing import compare_daily_openings, import_cases_file, load_mapping
from frontdoor.cases.models import Case, CaseEvent, CaseImport, CaseImportRejection
from frontdoor.cases.selectors import case_kpis
from frontdoor.core.models import Council, Service
from frontdoor.identity.models import Team

FIXTURES = Path(__file__).parent / "fixtures"
EXCERPT = FIXTURES / "nycc_cases_excerpt.csv"
DAILY = FIXTURES / "nycc_daily_excerpt.csv"
HEADER = (
    "unique_key,account,opendate,closedate,complaint_type,descriptor,zip,borough,city,"
    "council_dist,community_board\n"
)


@pytest.fixture
def mapping():
    return load_mapping("nyc-council")


def run(council, mapping, *paths, batch_size=50):
    return import_cases_file(
        actor=None, council=council, paths=list(paths), mapping=mapping, batch_size=batch_size
    )


def test_the_excerpt_becomes_member_enquiries_of_district_offices(council, mapping):
    result = run(council, mapping, EXCERPT)

    report = result.case_import
    assert (report.read, report.created, report.rejected, report.repeated) == (188, 187, 0, 1)
    assert report.status == CaseImport.Status.COMPLETED
    [repeat] = result.repeats
    assert (repeat.row, repeat.column) == (59, "unique_key")  # row 58 holds it first
    assert repeat.reason == (
        "the key NYCC02531515 repeats nycc_cases_excerpt.csv row 58: the first row is kept"
    )
    assert CaseImportRejection.objects.filter(case_import=report, repeated=True).count() == 1
    case = Case.objects.get(council=council, source="nyc-council", source_id="NYCC02531515")
    assert case.case_type.type_id == "member-enquiry"
    assert (case.service.service_id, case.service.name) == ("health", "Health")
    assert case.summary == "Health: Affordable Care Act"
    assert case.owner_team.name == "NYCC02 district office"
    assert (case.received_on, case.closed_on, case.days_to_close) == (
        dt.date(2022, 12, 15),
        dt.date(2023, 1, 5),
        21,
    )
    assert (case.status, case.closed) == ("closed", True)
    assert case.reference.startswith("CAS-2022-")
    # A member enquiry is answered within 10 working days of receipt (Thursday 15 December):
    # 26 and 27 December and 2 January are bank holidays, so by Tuesday 3 January 2023.
    assert (case.due, case.clock_status) == (dt.date(2023, 1, 3), "breached")
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert sorted(kinds) == ["opened", "status-changed"]
    still_open = Case.objects.filter(council=council, closed=False).count()
    assert still_open == 14 and Case.objects.filter(status="in-progress").count() == still_open
    assert Service.objects.get(council=council, service_id="blank").name == "(blank)"
    assert Team.objects.filter(council=council, name__endswith="district office").exists()
    batches = ChangeLogEntry.objects.filter(action="cases.import")
    assert batches.count() == 4  # 187 cases in batches of 50
    assert sum(entry.batch["created"] for entry in batches) == 187


def test_running_the_import_again_changes_nothing(council, mapping):
    run(council, mapping, EXCERPT)
    cases = Case.objects.count()
    events = CaseEvent.objects.count()

    again = run(council, mapping, EXCERPT).case_import

    assert (again.created, again.updated, again.unchanged, again.repeated) == (0, 0, 187, 1)
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_a_later_export_closing_a_case_updates_it(council, mapping, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "K1,NYCC01,2022-12-15,,Parks,Trees,,,,,\n")
    later = tmp_path / "later.csv"
    later.write_text(HEADER + "K1,NYCC01,2022-12-15,2022-12-20,Parks,Trees,,,,,\n")

    run(council, mapping, first)
    report = run(council, mapping, later).case_import

    assert (report.created, report.updated) == (0, 1)
    case = Case.objects.get(source_id="K1")
    assert (case.status, case.closed_on, case.days_to_close) == ("closed", dt.date(2022, 12, 20), 5)
    assert ChangeLogEntry.objects.filter(action="case.import_update").count() == 1


def test_every_bad_row_is_reported_with_its_row_column_and_reason(council, mapping, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "G1,NYCC01,2022-12-15,,Parks,Trees,,,,,\n"
        + ",NYCC01,2022-12-15,,Parks,,,,,,\n"
        + "B2,NYCC01,15/12/2022,,Parks,,,,,,\n"
        + "B3,NYCC01,2022-12-15,2022-12-01,Parks,,,,,,\n"
        + "B4,NYCC01,2099-01-01,,Parks,,,,,,\n"
        + "B5,NYCC01,2022-12-15,soon,Parks,,,,,,\n"
        + "G2,,2022-12-16,2022-12-16,,,,,,,\n"
    )

    result = run(council, mapping, path)

    assert [(r.row, r.column, r.reason) for r in result.rejections] == [
        (3, "unique_key", "the case's key is empty"),
        (4, "opendate", "'15/12/2022' is not a date like %Y-%m-%d"),
        (5, "closedate", "the case closed before it was opened"),
        (6, "opendate", "the date is in the future"),
        (7, "closedate", "'soon' is not a date like %Y-%m-%d"),
    ]
    assert str(result.rejections[0]) == "bad.csv row 3, unique_key: the case's key is empty"
    assert (result.case_import.created, result.case_import.rejected) == (2, 5)
    assert CaseImportRejection.objects.filter(repeated=False).count() == 5
    no_team = Case.objects.get(source_id="G2")
    assert (no_team.owner_team, no_team.service.service_id) == (None, "blank")


def test_a_file_without_the_mapped_columns_is_refused(council, mapping, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,opened\n1,2022-01-01\n")
    from frontdoor.cases.importing import ImportFileError

    with pytest.raises(ImportFileError, match="no column unique_key, opendate, complaint_type"):
        run(council, mapping, path)
    assert CaseImport.objects.get().status == CaseImport.Status.FAILED


def test_the_daily_openings_match_the_shipped_counts_but_for_the_repeated_key(council, mapping):
    result = run(council, mapping, EXCERPT)

    check = compare_daily_openings(council, DAILY, mapping, result.repeats)

    assert (check.first, check.last) == (dt.date(2022, 12, 14), dt.date(2022, 12, 15))
    assert (check.imported, check.expected) == (187, 188)
    [difference] = check.differences
    assert (difference.day, difference.service_id) == (dt.date(2022, 12, 15), "health")
    assert (difference.imported, difference.expected, difference.explained) == (5, 6, True)
    assert check.unexplained == [] and check.matched == check.pairs - 1


def test_a_missing_case_is_an_unexplained_difference(council, mapping, tmp_path):
    rows = EXCERPT.read_text().splitlines(keepends=True)
    dropped = [row for row in rows if not row.startswith("NYCC38512286,")]
    assert len(dropped) == len(rows) - 1
    path = tmp_path / "short.csv"
    path.write_text("".join(dropped))
    result = run(council, mapping, path)

    check = compare_daily_openings(council, DAILY, mapping, result.repeats)

    [missing] = check.unexplained
    assert (missing.day, missing.service_id, missing.expected - missing.imported) == (
        dt.date(2022, 12, 15),
        "immigration",
        1,
    )


def test_the_command_imports_into_the_mapping_s_council_and_checks_the_daily_counts():
    out, err = StringIO(), StringIO()

    call_command(
        "import_cases",
        str(EXCERPT),
        "--mapping",
        "nyc-council",
        "--check-daily",
        str(DAILY),
        stdout=out,
        stderr=err,
    )

    council = Council.objects.get(slug="nyc-council")
    assert council.time_zone == "America/New_York"
    text = out.getvalue()
    assert "188 rows read, 187 cases created" in text and "1 repeated keys" in text
    assert "2022-12-15 health: imported 5, counted 6: explained by 1 row(s) not taken" in text
    assert "closures are not compared" in text
    assert "repeated: nycc_cases_excerpt.csv row 59, unique_key" in err.getvalue()


def test_the_command_fails_with_the_rejected_rows_listed(council, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "B1,NYCC01,not a date,,Parks,,,,,,\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command(
            "import_cases",
            str(path),
            "--mapping",
            "nyc-council",
            "--council",
            council.slug,
            stdout=StringIO(),
            stderr=err,
        )
    assert "rejected: bad.csv row 2, opendate: 'not a date' is not a date" in err.getvalue()


def test_imported_cases_feed_the_case_kpis(council, mapping, make_user):
    run(council, mapping, EXCERPT)
    analyst = make_user("performance_analyst")

    kpis = case_kpis(analyst, council, dt.date(2022, 12, 1), dt.date(2022, 12, 31), chasing=False)

    assert kpis.total.opened == 187
    closed_in_december = Case.objects.filter(
        closed_on__gte=dt.date(2022, 12, 1), closed_on__lte=dt.date(2022, 12, 31)
    ).count()
    assert kpis.total.closed == closed_in_december
    assert kpis.total.open_at_end == 187 - closed_in_december
    assert {row.name for row in kpis.by_team} >= {"NYCC02 district office"}


def test_a_batch_spanning_years_numbers_each_year_s_cases_on_from_its_own_counter(
    council, mapping, tmp_path
):
    path = tmp_path / "years.csv"
    path.write_text(
        HEADER
        + "Y1,NYCC01,2024-01-02,,Parks,,,,,,\n"
        + "Y2,NYCC01,2023-12-29,,Parks,,,,,,\n"
        + "Y3,NYCC01,2024-01-03,,Parks,,,,,,\n"
    )

    run(council, mapping, path)

    references = dict(Case.objects.values_list("source_id", "reference"))
    assert references == {"Y1": "CAS-2024-000001", "Y2": "CAS-2023-000001", "Y3": "CAS-2024-000002"}
