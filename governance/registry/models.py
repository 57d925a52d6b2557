from django.conf import settings
from django.db import models
from django.db.models import Q
from knox.models import AbstractAuthToken


class Organization(models.Model):
    class Kind(models.TextChoices):
        DEVELOPER = "developer", "Developer"
        EVALUATOR = "evaluator", "Evaluator"
        RESEARCH = "research", "Research"
        HOST = "host", "Host"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    jurisdiction = models.CharField(max_length=100, blank=True)
    accredited = models.BooleanField(
        default=False, help_text="An accredited evaluator: only its results count for tiering."
    )
    verified = models.BooleanField(
        default=False,
        help_text="A research organisation the regulator has verified: its affiliations count for Tier 3 access.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_accredited_evaluator(self) -> bool:
        return self.kind == self.Kind.EVALUATOR and self.accredited


class Membership(models.Model):
    """A user belongs to at most one organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class RiskDomain(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    catastrophic = models.BooleanField(default=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Benchmark(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    domain = models.ForeignKey(RiskDomain, on_delete=models.PROTECT, related_name="benchmarks")
    scale_min = models.DecimalField(max_digits=14, decimal_places=4)
    scale_max = models.DecimalField(max_digits=14, decimal_places=4)
    higher_is_more_capable = models.BooleanField(default=True)
    metric = models.CharField(
        max_length=120, default="accuracy", help_text="What to read from logs: 'accuracy' or 'scorer/metric'."
    )
    external_id = models.CharField(max_length=200, blank=True, help_text="Task name in imported log files.")
    standardized = models.BooleanField(default=False, help_text="On the approved list of standardized evaluations.")

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_min__lt=models.F("scale_max")), name="benchmark_scale_ordered"),
            # An import's mapping of a task name to a benchmark is never a guess (SPEC 11).
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="benchmark_external_id_unique",
                violation_error_message="Another benchmark already answers to this external_id.",
            ),
        ]
        indexes = [models.Index(fields=["external_id"])]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class AIModel(models.Model):
    """A registered model. ``current_tier`` and its companions mirror the single in-force
    determination; only the determination services write them (kept for fast filtering)."""

    class Derivation(models.TextChoices):
        FINE_TUNE = "fine_tune", "Fine-tune"
        MERGE = "merge", "Merge"
        QUANTIZATION = "quantization", "Quantization"
        DISTILLATION = "distillation", "Distillation"
        ADAPTER = "adapter", "Adapter"

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=60)
    developer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="models")
    parameter_count = models.PositiveBigIntegerField(null=True, blank=True)
    weights_sha256 = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    derivation = models.CharField(max_length=20, choices=Derivation.choices, blank=True)
    released = models.BooleanField(default=False, help_text="Publicly released: listed on the public register.")
    release_jurisdictions = models.JSONField(
        default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes it is released from or hosted in (SPEC 23)."
    )
    current_tier = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    evidence_complete = models.BooleanField(default=False, editable=False)
    tier_effective_from = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = "AI model"
        constraints = [
            models.UniqueConstraint(fields=["developer", "name", "version"], name="model_unique_per_developer"),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(derivation="")) | (Q(parent__isnull=False) & ~Q(derivation="")),
                name="model_derivation_iff_parent",
            ),
            models.CheckConstraint(
                condition=Q(current_tier__isnull=True) | Q(current_tier__gte=1, current_tier__lte=4),
                name="model_tier_range",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="model_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["current_tier", "id"]),
            # The model list's default order, whole and filtered by tier (SPEC 19: p99 at 100k).
            models.Index(fields=["name", "version", "id"], name="model_list_order"),
            models.Index(fields=["current_tier", "name", "version", "id"], name="model_tier_list_order"),
            models.Index(fields=["developer", "current_tier"]),
            models.Index(fields=["released", "name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class ApiToken(AbstractAuthToken):
    """An API token (SPEC 16): stored as a hash, expiring, listed and revoked by its owner,
    optionally limited to one ``scope`` (``access:check`` for a host's gate calls)."""

    class Scope(models.TextChoices):
        FULL = "", "Full access"
        ACCESS_CHECK = "access:check", "Access check only"

    # Annotated: knox's untyped base model hides the field's types from the plugin.
    scope: "models.CharField[str, str]" = models.CharField(max_length=40, choices=Scope.choices, blank=True, default="")

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"


class Accreditation(models.Model):
    """An evaluator organisation's accreditation (SPEC section 22): the risk domains it
    covers, its validity and its state, granted and changed by a regulator with reasons.

    Which results count is read from its :class:`AccreditationCoverage` rows, the periods
    in which it was active, kept by the services beside every change."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="accreditations")
    domains = models.ManyToManyField(RiskDomain, related_name="accreditations")
    valid_from = models.DateField()
    valid_until = models.DateField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    reasons = models.TextField(help_text="The reasons given for the latest decision (grant or change).")
    results_void = models.BooleanField(
        default=False, help_text="Revoked with its results void: none of the results it covered count."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=models.F("valid_until")), name="accreditation_validity_ordered"
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.organization} accreditation #{self.pk} ({self.state})"


class AccreditationCoverage(models.Model):
    """A period in which an accreditation was active for one domain: a result submitted
    in ``[starts_at, ends_at)`` by the organisation on a benchmark of the domain counts as
    evidence (SPEC section 22). Written only by the accreditation services."""

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="coverage")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey(RiskDomain, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="coverage_period_ordered"),
        ]
        indexes = [models.Index(fields=["organization", "domain", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.accreditation_id}: domain {self.domain_id} from {self.starts_at} to {self.ends_at}"
