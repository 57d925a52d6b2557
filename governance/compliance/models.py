from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.registry.models import AIModel


class ObligationTemplate(models.Model):
    """What a tier obliges (SPEC section 9); data, editable by administrators."""

    tier = models.PositiveSmallIntegerField()
    kind = models.SlugField(max_length=60)
    period_months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: event-driven.")
    grace_days = models.PositiveSmallIntegerField(default=7)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "kind"]
        constraints = [models.UniqueConstraint(fields=["tier", "kind"], name="one_template_per_tier_kind")]

    def __str__(self) -> str:
        return f"Tier {self.tier}: {self.kind}"


class Obligation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        OVERDUE = "overdue", "Overdue"
        RETIRED = "retired", "Retired"

    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="obligations")
    template = models.ForeignKey(ObligationTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.SlugField(max_length=60, db_index=False)  # looked up with its model: see constraints
    tier = models.PositiveSmallIntegerField()
    period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    next_due = models.DateField(null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(default=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    consecutive_overdue = models.PositiveSmallIntegerField(default=0)
    remediation_due = models.DateField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "kind"], condition=~Q(status="retired"), name="one_live_obligation_per_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "next_due"])]

    def __str__(self) -> str:
        return f"{self.model}: {self.kind}"


class ComplianceSubmission(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        DEFICIENT = "deficient", "Deficient"
        REJECTED = "rejected", "Rejected"

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="submissions")
    period_end = models.DateField()
    notes = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.obligation} ({self.period_end})"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(ComplianceSubmission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="compliance/%Y/%m/", max_length=255)
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class EnforcementCase(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        ACCESS_SUSPENSION = "access_suspension", "Access suspension"
        RE_REVIEW = "re_review", "Re-review (compliance breach)"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="enforcement_cases")
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="enforcement_cases"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    reason = models.TextField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    rereview = models.ForeignKey("cases.ReReview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.reference
