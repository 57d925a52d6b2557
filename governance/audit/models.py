from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a change (SPEC section 12).

    ``hash = sha256(previous hash + canonical JSON of the event)``; ``seq`` numbers the
    chain without gaps, so a deleted event breaks verification as surely as an edited one.
    On PostgreSQL a trigger refuses UPDATE and DELETE on this table.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    timestamp = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text="Username, or 'system' for jobs.")
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    organization_id = models.BigIntegerField(
        null=True, blank=True, help_text="The developer organisation the object belongs to, if any."
    )
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organization_id", "seq"]),
        ]
        # No index on ``hash``: nothing looks an event up by it, ``seq`` is unique, and
        # verification recomputes every link. A unique index of random 64-character keys
        # cost every append a random page (0.3 s of a 4 s revalidation at 100k models).

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
