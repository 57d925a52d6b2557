from celery import shared_task
from django.db import IntegrityError, OperationalError

from governance.platform.jobs import REVALIDATE_ALL, REVALIDATE_MODEL, REVALIDATE_MODELS
from governance.workflows.revalidation import revalidate_all
from governance.workflows.tier_changes import Cause, revalidate_model, revalidate_models

RETRIED = {
    "acks_late": True,
    "autoretry_for": (OperationalError, IntegrityError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name=REVALIDATE_MODEL, **RETRIED)
def revalidate_model_task(model_id: int, cause: str = Cause.NEW_EVIDENCE) -> int | None:
    """Re-determine one model (registered, evidence accepted or withdrawn, a parent's tier changed)."""
    determination = revalidate_model(model_id=model_id, cause=Cause(cause))
    return determination.pk if determination else None


@shared_task(name=REVALIDATE_MODELS, **RETRIED)
def revalidate_models_task(model_ids: list[int], cause: str = Cause.NEW_EVIDENCE) -> int:
    """Re-determine the models whose evidence changed together (a benchmark's scale or
    standing, an evaluator's accreditation), chunk by chunk; returns how many changed."""
    return revalidate_models(model_ids=model_ids, cause=Cause(cause))


@shared_task(name=REVALIDATE_ALL, **RETRIED)
def revalidate_all_task(threshold_set_id: int | None = None) -> int:
    """Re-determine every model under the set in force (after a baseline shift)."""
    return revalidate_all().written
