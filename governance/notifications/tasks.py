from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from governance.notifications.models import Notification
from governance.platform.jobs import SEND_NOTIFICATION_EMAILS


@shared_task(
    name=SEND_NOTIFICATION_EMAILS,
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail each notification not yet sent; safe to run twice (rows are locked and stamped)."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            note = (
                # Lock the notification only: locking its recipient too would make every
                # insert that names that user (an audit event, another notification) wait.
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=pk, email_sent_at__isnull=True)
                .first()
            )
            if note is None:
                continue
            Notification.objects.filter(pk=pk).update(email_attempts=F("email_attempts") + 1)
            if note.recipient.email:
                body = note.body
                if note.link:
                    body = f"{body}\n\n{settings.SITE_URL}{note.link}"
                send_mail(f"[Aperture] {note.subject}", body, None, [note.recipient.email])
            Notification.objects.filter(pk=pk).update(email_sent_at=timezone.now())
            sent += 1
    return sent


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    """Every 15 minutes: e-mail notifications whose send job was lost (e.g. broker outage)."""
    from datetime import timedelta

    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        Notification.objects.filter(email_sent_at__isnull=True, created_at__lt=stale, email_attempts__lt=8)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
    return send_notification_emails(ids) if ids else 0
