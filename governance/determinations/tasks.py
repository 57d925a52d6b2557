from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.determinations.services import revalidate_model


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def revalidate_model_task(model_id: int) -> int | None:
    """Re-determine one model (after evidence is accepted or withdrawn, or a parent rises)."""
    determination = revalidate_model(model_id=model_id)
    return determination.pk if determination else None


@shared_task(acks_late=True, autoretry_for=(OperationalError, IntegrityError), retry_backoff=True, max_retries=5)
def revalidate_all_task(threshold_set_id: int | None = None) -> int:
    """Re-determine every model under the set in force (after a baseline shift)."""
    from governance.determinations.bulk import revalidate_all

    return revalidate_all().written
