from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.baselines.services import activate_due_sets
from governance.baselines.services import close_due_consultations as close_consultations_due


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def activate_threshold_sets() -> int | None:
    """Every 5 minutes: put in force a published set whose time has come (row-locked, so
    two schedulers or a retry cannot activate it twice)."""
    activated = activate_due_sets()
    return activated.pk if activated else None


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def close_due_consultations() -> int:
    """Every 15 minutes: close the consultations whose ``closes_at`` has passed (SPEC 22)."""
    return close_consultations_due()
