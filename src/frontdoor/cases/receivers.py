"""What cases do when other things happen: a committed status change tells the resident, and a
committed run of escalations tells the staff they were escalated to.

Connected in `CasesConfig.ready`. The change has already been committed when these run, so a
failure here (a template missing, the database busy) must not undo it: it is logged. A status
update that failed leaves no update entry on the timeline; an escalation whose staff could not
be told is told by the next daily job (`tell_untold_escalations`).

Escalations are told a run at a time: a member of staff the run would send more than the
council's threshold of emails (`escalations.digest_over`, 5 by default) gets one digest
instead (the first check after an import escalates hundreds of cases at once). Either way each
escalation gets a notice per recipient, so nobody is told about it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from frontdoor.audit.recorder import record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council
from frontdoor.identity.models import User
from frontdoor.notify.actions import do_queue_message
from frontdoor.notify.links import absolute_link
from frontdoor.notify.models import MessageChannel

from .actions import case_escalations_raised, case_status_changed, do_send_status_update
from .engine.clocks import ClockError
from .engine.policies import PolicyError
from .models import (
    ESCALATION_DIGEST_TEMPLATE,
    ESCALATION_TEMPLATE,
    Case,
    CaseEscalation,
    Deadline,
    EscalationNotice,
)
from .selectors import calendar_source, escalation_digest_over, stage_policy

logger = logging.getLogger(__name__)

# Why a recipient was not emailed (kept on their notice).
NO_EMAIL = "no email address"
NOT_ACTIVE = "account not active"
# How far back the daily job looks for escalations whose staff were never told: far enough to
# make good yesterday's failure, not so far that escalations from before these emails existed
# are sent out of the blue.
UNTOLD_WINDOW = dt.timedelta(days=2)
# How many escalations a digest lists by reference; the link shows them all.
DIGEST_LIST_LENGTH = 10


def tell_the_resident(sender: Any, *, case: Case, old: str, new: str, actor: Any, **_: Any) -> None:
    """Queue an update to the resident when the council's rules ask for one."""
    try:
        do_send_status_update(actor=actor, case=case, old=old, new=new)
    except Exception:  # the change is committed; the update's failure is logged, not raised
        logger.exception("could not queue the status update for case %s", case.pk)


def tell_the_escalation_recipients(
    sender: Any, *, escalations: Iterable[CaseEscalation], **_: Any
) -> None:
    """Email the members of staff a run's new escalations went to (a digest to those with many)."""
    ids = [escalation.pk for escalation in escalations]
    try:
        do_tell_escalations(ids)
    except Exception:  # the escalations are committed; the daily job tries again
        logger.exception("could not tell the recipients of escalations %s", ids)


def do_tell_escalation(
    escalation_id: int, *, now: dt.datetime | None = None
) -> list[EscalationNotice]:
    """Tell the members of staff one escalation went to (`do_tell_escalations` of one)."""
    return do_tell_escalations([escalation_id], now=now)


def do_tell_escalations(
    escalation_ids: Iterable[int], *, now: dt.datetime | None = None
) -> list[EscalationNotice]:
    """Queue the emails that tell each member of staff about the escalations sent to them.

    Each escalation gets an email (the council's `case-escalation` Notify template: which case,
    which deadline was missed, by how much, and a link) to each of its recipients, except that
    a recipient these escalations would send more emails than the council's threshold gets one
    digest (`case-escalation-digest`: how many, the first few references with their deadlines,
    and a link to their list of escalations) instead.

    Staff without an email address (or whose account is closed) are skipped, and the skip is
    kept on their notice and in the audit. Idempotent: an escalation is told once (`told_at`),
    and each recipient at most once (a notice is unique per escalation and recipient, a
    digest's notices pointing at the one digest), so a re-run, a retried task or two workers at
    once queue nothing twice. Returns the new notices.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            notices = _tell_all(sorted(set(escalation_ids)), now)
    except IntegrityError:
        # Another worker told the same recipients at the same moment (SQLite takes no row
        # lock): its notices and messages stand, and ours were rolled back; any escalation it
        # did not tell is told by the next daily job.
        return []
    return notices


def _tell_all(escalation_ids: list[int], now: dt.datetime) -> list[EscalationNotice]:
    escalations = list(
        CaseEscalation.objects.select_for_update(of=("self",))
        .select_related("case__council", "case__case_type", "team")
        .filter(pk__in=escalation_ids, told_at__isnull=True)
        .order_by("due_on", "case__reference", "pk")
    )
    if not escalations:
        return []
    told = set(
        EscalationNotice.objects.filter(escalation__in=escalations).values_list(
            "escalation_id", "recipient_id"
        )
    )
    recipients_of: dict[int, list[int]] = defaultdict(list)
    for escalation_id, user_id in (
        CaseEscalation.escalated_to.through.objects.filter(caseescalation__in=escalations)
        .order_by("user_id")
        .values_list("caseescalation_id", "user_id")
    ):
        recipients_of[escalation_id].append(user_id)
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in={u for ids in recipients_of.values() for u in ids})
    }
    # What each recipient is to be told, per council (each council has its own threshold),
    # oldest deadline first.
    waiting: dict[tuple[int, int], list[CaseEscalation]] = defaultdict(list)
    for escalation in escalations:
        for user_id in recipients_of[escalation.pk]:
            if (escalation.pk, user_id) not in told:
                waiting[(escalation.case.council_id, user_id)].append(escalation)
    thresholds: dict[int, int] = {}
    details: dict[int, dict[str, str]] = {}
    notices: list[EscalationNotice] = []
    for (council_id, user_id), items in waiting.items():
        user = users[user_id]
        council = items[0].case.council
        if council_id not in thresholds:
            thresholds[council_id] = escalation_digest_over(council)
        if len(items) > thresholds[council_id] and not _why_not_emailed(user):
            notices.extend(_tell_digest(council, user, items))
            continue
        for escalation in items:
            if escalation.pk not in details:
                details[escalation.pk] = escalation_details(escalation)
            notices.append(_tell(escalation, user, details[escalation.pk]))
    CaseEscalation.objects.filter(pk__in=[escalation.pk for escalation in escalations]).update(
        told_at=now
    )
    return notices


def tell_untold_escalations(council: Council, *, now: dt.datetime | None = None) -> int:
    """Tell the staff of the council's recent escalations that were never told (the receiver
    failed), together (so a failed run of many still sends digests); returns how many
    escalations were told now."""
    now = now or timezone.now()
    untold = list(
        CaseEscalation.objects.filter(
            case__council=council, told_at__isnull=True, escalated_at__gte=now - UNTOLD_WINDOW
        ).values_list("pk", flat=True)
    )
    if not untold:
        return 0
    try:
        do_tell_escalations(untold, now=now)
    except Exception:  # one bad escalation must not stop the others being told: one by one
        logger.exception("could not tell the recipients of escalations %s together", untold)
        for pk in untold:
            try:
                do_tell_escalation(pk, now=now)
            except Exception:
                logger.exception("could not tell the recipients of escalation %s", pk)
    return CaseEscalation.objects.filter(pk__in=untold, told_at__isnull=False).count()


def escalation_details(escalation: CaseEscalation) -> dict[str, str]:
    """The personalisation of the escalation email, the same for every recipient.

    In the install's language: staff read the council's working language, whatever the
    resident's.
    """
    case = escalation.case
    council = case.council
    escalated_on = council.local_date(escalation.escalated_at)
    path = reverse("cases:case", kwargs={"reference": case.reference})
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "reference": case.reference,
            "case_type": case.case_type.name,
            "deadline": str(Deadline(escalation.deadline).label).lower(),
            "due_date": _long_date(escalation.due_on),
            "late_by": _late_by(case, escalation, escalated_on),
            "team": escalation.team.name if escalation.team else "",
            "council": council.name,
            "case_url": absolute_link(path),
        }


def _tell(escalation: CaseEscalation, user: User, details: dict[str, str]) -> EscalationNotice:
    council = escalation.case.council
    reason = _why_not_emailed(user)
    if reason:
        notice = EscalationNotice.objects.create(
            escalation=escalation, recipient=user, skipped=reason
        )
        changes: dict[str, tuple[Any, Any]] = {"skipped": (None, reason)}
    else:
        message = do_queue_message(
            actor=None,
            council=council,
            channel=MessageChannel.EMAIL,
            recipient=user.email.strip(),
            template_key=ESCALATION_TEMPLATE,
            personalisation={"name": user.display_name, **details},
            regarding=f"escalation:{escalation.pk}",
            subject=subject_ref(user),
        )
        notice = EscalationNotice.objects.create(
            escalation=escalation, recipient=user, message=message
        )
        changes = {"message": (None, message.pk)}
    record_change(
        actor=None,
        action="case.tell_escalation",
        instance=notice,
        changes={"escalation": (None, escalation.pk), "recipient": (None, user.pk), **changes},
        council_id=council.pk,
    )
    return notice


def digest_details(
    council: Council, user: User, escalations: list[CaseEscalation]
) -> dict[str, str]:
    """The personalisation of the digest email: how many escalations, the first few (one line
    each, as a Notify bullet list) and a link to the recipient's list of escalations."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "* "
            + gettext("%(reference)s (%(case_type)s): %(deadline)s due on %(due_date)s")
            % {
                "reference": escalation.case.reference,
                "case_type": escalation.case.case_type.name,
                "deadline": str(Deadline(escalation.deadline).label).lower(),
                "due_date": _long_date(escalation.due_on),
            }
            for escalation in escalations[:DIGEST_LIST_LENGTH]
        ]
        more = len(escalations) - DIGEST_LIST_LENGTH
        if more > 0:
            lines.append("* " + gettext("and %(count)d more") % {"count": more})
        return {
            "name": user.display_name,
            "count": str(len(escalations)),
            "cases": "\n".join(lines),
            "escalations_url": absolute_link(reverse("cases:escalations")),
            "council": council.name,
        }


def _tell_digest(
    council: Council, user: User, escalations: list[CaseEscalation]
) -> list[EscalationNotice]:
    """One digest email to `user` about `escalations`, and a notice of it for each."""
    message = do_queue_message(
        actor=None,
        council=council,
        channel=MessageChannel.EMAIL,
        recipient=user.email.strip(),
        template_key=ESCALATION_DIGEST_TEMPLATE,
        personalisation=digest_details(council, user, escalations),
        regarding=f"escalation-digest:{user.pk}",
        subject=subject_ref(user),
    )
    notices = []
    for escalation in escalations:
        notice = EscalationNotice.objects.create(
            escalation=escalation, recipient=user, message=message
        )
        record_change(
            actor=None,
            action="case.tell_escalation",
            instance=notice,
            changes={
                "escalation": (None, escalation.pk),
                "recipient": (None, user.pk),
                "message": (None, message.pk),
                "digest": (None, True),
            },
            council_id=council.pk,
        )
        notices.append(notice)
    return notices


def _why_not_emailed(user: User) -> str:
    if not user.is_active or user.erased_at is not None:
        return NOT_ACTIVE
    if not user.email.strip():
        return NO_EMAIL
    return ""


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _late_by(case: Case, escalation: CaseEscalation, escalated_on: dt.date) -> str:
    """How late the deadline was when escalated: in the working days its clock counts, or in
    calendar days when the clock's calendar cannot say (or a weekend is all that passed)."""
    working_days = 0
    policy = stage_policy(case, escalation.stage)
    if policy is not None:
        try:
            calendars = calendar_source(division=case.council.division, council=case.council)
            working = calendars(policy.calendar).working
            working_days = working.working_days_between(escalation.due_on, escalated_on)
        except (ClockError, PolicyError, ValueError):
            working_days = 0
    if working_days >= 1:
        return ngettext("%(count)d working day", "%(count)d working days", working_days) % {
            "count": working_days
        }
    days = max((escalated_on - escalation.due_on).days, 1)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def connect() -> None:
    case_status_changed.connect(
        tell_the_resident, sender=Case, dispatch_uid="cases.tell_the_resident"
    )
    case_escalations_raised.connect(
        tell_the_escalation_recipients,
        sender=CaseEscalation,
        dispatch_uid="cases.tell_the_escalation_recipients",
    )
