from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.baselines.models import ThresholdSet
from governance.registry.models import AIModel


class Determination(models.Model):
    """That model M is in tier T from a date, under threshold set S, and why (SPEC section 4).

    Immutable once written except for ``status`` (and who confirmed or rejected it); a new
    determination supersedes the old. At most one is in force per model.
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial"
        REVALIDATION = "revalidation", "Revalidation"
        CONTEST_DECISION = "contest_decision", "Contest decision"
        APPEAL_DECISION = "appeal_decision", "Appeal decision"
        OWN_MOTION = "own_motion", "Own motion"

    class Status(models.TextChoices):
        PENDING_CONFIRMATION = "pending_confirmation", "Pending confirmation"
        IN_FORCE = "in_force", "In force"
        SUPERSEDED = "superseded", "Superseded"
        REJECTED = "rejected", "Rejected"

    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="determinations")
    tier = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=24, choices=Status.choices)
    threshold_set = models.ForeignKey(ThresholdSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    basis = models.JSONField(default=dict)
    evidence_complete = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)
    effective_from = models.DateTimeField(null=True, blank=True, help_text="When it came (or comes) into force.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for automatic determinations.",
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The tier it replaces."
    )
    previous_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="When a pending relaxation was acted on.")
    resolution_reasons = models.TextField(blank=True, help_text="Why a pending relaxation was confirmed or rejected.")
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["model"], condition=Q(status="in_force"), name="one_in_force_per_model"),
            models.UniqueConstraint(
                fields=["model"], condition=Q(status="pending_confirmation"), name="one_pending_per_model"
            ),
            models.CheckConstraint(condition=Q(tier__gte=1, tier__lte=4), name="determination_tier_range"),
        ]
        indexes = [models.Index(fields=["model", "-created_at"]), models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.model}: Tier {self.tier} ({self.get_status_display()})"

    @property
    def is_relaxation(self) -> bool:
        return self.previous_tier is not None and self.tier < self.previous_tier


class RevalidationRun(models.Model):
    """One revalidation of every model under a threshold set (SPEC sections 8 and 19): its
    state, how far it has got and, if it failed, why. At most one run of a set is open
    (queued, running or failed) at a time, so two activations racing start one run."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    OPEN_STATES = (State.QUEUED, State.RUNNING, State.FAILED)

    threshold_set = models.ForeignKey(ThresholdSet, on_delete=models.PROTECT, related_name="revalidation_runs")
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    models_total = models.PositiveIntegerField(default=0, help_text="Every model the run decides.")
    models_done = models.PositiveIntegerField(default=0, help_text="Models decided so far.")
    changes = models.PositiveIntegerField(default=0, help_text="Determinations written.")
    errors = models.PositiveIntegerField(default=0, help_text="Models whose chunk failed.")
    failure = models.TextField(blank=True, help_text="Why the run failed.")
    planned_at = models.DateTimeField(
        null=True, blank=True, help_text="When every chunk the run must write was recorded (chunks are sent before)."
    )
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["threshold_set"],
                condition=Q(state__in=["queued", "running", "failed"]),
                name="one_open_run_per_threshold_set",
            ),
        ]

    def __str__(self) -> str:
        return f"Revalidation under {self.threshold_set} ({self.get_state_display()})"


class RevalidationChunk(models.Model):
    """Whole lineage trees of a run, parents before derivatives, written by one task in one
    transaction. The chunks of one ``chain`` (a tree too large for one chunk) are written
    one after another, in ``position`` order; chains run side by side."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(RevalidationRun, on_delete=models.CASCADE, related_name="chunks")
    chain = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    model_ids = models.JSONField(help_text="Parents before derivatives.")
    parent_tiers = models.JSONField(default=dict, help_text="Each parent's tier in force after the run.")
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    changes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "chain", "position"], name="one_chunk_per_place"),
        ]
        indexes = [models.Index(fields=["run", "state"])]

    def __str__(self) -> str:
        return f"Chunk {self.chain}.{self.position} of run {self.run_id} ({self.size} models, {self.state})"
