"""An escalated deadline emails each member of staff it went to, once, through GOV.UK Notify;
a run that would send someone more than the council's threshold sends them one digest."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from freezegun import freeze_time

from frontdoor.audit.models import ChangeLogEntry
from frontdoor.cases import receivers
from frontdoor.cases.actions import do_check_case_clocks
from frontdoor.cases.models import (
    ESCALATION_DIGEST_TEMPLATE,
    ESCALATION_TEMPLATE,
    CaseEscalation,
    EscalationNotice,
)
from frontdoor.cases.receivers import do_tell_escalation, tell_untold_escalations
from frontdoor.cases.selectors import escalation_digest_over
from frontdoor.cases.tasks import daily_case_clocks
from frontdoor.core import scheduling
from frontdoor.core.models import JobRun
from frontdoor.notify.fake_server import FakeNotifyServer, FakeTemplate
from frontdoor.notify.models import MessageStatus, NotifyTemplate, OutboundMessage
from frontdoor.testing.factories import TeamMembershipFactory

D = dt.date
# The demo's own template, so its placeholders are checked against what is sent.
STAFF_TEMPLATES = Path(receivers.__file__).resolve().parent.parent / "notify"
[ESCALATION, DIGEST] = [
    FakeTemplate(**item)
    for item in json.loads((STAFF_TEMPLATES / "demo_staff_templates.json").read_text())
]
SITE = "https://frontdoor.northshire.gov.uk"
DIGEST_TEMPLATE = ESCALATION_DIGEST_TEMPLATE


@pytest.fixture
def notify(settings, setup):
    with FakeNotifyServer() as server:
        server.service.add_template(ESCALATION)
        server.service.add_template(DIGEST)
        settings.FRONTDOOR_NOTIFY_API_KEY = server.service.api_key
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.base_url
        settings.FRONTDOOR_SITE_URL = SITE
        for key, template in ((ESCALATION_TEMPLATE, ESCALATION), (DIGEST_TEMPLATE, DIGEST)):
            NotifyTemplate.objects.create(
                council=setup.council, key=key, channel="email", template_id=template.id
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


# Digests ----------------------------------------------------------------------------------------


@pytest.fixture
def late_cases(setup, open_case):
    """late_cases(n): n Housing complaints received on Monday 5 January 2026, acknowledgement
    due the 12th, so the check on the 13th escalates n deadlines at once."""

    def make(count):
        with freeze_time("2026-01-05 10:00"):
            return [open_case(received_on=D(2026, 1, 5)) for _ in range(count)]

    return make


def test_a_leader_sent_more_escalations_than_the_threshold_in_one_run_gets_one_digest(
    setup, deputy, late_cases, notify, django_capture_on_commit_callbacks
):
    cases = late_cases(6)  # the default threshold is 5

    report = check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert report.escalated == 6
    assert sorted(sent["recipient"] for sent in notify.sent) == [
        "deputy@example.gov.uk",
        "leader@example.gov.uk",
    ]
    assert {sent["template"].id for sent in notify.sent} == {DIGEST.id}
    to_leader = next(s for s in notify.sent if s["recipient"] == "leader@example.gov.uk")
    assert to_leader["content"]["subject"] == "Escalations waiting for you: 6"
    body = to_leader["content"]["body"]
    assert body.startswith("Dear Lena Leader,")
    assert "escalated 6 missed deadlines to you" in body
    first = sorted(case.reference for case in cases)[0]
    assert f"* {first} (Complaint): acknowledgement due on 12 January 2026" in body
    assert all(case.reference in body for case in cases)
    assert f"See them all and acknowledge them: {SITE}/cases/escalations/" in body
    # Every escalation still has a notice per recipient, pointing at that recipient's digest.
    notices = EscalationNotice.objects.select_related("message")
    assert notices.count() == 12
    by_recipient = {
        user: {notice.message_id for notice in notices.filter(recipient=user)}
        for user in (setup.leader, deputy)
    }
    assert all(len(ids) == 1 for ids in by_recipient.values())
    assert {n.message.template_key for n in notices} == {DIGEST_TEMPLATE}
    assert not CaseEscalation.objects.filter(told_at__isnull=True).exists()
    entries = ChangeLogEntry.objects.filter(action="case.tell_escalation")
    assert entries.count() == 12
    assert all(entry.changes["digest"]["new"] is True for entry in entries)


def test_a_digest_is_not_sent_again_when_the_check_runs_again(
    setup, late_cases, notify, django_capture_on_commit_callbacks
):
    late_cases(7)
    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)
    check(setup.council, "2026-01-13 09:00", django_capture_on_commit_callbacks)
    check(setup.council, "2026-01-14 07:00", django_capture_on_commit_callbacks)
    with freeze_time("2026-01-14 08:00"), django_capture_on_commit_callbacks(execute=True):
        assert tell_untold_escalations(setup.council) == 0
        for escalation in CaseEscalation.objects.all():
            assert do_tell_escalation(escalation.pk) == []
        daily_case_clocks(setup.council)

    assert len(notify.sent) == 1
    assert OutboundMessage.objects.count() == 1
    assert EscalationNotice.objects.count() == 7


def test_at_the_threshold_each_escalation_is_its_own_email(
    setup, late_cases, notify, django_capture_on_commit_callbacks
):
    cases = late_cases(5)

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert len(notify.sent) == 5
    assert {sent["template"].id for sent in notify.sent} == {ESCALATION.id}
    subjects = {sent["content"]["subject"] for sent in notify.sent}
    assert subjects == {
        f"Escalated: the acknowledgement of {case.reference} is 1 working day late"
        for case in cases
    }
    assert len(set(EscalationNotice.objects.values_list("message_id", flat=True))) == 5


def test_the_councils_threshold_decides_and_a_long_digest_lists_the_first_ones(
    setup, late_cases, notify, django_capture_on_commit_callbacks, monkeypatch
):
    setup.council.settings = {"escalations": {"digest_over": 2}}
    setup.council.save()
    monkeypatch.setattr(receivers, "DIGEST_LIST_LENGTH", 2)
    cases = late_cases(4)

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    [sent] = notify.sent
    assert sent["template"].id == DIGEST.id
    body = sent["content"]["body"]
    references = sorted(case.reference for case in cases)
    assert references[0] in body and references[1] in body
    assert references[2] not in body and references[3] not in body
    assert "* and 2 more" in body


def test_a_recipient_without_an_email_address_gets_no_digest_and_each_skip_is_recorded(
    setup, deputy, late_cases, notify, django_capture_on_commit_callbacks
):
    deputy.email = ""
    deputy.save()
    late_cases(6)

    check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)

    assert [sent["recipient"] for sent in notify.sent] == ["leader@example.gov.uk"]
    skipped = EscalationNotice.objects.filter(recipient=deputy)
    assert skipped.count() == 6
    assert {(n.skipped, n.message_id) for n in skipped} == {("no email address", None)}


def test_a_run_that_could_not_tell_anyone_is_told_in_one_digest_by_the_next_daily_job(
    setup, late_cases, notify, django_capture_on_commit_callbacks, monkeypatch
):
    late_cases(6)

    def broken(**_kwargs):
        raise RuntimeError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(receivers, "do_queue_message", broken)
        check(setup.council, "2026-01-13 07:00", django_capture_on_commit_callbacks)
    assert notify.sent == [] and not EscalationNotice.objects.exists()

    with freeze_time("2026-01-14 07:00"), django_capture_on_commit_callbacks(execute=True):
        outcome = daily_case_clocks(setup.council)

    assert outcome["told_late"] == 6
    [sent] = notify.sent
    assert sent["template"].id == DIGEST.id


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, 5),
        ({}, 5),
        ({"digest_over": 12}, 12),
        ({"digest_over": "3"}, 3),
        ({"digest_over": 0}, 0),
        ({"digest_over": -1}, 5),
        ({"digest_over": "lots"}, 5),
        ({"digest_over": True}, 5),
        ("not an object", 5),
    ],
)
def test_the_digest_threshold_is_a_council_setting_with_a_default_of_five(
    council, stored, expected
):
    council.settings = {} if stored is None else {"escalations": stored}
    assert escalation_digest_over(council) == expected
