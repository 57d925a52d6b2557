from typing import Any

from celery import Task, shared_task
from django.db import IntegrityError, OperationalError

from governance.platform.jobs import REVALIDATE_ALL, REVALIDATE_MODEL, REVALIDATE_MODELS, WRITE_REVALIDATION_CHUNK
from governance.workflows.revalidation import chunk_failed, run_revalidation, write_chunk
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
def revalidate_all_task(threshold_set_id: int | None = None) -> int | None:
    """Re-determine every model under the set in force (after a baseline shift): its
    revalidation run, planned here and written by the chunk tasks (or, with
    ``TASKS_EAGER``, written here). Returns the run's id."""
    run = run_revalidation(threshold_set_id)
    return run.pk if run else None


class ChunkTask(Task):
    """A chunk that fails for good (a retry after a lost connection or a deadlock did not
    help) is recorded as failed, with the error, so that its run can say why."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        chunk_failed(args[0], f"{type(exc).__name__}: {exc}")


@shared_task(name=WRITE_REVALIDATION_CHUNK, base=ChunkTask, **RETRIED)
def write_revalidation_chunk(chunk_id: int) -> int:
    """Write one chunk of a revalidation run (whole lineage trees, parents first); a chunk
    written already writes nothing. Returns how many determinations it wrote."""
    return write_chunk(chunk_id)
