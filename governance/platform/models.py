"""The job outbox: one row per background job, written in the transaction that caused it."""

from django.db import models
from django.utils import timezone


class QueuedJob(models.Model):
    """A job to send to the broker. ``governance.platform.jobs`` writes it with the change and
    sends it after commit; a periodic sweep sends what a broker failure left unsent, so an
    outage delays jobs but loses none. A row is stamped ``sent_at`` once, under its row lock."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    chain = models.JSONField(
        null=True,
        blank=True,
        help_text="Items to run the job on one after another (a Celery chain), instead of args/kwargs.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="queuedjob_unsent"),
            models.Index(fields=["sent_at"], name="queuedjob_sent_at"),
        ]

    def __str__(self) -> str:
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M:%S}" if self.sent_at else f"unsent, {self.attempts} attempts"
        return f"{self.name} #{self.pk} ({state})"
