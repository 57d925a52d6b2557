from celery import shared_task
from django.db import OperationalError

from governance.access.services import expire_due


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def expire_access_grants() -> int:
    """Hourly: Tier 3 grants past their expiry date expire (SPEC 21); repeated until none are left."""
    total = 0
    while expired := expire_due():
        total += expired
    return total
