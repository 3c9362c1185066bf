"""Hour-based service standards on cases: due a number of hours within the opening hours of the
case's service's queue, counted from the moment the case was received."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from frontdoor.cases.actions import do_configure_case_type, do_record_clock_event
from frontdoor.cases.models import ClockStatus
from frontdoor.cases.selectors import worklist
from frontdoor.core.calendars.models import ClosureDay, OpeningException, OpeningPattern
from frontdoor.testing.factories import FamilyFactory, MembershipFactory, QueueFactory

UTC = dt.UTC


@pytest.fixture
def hours_setup(setup, make_user):
    """Housing answered by a queue open 09:00 to 17:00 on weekdays (London is on UTC in winter),
    and service requests due within `hours` of opening time."""
    family = FamilyFactory(council=setup.council, family_id="housing", name="Housing")
    MembershipFactory(service=setup.housing_service, family=family, valid_from=dt.date(2020, 1, 1))
    queue = QueueFactory(council=setup.council, queue_id="housing", name="Housing", family=family)
    for weekday in range(1, 6):
        OpeningPattern.objects.create(
            queue=queue, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
        )
    admin = make_user("administrator", username="admin")

    def standard(hours: int, *, skip_closures: bool = True) -> None:
        case_type = setup.types["service-request"]
        do_configure_case_type(
            actor=admin,
            council=setup.council,
            type_id=case_type.type_id,
            name=case_type.name,
            kind=case_type.kind,
            statuses=case_type.statuses,
            initial_status=case_type.initial_status,
            transitions=case_type.transitions,
            clock_params={
                "name": f"{hours}-hours",
                "respond": {"amount": hours, "unit": "hours"},
                "calendar": {"holidays": "division", "closures": skip_closures},
            },
        )
        setup.types["service-request"].refresh_from_db()

    setup.queue_of_housing = queue
    setup.standard = standard
    return setup


def _open_from_contact(hours_setup, make_contact, open_case, at: dt.datetime):
    contact = make_contact(at)
    return open_case("service-request", contact=contact, actor=hours_setup.agent, owner=None)


def test_an_hour_standard_counts_from_the_contact_over_the_weekend(
    hours_setup, make_contact, open_case
):
    hours_setup.standard(8)
    with freeze_time("2026-01-09 15:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
    # Two hours on Friday, six on Monday.
    assert case.clock_error == ""
    assert case.due_at == dt.datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
    assert case.due == dt.date(2026, 1, 12)
    assert case.received_at == dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)


def test_closure_days_and_bank_holidays_close_the_queue(hours_setup, make_contact, open_case):
    hours_setup.standard(8)
    ClosureDay.objects.create(council=hours_setup.council, date=dt.date(2026, 1, 12), reason="x")
    with freeze_time("2026-01-09 15:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
    assert case.due_at == dt.datetime(2026, 1, 13, 15, 0, tzinfo=UTC)
    # Christmas: one hour on Christmas Eve, then the bank holidays and the weekend.
    with freeze_time("2025-12-24 16:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2025, 12, 24, 16, 0, tzinfo=UTC)
        )
    assert case.due_at == dt.datetime(2025, 12, 29, 16, 0, tzinfo=UTC)


def test_closure_days_count_when_the_standard_says_so(hours_setup, make_contact, open_case):
    hours_setup.standard(8, skip_closures=False)
    ClosureDay.objects.create(council=hours_setup.council, date=dt.date(2026, 1, 12), reason="x")
    with freeze_time("2026-01-09 15:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
    assert case.due_at == dt.datetime(2026, 1, 12, 15, 0, tzinfo=UTC)


def test_an_exception_of_the_queue_changes_the_hours(hours_setup, make_contact, open_case):
    hours_setup.standard(4)
    OpeningException.objects.create(
        queue=hours_setup.queue_of_housing,
        date=dt.date(2026, 1, 12),
        closed=False,
        opens=dt.time(9),
        closes=dt.time(10),
    )
    with freeze_time("2026-01-09 16:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 16, 0, tzinfo=UTC)
        )
    # One hour on Friday, one on the short Monday, two on Tuesday.
    assert case.due_at == dt.datetime(2026, 1, 13, 11, 0, tzinfo=UTC)


def test_met_when_answered_by_the_due_time_and_breached_after(hours_setup, make_contact, open_case):
    hours_setup.standard(8)
    with freeze_time("2026-01-09 15:30"):
        met = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
        late = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
    with freeze_time("2026-01-12 16:00"):
        do_record_clock_event(
            actor=hours_setup.officer,
            case=met,
            kind="responded",
            on=dt.date(2026, 1, 12),
            at=dt.datetime(2026, 1, 12, 14, 59, tzinfo=UTC),
        )
        do_record_clock_event(
            actor=hours_setup.officer,
            case=late,
            kind="responded",
            on=dt.date(2026, 1, 12),
            at=dt.datetime(2026, 1, 12, 15, 1, tzinfo=UTC),
        )
    met.refresh_from_db()
    late.refresh_from_db()
    assert met.clock_status == ClockStatus.MET
    assert late.clock_status == ClockStatus.BREACHED


def test_overdue_from_the_due_time_on_the_worklist_and_case_page(
    hours_setup, make_contact, open_case, client
):
    hours_setup.standard(8)
    with freeze_time("2026-01-09 15:30"):
        case = _open_from_contact(
            hours_setup, make_contact, open_case, dt.datetime(2026, 1, 9, 15, 0, tzinfo=UTC)
        )
        case.owner_team = hours_setup.housing
        case.save(update_fields=["owner_team"])
    viewer = hours_setup.officer
    with freeze_time("2026-01-12 14:00"):
        assert case not in [
            row.case for row in worklist(viewer, hours_setup.council, "overdue").rows
        ]
    with freeze_time("2026-01-12 15:30"):
        rows = worklist(viewer, hours_setup.council, "overdue").rows
        assert [row.case for row in rows] == [case]
        assert rows[0].status == ClockStatus.OVERDUE
        client.force_login(viewer)
        page = client.get(f"/cases/{case.reference}/").content.decode()
        assert "15:00 on Monday 12 January 2026" in page
        listing = client.get("/cases/overdue/").content.decode()
        assert "15:00 12 Jan 2026" in listing


def test_a_service_without_a_queue_says_why_it_has_no_due_time(setup, make_user, open_case):
    admin = make_user("administrator", username="admin")
    case_type = setup.types["service-request"]
    do_configure_case_type(
        actor=admin,
        council=setup.council,
        type_id=case_type.type_id,
        name=case_type.name,
        kind=case_type.kind,
        statuses=case_type.statuses,
        initial_status=case_type.initial_status,
        transitions=case_type.transitions,
        clock_params={"name": "4-hours", "respond": {"amount": 4, "unit": "hours"}},
    )
    setup.types["service-request"].refresh_from_db()
    case = open_case("service-request")
    assert case.due_at is None
    assert "no queue" in case.clock_error


def test_only_service_requests_may_count_hours(setup, make_user):
    from django.core.exceptions import ValidationError

    admin = make_user("administrator", username="admin")
    complaint = setup.types["member-enquiry"]
    with pytest.raises(ValidationError, match="only a service request"):
        do_configure_case_type(
            actor=admin,
            council=setup.council,
            type_id=complaint.type_id,
            name=complaint.name,
            kind=complaint.kind,
            statuses=complaint.statuses,
            initial_status=complaint.initial_status,
            transitions=complaint.transitions,
            clock_params={"name": "4-hours", "respond": {"amount": 4, "unit": "hours"}},
        )
