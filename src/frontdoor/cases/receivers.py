"""What cases do when other things happen: a committed status change tells the resident, and a
committed escalation tells the staff it was escalated to.

Connected in `CasesConfig.ready`. The change has already been committed when these run, so a
failure here (a template missing, the database busy) must not undo it: it is logged. A status
update that failed leaves no update entry on the timeline; an escalation whose staff could not
be told is told by the next daily job (`tell_untold_escalations`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from frontdoor.audit.recorder import record_change
from frontdoor.audit.sealing import subject_ref
from frontdoor.core.models import Council
from frontdoor.identity.models import User
from frontdoor.notify.actions import do_queue_message
from frontdoor.notify.links import absolute_link
from frontdoor.notify.models import MessageChannel

from .actions import case_escalated, case_status_changed, do_send_status_update
from .engine.clocks import ClockError
from .engine.policies import PolicyError
from .models import ESCALATION_TEMPLATE, Case, CaseEscalation, Deadline, EscalationNotice
from .selectors import calendar_source, stage_policy

logger = logging.getLogger(__name__)

# Why a recipient was not emailed (kept on their notice).
NO_EMAIL = "no email address"
NOT_ACTIVE = "account not active"
# How far back the daily job looks for escalations whose staff were never told: far enough to
# make good yesterday's failure, not so far that escalations from before these emails existed
# are sent out of the blue.
UNTOLD_WINDOW = dt.timedelta(days=2)


def tell_the_resident(sender: Any, *, case: Case, old: str, new: str, actor: Any, **_: Any) -> None:
    """Queue an update to the resident when the council's rules ask for one."""
    try:
        do_send_status_update(actor=actor, case=case, old=old, new=new)
    except Exception:  # the change is committed; the update's failure is logged, not raised
        logger.exception("could not queue the status update for case %s", case.pk)


def tell_the_escalation_recipients(sender: Any, *, escalation: CaseEscalation, **_: Any) -> None:
    """Email each member of staff a new escalation went to."""
    try:
        do_tell_escalation(escalation.pk)
    except Exception:  # the escalation is committed; the daily job tries again
        logger.exception("could not tell the recipients of escalation %s", escalation.pk)


def do_tell_escalation(
    escalation_id: int, *, now: dt.datetime | None = None
) -> list[EscalationNotice]:
    """Queue an email (the council's `case-escalation` Notify template) to each member of staff
    an escalation went to: which case, which deadline was missed, by how much, and a link.

    Staff without an email address (or whose account is closed) are skipped, and the skip is
    kept on their notice and in the audit. Idempotent: an escalation is told once (`told_at`),
    and each recipient at most once (a notice is unique per escalation and recipient), so a
    re-run, a retried task or two workers at once queue nothing twice. Returns the new notices.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            escalation = (
                CaseEscalation.objects.select_for_update(of=("self",))
                .select_related("case__council", "case__case_type", "team")
                .get(pk=escalation_id)
            )
            if escalation.told_at is not None:
                return []
            told = set(escalation.notices.values_list("recipient_id", flat=True))
            details = escalation_details(escalation)
            notices = [
                _tell(escalation, user, details)
                for user in escalation.escalated_to.order_by("pk")
                if user.pk not in told
            ]
            escalation.told_at = now
            escalation.save(update_fields=["told_at"])
    except IntegrityError:
        # Another worker told the same recipients at the same moment (SQLite takes no row
        # lock): its notices and messages stand, and ours were rolled back.
        return []
    return notices


def tell_untold_escalations(council: Council, *, now: dt.datetime | None = None) -> int:
    """Tell the staff of the council's recent escalations that were never told (the receiver
    failed); returns how many escalations were told now."""
    now = now or timezone.now()
    untold = CaseEscalation.objects.filter(
        case__council=council, told_at__isnull=True, escalated_at__gte=now - UNTOLD_WINDOW
    ).values_list("pk", flat=True)
    told = 0
    for pk in list(untold):
        try:
            do_tell_escalation(pk, now=now)
        except Exception:  # one bad escalation must not stop the others being told
            logger.exception("could not tell the recipients of escalation %s", pk)
            continue
        told += 1
    return told


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
    case_escalated.connect(
        tell_the_escalation_recipients,
        sender=CaseEscalation,
        dispatch_uid="cases.tell_the_escalation_recipients",
    )
