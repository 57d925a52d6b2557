from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.determinations.models import Determination
from governance.registry.models import AIModel, Organization

OPEN_CONTEST_STATES = ("filed", "under_review", "awaiting_information")
OPEN_APPEAL_STATES = ("filed", "panel_assigned", "hearing_scheduled")
OPEN_REREVIEW_STATES = ("scheduled", "open", "in_progress")


class CaseCounter(models.Model):
    """The last number issued per reference prefix and year (CT-2026-00001, …)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class ConflictOfInterest(models.Model):
    """A regulator's declared conflict with an organisation: never its adjudicator or panellist."""

    regulator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="conflicts")
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "conflicts of interest"
        constraints = [
            models.UniqueConstraint(fields=["regulator", "organization"], name="one_declaration_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.regulator} ↔ {self.organization}"


class Contest(models.Model):
    class State(models.TextChoices):
        FILED = "filed", "Filed"
        UNDER_REVIEW = "under_review", "Under review"
        AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
        DECIDED = "decided", "Decided"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        VARIED = "varied", "Varied"

    reference = models.CharField(max_length=20, unique=True)
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="contests")
    determination = models.ForeignKey(Determination, on_delete=models.PROTECT, related_name="contests")
    applicant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contests")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField()
    requested_tier = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=24, choices=State.choices, default=State.FILED)
    adjudicator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="adjudicated_contests"
    )
    filed_at = models.DateTimeField()
    due_date = models.DateField()
    paused_since = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    resulting_determination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminders_sent = models.JSONField(default=list, blank=True)
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination"], condition=Q(state__in=OPEN_CONTEST_STATES), name="one_open_contest"
            ),
            models.CheckConstraint(condition=Q(requested_tier__gte=1, requested_tier__lte=4), name="contest_tier"),
        ]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CONTEST_STATES


class CaseMessage(models.Model):
    """An information request from the adjudicator or the applicant's response."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Information requested"
        RESPONSE = "response", "Information provided"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.contest}: {self.get_kind_display()}"


class Appeal(models.Model):
    class State(models.TextChoices):
        FILED = "filed", "Filed"
        PANEL_ASSIGNED = "panel_assigned", "Panel assigned"
        HEARING_SCHEDULED = "hearing_scheduled", "Hearing scheduled"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        AFFIRMED = "affirmed", "Affirmed"
        REVERSED = "reversed", "Reversed"

    reference = models.CharField(max_length=20, unique=True)
    contest = models.OneToOneField(Contest, on_delete=models.PROTECT, related_name="appeal")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.FILED)
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="appeal_panels")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_appeals"
    )
    hearing_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField()
    due_date = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    decided_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    resulting_determination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminders_sent = models.JSONField(default=list, blank=True)
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_APPEAL_STATES


class AppealVote(models.Model):
    class Vote(models.TextChoices):
        AFFIRM = "affirm", "Affirm"
        REVERSE = "reverse", "Reverse"

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.TextField()
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "member"], name="one_vote_per_member"),
            models.CheckConstraint(
                condition=(Q(vote="affirm") & Q(tier__isnull=True)) | (Q(vote="reverse") & Q(tier__gte=1, tier__lte=4)),
                name="reversal_names_a_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal}: {self.member} {self.vote}"


class ReReview(models.Model):
    class Trigger(models.TextChoices):
        PERIODIC = "periodic", "Periodic"
        BASELINE_SHIFT = "baseline_shift", "Baseline shift"
        NEW_EVIDENCE = "new_evidence", "New evidence"
        PARENT_TIER_CHANGE = "parent_tier_change", "Parent tier change"
        COMPLIANCE_BREACH = "compliance_breach", "Compliance breach"
        STAGED_RELEASE = "staged_release", "Staged release"
        OWN_MOTION = "own_motion", "Own motion"
        PEER_DIVERGENCE = "peer_divergence", "Peer divergence"

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Outcome(models.TextChoices):
        NO_CHANGE = "no_change", "No change"
        DETERMINATION = "determination", "New determination"

    reference = models.CharField(max_length=20, unique=True)
    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="rereviews")
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    reason = models.TextField(blank=True)
    due_date = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="rereviews"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    determination = models.ForeignKey(Determination, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "re-review"
        constraints = [
            models.UniqueConstraint(
                fields=["model", "trigger"], condition=Q(state__in=OPEN_REREVIEW_STATES), name="one_open_rereview"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self) -> str:
        return self.reference


class ReleaseStage(models.Model):
    """A stage of a staged release on a Tier 3/4 determination: on its date a re-review
    opens; the proposed relaxation still needs a regulator's decision."""

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="release_stages")
    date = models.DateField()
    proposed_tier = models.PositiveSmallIntegerField()
    conditions = models.TextField(blank=True)
    rereview = models.ForeignKey(ReReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"Tier {self.proposed_tier} from {self.date}"


class CaseFile(models.Model):
    """Evidence attached to a contest, an information response or an appeal."""

    contest = models.ForeignKey(Contest, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="cases/%Y/%m/", max_length=255)
    name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contest__isnull=False) | Q(appeal__isnull=False), name="case_file_belongs_to_a_case"
            )
        ]

    def __str__(self) -> str:
        return self.name


NOTE_ACTION = "case.note"  # the audit action of an internal note, recorded on the case itself
NOTE_MAX_LENGTH = 5000


class InternalNote(models.Model):
    """A note by the regulator's staff on a case (contest, appeal, re-review, enforcement case),
    seen by staff only. Append-only: a correction is a new note (on PostgreSQL a trigger refuses
    UPDATE and DELETE). The case is named as audit events name objects (``cases.contest`` and
    its id), so one table serves the cases of both the cases and the compliance apps."""

    case_type = models.CharField(max_length=60)
    case_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "created_at"])]

    def __str__(self) -> str:
        return f"Note #{self.pk} on {self.case_type} {self.case_id}"
