from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.registry.models import AIModel, Benchmark, Organization, RiskDomain


class EvaluationResult(models.Model):
    """One benchmark score for one model. Only accepted, standardized results submitted by
    an accredited evaluator count as evidence (SPEC section 3)."""

    class Provenance(models.TextChoices):
        ACCREDITED = "accredited", "Accredited evaluator"
        SELF_REPORTED = "self_reported", "Self-reported"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="evaluations")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="results")
    raw_score = models.DecimalField(max_digits=14, decimal_places=4)
    normalized_score = models.DecimalField(max_digits=5, decimal_places=4)
    submitted_by_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="submitted_results")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_date = models.DateField()
    provenance = models.CharField(max_length=20, choices=Provenance.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    artifact = models.FileField(upload_to="evaluations/%Y/%m/", blank=True, max_length=255)
    artifact_sha256 = models.CharField(max_length=64, blank=True)
    run_identity = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="The run an imported result came from, in any file format."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(normalized_score__gte=0, normalized_score__lte=1), name="evaluation_normalized_unit"
            ),
            models.UniqueConstraint(
                fields=["model", "benchmark", "artifact_sha256"],
                condition=~Q(artifact_sha256=""),
                name="evaluation_import_once",
            ),
            models.UniqueConstraint(
                fields=["model", "benchmark", "run_identity"],
                condition=~Q(run_identity=""),
                name="evaluation_run_once",
            ),
        ]
        indexes = [models.Index(fields=["model", "status"]), models.Index(fields=["status", "model"])]

    def __str__(self) -> str:
        return f"{self.model} on {self.benchmark}: {self.raw_score}"


class Capability(models.Model):
    """A model's capability in one risk domain, ``c[d]`` of SPEC section 3: the best
    normalized score over its evidence there (no row: no evidence in the domain).

    Derived from the results, kept for the set-based reads (a revalidation of every model,
    the impact preview), which then read one row per model and domain instead of
    aggregating every result. Kept exact by the evidence services
    (``governance.evidence.capabilities``) in the transaction of each change to what counts
    as evidence; the per-model pipeline still reads the results themselves, for the ids
    that set each capability."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="+", db_index=False)
    domain = models.ForeignKey(RiskDomain, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model", "domain"], name="capability_once_per_domain")]

    def __str__(self) -> str:
        return f"{self.model_id} in domain {self.domain_id}: {self.score}"
