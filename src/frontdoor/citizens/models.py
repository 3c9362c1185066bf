"""The CRM's records: parties (people and organisations), what we hold about them, and the roles
they play on contacts (and, later, cases).

A party belongs to one council and carries a sensitivity like contacts do: a restricted or
safeguarding party is opened only by staff who may open restricted records, giving a reason.
Personal values of every model here are named in `audit_personal_fields`, so the change log
seals them under the party's key (ADR 0002) and erasing the party crypto-shreds them.

Roles link a party to a contact through `ContactParty`; `PartyRole` is the abstract shape
(role, representation, who linked it) that cases will reuse with their own foreign key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdoor.core.models import Council, CouncilOwned, ImportRejection, ImportRun, Sensitivity

DIGITS = RegexValidator(r"^[1-9][0-9]{0,11}$", _("A UPRN is 1 to 12 digits."))
LANGUAGE = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Use a language code such as en, cy, pl or pt-BR.")
)


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class OrganisationType(models.TextChoices):
    BUSINESS = "business", _("Business")
    LANDLORD = "landlord", _("Landlord or letting agent")
    PARTNER = "partner", _("Partner agency")
    CHARITY = "charity", _("Charity or voluntary group")
    PUBLIC_BODY = "public_body", _("Public body")
    OTHER = "other", _("Other")


class PreferredChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    WEBCHAT = "webchat", _("Webchat")
    FACE_TO_FACE = "face_to_face", _("Face to face")


class Party(CouncilOwned):
    """A person or an organisation the council deals with: one record, every service."""

    kind = models.CharField(max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON)
    # The CRM's own reference, quoted to and by residents; unique within the council.
    reference = models.CharField(max_length=16)
    sensitivity = models.CharField(
        max_length=15, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    # A person's names.
    title = models.CharField(max_length=30, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text=_("What they like to be called, if not the above.")
    )
    date_of_birth = models.DateField(null=True, blank=True)
    # An organisation's name and kind.
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(
        max_length=15, choices=OrganisationType.choices, blank=True
    )
    registration_number = models.CharField(
        max_length=30, blank=True, help_text=_("Companies House or charity number.")
    )
    preferred_channel = models.CharField(
        max_length=15, choices=PreferredChannel.choices, blank=True
    )
    preferred_language = models.CharField(max_length=35, blank=True, validators=[LANGUAGE])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the person's data was erased (UK GDPR Art. 17, `erasure.do_execute_erasure`): the
    # row stays as a tombstone, holding no personal value, so references and links resolve.
    erased_at = models.DateTimeField(null=True, blank=True)

    audit_is_subject = True
    audit_personal_fields = (
        "title",
        "given_name",
        "middle_names",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "organisation_name",
        "registration_number",
        "preferred_language",
        # Why an agent added someone despite a likely match: free text about the person.
        "reason",
    )

    class Meta:
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["council", "reference"], name="party_reference"),
            models.CheckConstraint(
                condition=Q(kind="organisation", organisation_name__gt="")
                | Q(kind="person") & (Q(family_name__gt="") | Q(given_name__gt=""))
                # An erased person's tombstone has no name left.
                | Q(erased_at__isnull=False),
                name="party_has_a_name",
            ),
        ]
        indexes = [models.Index(fields=["council", "date_of_birth"], name="party_birth")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON

    @property
    def is_erased(self) -> bool:
        """Whether this is the tombstone of an erased person."""
        return self.erased_at is not None

    @property
    def full_name(self) -> str:
        """Names as recorded: "Elizabeth Anne Taylor" (an organisation's name for one)."""
        if self.is_erased:
            return str(_("Erased person"))
        if not self.is_person:
            return self.organisation_name
        return " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)

    @property
    def display_name(self) -> str:
        """How staff see the name: the preferred name shown beside the recorded one."""
        if self.is_erased:
            return str(_("Erased person"))
        if not self.is_person:
            return self.organisation_name
        name = " ".join(p for p in (self.given_name, self.family_name) if p)
        if self.preferred_name and self.preferred_name != self.given_name:
            return f"{name} ({self.preferred_name})"
        return name

    @property
    def restricted(self) -> bool:
        return self.sensitivity != Sensitivity.NORMAL


class AddressKind(models.TextChoices):
    HOME = "home", _("Home")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    TEMPORARY = "temporary", _("Temporary accommodation")
    PREVIOUS = "previous", _("Previous")


class Address(models.Model):
    """An address of a party: free text as given, the postcode, and the UPRN when known."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=15, choices=AddressKind.choices, default=AddressKind.HOME)
    text = models.TextField(help_text=_("The address lines, one a line, without the postcode."))
    postcode = models.CharField(max_length=8, blank=True)  # as written: "SW1A 1AA"
    uprn = models.CharField(max_length=12, blank=True, validators=[DIGITS])
    usrn = models.CharField(max_length=8, blank=True)
    is_primary = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_personal_fields = ("text", "postcode", "uprn", "usrn")

    class Meta:
        ordering = ["-is_primary", "-created_at", "-pk"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_primary=True), name="one_primary_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_line}, {self.postcode}"

    @property
    def first_line(self) -> str:
        """The first line: enough to tell two people at one postcode apart."""
        return self.text.strip().splitlines()[0].strip() if self.text.strip() else ""


class ContactPointKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")


class ContactPointLabel(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class ContactPoint(models.Model):
    """A phone number or an email address of a party."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=5, choices=ContactPointKind.choices)
    value = models.CharField(max_length=254)  # as written
    normalised = models.CharField(max_length=254)  # what search and de-duplication compare
    label = models.CharField(max_length=10, choices=ContactPointLabel.choices, blank=True)
    is_preferred = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_personal_fields = ("value", "normalised")

    class Meta:
        ordering = ["kind", "-is_preferred", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind", "normalised"], name="one_contact_point_per_value"
            )
        ]

    def __str__(self) -> str:
        return self.value


class Household(CouncilOwned):
    """People who live together, so an agent sees the household around a caller."""

    uprn = models.CharField(max_length=12, blank=True, validators=[DIGITS])
    created_at = models.DateTimeField(auto_now_add=True)

    audit_personal_fields = ("uprn",)

    def __str__(self) -> str:
        return f"household {self.pk}"


class HouseholdRelationship(models.TextChoices):
    MEMBER = "member", _("Member")
    LEAD_TENANT = "lead_tenant", _("Lead tenant or bill payer")
    PARTNER = "partner", _("Partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    CARER = "carer", _("Carer")
    LODGER = "lodger", _("Lodger")
    OTHER = "other", _("Other")


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="household_memberships")
    relationship = models.CharField(
        max_length=15, choices=HouseholdRelationship.choices, default=HouseholdRelationship.MEMBER
    )
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "party"], name="one_membership_each")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} in {self.household_id}"


class ExternalReference(CouncilOwned):
    """A party's id in another council system (council tax, housing, a legacy CRM...).

    (council, source, source_id) is unique: it is how an import finds the person it loaded
    before, and how a contact's citizen_ref (from the same source) finds its person.
    """

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="external_references")
    source = models.CharField(max_length=50)
    source_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_personal_fields = ("source_id",)

    class Meta:
        ordering = ["source", "source_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "source", "source_id"], name="external_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class AccessibilityNeeds(models.Model):
    """How to serve the person: structured, shown at the top of the record to everyone who may
    see the person, and carried with their contacts and cases. Special category data (health,
    disability): every value is sealed in the change log.
    """

    party = models.OneToOneField(
        Party, on_delete=models.CASCADE, primary_key=True, related_name="needs"
    )
    bsl_interpreter = models.BooleanField(_("British Sign Language interpreter"), default=False)
    spoken_language_interpreter = models.BooleanField(
        _("spoken-language interpreter"), default=False
    )
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=35, blank=True, validators=[LANGUAGE]
    )
    text_relay = models.BooleanField(_("text relay (Relay UK)"), default=False)
    large_print = models.BooleanField(_("large print"), default=False)
    easy_read = models.BooleanField(_("easy read"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    needs_more_time = models.BooleanField(_("needs more time"), default=False)
    prefers_named_contact = models.BooleanField(_("prefers a named contact"), default=False)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    FLAGS = (
        "bsl_interpreter",
        "spoken_language_interpreter",
        "text_relay",
        "large_print",
        "easy_read",
        "hearing_loop",
        "needs_more_time",
        "prefers_named_contact",
    )
    FIELDS = (*FLAGS, "interpreter_language", "notes")
    audit_personal_fields = FIELDS

    class Meta:
        verbose_name_plural = "accessibility needs"

    def __str__(self) -> str:
        return f"needs of {self.party_id}"

    def flags_set(self) -> list[str]:
        return [name for name in self.FLAGS if getattr(self, name)]

    @property
    def any(self) -> bool:
        return bool(self.flags_set() or self.notes)


class VulnerabilityType(models.TextChoices):
    FINANCIAL_HARDSHIP = "financial_hardship", _("Financial hardship")
    RISK_OF_HOMELESSNESS = "risk_of_homelessness", _("Risk of homelessness")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PHYSICAL_HEALTH = "physical_health", _("Physical health or disability")
    LEARNING_DISABILITY = "learning_disability", _("Learning disability")
    SUBSTANCE_MISUSE = "substance_misuse", _("Substance misuse")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    BEREAVEMENT = "bereavement", _("Bereavement")
    CARE_LEAVER = "care_leaver", _("Care leaver")
    CARER = "carer", _("Unpaid carer")
    DIGITAL_EXCLUSION = "digital_exclusion", _("Digitally excluded")
    OTHER = "other", _("Other")


# Types that are themselves health data: staff without view_vulnerability_detail see only that a
# health-related marker exists and what to do, not which condition.
HEALTH_TYPES = frozenset(
    {
        VulnerabilityType.MENTAL_HEALTH,
        VulnerabilityType.PHYSICAL_HEALTH,
        VulnerabilityType.LEARNING_DISABILITY,
        VulnerabilityType.SUBSTANCE_MISUSE,
    }
)


class LawfulBasis(models.TextChoices):
    """UK GDPR Art. 6 basis with, for special category data, its Art. 9 / DPA 2018 condition."""

    CONSENT = "consent", _("Consent (Art. 6(1)(a); Art. 9(2)(a))")
    STATUTORY = (
        "statutory",
        _("Public task: statutory purposes (Art. 6(1)(e); DPA 2018 Sch. 1 para 6)"),
    )
    SUPPORT = (
        "support",
        _("Public task: support for a disability or medical condition (DPA 2018 Sch. 1 para 16)"),
    )
    SAFEGUARDING = (
        "safeguarding",
        _("Public task: safeguarding individuals at risk (DPA 2018 Sch. 1 para 18)"),
    )
    VITAL_INTERESTS = "vital_interests", _("Vital interests (Art. 6(1)(d); Art. 9(2)(c))")
    LEGAL_OBLIGATION = (
        "legal_obligation",
        _("Legal obligation (Art. 6(1)(c)), e.g. Health and Safety at Work etc. Act 1974"),
    )


class MarkerSource(models.TextChoices):
    SELF_DECLARED = "self_declared", _("Told us themselves")
    REPRESENTATIVE = "representative", _("Told us by a family member or representative")
    PROFESSIONAL = "professional", _("Referral from a professional or partner agency")
    COUNCIL_SERVICE = "council_service", _("Another council service")
    STAFF_OBSERVATION = "staff_observation", _("Observed by staff")
    INCIDENT = "incident", _("An incident")


class Consent(models.TextChoices):
    GIVEN = "given", _("Consent given")
    REFUSED = "refused", _("Consent refused")
    NOT_SOUGHT = "not_sought", _("Not sought (another lawful basis applies)")
    UNABLE = "unable", _("Unable to consent")


class VulnerabilityMarker(models.Model):
    """A circumstance that changes how the council should deal with someone.

    Every member of staff who may see the person sees that a marker exists and `guidance`
    (what to do); the type of a health-related marker, `health_detail`, the source and the
    lawful basis are shown only with view_vulnerability_detail.
    """

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="vulnerabilities")
    marker_type = models.CharField(max_length=25, choices=VulnerabilityType.choices)
    guidance = models.CharField(
        max_length=300, help_text=_("What staff should do, e.g. offer a call back, allow time.")
    )
    health_detail = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    source = models.CharField(max_length=20, choices=MarkerSource.choices)
    source_detail = models.CharField(max_length=300, blank=True)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    review_by = models.DateField()
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    # The type of marker about a person is itself special category data: every value is sealed.
    audit_personal_fields = (
        "marker_type",
        "guidance",
        "health_detail",
        "lawful_basis",
        "source",
        "source_detail",
        "consent",
        "consent_note",
        "review_by",
        "end_reason",
    )

    class Meta:
        ordering = ["review_by", "pk"]
        indexes = [models.Index(fields=["review_by"], name="vulnerability_review")]

    def __str__(self) -> str:
        return f"vulnerability marker {self.pk}"

    @property
    def active(self) -> bool:
        return self.ended_at is None

    @property
    def is_health(self) -> bool:
        return self.marker_type in HEALTH_TYPES


class SafetyCategory(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    THREATS = "threats", _("Threats")
    VERBAL_ABUSE = "verbal_abuse", _("Verbal abuse")
    HARASSMENT = "harassment", _("Harassment")
    WEAPONS = "weapons", _("Weapons")
    ANIMALS = "animals", _("Dangerous animals")
    PREMISES = "premises", _("Hazardous premises")
    OTHER = "other", _("Other")


class SafetyStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    ENDED = "ended", _("Ended")


class SafetyMarker(models.Model):
    """A staff-safety (cautionary contact) marker, kept apart from vulnerability.

    Created by one member of staff and approved by another; until approved it warns no one.
    Staff who may see the person see only a short warning (`precaution`: what to do, never why);
    those with manage_safety_markers see the incident, basis and the rest. Reviewed by a date.
    """

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="safety_markers")
    category = models.CharField(max_length=15, choices=SafetyCategory.choices)
    precaution = models.CharField(
        max_length=120, help_text=_("The short warning staff see, e.g. 'Two officers for visits'.")
    )
    detail = models.TextField(help_text=_("The incident and the reason for the marker."))
    incident_date = models.DateField(null=True, blank=True)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.LEGAL_OBLIGATION
    )
    individual_informed = models.BooleanField(null=True, blank=True)
    not_informed_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=SafetyStatus.choices, default=SafetyStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    review_by = models.DateField()
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    audit_personal_fields = (
        "category",
        "precaution",
        "detail",
        "incident_date",
        "not_informed_reason",
        "decision_note",
        "end_reason",
    )

    class Meta:
        ordering = ["review_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="safety_marker_four_eyes",
            )
        ]
        indexes = [models.Index(fields=["status", "review_by"], name="safety_review")]

    def __str__(self) -> str:
        return f"staff-safety marker {self.pk}"


class AuthorityEvidence(models.TextChoices):
    LASTING_POWER_OF_ATTORNEY = "lpa", _("Lasting power of attorney")
    DEPUTYSHIP = "deputyship", _("Court of Protection deputyship")
    APPOINTEE = "appointee", _("DWP appointee")
    WRITTEN_CONSENT = "written_consent", _("Written consent of the person")
    VERBAL_CONSENT = "verbal_consent", _("Verbal consent given on a contact")
    ELECTED_MEMBER = "elected_member", _("Councillor or MP acting for a constituent")
    SOLICITOR = "solicitor", _("Solicitor's letter of authority")
    ADVOCATE = "advocate", _("Advocate (e.g. Care Act advocate)")
    PARENT_OR_GUARDIAN = "parent_or_guardian", _("Parent or guardian of a child")
    OTHER = "other", _("Other")


class Representation(CouncilOwned):
    """A standing authority for one party to act for another, with its evidence.

    Recorded once and reused by every contact (and later case) the representative acts on.
    """

    represented = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="representatives")
    representative = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="represents")
    evidence = models.CharField(max_length=20, choices=AuthorityEvidence.choices)
    evidence_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("e.g. the LPA's registration number, a letter's date"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_personal_fields = ("evidence_reference",)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(represented=F("representative")), name="represents_someone_else"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative_id} for {self.represented_id}"


class PartyRoleKind(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    REQUESTER = "requester", _("Requester")
    REPRESENTATIVE = "representative", _("Representative")


class PartyRole(models.Model):
    """A party's role on something: the shape every role link has (contacts now, cases later).

    A representative's role names the representation (the authority and its evidence) they
    act under.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="%(class)s_roles")
    role = models.CharField(max_length=15, choices=PartyRoleKind.choices)
    representation = models.ForeignKey(
        Representation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def role_constraints(label: str, target: str) -> list[Any]:
    """The constraints every concrete role table has, named after it, for its target field.

    Cases will call `role_constraints("caseparty", "case")` for their own role table.
    """
    return [
        models.UniqueConstraint(fields=[target, "party", "role"], name=f"{label}_one_role_each"),
        models.CheckConstraint(
            condition=~Q(role="representative") | Q(representation__isnull=False),
            name=f"{label}_representative_has_authority",
        ),
    ]


class ContactParty(PartyRole):
    """A party's role on a contact: who it was about, who made it, who acted for whom."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="party_roles"
    )

    class Meta:
        verbose_name_plural = "contact parties"
        constraints = role_constraints("contactparty", "contact")
        indexes = [models.Index(fields=["party", "contact"], name="contactparty_party")]

    def __str__(self) -> str:
        return f"{self.party_id} {self.role} on {self.contact_id}"


class KeyKind(models.IntegerChoices):
    NAME = 1, _("Name")
    PHONE = 2, _("Phone")
    EMAIL = 3, _("Email")
    POSTCODE = 4, _("Postcode")
    UPRN = 5, _("UPRN")
    REFERENCE = 6, _("Reference")


KEY_KINDS = {
    "name": KeyKind.NAME,
    "phone": KeyKind.PHONE,
    "email": KeyKind.EMAIL,
    "postcode": KeyKind.POSTCODE,
    "uprn": KeyKind.UPRN,
    "reference": KeyKind.REFERENCE,
}


class SearchKey(models.Model):
    """One normalised thing a party can be found by (derived; rebuilt by every change).

    Two indexes: (council, kind, key, party) finds the parties with a key or a key prefix
    from the index alone (the party id is in it, so no table row is read per key); (party,
    kind, key) checks a candidate's other keys. Derived from the party's own rows, so it holds
    nothing they do not, and goes with the party when it is deleted.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    kind = models.PositiveSmallIntegerField(choices=KeyKind.choices)
    key = models.CharField(max_length=100)

    class Meta:
        indexes = [
            models.Index(fields=["council", "kind", "key", "party"], name="searchkey_covering"),
            models.Index(fields=["party", "kind", "key"], name="searchkey_party"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.key}"


class NameVocabulary(models.Model):
    """The council's distinct name tokens, filed under their near-miss and phonetic codes.

    One row per (code, token), not per person: a typo looks up its own codes here and gets
    the few real tokens near it, with how common each is. Rows are only ever added (a token
    no one holds any more finds no one, and counts zero).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=100)
    token = models.CharField(max_length=100)
    # How many parties hold the token (on every row of the token): the search starts from the
    # term with the fewest. Kept by the same writes that keep the keys; an estimate, never a
    # fact (so a plain integer: a race cannot make it fail a check).
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "name vocabulary"
        constraints = [
            models.UniqueConstraint(fields=["council", "code", "token"], name="vocabulary_entry")
        ]
        indexes = [models.Index(fields=["council", "token"], name="vocabulary_token")]

    def __str__(self) -> str:
        return f"{self.code} -> {self.token}"


class ResidentImport(ImportRun):
    """One run of `import_residents`: who, which file, and what became of each row."""

    source = models.CharField(max_length=50)
    mapping = models.CharField(max_length=255, blank=True)

    class Meta(ImportRun.Meta):
        pass


class ResidentImportRejection(ImportRejection):
    """A row an import rejected: where it is and why (never the personal values)."""

    resident_import = models.ForeignKey(
        ResidentImport, on_delete=models.CASCADE, related_name="rejections"
    )

    class Meta(ImportRejection.Meta):
        pass


# --------------------------------------------------------------------------------------------
# Likely duplicates and merges
# --------------------------------------------------------------------------------------------


class DuplicateRun(CouncilOwned):
    """One run of duplicate detection over a council's people: what it compared and found.

    `model` is the trained model (each field's levels with m, u and weight): no personal data,
    and what explains every candidate's evidence.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    threshold = models.FloatField()
    records = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    new_candidates = models.PositiveIntegerField(default=0)
    remembered = models.PositiveIntegerField(
        default=0, help_text=_("Pairs found again that someone had decided are not duplicates.")
    )
    prior = models.FloatField(null=True, blank=True)
    fields_used = models.JSONField(default=list)
    model = models.JSONField(default=dict)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"duplicate run {self.pk} ({self.status})"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    MERGED = "merged", _("Merged")
    # One of the pair was merged into someone else: a later run compares the survivor afresh.
    SUPERSEDED = "superseded", _("Replaced by another merge")


class DuplicateCandidate(CouncilOwned):
    """Two people who are probably one: the match probability and the evidence for it.

    `evidence` is one entry per field compared: {"field", "verdict" (agree, partial, disagree,
    missing), "level" (how it compared), "weight" (bits for or against)}; never the values.
    The pair is stored once, lower id first. A "not a duplicate" decision stays with the pair:
    later runs leave it as decided.
    """

    first = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=list)
    status = models.CharField(
        max_length=15, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    run = models.ForeignKey(
        DuplicateRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    found_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    audit_personal_fields = ("decision_note",)

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="duplicate_pair_in_order"
            ),
        ]
        indexes = [
            models.Index(fields=["council", "status", "-probability"], name="duplicate_worklist")
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.probability:.3f})"


class MergeStatus(models.TextChoices):
    ACTIVE = "active", _("Merged")
    UNDONE = "undone", _("Undone")


class PartyMerge(CouncilOwned):
    """One party merged into another: the survivor keeps everything the merged party had.

    The merged party's row stays (so its audit trail, sealed under its own key, stays readable
    and an unmerge can give its rows back) but is found by nothing: its search keys go, its
    reference and external references resolve to the survivor. `moves` records exactly what
    changed, so an unmerge within `undo_until` restores it. `survivor_before` holds the
    survivor's own values the merge changed (sensitivity; accessibility needs, combined).
    """

    survivor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="merges_away")
    merged_reference = models.CharField(max_length=16)
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=MergeStatus.choices, default=MergeStatus.ACTIVE
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undo_until = models.DateTimeField()
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    survivor_before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)  # counts by kind of row, for the page and the audit

    audit_personal_fields = ("reason", "merged_reference")

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_parties"),
            models.UniqueConstraint(
                fields=["merged"], condition=Q(status="active"), name="merged_away_once"
            ),
        ]
        indexes = [models.Index(fields=["survivor", "status"], name="merge_survivor")]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id} ({self.status})"


class PartyMergeMove(models.Model):
    """One value a merge changed on one row (or a row it created), to put back on unmerge.

    `field` "__created__" marks a row the merge made (an unmerge deletes it).
    """

    merge = models.ForeignKey(PartyMerge, on_delete=models.CASCADE, related_name="moves")
    model = models.CharField(max_length=100)  # "citizens.address"
    object_id = models.CharField(max_length=40)
    field = models.CharField(max_length=50)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="merge_move_object")]

    def __str__(self) -> str:
        return f"{self.model}:{self.object_id}.{self.field}"


# --------------------------------------------------------------------------------------------
# The right to erasure (UK GDPR Art. 17) and legal holds
# --------------------------------------------------------------------------------------------


class ErasureRequester(models.TextChoices):
    PERSON = "person", _("The person themselves")
    REPRESENTATIVE = "representative", _("Someone acting for them")
    OTHER = "other", _("Someone else (for example the council's own review)")


class ErasureGround(models.TextChoices):
    """The grounds of UK GDPR Art. 17(1) a request relies on."""

    NO_LONGER_NECESSARY = (
        "no_longer_necessary",
        _("No longer needed for the purpose it was collected for (Art. 17(1)(a))"),
    )
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn (Art. 17(1)(b))")
    OBJECTION = "objection", _("They object to the processing (Art. 17(1)(c))")
    UNLAWFUL = "unlawful", _("Processed unlawfully (Art. 17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", _("The law requires erasure (Art. 17(1)(e))")
    CHILD = "child", _("Collected from a child for an online service (Art. 17(1)(f))")


class ErasureExemption(models.TextChoices):
    """Why a council may refuse erasure: the exceptions of UK GDPR Art. 17(3)."""

    EXPRESSION = "expression", _("Freedom of expression and information (Art. 17(3)(a))")
    LEGAL_OBLIGATION_OR_TASK = (
        "legal_obligation_or_task",
        _("A legal obligation or a public task (Art. 17(3)(b))"),
    )
    PUBLIC_HEALTH = "public_health", _("Public health (Art. 17(3)(c))")
    ARCHIVING = "archiving", _("Archiving, research or statistics (Art. 17(3)(d))")
    LEGAL_CLAIMS = "legal_claims", _("Legal claims (Art. 17(3)(e))")
    NO_GROUND = "no_ground", _("None of the grounds of Art. 17(1) applies")


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    DONE = "done", _("Erased")


class ErasureRequest(CouncilOwned):
    """A request to erase a person, recorded by one information-governance officer and approved
    or refused (with a reason) by another.

    `due_on` is the statutory deadline: one calendar month from receipt, moved to the next
    working day (UK GDPR Art. 12(3)). Once executed, `certificate` is what was erased and kept,
    as counts (never values): the council's record that it complied. The free text of the
    request (who asked, what they said) is about the person and is redacted by the erasure.
    """

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="erasure_requests")
    requested_by = models.CharField(max_length=15, choices=ErasureRequester.choices)
    requester_detail = models.CharField(max_length=200, blank=True)
    received_on = models.DateField()
    due_on = models.DateField()
    ground = models.CharField(max_length=25, choices=ErasureGround.choices)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    exemption = models.CharField(max_length=25, choices=ErasureExemption.choices, blank=True)
    decision_note = models.TextField(blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    certificate = models.JSONField(default=dict, blank=True)

    audit_personal_fields = ("requester_detail", "reason", "decision_note")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")),
                name="erasure_four_eyes",
            ),
            # One request in progress per person at a time.
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_open_erasure_request",
            ),
        ]
        indexes = [models.Index(fields=["council", "status", "due_on"], name="erasure_worklist")]

    def __str__(self) -> str:
        return f"erasure request {self.pk} ({self.status})"


class LegalHoldRequester(models.TextChoices):
    """Who asked the council to hold a person's records."""

    LEGAL_SERVICES = "legal_services", _("The council's legal services")
    LITIGATION = "litigation", _("Litigation (a claim by or against the council)")
    ICO = "ico", _("An Information Commissioner's Office investigation")
    OMBUDSMAN = "ombudsman", _("An ombudsman's investigation")
    POLICE_OR_COURT = "police_or_court", _("The police or a court order")
    INQUIRY = "inquiry", _("A public inquiry or a statutory review")
    OTHER = "other", _("Someone else")


class LegalHold(CouncilOwned):
    """A hold on a person's records (litigation, an investigation, an inquiry): nothing of theirs
    may be erased while it is in force.

    `placed_on` is the day the hold took effect (it may be earlier than the day it was recorded,
    `placed_at`); `review_on` is when an officer should check it is still needed. The reason, the
    matter reference and the reason for lifting are about the person: they are sealed in the
    audit and redacted by the erasure. A lifted hold is kept, for the record.
    """

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=300)
    matter_reference = models.CharField(max_length=100, blank=True)
    requested_by = models.CharField(
        max_length=20, choices=LegalHoldRequester.choices, default=LegalHoldRequester.OTHER
    )
    placed_on = models.DateField(default=timezone.localdate)
    review_on = models.DateField(null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=300, blank=True)

    audit_personal_fields = ("reason", "matter_reference", "lift_reason")

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            # The worklist of holds in force, the nearest review first.
            models.Index(
                fields=["council", "review_on"],
                condition=Q(lifted_at__isnull=True),
                name="legal_holds_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"legal hold {self.pk} on {self.party_id}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
