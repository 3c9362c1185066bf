"""The calendar page: what everyone sees, and administrators' closure days."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.core.calendars.actions import do_add_closure_day, do_remove_closure_day
from frontdoor.core.calendars.models import ClosureDay, OpeningException, OpeningPattern
from frontdoor.testing.factories import QueueFactory

D = dt.date
T = dt.time
URL = "/calendar/"


@pytest.fixture
def signed_in(client, make_user):
    def sign_in(*roles: str, **fields):
        user = make_user(*roles, **fields)
        client.force_login(user)
        return user

    return sign_in


@freeze_time("2026-11-25 12:00:00")
def test_signed_in_staff_see_bank_holidays_for_this_year_and_next(client, signed_in):
    signed_in("agent")

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Bank holidays in 2026 (England and Wales)" in page
    assert "Bank holidays in 2027 (England and Wales)" in page
    assert 'datetime="2026-12-28"' in page  # Boxing Day substitute
    assert 'datetime="2028-' not in page
    assert "Add a closure day" not in page  # not an administrator


@freeze_time("2026-11-25 12:00:00")
def test_the_page_shows_the_councils_own_division(client, signed_in, council):
    council.division = "scotland"
    council.save()
    signed_in("agent")

    page = client.get(URL).content.decode()

    assert "Bank holidays in 2027 (Scotland)" in page
    assert 'datetime="2027-01-04"' in page  # 2 January substitute
    assert 'datetime="2026-04-06"' not in page  # Easter Monday is English


@freeze_time("2028-03-01 12:00:00")
def test_provisional_dates_are_tagged_and_administrators_are_warned(client, signed_in):
    signed_in("administrator")

    page = client.get(URL).content.decode()

    assert "Provisional" in page
    assert "govuk-warning-text" in page
    assert "GOV.UK bank holiday data runs out on 26 December 2028" in page


@freeze_time("2028-03-01 12:00:00")
def test_only_administrators_see_the_horizon_warning(client, signed_in):
    signed_in("agent")

    assert "govuk-warning-text" not in client.get(URL).content.decode()


@freeze_time("2026-11-25 12:00:00")
def test_no_warning_more_than_a_year_before_the_data_runs_out(client, signed_in):
    signed_in("administrator")

    assert "govuk-warning-text" not in client.get(URL).content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("web:sign-in") in response["Location"]


@freeze_time("2026-11-25 12:00:00")
def test_queues_show_weekly_hours_and_coming_changes(client, signed_in, council):
    queue = QueueFactory(council=council, name="Council Tax")
    OpeningPattern.objects.create(queue=queue, weekday=1, opens=T(9), closes=T(12, 30))
    OpeningPattern.objects.create(queue=queue, weekday=1, opens=T(13, 30), closes=T(17))
    OpeningException.objects.create(
        queue=queue, date=D(2026, 12, 24), opens=T(9), closes=T(13), reason="Christmas Eve"
    )
    OpeningException.objects.create(queue=queue, date=D(2026, 1, 5), closed=True)  # past
    signed_in("agent")

    page = client.get(URL).content.decode()

    assert "Council Tax" in page
    assert "09:00 to 12:30, 13:30 to 17:00" in page
    assert "Christmas Eve" in page
    assert 'datetime="2026-01-05"' not in page
    assert page.count("govuk-summary-list__row") == 7


@freeze_time("2026-11-25 12:00:00")
def test_the_page_query_count_does_not_grow_with_queues(
    client, signed_in, council, django_assert_max_num_queries
):
    signed_in("agent")
    QueueFactory(council=council)
    client.get(URL)  # seeds the bank holidays
    with django_assert_max_num_queries(30) as one_queue:
        client.get(URL)
    for _ in range(5):
        queue = QueueFactory(council=council)
        OpeningPattern.objects.create(queue=queue, weekday=2, opens=T(9), closes=T(17))
    with django_assert_max_num_queries(len(one_queue.captured_queries)):
        client.get(URL)


# Closure days ------------------------------------------------------------------------------


@freeze_time("2026-11-25 12:00:00")
def test_closure_days_are_shown_only_for_the_requests_council(
    client, signed_in, council, other_council
):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Our training day")
    ClosureDay.objects.create(council=other_council, date=D(2026, 12, 30), reason="Their day")
    signed_in("agent")

    page = client.get(URL).content.decode()

    assert "Our training day" in page
    assert "Their day" not in page


@freeze_time("2026-11-25 12:00:00")
def test_an_administrator_adds_a_closure_day(client, signed_in, council):
    admin = signed_in("administrator")

    response = client.post(
        reverse("core:add-closure-day"),
        {"day": "31", "month": "12", "year": "2026", "reason": "Staff training"},
    )

    assert response.status_code == 302
    closure = ClosureDay.objects.get(council=council)
    assert (closure.date, closure.reason) == (D(2026, 12, 31), "Staff training")
    entry = ChangeLogEntry.objects.get(action="core.add_closure_day")
    assert (entry.actor, entry.council_id, entry.object_id) == (admin, council.id, str(closure.pk))
    page = client.get(URL).content.decode()
    assert "The council is closed on Thursday 31 December 2026." in page
    assert "Staff training" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "month": "", "year": "", "reason": "Training"}, "Enter the date"),
        ({"day": "31", "month": "", "year": "2026", "reason": "Training"}, "day, month and year"),
        ({"day": "31", "month": "2", "year": "2026", "reason": "Training"}, "a real date"),
        ({"day": "x", "month": "2", "year": "2026", "reason": "Training"}, "a real date"),
        ({"day": "1", "month": "2", "year": "1899", "reason": "Training"}, "between 2000"),
        ({"day": "1", "month": "2", "year": "2027", "reason": ""}, "Enter why the council"),
    ],
)
@freeze_time("2026-11-25 12:00:00")
def test_a_wrong_closure_day_is_shown_back_with_an_error_summary(client, signed_in, data, message):
    signed_in("administrator")

    response = client.post(reverse("core:add-closure-day"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert re.search(r"<title>\s*Error:", page)
    assert not ClosureDay.objects.exists()


@freeze_time("2026-11-25 12:00:00")
def test_a_second_closure_on_the_same_day_is_refused(client, signed_in, council):
    ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Training")
    signed_in("administrator")

    response = client.post(
        reverse("core:add-closure-day"),
        {"day": "31", "month": "12", "year": "2026", "reason": "Again"},
    )

    assert response.status_code == 400
    assert "already closed on" in response.content.decode()
    assert ClosureDay.objects.count() == 1


def test_staff_who_do_not_administer_may_not_add_or_remove_closures(client, signed_in, council):
    closure = ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Training")
    signed_in("agent")

    added = client.post(
        reverse("core:add-closure-day"),
        {"day": "30", "month": "12", "year": "2026", "reason": "Mine"},
    )
    removed = client.post(reverse("core:remove-closure-day", args=[closure.pk]))

    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(ClosureDay.objects.values_list("reason", flat=True)) == ["Training"]


def test_an_administrator_removes_a_closure_day(client, signed_in, council):
    closure = ClosureDay.objects.create(council=council, date=D(2026, 12, 31), reason="Training")
    signed_in("administrator")

    response = client.post(reverse("core:remove-closure-day", args=[closure.pk]))

    assert response.status_code == 302
    assert not ClosureDay.objects.exists()
    entry = ChangeLogEntry.objects.get(action="core.remove_closure_day")
    assert entry.changes["reason"] == {"old": "Training", "new": None}


def test_another_councils_closure_cannot_be_removed(client, signed_in, other_council):
    closure = ClosureDay.objects.create(council=other_council, date=D(2026, 12, 31), reason="X")
    signed_in("administrator")

    response = client.post(reverse("core:remove-closure-day", args=[closure.pk]))

    assert response.status_code == 404
    assert ClosureDay.objects.filter(pk=closure.pk).exists()


def test_the_actions_check_permission_and_council(make_user, council, other_council):
    admin = make_user("administrator")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_add_closure_day(
            actor=make_user("agent"), council=council, date=D(2027, 1, 4), reason="X"
        )
    with pytest.raises(PermissionDenied):
        do_add_closure_day(actor=admin, council=other_council, date=D(2027, 1, 4), reason="X")
    theirs = ClosureDay.objects.create(council=other_council, date=D(2027, 1, 5), reason="Y")
    with pytest.raises(PermissionDenied):
        do_remove_closure_day(actor=admin, closure=theirs)
    assert not ChangeLogEntry.objects.filter(action__contains="closure").exists()


def test_the_get_only_page_refuses_posts(client, signed_in):
    signed_in("administrator")

    assert client.post(URL).status_code == 405
