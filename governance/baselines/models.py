from django.conf import settings
from django.db import models
from django.db.models import F, Q

from governance.registry.models import RiskDomain


class ThresholdSet(models.Model):
    """A versioned capability baseline: one threshold entry per risk domain (SPEC section 8)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"

    version = models.CharField(max_length=40, unique=True)
    issuing_body = models.CharField(max_length=200, blank=True)
    rationale = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="in_force"), name="one_threshold_set_in_force"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(effective_from__isnull=False), name="published_set_has_effective_from"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class ThresholdEntry(models.Model):
    threshold_set = models.ForeignKey(ThresholdSet, on_delete=models.CASCADE, related_name="entries")
    domain = models.ForeignKey(RiskDomain, on_delete=models.PROTECT, related_name="+")
    low = models.DecimalField(max_digits=5, decimal_places=4)
    high = models.DecimalField(max_digits=5, decimal_places=4)
    critical = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["domain__slug"]
        verbose_name_plural = "threshold entries"
        constraints = [
            models.UniqueConstraint(fields=["threshold_set", "domain"], name="one_entry_per_domain"),
            models.CheckConstraint(condition=Q(low__gte=0) & Q(high__lte=1), name="threshold_unit_interval"),
            models.CheckConstraint(condition=Q(low__lt=F("high")), name="threshold_low_below_high"),
            models.CheckConstraint(
                condition=Q(critical__isnull=True) | (Q(critical__gte=F("high")) & Q(critical__lte=1)),
                name="threshold_critical_at_least_high",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold_set} / {self.domain.slug}"
