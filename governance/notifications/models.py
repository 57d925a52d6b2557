from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An inbox entry and, through ``email_*``, an outbox row.

    Written in the transaction of the change it reports; a job e-mails it after commit and
    stamps ``email_sent_at``, so a broker outage delays mail but loses none.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=60, help_text="e.g. determination_in_force, contest_filed")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
