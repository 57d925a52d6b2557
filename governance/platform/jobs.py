"""The one way the project starts a background job.

With ``TASKS_EAGER=1`` the job runs inline in the caller, at once (scripts and tests).
Otherwise the job is written to the outbox (``QueuedJob``) in the caller's transaction and
sent to the broker when that transaction commits, so a worker never sees a half-written
change, a rolled-back change starts nothing, and a broker that cannot be reached loses
nothing: the caller is answered as usual and the sweep (``send_queued_jobs``, every minute)
sends the job once the broker is back.

A domain app starts a job that the layers above it define by the job's name (as Celery's
``send_task`` does), so that it never imports them: the names are here.
"""

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import Task, chain, current_app, group
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from governance.platform.models import QueuedJob

logger = logging.getLogger(__name__)

REVALIDATE_MODEL = "governance.revalidate_model"
REVALIDATE_MODELS = "governance.revalidate_models"
REVALIDATE_ALL = "governance.revalidate_all"
WRITE_REVALIDATION_CHUNK = "governance.write_revalidation_chunk"
SEND_NOTIFICATION_EMAILS = "governance.notifications.tasks.send_notification_emails"
SEND_SIGNUP_CONFIRMATION = "governance.access.tasks.send_signup_confirmation"
SEND_QUEUED_JOBS = "governance.platform.tasks.send_queued_jobs"

# Sent rows are kept this long (to read what was sent when), then the sweep deletes them.
KEEP_SENT = timedelta(days=7)


_importing = threading.Lock()


def _named(name: str) -> Task:
    """The task itself, to run inline. The apps' ``tasks`` modules are imported as a worker
    imports them, once, under a lock: two of the revalidation's lanes importing them at once
    were seen to find no task by the name and leave their jobs for the sweep."""
    if name not in current_app.tasks:
        with _importing:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> None:
    name = task if isinstance(task, str) else task.name
    if settings.TASKS_EAGER:
        _named(name).apply(args=args, kwargs=kwargs, throw=True)
        return
    job = QueuedJob.objects.create(name=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send(job.pk))


def send(job_id: int) -> bool:
    """Send one queued job to the broker unless it was sent already; True when this call sent it.

    The row stays locked while the broker is asked, so the after-commit send and the sweep
    never both send it. Any failure to reach the broker is written on the row and left for the
    sweep: it is never the caller's error (their change is committed)."""
    with transaction.atomic():
        job = QueuedJob.objects.select_for_update(skip_locked=True).filter(pk=job_id, sent_at__isnull=True).first()
        if job is None:
            return False
        try:
            # One try: the sweep is the retry. The task id names the row, so a worker's log
            # shows which row each message came from. Sent by name: the sender needs no task
            # module imported (the worker has them).
            if job.chain is None:
                current_app.send_task(job.name, args=job.args, kwargs=job.kwargs, task_id=f"job-{job.pk}", retry=False)
            else:
                signatures = (current_app.signature(job.name, args=(item,), immutable=True) for item in job.chain)
                chain(*signatures).apply_async(retry=False)
        except Exception as exc:  # whatever the broker or its client raised
            logger.warning("Job %s (#%s) not sent, left for the sweep: %s", job.name, job.pk, exc)
            QueuedJob.objects.filter(pk=job.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            return False
        QueuedJob.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="")
    return True


def send_queued(*, limit: int = 1000) -> int:
    """Send the unsent jobs, oldest first (the sweep); forget sent rows older than ``KEEP_SENT``."""
    QueuedJob.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    unsent = QueuedJob.objects.filter(sent_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit]
    return sum(send(job_id) for job_id in list(unsent))


def enqueue_chains(task: Task | str, chains: Sequence[Sequence[Any]]) -> None:
    """Run ``task`` once per item: the items of one chain one after another (a Celery
    chain: each is sent when the one before has succeeded), the chains side by side for any
    number of workers to share. Each chain is an outbox row, sent after commit like
    :func:`enqueue`."""
    name = task if isinstance(task, str) else task.name
    if settings.TASKS_EAGER:
        group(chain(*(_named(name).si(item) for item in items)) for items in chains if items).apply(throw=True)
        return
    jobs = QueuedJob.objects.bulk_create(QueuedJob(name=name, chain=list(items)) for items in chains if items)
    transaction.on_commit(lambda: [send(job.pk) for job in jobs])
