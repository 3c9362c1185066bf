"""Staff, teams, cross-council grants, ids in other systems and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Council, CouncilOwned, Service


class User(AbstractUser):
    """A member of staff. Roles are groups; the home council scopes everything they see."""

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Set when a person's data was erased: the row stays so audit references still resolve.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class PlatformPermission(models.Model):
    """Holds the platform's permissions; never has rows (Django attaches permissions to a model)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("use_desktop", _("Use the agent desktop")),
            ("lead_team", _("Lead a team and manage its work")),
            ("handle_cases", _("Handle back-office cases")),
            ("view_performance", _("View performance figures")),
            ("publish_performance", _("Publish performance figures")),
            ("import_contacts", _("Import contact records")),
            ("import_residents", _("Import residents from other council systems")),
            ("view_vulnerability_detail", _("See the details of vulnerability markers")),
            ("manage_safety_markers", _("Record, approve and read staff-safety markers")),
            ("open_restricted", _("Open restricted and safeguarding records, giving a reason")),
            ("configure_cases", _("Configure case types, procedures and service standards")),
            ("plan_staffing", _("Plan demand and staffing")),
            ("view_audit", _("View the audit and access logs")),
            ("govern_information", _("Handle information-governance requests")),
            ("administer_council", _("Administer the council's settings and catalogue")),
            ("manage_staff", _("Manage staff, teams and roles")),
            ("act_across_councils", _("Act for every council of the install")),
        ]

    def __str__(self) -> str:
        return "platform permission"


class TeamKind(models.TextChoices):
    CONTACT_CENTRE = "contact_centre", _("Contact centre")
    BACK_OFFICE = "back_office", _("Back-office service")


class Team(CouncilOwned):
    """A team of staff serving some services."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    services = models.ManyToManyField(Service, blank=True, related_name="teams")
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="team_per_council")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    is_leader = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class CouncilAccess(models.Model):
    """A grant for a user to act for another council (shared-service partnerships)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="council_grants")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "council"], name="one_grant")]

    def __str__(self) -> str:
        return f"{self.user} acts for {self.council}"


class ExternalIdentity(models.Model):
    """A staff member's id in another system, such as the telephony platform's agent id."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_ids")
    system = models.CharField(max_length=50)
    external_id = models.CharField(max_length=100)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "system", "external_id"], name="external_id_unique"
            )
        ]
        verbose_name_plural = "external identities"

    def __str__(self) -> str:
        return f"{self.system}:{self.external_id}"


def hash_token(raw: str) -> str:
    """Tokens are stored hashed, so a database leak does not leak working tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a machine client, acting as (and limited to) one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return "fd_" + secrets.token_urlsafe(32)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def touch(self) -> None:
        self.last_used_at = timezone.now()
        self.save(update_fields=["last_used_at"])
