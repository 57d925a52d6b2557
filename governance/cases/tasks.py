from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.cases import services


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def case_deadline_sweep() -> int:
    """Hourly: reminders 7 and 1 days before contests and appeals are due; overdue flags."""
    return services.case_deadline_sweep()


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def open_due_rereviews() -> int:
    """Hourly: periodic and staged-release re-reviews whose date has come."""
    return services.open_due_rereviews()
