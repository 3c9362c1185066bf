"""The case pages: worklists, opening a case from a contact, the case page and its actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from frontdoor.audit.models import AccessKind, AccessLogEntry
from frontdoor.cases.actions import do_add_note, do_hand_over, do_record_clock_event
from frontdoor.cases.models import Case, CaseAttachment, Handover
from frontdoor.cases.selectors import case_page
from frontdoor.core.models import Sensitivity

D = dt.date


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_an_agent_opens_a_complaint_from_a_contact(setup, make_contact, as_user):
    client = as_user(setup.agent)
    with freeze_time("2026-01-06 10:00"):
        contact = make_contact(dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC))
        page = client.get(f"/cases/new/?contact={contact.pk}")
        assert page.status_code == 200
        assert "received on 5 January 2026" in page.content.decode()
        assert 'name="received_on_day"' not in page.content.decode()  # the contact's date
        response = client.post(
            f"/cases/new/?contact={contact.pk}",
            {
                "case_type": setup.types["complaint"].pk,
                "service": setup.housing_service.pk,
                "summary": "Repairs not done after three calls",
                "details": "Kitchen ceiling leaking since November",
                "priority": "normal",
                "sensitivity": "normal",
            },
        )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    assert case.received_on == D(2026, 1, 5) and case.opened_from == contact
    assert case.owner_team == setup.centre and case.opened_by == setup.agent
    with freeze_time("2026-01-06 10:05"):
        shown = client.get(response["Location"]).content.decode()
    assert case.reference in shown
    assert "Kitchen ceiling leaking since November" in shown  # the first note, on the timeline
    assert "Acknowledge by" in shown and "12 January 2026" in shown


def test_opening_a_case_with_nothing_filled_in_shows_the_error_summary(setup, as_user):
    client = as_user(setup.officer)
    response = client.post("/cases/new/", {"priority": "normal", "sensitivity": "normal"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_case_type">Choose the type of case</a>' in html
    assert '<a href="#id_summary">Enter a summary of the case</a>' in html
    assert "<title>Error:" in html


def test_a_date_in_the_future_is_refused_on_the_form(setup, as_user):
    client = as_user(setup.officer)
    with freeze_time("2026-01-06 10:00"):
        response = client.post(
            "/cases/new/",
            {
                "case_type": setup.types["foi"].pk,
                "service": setup.housing_service.pk,
                "summary": "Spending on temporary accommodation",
                "received_on_day": "7",
                "received_on_month": "1",
                "received_on_year": "2026",
                "priority": "normal",
                "sensitivity": "normal",
            },
        )
    assert response.status_code == 400
    assert "The date received must be today or in the past" in response.content.decode()
    assert 'href="#id_received_on"' in response.content.decode()


def test_an_officer_acknowledges_and_responds_through_the_clock_page(setup, open_case, as_user):
    client = as_user(setup.officer)
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2026, 1, 5))
        page = client.get(f"/cases/{case.reference}/clock/")
        assert page.status_code == 200
        response = client.post(
            f"/cases/{case.reference}/clock/",
            {"event": "acknowledged:", "on_day": "5", "on_month": "1", "on_year": "2026"},
        )
        assert response.status_code == 302
        bad = client.post(f"/cases/{case.reference}/clock/", {"event": "extended:", "on_day": "5"})
        assert bad.status_code == 400
        assert "Enter a day, month and year" in bad.content.decode()
        assert "Enter the reason for the extension" in bad.content.decode()
        client.post(
            f"/cases/{case.reference}/clock/",
            {"event": "responded:", "on_day": "5", "on_month": "1", "on_year": "2026"},
        )
    case.refresh_from_db()
    assert (case.acknowledged_on, case.responded_on, case.clock_status) == (
        D(2026, 1, 5),
        D(2026, 1, 5),
        "met",
    )


def test_status_note_assign_and_hand_over_pages(setup, open_case, as_user):
    client = as_user(setup.officer)
    case = open_case()
    assert (
        client.post(f"/cases/{case.reference}/status/", {"status": "responded"}).status_code == 400
    )
    assert (
        client.post(f"/cases/{case.reference}/status/", {"status": "in-progress"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/cases/{case.reference}/note/", {"text": "Called back", "sensitivity": "normal"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/cases/{case.reference}/assign/", {"owner": setup.colleague.pk}).status_code
        == 302
    )
    assert (
        client.post(
            f"/cases/{case.reference}/hand-over/",
            {"to_team": setup.repairs.pk, "note": "Needs a surveyor"},
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.status, case.owner_team, case.owner) == ("in-progress", setup.repairs, None)
    assert Handover.objects.get(case=case).note == "Needs a surveyor"


def test_a_handover_is_accepted_or_bounced_from_the_inbox(setup, open_case, as_user):
    case = open_case(actor=setup.agent, owner_team=setup.centre, owner=None)
    handover = do_hand_over(actor=setup.agent, case=case, to_team=setup.housing)
    client = as_user(setup.officer)
    inbox = client.get("/cases/handovers/").content.decode()
    assert case.reference in inbox and "Accept" in inbox
    assert client.get(f"/cases/handovers/{handover.pk}/bounce/").status_code == 200
    empty = client.post(f"/cases/handovers/{handover.pk}/bounce/", {"reason": ""})
    assert empty.status_code == 400
    assert (
        client.post(
            f"/cases/handovers/{handover.pk}/bounce/", {"reason": "Not ours: council tax"}
        ).status_code
        == 302
    )
    agent_inbox = as_user(setup.agent).get("/cases/handovers/").content.decode()
    assert "Not ours: council tax" in agent_inbox and "Re-route" in agent_inbox


def test_a_restricted_case_asks_for_a_reason_then_opens(setup, open_case, as_user):
    case = open_case(sensitivity=Sensitivity.SAFEGUARDING)
    client = as_user(setup.colleague)
    page = client.get(f"/cases/{case.reference}/")
    assert "This case is restricted" in page.content.decode()
    assert case.summary not in page.content.decode()
    missing = client.post(f"/cases/{case.reference}/", {"reason": ""})
    assert missing.status_code == 400
    client.post(f"/cases/{case.reference}/", {"reason": "Safeguarding strategy meeting"})
    opened = client.get(f"/cases/{case.reference}/")
    assert case.summary in opened.content.decode()
    assert (
        AccessLogEntry.objects.filter(object_id=str(case.pk), kind=AccessKind.BREAK_GLASS).count()
        == 1
    )
    assert as_user(setup.agent).get(f"/cases/{case.reference}/").status_code == 404


def test_a_file_is_checked_by_its_content(setup, open_case, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = open_case()
    client = as_user(setup.officer)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(
        f"/cases/{case.reference}/attach/", {"file": fake, "sensitivity": "normal"}
    )
    assert refused.status_code == 400
    assert "The selected file must be a" in refused.content.decode()
    pdf = SimpleUploadedFile(
        "report.pdf", b"%PDF-1.7\n%...", content_type="application/octet-stream"
    )
    assert (
        client.post(
            f"/cases/{case.reference}/attach/", {"file": pdf, "sensitivity": "normal"}
        ).status_code
        == 302
    )
    attachment = CaseAttachment.objects.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "report.pdf",
        "application/pdf",
        13,
    )
    download = client.get(f"/cases/{case.reference}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7\n%..."


def test_worklist_pages_show_their_cases(setup, open_case, as_user):
    with freeze_time("2026-01-05 10:00"):
        case = open_case(received_on=D(2025, 12, 1))
    client = as_user(setup.leader)
    with freeze_time("2026-01-05 11:00"):
        for path in ("/cases/", "/cases/team/", "/cases/overdue/", "/cases/due-soon/"):
            assert client.get(path).status_code == 200
        overdue = client.get("/cases/overdue/").content.decode()
    assert case.reference in overdue
    assert "By team and person" in overdue


def test_the_case_page_reads_a_fixed_number_of_times_whatever_the_history(
    setup, open_case, django_assert_num_queries
):
    with freeze_time("2026-01-05 10:00"):
        short = open_case(received_on=D(2026, 1, 5))
        long = open_case(received_on=D(2026, 1, 5))
        do_record_clock_event(actor=setup.officer, case=long, kind="acknowledged", on=D(2026, 1, 5))
        for number in range(25):
            do_add_note(actor=setup.officer, case=long, text=f"Call {number}")
        handover = do_hand_over(actor=setup.officer, case=long, to_team=setup.repairs)
    viewer = setup.colleague
    case_page(viewer, setup.council, short.reference)  # warm the viewer's permission cache
    # The case with its parties; the timeline; handovers; files; escalations; the viewer's
    # teams; the access-log row.
    with django_assert_num_queries(8):
        small = case_page(viewer, setup.council, short.reference)
    with django_assert_num_queries(8):
        big = case_page(viewer, setup.council, long.reference)
    assert len(small.timeline) == 1 and len(big.timeline) >= 28
    assert big.pending_handover == handover


def test_the_case_page_view_renders_in_the_same_queries_for_a_long_history(
    setup, open_case, as_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with freeze_time("2026-01-05 10:00"):
        short = open_case(received_on=D(2026, 1, 5))
        long = open_case(received_on=D(2026, 1, 5))
        for number in range(20):
            do_add_note(actor=setup.officer, case=long, text=f"Call {number}")
        do_record_clock_event(actor=setup.officer, case=long, kind="acknowledged", on=D(2026, 1, 5))
        do_hand_over(actor=setup.officer, case=long, to_team=setup.repairs)
    client = as_user(setup.colleague)
    client.get(f"/cases/{short.reference}/")  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/cases/{short.reference}/").status_code == 200
    with CaptureQueriesContext(connection) as big:
        assert client.get(f"/cases/{long.reference}/").status_code == 200
    assert len(big) == len(small)
