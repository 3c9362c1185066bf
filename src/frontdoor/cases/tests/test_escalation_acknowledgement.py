"""A team leader acknowledges an escalation ("I've seen it and I'm dealing with it"), and sees
how many escalations wait for them, and which, on the pages they already use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases.actions import (
    do_acknowledge_escalation,
    do_change_status,
    do_check_case_clocks,
)
from frontdoor.cases.models import CaseEscalation, CaseEvent, CaseEventKind
from frontdoor.cases.selectors import case_page, escalation_list, escalations_awaiting
from frontdoor.testing.factories import TeamMembershipFactory

D = dt.date


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def escalate(setup, open_case):
    """escalate(n): n Housing complaints received on 5 January 2026 whose acknowledgement (due
    the 12th) the check on the 13th escalates to the Housing team's leader; their escalations."""

    def make(count: int = 1) -> list[CaseEscalation]:
        with freeze_time("2026-01-05 10:00"):
            cases = [open_case(received_on=D(2026, 1, 5)) for _ in range(count)]
        with freeze_time("2026-01-13 07:00"):
            do_check_case_clocks(council=setup.council)
        return list(CaseEscalation.objects.filter(case__in=cases).order_by("case__reference", "pk"))

    return make


# The action ------------------------------------------------------------------------------------


def test_a_recipient_acknowledges_an_escalation_and_it_is_audited_and_on_the_timeline(
    setup, escalate
):
    [escalation] = escalate()

    with freeze_time("2026-01-13 10:15"):
        done = do_acknowledge_escalation(actor=setup.leader, escalation=escalation)

    escalation.refresh_from_db()
    assert escalation.acknowledged_by == setup.leader
    assert escalation.acknowledged_at == dt.datetime(2026, 1, 13, 10, 15, tzinfo=dt.UTC)
    assert done.acknowledged_by == setup.leader
    [entry] = ChangeLogEntry.objects.filter(action="case.acknowledge_escalation")
    assert entry.object_id == str(escalation.pk) and entry.actor == setup.leader
    assert entry.changes["acknowledged_by"] == {"old": None, "new": setup.leader.pk}
    [event] = CaseEvent.objects.filter(kind=CaseEventKind.ESCALATION_ACKNOWLEDGED)
    assert (event.case, event.actor) == (escalation.case, setup.leader)
    with freeze_time("2026-01-13 10:20"):
        timeline = case_page(setup.leader, setup.council, escalation.case.reference).timeline
    assert timeline[0].label == "Escalation acknowledged: Acknowledgement overdue"
    assert timeline[0].by == "Lena Leader"


def test_acknowledging_again_changes_nothing_and_keeps_who_did_it_first(setup, escalate):
    [escalation] = escalate()
    deputy = _deputy(setup)

    with freeze_time("2026-01-13 10:15"):
        do_acknowledge_escalation(actor=setup.leader, escalation=escalation)
    with freeze_time("2026-01-13 11:00"):
        again = do_acknowledge_escalation(actor=setup.leader, escalation=escalation)
        by_deputy = do_acknowledge_escalation(actor=deputy, escalation=escalation)

    assert again.acknowledged_by == by_deputy.acknowledged_by == setup.leader
    assert by_deputy.acknowledged_at == dt.datetime(2026, 1, 13, 10, 15, tzinfo=dt.UTC)
    assert ChangeLogEntry.objects.filter(action="case.acknowledge_escalation").count() == 1
    assert CaseEvent.objects.filter(kind=CaseEventKind.ESCALATION_ACKNOWLEDGED).count() == 1


def test_a_leader_of_the_cases_team_may_acknowledge_an_escalation_sent_before_they_led_it(
    setup, escalate
):
    [escalation] = escalate()
    deputy = _deputy(setup)  # joined after the escalation: not one of its recipients
    assert not escalation.escalated_to.filter(pk=deputy.pk).exists()

    do_acknowledge_escalation(actor=deputy, escalation=escalation)

    escalation.refresh_from_db()
    assert escalation.acknowledged_by == deputy


@pytest.mark.parametrize("who", ["agent", "officer", "fixer"])
def test_staff_who_neither_received_it_nor_lead_the_team_may_not_acknowledge(setup, escalate, who):
    [escalation] = escalate()

    with pytest.raises(PermissionDenied):
        do_acknowledge_escalation(actor=getattr(setup, who), escalation=escalation)
    with pytest.raises(PermissionDenied):
        do_acknowledge_escalation(actor=None, escalation=escalation)

    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    assert not ChangeLogEntry.objects.filter(action="case.acknowledge_escalation").exists()


# What waits for the leader ----------------------------------------------------------------------


def test_the_leaders_waiting_escalations_leave_when_acknowledged_or_when_the_case_closes(
    setup, escalate
):
    first, second, third = escalate(3)

    assert set(escalations_awaiting(setup.leader, setup.council)) == {first, second, third}
    do_acknowledge_escalation(actor=setup.leader, escalation=first)
    do_change_status(actor=setup.officer, case=second.case, status="withdrawn")

    assert list(escalations_awaiting(setup.leader, setup.council)) == [third]
    # Nothing waits for staff it was not sent to.
    assert not escalations_awaiting(setup.officer, setup.council).exists()
    assert not escalations_awaiting(_deputy(setup), setup.council).exists()
    with freeze_time("2026-01-13 09:00"):
        listing = escalation_list(setup.leader, setup.council)
    assert (listing.escalations, listing.count, listing.more) == ([third], 1, False)


def test_the_worklists_show_how_many_escalations_wait_and_the_list_shows_them(
    setup, escalate, as_user
):
    escalations = escalate(3)
    client = as_user(setup.leader)

    with freeze_time("2026-01-13 09:00"):
        overdue = client.get("/cases/overdue/").content.decode()
        mine = client.get("/cases/").content.decode()
        listing = client.get("/cases/escalations/").content.decode()

    for page in (overdue, mine):
        assert "3 escalations need your attention." in page
        assert 'href="/cases/escalations/"' in page
        assert "(3 need your attention)" in page  # the sub-navigation's badge
    assert "3 escalations need your attention." in listing
    for escalation in escalations:
        assert escalation.case.reference in listing
        assert f"/cases/escalations/{escalation.pk}/acknowledge/" in listing


def test_staff_with_nothing_waiting_see_no_count(setup, escalate, as_user):
    escalate(2)
    client = as_user(setup.officer)

    with freeze_time("2026-01-13 09:00"):
        page = client.get("/cases/overdue/").content.decode()
        listing = client.get("/cases/escalations/").content.decode()

    assert "need your attention" not in page
    assert 'href="/cases/escalations/"' not in page  # not a leader: no link either
    assert "No escalations need your attention." in listing


def test_the_overdue_worklist_and_the_list_read_a_fixed_number_of_times_however_many_wait(
    setup, escalate, as_user
):
    escalate(2)
    client = as_user(setup.leader)
    with freeze_time("2026-01-13 09:00"):
        client.get("/cases/overdue/")  # warm the session
        with CaptureQueriesContext(connection) as few_worklist:
            assert client.get("/cases/overdue/").status_code == 200
        with CaptureQueriesContext(connection) as few_list:
            assert client.get("/cases/escalations/").status_code == 200
    escalate(6)
    with freeze_time("2026-01-13 09:00"):
        with CaptureQueriesContext(connection) as many_worklist:
            page = client.get("/cases/overdue/")
        with CaptureQueriesContext(connection) as many_list:
            listing = client.get("/cases/escalations/")

    assert "8 escalations need your attention." in page.content.decode()
    assert listing.content.decode().count("/acknowledge/") == 8
    assert len(many_worklist) == len(few_worklist)
    assert len(many_list) == len(few_list)


# The pages ---------------------------------------------------------------------------------------


def test_the_leader_acknowledges_on_the_case_page_and_sees_who_and_when(setup, escalate, as_user):
    [escalation] = escalate()
    reference = escalation.case.reference
    client = as_user(setup.leader)

    with freeze_time("2026-01-13 10:15"):
        before = client.get(f"/cases/{reference}/").content.decode()
        response = client.post(f"/cases/escalations/{escalation.pk}/acknowledge/", {"back": "case"})
        after = client.get(response["Location"]).content.decode()

    assert 'id="escalations"' in before and "Not acknowledged yet" in before
    assert f'action="/cases/escalations/{escalation.pk}/acknowledge/"' in before
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{reference}/#escalations"
    assert f"Escalation of {reference} acknowledged" in after
    assert "by Lena Leader at 10:15 on 13 January 2026" in after
    assert f"/cases/escalations/{escalation.pk}/acknowledge/" not in after
    assert "need your attention" not in after


def test_acknowledging_from_the_list_goes_back_to_the_list(setup, escalate, as_user):
    first, second = escalate(2)
    client = as_user(setup.leader)

    with freeze_time("2026-01-13 10:15"):
        response = client.post(f"/cases/escalations/{first.pk}/acknowledge/", {"back": "list"})
        listing = client.get(response["Location"]).content.decode()

    assert response["Location"] == "/cases/escalations/"
    assert "1 escalation needs your attention." in listing
    assert first.case.reference not in listing.split("<table")[1]
    assert second.case.reference in listing


def test_an_unrelated_agent_is_refused_and_sees_no_acknowledge_button(setup, escalate, as_user):
    [escalation] = escalate()
    client = as_user(setup.agent)

    with freeze_time("2026-01-13 10:15"):
        page = client.get(f"/cases/{escalation.case.reference}/").content.decode()
        response = client.post(f"/cases/escalations/{escalation.pk}/acknowledge/")

    assert 'id="escalations"' in page
    assert "/acknowledge/" not in page
    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None


def test_acknowledging_twice_through_the_page_says_who_did_it_first(setup, escalate, as_user):
    [escalation] = escalate()
    deputy = _deputy(setup)
    do_acknowledge_escalation(actor=setup.leader, escalation=escalation)
    client = as_user(deputy)

    response = client.post(f"/cases/escalations/{escalation.pk}/acknowledge/", follow=True)

    assert "Lena Leader had already acknowledged the escalation" in response.content.decode()
    assert ChangeLogEntry.objects.filter(action="case.acknowledge_escalation").count() == 1


def test_an_unknown_escalation_is_not_found_and_only_a_post_acknowledges(setup, escalate, as_user):
    [escalation] = escalate()
    client = as_user(setup.leader)
    assert client.post("/cases/escalations/999999/acknowledge/").status_code == 404
    assert client.get(f"/cases/escalations/{escalation.pk}/acknowledge/").status_code == 405


def _deputy(setup):
    """A second leader of the Housing team, added now."""
    from frontdoor.testing.factories import UserFactory

    deputy = UserFactory(
        roles=["team_leader"],
        council=setup.council,
        username="deputy",
        first_name="Dee",
        last_name="Deputy",
    )
    TeamMembershipFactory(team=setup.housing, user=deputy, is_leader=True)
    return deputy
