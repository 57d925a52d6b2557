from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.compliance.services import compliance_sweep as sweep


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def compliance_sweep() -> dict[str, int]:
    """Hourly: reminders, overdue marking and enforcement escalation (SPEC section 9)."""
    return sweep()
