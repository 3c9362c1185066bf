"""`frontdoor due_date` and GET /api/due-date: the same JSON, over the bank-holiday table."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frontdoor.core.calendars.models import ClosureDay
from frontdoor.testing.factories import CouncilFactory

D = dt.date


def due_date(*args: str) -> str:
    out = StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue().strip()


def answer(*args: str) -> dict:
    return json.loads(due_date(*args))


# The command --------------------------------------------------------------------------------------


def test_prints_exactly_the_issues_json():
    printed = due_date("--type", "foi", "--received", "2025-12-05")
    assert printed == (
        '{"type": "foi", "received": "2025-12-05", "acknowledge_by": null, '
        '"due": "2026-01-08", "provisional": false}'
    )


@pytest.mark.parametrize(
    ("args", "acknowledge_by", "due"),
    [
        # Default procedure hos-lgsco-2024; acknowledged on the last allowed day (31 Dec), then
        # 10 WD: Fri 2 Jan is a working day in England and Wales.
        (("complaint-stage-1", "2025-12-22"), "2025-12-31", "2026-01-15"),
        (("complaint-stage-2", "2026-03-30"), "2026-04-08", "2026-05-07"),
        (("eir", "2026-03-02"), None, "2026-03-31"),
        (("foi-internal-review", "2026-03-16"), None, "2026-04-16"),
        (("eir-internal-review", "2026-01-12"), None, "2026-03-09"),
        (("sar", "2025-01-31"), None, "2025-02-28"),
        (("sar", "2024-01-31"), None, "2024-02-29"),
        (("erasure", "2025-11-26"), None, "2025-12-29"),
        (("rectification", "2022-08-19"), None, "2022-09-20"),
        (("dp-complaint", "2025-11-26"), "2025-12-29", None),
        (("member-enquiry", "2025-12-31"), "2026-01-05", "2026-01-15"),
        (("compliment", "2025-12-31"), None, None),
        (("comment", "2025-12-31"), None, None),
    ],
)
def test_every_type_in_england_and_wales(args, acknowledge_by, due):
    clock_type, received = args
    result = answer("--type", clock_type, "--received", received)
    assert result == {
        "type": clock_type,
        "received": received,
        "acknowledge_by": acknowledge_by,
        "due": due,
        "provisional": False,
    }


def test_divisions_change_the_holidays():
    # Scotland: 2 Jan 2026 is a bank holiday, so the member enquiry runs a day later.
    scottish = answer(
        "--type", "member-enquiry", "--received", "2025-12-31", "--division", "scotland"
    )
    assert (scottish["acknowledge_by"], scottish["due"]) == ("2026-01-06", "2026-01-16")
    # FOISA: Scotland's holidays only, so NI's 17 March and Easter Monday count.
    assert (
        answer("--type", "foi", "--received", "2026-03-16", "--division", "scotland")["due"]
        == "2026-04-14"
    )
    # Northern Ireland: St Patrick's Day moves a subject access request on a day.
    assert (
        answer("--type", "sar", "--received", "2026-02-17", "--division", "northern-ireland")["due"]
        == "2026-03-18"
    )


def test_without_a_council_complaints_default_to_hos_lgsco_even_in_scotland():
    result = answer(
        "--type", "complaint-stage-1", "--received", "2025-12-22", "--division", "scotland"
    )
    assert (result["acknowledge_by"], result["due"]) == ("2025-12-31", "2026-01-16")


def test_the_spso_procedure_by_name():
    result = answer(
        "--type",
        "complaint-stage-2",
        "--received",
        "2025-12-24",
        "--division",
        "scotland",
        "--policy",
        "spso-mchp",
    )
    assert (result["acknowledge_by"], result["due"]) == ("2025-12-31", "2026-01-27")
    stage_1 = answer(
        "--type",
        "complaint-stage-1",
        "--received",
        "2025-11-28",
        "--policy",
        "spso-mchp",
        "--division",
        "scotland",
    )
    assert (stage_1["acknowledge_by"], stage_1["due"]) == (None, "2025-12-08")


def test_the_blank_procedure_sets_no_dates():
    result = answer("--type", "complaint-stage-1", "--received", "2026-01-12", "--policy", "blank")
    assert (result["acknowledge_by"], result["due"]) == (None, None)


def test_a_service_request_takes_its_standard_from_policy():
    result = answer(
        "--type", "service-request", "--received", "2026-12-18", "--policy", "7-calendar-days"
    )
    assert result["due"] == "2026-12-29"  # Christmas Day, weekend, Boxing Day substitute


def test_dates_past_govuk_data_are_provisional():
    # 20 Dec 2028: 21-22 (2), 25-26 Dec, 27-29 (5), then 1 and 2 Jan 2029 (rules: New Year and
    # Scotland's 2 January), 3-5 (8), 8-12 (13), 15-19 (18), 22-23 (20).
    result = answer("--type", "foi", "--received", "2028-12-20")
    assert (result["due"], result["provisional"]) == ("2029-01-23", True)
    assert answer("--type", "foi", "--received", "2028-11-01")["provisional"] is False


def test_with_a_council_its_closure_days_count_for_complaints_not_foi():
    council = CouncilFactory(slug="eastshire")
    for day in (D(2026, 12, 29), D(2026, 12, 30)):
        ClosureDay.objects.create(council=council, date=day, reason="Christmas shutdown")
    complaint = answer(
        "--type", "complaint-stage-1", "--received", "2026-12-21", "--council", "eastshire"
    )
    assert (complaint["acknowledge_by"], complaint["due"]) == ("2027-01-04", "2027-01-18")
    without = answer("--type", "complaint-stage-1", "--received", "2026-12-21")
    assert (without["acknowledge_by"], without["due"]) == ("2026-12-30", "2027-01-14")
    foi = answer("--type", "foi", "--received", "2026-12-21", "--council", "eastshire")
    assert foi["due"] == "2027-01-22"  # closures still count as working days for FOI


def test_with_a_scottish_council_its_division_and_preset_apply():
    CouncilFactory(slug="lochside", division="scotland")
    result = answer(
        "--type", "complaint-stage-1", "--received", "2025-11-28", "--council", "lochside"
    )
    assert (result["acknowledge_by"], result["due"]) == (None, "2025-12-08")  # spso-mchp
    foi = answer("--type", "foi", "--received", "2026-03-16", "--council", "lochside")
    assert foi["due"] == "2026-04-14"


def test_with_a_council_its_own_settings_apply():
    CouncilFactory(
        slug="westshire",
        settings={
            "clocks": {
                "member_enquiry": {
                    "acknowledge": {"amount": 1, "unit": "working-days"},
                    "respond": {"amount": 5, "unit": "working-days"},
                },
                "standards": {"missed-bin": {"amount": 2, "unit": "working-days"}},
            }
        },
    )
    member = answer(
        "--type", "member-enquiry", "--received", "2025-12-31", "--council", "westshire"
    )
    assert (member["acknowledge_by"], member["due"]) == ("2026-01-02", "2026-01-08")
    bins = answer(
        "--type",
        "service-request",
        "--received",
        "2026-04-02",
        "--council",
        "westshire",
        "--policy",
        "missed-bin",
    )
    assert bins["due"] == "2026-04-08"  # Good Friday and Easter Monday: Tue 7 (1), Wed 8 (2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--type", "foi", "--received", "5/12/2025"), "YYYY-MM-DD"),
        (("--type", "foi", "--received", "2025-12-05", "--council", "nowhere"), "no council"),
        (("--type", "foi", "--received", "2025-12-05", "--policy", "blank"), "follows the law"),
        (("--type", "service-request", "--received", "2025-12-05"), "needs its standard"),
        (
            ("--type", "service-request", "--received", "2025-12-05", "--policy", "4-hours"),
            "hour-based",
        ),
        (("--type", "complaint-stage-3", "--received", "2025-12-05"), "invalid choice"),
        (("--type", "foi", "--received", "2045-01-02"), "outside the bank-holiday data"),
    ],
)
def test_bad_questions_are_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        due_date(*args)


def test_a_division_contradicting_the_council_is_refused():
    CouncilFactory(slug="eastshire")
    with pytest.raises(CommandError, match="eastshire is in england-and-wales"):
        due_date(
            "--type",
            "foi",
            "--received",
            "2025-12-05",
            "--council",
            "eastshire",
            "--division",
            "scotland",
        )


def test_malformed_council_settings_name_the_key():
    CouncilFactory(slug="eastshire", settings={"clocks": {"due_soon_working_days": -1}})
    with pytest.raises(CommandError, match="due_soon_working_days"):
        due_date("--type", "foi", "--received", "2025-12-05", "--council", "eastshire")


# The API ------------------------------------------------------------------------------------------


@pytest.fixture
def api(client, make_user):
    client.force_login(make_user("agent"))
    return client


def test_the_api_answers_as_the_command_does(api):
    for query, args in [
        ("type=foi&received=2025-12-05", ("--type", "foi", "--received", "2025-12-05")),
        (
            "type=complaint-stage-2&received=2025-12-24&division=scotland&policy=spso-mchp",
            (
                "--type",
                "complaint-stage-2",
                "--received",
                "2025-12-24",
                "--division",
                "scotland",
                "--policy",
                "spso-mchp",
            ),
        ),
        (
            "type=dp-complaint&received=2025-11-26",
            ("--type", "dp-complaint", "--received", "2025-11-26"),
        ),
        ("type=foi&received=2028-12-20", ("--type", "foi", "--received", "2028-12-20")),
    ]:
        response = api.get(f"/api/due-date?{query}")
        assert response.status_code == 200, response.content
        assert response.json() == answer(*args)


def test_the_api_uses_a_councils_closures_when_named(api, council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 29), reason="Shutdown")
    ClosureDay.objects.create(council=council, date=D(2026, 12, 30), reason="Shutdown")
    body = api.get(
        f"/api/due-date?type=complaint-stage-1&received=2026-12-21&council={council.slug}"
    ).json()
    assert (body["acknowledge_by"], body["due"]) == ("2027-01-04", "2027-01-18")


def test_the_api_hides_another_councils_calendar(api, other_council):
    response = api.get(f"/api/due-date?type=foi&received=2025-12-05&council={other_council.slug}")
    assert response.status_code == 404


def test_the_api_needs_a_signed_in_user(client):
    response = client.get("/api/due-date?type=foi&received=2025-12-05")
    assert response.status_code == 401


def test_the_api_refuses_bad_questions_with_json_errors(api):
    unknown = api.get("/api/due-date?type=parking&received=2025-12-05")
    assert unknown.status_code == 422 and "error" in unknown.json()
    bad_date = api.get("/api/due-date?type=foi&received=2025-13-05")
    assert bad_date.status_code == 422
    wrong_policy = api.get("/api/due-date?type=foi&received=2025-12-05&policy=blank")
    assert wrong_policy.status_code == 400
    assert "follows the law" in wrong_policy.json()["error"]


def test_the_api_document_lists_every_type(api):
    from frontdoor.cases.engine.due_date import CLOCK_TYPES

    document = api.get("/api/openapi.json").json()
    operation = document["paths"]["/api/due-date"]["get"]
    [type_parameter] = [p for p in operation["parameters"] if p["name"] == "type"]
    assert set(type_parameter["schema"]["enum"]) == set(CLOCK_TYPES)
