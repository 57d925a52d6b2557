"""The access gate and the access register (SPEC section 21): requesters, the texts they
attest to, their requests, the grants those make, and the append-only register of every
grant event and every check a host asked."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.registry.models import AIModel, Organization


class RequesterProfile(models.Model):
    """Who a requester is: legal name, country and, optionally, a research affiliation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requester_profile")
    legal_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    affiliation = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliated_requesters",
        limit_choices_to={"kind": Organization.Kind.RESEARCH},
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.legal_name


class AccessCondition(models.Model):
    """What a tier asks of a requester, in words (SPEC 2 and 21); data regulators edit. The
    steps each tier needs are the rule's (``governance.tiering.access``), not data."""

    tier = models.PositiveSmallIntegerField(unique=True)
    summary = models.CharField(max_length=200)
    how_to_request = models.TextField(help_text="Shown on the public register beside each model of the tier.")

    class Meta:
        ordering = ["tier"]
        constraints = [models.CheckConstraint(condition=Q(tier__gte=1, tier__lte=4), name="condition_tier_range")]

    def __str__(self) -> str:
        return f"Tier {self.tier}: {self.summary}"


class Attestation(models.Model):
    """A versioned use attestation. A request names the version in force for its tier; the
    grant keeps the version the requester accepted."""

    tier = models.PositiveSmallIntegerField()
    version = models.CharField(max_length=20)
    text = models.TextField()
    in_force = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tier", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "version"], name="attestation_version_unique"),
            models.UniqueConstraint(fields=["tier"], condition=Q(in_force=True), name="one_attestation_in_force"),
        ]

    def __str__(self) -> str:
        return f"Tier {self.tier} attestation v{self.version}"


class AccessRequest(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        IDENTITY_VERIFIED = "identity_verified", "Identity verified"
        AFFILIATION_CONFIRMED = "affiliation_confirmed", "Affiliation confirmed"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.CharField(max_length=20, unique=True)
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="access_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests")
    state = models.CharField(max_length=24, choices=State.choices, default=State.SUBMITTED)
    tier_at_request = models.PositiveSmallIntegerField()
    purpose = models.TextField(blank=True)
    attestation = models.ForeignKey(Attestation, on_delete=models.PROTECT, related_name="+")
    affiliation = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="As at filing."
    )
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    affiliation_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliation_confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "model"],
                condition=Q(state__in=["submitted", "identity_verified", "affiliation_confirmed"]),
                name="one_open_access_request",
            )
        ]
        indexes = [models.Index(fields=["model", "state"]), models.Index(fields=["affiliation", "state"])]

    def __str__(self) -> str:
        return self.reference


class AccessGrant(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        SUSPENDED = "suspended", "Suspended"

    request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT, related_name="grant")
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="access_grants")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    tier = models.PositiveSmallIntegerField(help_text="The tier in force when the request was decided.")
    research = models.BooleanField(help_text="A confirmed affiliation and a research purpose: survives Tier 3.")
    attestation_version = models.CharField(max_length=20)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "model"], condition=Q(state="active"), name="one_active_access_grant"
            )
        ]
        indexes = [
            models.Index(fields=["model", "state"]),
            models.Index(fields=["requester", "model"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} grant"


class RegisterEntry(models.Model):
    """One line of the access register: append-only (a database trigger refuses updates
    and deletes on PostgreSQL)."""

    class Kind(models.TextChoices):
        GRANTED = "granted", "Granted"
        REINSTATED = "reinstated", "Reinstated"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        SUSPENDED = "suspended", "Suspended"
        CHECK = "check", "Check"

    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grant = models.ForeignKey(AccessGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    host = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    allowed = models.BooleanField(null=True, blank=True, help_text="For a check: the answer given.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "register entries"
        indexes = [models.Index(fields=["model", "at"]), models.Index(fields=["requester", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
