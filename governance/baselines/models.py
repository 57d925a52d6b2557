from django.conf import settings
from django.db import models
from django.db.models import F, Q

from governance.registry.models import RiskDomain


class ThresholdSet(models.Model):
    """A versioned capability baseline: one threshold entry per risk domain (SPEC section 8)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "In consultation"
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
                condition=Q(status__in=("draft", "consultation")) | Q(effective_from__isnull=False),
                name="published_set_has_effective_from",
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


class Consultation(models.Model):
    """A public consultation on a draft threshold set (SPEC section 22): open from
    ``opens_at`` until ``closes_at`` (or until the board closes it), with the impact
    preview's matrix as it stood when it opened (counts only), the comments, and the
    board's response once it has closed."""

    threshold_set = models.ForeignKey(ThresholdSet, on_delete=models.CASCADE, related_name="consultations")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    impact_matrix = models.JSONField(default=dict, help_text="The 4x4 transition matrix when it opened (counts).")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="consultation_window_ordered"),
        ]

    def __str__(self) -> str:
        return f"Consultation on {self.threshold_set}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ConsultationComment(models.Model):
    """A comment by a signed-in user; its author's name and organisation are public."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.consultation}"


class BoardVote(models.Model):
    """One threshold-board member's vote on adopting a draft set (SPEC section 22)."""

    class Vote(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        REJECT = "reject", "Reject"

    threshold_set = models.ForeignKey(ThresholdSet, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    reasons = models.TextField()
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["threshold_set", "member"], name="one_board_vote_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} votes {self.vote} on {self.threshold_set}"
