"""An escalated deadline emails each member of staff it went to, once, through GOV.UK Notify."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases import receivers
from frontdoor.cases.actions import do_check_case_clocks
from frontdoor.cases.models import ESCALATION_TEMPLATE, CaseEscalation, EscalationNotice
from frontdoor.cases.receivers import do_tell_escalation, tell_untold_escalations
from frontdoor.cases.tasks import daily_case_clocks
from frontdoor.core import scheduling
from frontdoor.core.models import JobRun
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.models import MessageStatus, NotifyTemplate, OutboundMessage
from frontdoor.testing.factories import TeamMembershipFactory

D = dt.date
# The demo's own template, so its placeholders are checked against what is sent.
STAFF_TEMPLATES = Path(receivers.__file__).resolve().parent.parent / "notify"
[ESCALATION] = [
    FakeTemplate(**item)
    for item in json.loads((STAFF_TEMPLATES / "demo_staff_templates.json").read_text())
]
SITE = "https://frontdoor.northshire.gov.uk"


@pytest.fixture
def notify(settings, setup):
    with FakeNotifyServer() as server:
        server.service.add_template(ESCALATION)
        settings.FRONTDOOR_NOTIFY_API_KEY = server.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.base_url
        settings.FRONTDOOR_SITE_URL = SITE
        NotifyTemplate.objects.create(
            council=setup.council,
            key=ESCALATION_TEMPLATE,
            channel="email",
            template_id=ESCALATION.id,
        )
        yield server.service


@pytest.fixture
def deputy(setup, make_user):
    """A second leader of the Housing team."""
    user = make_user("team_leader", username="deputy", first_name="Dee", last_name="Deputy")
    TeamMembershipFactory(team=setup.housing, user=user, is_leader=True)
    return user


@pytest.fixture
def late_case(setup, open_case):
    """A Housing complaint received on Monday 5 January 2026: acknowledgement due the 12th."""
    with freeze_time("2026-01-05 10:00"):
        return open_case(received_on=D(2026, 1, 5))


def check(council, moment, capture):
    """The daily check at `moment`, its on-commit work (the emails) done as it commits."""
    with freeze_time(moment), capture(execute=True):
        return do_check_case_clocks(council=council)


def test_each_leader_is_emailed_once_through_notify_when_a_deadline_is_escalated(
    setup, deputy, late_case, notify, django_capture_on_commit_callbacks
):
    report = check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert report.escalated == 1
    escalation = CaseEscalation.objects.get(case=late_case)
    assert escalation.told_at is not None
    messages = OutboundMessage.objects.filter(regarding=f"escalation:{escalation.pk}")
    assert sorted(m.recipient for m in messages) == [
        "deputy@example.gov.uk",
        "leader@example.gov.uk",
    ]
    assert {m.status for m in messages} == {MessageStatus.SENT}
    assert sorted(sent["recipient"] for sent in notify.sent) == [
        "deputy@example.gov.uk",
        "leader@example.gov.uk",
    ]
    to_leader = next(s for s in notify.sent if s["recipient"] == "leader@example.gov.uk")
    reference = late_case.reference
    assert to_leader["content"]["subject"] == (
        f"Escalated: the acknowledgement of {reference} is 1 working day late"
    )
    body = to_leader["content"]["body"]
    assert body.startswith("Dear Lena Leader,")
    assert f"The acknowledgement of Complaint {reference} was due on 12 January 2026." in body
    assert "Team: Housing team" in body
    assert f"Open the case: {SITE}/cases/{reference}/" in body
    notices = EscalationNotice.objects.filter(escalation=escalation)
    assert {(n.recipient, n.skipped) for n in notices} == {(setup.leader, ""), (deputy, "")}
    assert all(n.message is not None for n in notices)


def test_how_late_counts_the_working_days_of_the_case_clock(
    setup, late_case, notify, django_capture_on_commit_callbacks
):
    # Due Monday the 12th, escalated Thursday the 15th: three working days late.
    check(setup.council, "2026-01-15 07:00", django_capture_on_commit_callbacks)

    [sent] = notify.sent
    assert "is 3 working days late" in sent["content"]["subject"]


def test_running_the_check_again_sends_nothing_more(
    setup, deputy, late_case, notify, django_capture_on_commit_callbacks
):
    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)
    check(setup.council, "2026-01-13 09:00", django_capture_on_commit_callbacks)
    check(setup.council, "2026-01-14 07:00", django_capture_on_commit_callbacks)
    escalation = CaseEscalation.objects.get(case=late_case)
    with freeze_time("2026-01-14 08:00"), django_capture_on_commit_callbacks(execute=True):
        assert do_tell_escalation(escalation.pk) == []
        assert tell_untold_escalations(setup.council) == 0
        daily_case_clocks(setup.council)

    assert OutboundMessage.objects.count() == 2
    assert len(notify.sent) == 2
    assert EscalationNotice.objects.count() == 2


def test_a_recipient_told_before_a_failure_is_not_told_again(
    setup, deputy, late_case, notify, django_capture_on_commit_callbacks
):
    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)
    escalation = CaseEscalation.objects.get(case=late_case)
    # As if the run had stopped after telling the leader and before finishing.
    EscalationNotice.objects.filter(recipient=deputy).delete()
    CaseEscalation.objects.filter(pk=escalation.pk).update(told_at=None)

    with freeze_time("2026-01-13 08:00"), django_capture_on_commit_callbacks(execute=True):
        [notice] = do_tell_escalation(escalation.pk)

    assert notice.recipient == deputy
    assert [s["recipient"] for s in notify.sent].count("leader@example.gov.uk") == 1


def test_staff_without_an_email_address_are_skipped_and_the_skip_is_recorded(
    setup, deputy, late_case, notify, django_capture_on_commit_callbacks
):
    deputy.email = ""
    deputy.save()

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert [sent["recipient"] for sent in notify.sent] == ["leader@example.gov.uk"]
    skipped = EscalationNotice.objects.get(recipient=deputy)
    assert (skipped.skipped, skipped.message) == ("no email address", None)
    entry = ChangeLogEntry.objects.get(action="case.tell_escalation", object_id=str(skipped.pk))
    assert entry.changes["skipped"]["new"] == "no email address"
    assert entry.changes["recipient"]["new"] == deputy.pk
    assert CaseEscalation.objects.get(case=late_case).told_at is not None


def test_a_closed_account_is_skipped(
    setup, deputy, late_case, notify, django_capture_on_commit_callbacks
):
    deputy.is_active = False
    deputy.save()

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert EscalationNotice.objects.get(recipient=deputy).skipped == "account not active"
    assert len(notify.sent) == 1


def test_an_escalation_whose_staff_could_not_be_told_is_told_by_the_next_daily_job(
    setup, late_case, notify, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**_kwargs):
        raise RuntimeError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(receivers, "do_queue_message", broken)
        check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)
    escalation = CaseEscalation.objects.get(case=late_case)
    assert escalation.told_at is None and notify.sent == []

    with freeze_time("2026-01-14 07:00"), django_capture_on_commit_callbacks(execute=True):
        outcome = daily_case_clocks(setup.council)

    assert outcome["told_late"] == 1
    assert [sent["recipient"] for sent in notify.sent] == ["leader@example.gov.uk"]


def test_without_the_councils_template_the_email_is_kept_as_failed_with_the_reason(
    setup, late_case, notify, django_capture_on_commit_callbacks
):
    NotifyTemplate.objects.filter(key=ESCALATION_TEMPLATE).delete()

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    [message] = OutboundMessage.objects.all()
    assert message.status == MessageStatus.FAILED
    assert "case-escalation" in message.last_error
    assert notify.sent == []


def test_the_daily_schedule_checks_the_clocks_and_emails_the_leader(
    setup, late_case, notify, django_capture_on_commit_callbacks
):
    # 06:00 on Tuesday 13 January in London is 06:00 UTC; tasks run in-line in the tests.
    with freeze_time("2026-01-13 06:01"), django_capture_on_commit_callbacks(execute=True):
        claimed = scheduling.tick(dt.datetime(2026, 1, 13, 6, 1, tzinfo=dt.UTC))

    assert {run.job for run in claimed} == {"check-case-clocks", "send-messages"}
    check_run = JobRun.objects.get(job="check-case-clocks")
    assert check_run.local_date == D(2026, 1, 13)
    assert check_run.outcome["escalated"] == 1 and check_run.error == ""
    assert [sent["recipient"] for sent in notify.sent] == ["leader@example.gov.uk"]
