from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.registry.services import expire_accreditations


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def expire_accreditations_task() -> int:
    """Daily: accreditations whose validity has ended become ``expired`` (SPEC section 22)."""
    return expire_accreditations()
