"""Cases: a request, complaint or enquiry a council must answer, its parties, notes, files,
timeline, clock history and handovers between teams.

A case keeps the clock policy it was opened under (`Case.policy`, the engine's
`policy_to_data` of each stage), so a later change of procedure never moves its dates, and an
append-only history of clock events (`CaseClockEvent`) from which its dates are recomputed. The
dates and statuses on `Case` are a cache of that replay for the worklists, refreshed by every
clock event and by `frontdoor check_case_clocks` each day.

Case types are data: each council's administrator sets a type's statuses, the transitions
between them and its clock. `actions.do_seed_case_types` creates the built-in types of a
council the first time it needs them.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdoor.citizens.models import PartyRole, role_constraints
from frontdoor.core.models import CouncilOwned, ImportRejection, ImportRun, Sensitivity, Service
from frontdoor.identity.models import Team

# Sensitivities from least to most restricted: a case is at least as sensitive as what it came
# from (its contact, its service's default).
SENSITIVITY_RANK = {
    Sensitivity.NORMAL: 0,
    Sensitivity.RESTRICTED: 1,
    Sensitivity.SAFEGUARDING: 2,
}


def most_sensitive(*values: str) -> str:
    """The most restricted of some sensitivities."""
    return max(values, key=lambda value: SENSITIVITY_RANK[Sensitivity(value)])


class CaseKind(models.TextChoices):
    """What a case type is, which decides its clock (the law's, or the council's)."""

    COMPLAINT = "complaint", _("Complaint")
    FOI = "foi", _("Freedom of Information request")
    EIR = "eir", _("Environmental information request")
    SAR = "sar", _("Subject access request")
    ERASURE = "erasure", _("Erasure request")
    RECTIFICATION = "rectification", _("Rectification request")
    DP_COMPLAINT = "dp-complaint", _("Data protection complaint")
    MEMBER_ENQUIRY = "member-enquiry", _("Member enquiry")
    SERVICE_REQUEST = "service-request", _("Service request")
    COMPLIMENT = "compliment", _("Compliment")
    COMMENT = "comment", _("Comment")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ClockStatus(models.TextChoices):
    """The engine's `clocks.Status`, with labels for people."""

    NO_CLOCK = "no-clock", _("No clock")
    WAITING = "waiting", _("Waiting for the requester")
    ON_TRACK = "on-track", _("On track")
    DUE_SOON = "due-soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class CaseType(CouncilOwned):
    """A kind of case as a council runs it: its statuses, transitions and clock.

    `statuses` is a list of {"code", "label", "closed"}; `transitions` maps a status code to the
    codes it may move to. `clock_policy` names a complaint procedure (hos-lgsco-2024, spso-mchp,
    blank or the council's own) or a service standard (10-working-days or a named one); empty
    takes the default (the council's procedure; for a service request, the standard named after
    the case's service, if the council set one). `clock_params`, when set, is a whole policy in
    the engine's `policy_to_data` shape and overrides both (one stage).
    """

    type_id = models.SlugField(max_length=63)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    statuses = models.JSONField(default=list)
    initial_status = models.CharField(max_length=40)
    transitions = models.JSONField(default=dict)
    clock_policy = models.CharField(max_length=100, blank=True)
    clock_params = models.JSONField(null=True, blank=True)
    built_in = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "type_id"], name="case_type_per_council")
        ]

    def __str__(self) -> str:
        return self.name

    def status_label(self, code: str) -> str:
        for status in self.statuses:
            if status["code"] == code:
                return str(status["label"])
        return code

    def is_closed_status(self, code: str) -> bool:
        return any(s["code"] == code and s.get("closed", False) for s in self.statuses)

    def allowed_from(self, code: str) -> list[str]:
        """The statuses a case of this type may move to from `code`, in the order configured."""
        return list(self.transitions.get(code, []))

    @property
    def is_complaint(self) -> bool:
        return self.kind == CaseKind.COMPLAINT


class CaseCounter(CouncilOwned):
    """The last case number used by a council in a year, for references like CAS-2026-000123."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="case_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(CouncilOwned):
    """One case: who it is about, what it is, where it is, and when it is due."""

    reference = models.CharField(max_length=20)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=200)
    status = models.CharField(max_length=40)
    closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    anonymous = models.BooleanField(default=False)
    # The local date the council first got the request (a contact's local date).
    received_on = models.DateField()
    # The moment it was received (a contact's offered_at, else when it was opened): an
    # hour-based service standard counts opening hours from here.
    received_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_from = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"name": ..., "stages": [policy_to_data(stage), ...]}; no stages: no clock.
    policy = models.JSONField(default=dict)
    stage = models.PositiveSmallIntegerField(default=1)
    # The receipt of the current stage: the case's receipt, or the day stage 2 was asked for.
    stage_received_on = models.DateField()
    # Who handled stage 1 of a complaint: stage 2 must be answered by someone else.
    stage_1_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ombudsman_referred_on = models.DateField(null=True, blank=True)
    ombudsman_reference = models.CharField(max_length=100, blank=True)
    # The current stage's clock, replayed from its events (a cache for the worklists).
    acknowledge_by = models.DateField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    # The due moment of an hour-based service standard (its local date is `due`).
    due_at = models.DateTimeField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    waiting_for = models.CharField(max_length=20, blank=True)
    clock_status = models.CharField(
        max_length=10, choices=ClockStatus.choices, default=ClockStatus.NO_CLOCK
    )
    acknowledgement_status = models.CharField(
        max_length=10, choices=ClockStatus.choices, default=ClockStatus.NO_CLOCK
    )
    clock_checked_on = models.DateField(null=True, blank=True)
    clock_error = models.CharField(max_length=300, blank=True)
    # For the KPIs, set when the case closes (cleared when it reopens): the local date it
    # closed, and its elapsed days from receipt to then less the days spent waiting for the
    # requester (`paused_days`, calendar days, every stage).
    closed_on = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    days_to_close = models.PositiveIntegerField(null=True, blank=True)
    # Where an imported case came from: the system and its id there (empty when opened here).
    source = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Free text that may describe a person: sealed in the change log.
    audit_personal_fields = ("summary", "ombudsman_reference")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="case_reference"),
            models.UniqueConstraint(
                fields=["council", "source", "source_id"],
                condition=models.Q(source_id__gt=""),
                name="case_source_id",
            ),
        ]
        indexes = [
            models.Index(fields=["council", "closed", "due"], name="case_due"),
            models.Index(fields=["council", "closed", "acknowledge_by"], name="case_ack_by"),
            models.Index(fields=["owner_team", "closed"], name="case_team"),
            models.Index(fields=["owner", "closed"], name="case_owner"),
            # The case KPIs read only these columns: covering indexes let the database count
            # and rank without reading the wide rows (summary, clock policy).
            models.Index(
                fields=[
                    "council",
                    "received_on",
                    "closed_on",
                    "case_type",
                    "service",
                    "owner_team",
                    "due",
                    "responded_on",
                ],
                name="case_kpi_counts",
            ),
            models.Index(
                fields=[
                    "council",
                    "closed_on",
                    "days_to_close",
                    "case_type",
                    "service",
                    "owner_team",
                ],
                name="case_kpi_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def restricted(self) -> bool:
        return self.sensitivity != Sensitivity.NORMAL

    @property
    def status_label(self) -> str:
        return self.case_type.status_label(self.status)

    @property
    def has_clock(self) -> bool:
        return bool(self.policy.get("stages"))

    @property
    def stage_count(self) -> int:
        return len(self.policy.get("stages", []))


class CaseParty(PartyRole):
    """A party's role on a case: who it is about, who asked, who acts for whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="party_roles")

    class Meta:
        verbose_name_plural = "case parties"
        constraints = role_constraints("caseparty", "case")
        indexes = [models.Index(fields=["party", "case"], name="caseparty_party")]

    def __str__(self) -> str:
        return f"{self.party_id} {self.role} on {self.case_id}"


class CaseNote(models.Model):
    """A note on a case; a restricted note is shown only to staff who may open restricted
    records, even on a normal case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    audit_personal_fields = ("text",)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.case_id}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    """Stored under the council and case, with a random name: the original name is data."""
    import uuid

    return f"cases/{instance.case.council_id}/{instance.case_id}/{uuid.uuid4().hex}"


class CaseAttachment(models.Model):
    """A file on a case, checked for size and type when attached."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    audit_personal_fields = ("name",)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"attachment {self.pk} on {self.case_id}"


class ClockEventKind(models.TextChoices):
    """The engine's `clocks.EventKind`, with labels."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    WAIT_STARTED = "wait-started", _("Asked the requester")
    WAIT_ENDED = "wait-ended", _("The requester answered")
    EXTENDED = "extended", _("Extended")
    RESPONDED = "responded", _("Responded")


class WaitReason(models.TextChoices):
    """The engine's `policies.WaitReason`, with labels."""

    CLARIFICATION = "clarification", _("Clarification")
    IDENTITY = "identity", _("Identity evidence")
    FEE = "fee", _("Fee")


class ClockEventError(RuntimeError):
    """Raised on any attempt to change or delete a recorded clock event."""


class CaseClockEvent(models.Model):
    """One thing that happened to a case's clock, on a local date of the council.

    Append-only: the clock is a replay of these, so changing one would silently move the dates
    a resident was given. `stage` is the complaint stage whose clock it belongs to.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_events")
    stage = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=15, choices=ClockEventKind.choices)
    on = models.DateField()
    at = models.DateTimeField(null=True, blank=True)  # the moment, when it matters
    reason = models.CharField(max_length=15, choices=WaitReason.choices, blank=True)
    amount = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    audit_personal_fields = ("note",)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["case", "stage", "on"], name="clock_event_case")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ClockEventError("clock events cannot be changed: record another event")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ClockEventError("clock events cannot be deleted")


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Accepted")
    BOUNCED = "bounced", _("Bounced")


class Handover(CouncilOwned):
    """A case passed from one team to another, accepted or bounced back with a reason.

    `left_at` is when the case left the receiving team (bounced, handed on, closed): the time
    from `sent_at` to it is the case's time in that service. `reroute_of` is the bounced
    handover this one sends on elsewhere.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    from_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.TextField(blank=True)
    reroute_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reroutes"
    )
    left_at = models.DateTimeField(null=True, blank=True)

    audit_personal_fields = ("note", "bounce_reason")

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_team", "status"], name="handover_inbox"),
            models.Index(fields=["council", "service", "sent_at"], name="handover_service"),
        ]

    def __str__(self) -> str:
        return f"handover {self.pk} of {self.case_id}"


class Deadline(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement")
    RESPOND = "respond", _("Response")


class CaseEscalation(models.Model):
    """A missed deadline escalated to the owning team's leaders, once per deadline.

    Unique per (case, stage, deadline, due date): running the check again escalates nothing
    new, and a deadline that moves (an extension) and is missed again is escalated again.
    A leader acknowledges it ("I've seen this and I'm dealing with it"): `acknowledged_at` and
    `acknowledged_by`, once, for everyone it went to. Until then it waits on their list, unless
    the case closes (a closed case needs no acknowledgement).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    stage = models.PositiveSmallIntegerField()
    deadline = models.CharField(max_length=12, choices=Deadline.choices)
    due_on = models.DateField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    escalated_at = models.DateTimeField(default=timezone.now)
    # When everyone in `escalated_to` had been told (an email queued, or the skip recorded):
    # the daily job tells any escalation still without it, so a failure is made good once.
    told_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "deadline", "due_on"], name="one_escalation_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} of {self.case_id} due {self.due_on}"


# The key of the GOV.UK Notify email template that tells staff about an escalation.
ESCALATION_TEMPLATE = "case-escalation"
# The key of the template that tells one member of staff about many escalations at once, when
# one run of the check would otherwise send them more than the council's threshold of emails.
ESCALATION_DIGEST_TEMPLATE = "case-escalation-digest"


class EscalationNotice(models.Model):
    """How one recipient of an escalation was told: the email queued, or why they were not.

    Unique per escalation and recipient, so telling them again (a re-run, a retried task)
    queues nothing new. `skipped` is the reason when no email was queued (no address).
    """

    escalation = models.ForeignKey(CaseEscalation, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        "notify.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skipped = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["escalation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "recipient"], name="one_notice_per_recipient"
            )
        ]

    def __str__(self) -> str:
        outcome = f"skipped: {self.skipped}" if self.skipped else f"message {self.message_id}"
        return f"escalation {self.escalation_id} to {self.recipient_id} ({outcome})"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STATUS_CHANGED = "status-changed", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note added")
    ATTACHMENT = "attachment", _("File attached")
    HANDOVER_SENT = "handover-sent", _("Handed over")
    HANDOVER_ACCEPTED = "handover-accepted", _("Handover accepted")
    HANDOVER_BOUNCED = "handover-bounced", _("Handover bounced")
    CLOCK = "clock", _("Clock")
    STAGE = "stage", _("Complaint stage")
    OMBUDSMAN = "ombudsman", _("Referred to the ombudsman")
    ESCALATION = "escalation", _("Escalated")
    ESCALATION_ACKNOWLEDGED = "escalation-ack", _("Escalation acknowledged")
    MESSAGE = "message", _("Message to the resident")


class CaseEvent(models.Model):
    """One entry on a case's timeline.

    `data` holds what the entry needs to be shown (statuses, dates, team names) and never
    personal free text: notes, reasons and messages are rows of their own, linked here. Later
    features add their own kinds (MESSAGE for updates sent to the resident) with their own data.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CaseEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    # The member of staff the entry is about: the new owner of an assignment.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.ForeignKey(
        CaseNote, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    attachment = models.ForeignKey(
        CaseAttachment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    handover = models.ForeignKey(
        Handover, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    clock_event = models.ForeignKey(
        CaseClockEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_time")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


# Keeping residents informed --------------------------------------------------------------------

# The key of the GOV.UK Notify templates (per channel and language) that carry status updates.
STATUS_UPDATE_TEMPLATE = "case-status-update"


class ResidentUpdates(models.Model):
    """A council's switch for status updates to residents, and the date it was switched on.

    The date is what the chasing measure compares before and after; switching off keeps it, so
    the last period with updates can still be told apart.
    """

    council = models.OneToOneField(
        "core.Council", on_delete=models.CASCADE, related_name="resident_updates"
    )
    on = models.BooleanField(default=False)
    switched_on = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "resident updates"

    def __str__(self) -> str:
        return f"updates {'on' if self.on else 'off'} for {self.council_id}"


class StatusUpdateRule(CouncilOwned):
    """A status of a case type that sends the resident an update, in one language.

    A case moving to `status` sends an update when the type has an active rule for it; the
    resident's language picks the rule's wording (`status_text`, how the status reads to them,
    and `next_steps`), falling back to English. The message's own wording is the council's
    Notify template `case-status-update` for the channel and language.
    """

    case_type = models.ForeignKey(CaseType, on_delete=models.CASCADE, related_name="update_rules")
    status = models.CharField(max_length=40)
    language = models.CharField(max_length=35, default="en")
    status_text = models.CharField(max_length=200, blank=True)
    next_steps = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["case_type", "status", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "status", "language"], name="one_update_rule_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_type_id} {self.status} ({self.language})"


# Imports ----------------------------------------------------------------------------------------


class CaseImport(ImportRun):
    """One run of a case import: who, which file, with which mapping, and what became of it."""

    source = models.CharField(max_length=40)
    mapping = models.CharField(max_length=100)
    repeated = models.PositiveIntegerField(default=0)

    class Meta(ImportRun.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.source} import {self.pk} ({self.status})"


class CaseImportRejection(ImportRejection):
    """A row an import did not take: rejected (with its column and reason) or a repeated key."""

    case_import = models.ForeignKey(CaseImport, on_delete=models.CASCADE, related_name="rejections")
    repeated = models.BooleanField(default=False)

    class Meta(ImportRejection.Meta):
        pass
