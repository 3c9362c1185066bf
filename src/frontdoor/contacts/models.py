"""Contact records: one per contact, whatever its channel or where it came from.

The format is `contact-records-and-kpis.md` section 1. Desktop-logged and imported contacts are
the same records; `source` tells them apart, and (council, source, contact_id) is the identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import (
    CouncilOwned,
    ImportRejection,
    ImportRun,
    Queue,
    Sensitivity,
    Service,
)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEBCHAT = "webchat", _("Webchat")
    WEB_FORM = "web_form", _("Web form")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    SOCIAL = "social", _("Social media")
    LETTER = "letter", _("Letter")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned")
    CALLBACK = "callback", _("Callback")
    DEFLECTED = "deflected", _("Deflected")


class Resolution(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("Resolved at first contact")
    FOLLOW_UP_RESOLVED = "follow_up_resolved", _("Follow-up, resolved")
    HANDED_OVER = "handed_over", _("Handed over")
    UNRESOLVED = "unresolved", _("Unresolved")


class FailureDemandType(models.TextChoices):
    CHASING = "chasing", _("Chasing")
    NOT_RIGHT_FIRST_TIME = "not_right_first_time", _("Not right first time")
    COULD_NOT_COMPLETE_ONLINE = "could_not_complete_online", _("Couldn't complete online")
    OTHER = "other", _("Other")


class ContactImport(ImportRun):
    """One run of an import: who, what file, and what became of each record."""

    source = models.CharField(max_length=50)
    mapping = models.CharField(max_length=255, blank=True)
    skipped = models.PositiveIntegerField(default=0)
    skipped_reasons = models.JSONField(default=dict, blank=True)

    class Meta(ImportRun.Meta):
        pass


class ContactImportRejection(ImportRejection):
    """A record an import rejected: where it is in the file and why (no personal values)."""

    contact_import = models.ForeignKey(
        ContactImport, on_delete=models.CASCADE, related_name="rejections"
    )

    class Meta(ImportRejection.Meta):
        pass


class Contact(CouncilOwned):
    """One contact: a call offered to a queue, an email, a webchat, a form, a visit, a letter."""

    source = models.CharField(max_length=50)
    contact_id = models.CharField(max_length=100)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default="inbound")
    parent_contact_id = models.CharField(max_length=100, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    wait_seconds = models.FloatField(null=True, blank=True)
    handle_seconds = models.FloatField(null=True, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    failure_demand = models.BooleanField(null=True, blank=True)
    failure_demand_type = models.CharField(
        max_length=30, choices=FailureDemandType.choices, blank=True
    )
    case_ref = models.CharField(max_length=100, blank=True)
    citizen_ref = models.CharField(max_length=200, blank=True)
    email_known = models.BooleanField(null=True, blank=True)
    csat = models.CharField(max_length=10, blank=True)
    wrap_code = models.CharField(max_length=100, blank=True)
    agent_ref = models.CharField(max_length=100, blank=True)
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    retracted = models.BooleanField(default=False)
    imported_by = models.ForeignKey(
        ContactImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Values that identify or describe a person: sealed in the change log.
    audit_personal_fields = ("citizen_ref", "case_ref", "agent_ref")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "source", "contact_id"], name="contact_identity"
            )
        ]
        indexes = [
            models.Index(fields=["council", "offered_at"], name="contact_offered"),
            models.Index(fields=["council", "updated_at"], name="contact_updated"),
            models.Index(fields=["council", "citizen_ref"], name="contact_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.contact_id}"


# --------------------------------------------------------------------------------------------
# The agent desktop: notes on contacts, and early-intervention rules and prompts
# --------------------------------------------------------------------------------------------


class ContactNote(models.Model):
    """What the agent wrote about a contact. Free text about a person: sealed in the change log,
    and shown only to those who may see its sensitivity (at least the contact's)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_personal_fields = ("text",)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.contact_id}"


class EarlyInterventionRule(CouncilOwned):
    """A pattern of contacts that calls for a prompt to the agent and the team leader.

    A contact is about the rule's topic when its service is one of `services`, its family one of
    `families`, or its wrap code one of `wrap_codes`. The rule fires for a person with at least
    `min_contacts` such contacts offered in the last `within_days` days (about two or more
    different services when `across_services`). See contacts/engine/early_intervention.py.
    """

    rule_id = models.SlugField(max_length=63)
    name = models.CharField(max_length=200)
    prompt = models.CharField(
        max_length=300, help_text=_("What the agent and team leader are asked to consider.")
    )
    services = models.JSONField(default=list, blank=True)
    families = models.JSONField(default=list, blank=True)
    wrap_codes = models.JSONField(default=list, blank=True)
    min_contacts = models.PositiveSmallIntegerField(default=2)
    within_days = models.PositiveSmallIntegerField(default=30)
    across_services = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "rule_id"], name="intervention_rule_id"),
            models.CheckConstraint(
                condition=models.Q(min_contacts__gte=1) & models.Q(within_days__gte=1),
                name="intervention_rule_sizes",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PromptStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Actioned")
    DISMISSED = "dismissed", _("Dismissed")


class EarlyInterventionPrompt(CouncilOwned):
    """A rule fired for a person: shown on their record and in the team leader's worklist until
    someone actions or dismisses it, with a reason."""

    rule = models.ForeignKey(
        EarlyInterventionRule, on_delete=models.PROTECT, related_name="prompts"
    )
    party = models.ForeignKey(
        "citizens.Party", on_delete=models.CASCADE, related_name="intervention_prompts"
    )
    text = models.CharField(max_length=300)  # the rule's prompt when it was raised
    status = models.CharField(max_length=10, choices=PromptStatus.choices, default="open")
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.CharField(max_length=500, blank=True)

    audit_personal_fields = ("decision_reason",)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            # One open prompt of a rule per person: new contacts join it.
            models.UniqueConstraint(
                fields=["rule", "party"],
                condition=models.Q(status="open"),
                name="one_open_prompt_per_rule",
            )
        ]
        indexes = [
            models.Index(fields=["council", "status", "raised_at"], name="prompt_worklist"),
            models.Index(fields=["party", "status"], name="prompt_party"),
        ]

    def __str__(self) -> str:
        return f"prompt {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == PromptStatus.OPEN


class PromptContact(models.Model):
    """A contact that triggered a prompt. A contact counts towards at most one prompt of a rule
    for a person (the unique constraint): a prompt is never raised twice for the same contacts."""

    prompt = models.ForeignKey(
        EarlyInterventionPrompt, on_delete=models.CASCADE, related_name="triggers"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(EarlyInterventionRule, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("citizens.Party", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "party", "contact"], name="contact_counts_once_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.prompt_id}"
