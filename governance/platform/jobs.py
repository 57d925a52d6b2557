"""The one way the project starts a background job.

With ``TASKS_EAGER=1`` the job runs inline in the caller, at once (scripts and tests).
Otherwise it is sent to the broker when the surrounding transaction commits, so a worker
never sees a half-written change and a rolled-back change starts nothing.

A domain app starts a job that the layers above it define by the job's name (as Celery's
``send_task`` does), so that it never imports them: the names are here.
"""

from collections.abc import Sequence
from typing import Any

from celery import Task, chain, current_app, group
from django.conf import settings
from django.db import transaction

REVALIDATE_MODEL = "governance.revalidate_model"
REVALIDATE_MODELS = "governance.revalidate_models"
REVALIDATE_ALL = "governance.revalidate_all"
WRITE_REVALIDATION_CHUNK = "governance.write_revalidation_chunk"
SEND_NOTIFICATION_EMAILS = "governance.notifications.tasks.send_notification_emails"
SEND_SIGNUP_CONFIRMATION = "governance.access.tasks.send_signup_confirmation"


def _named(name: str) -> Task:
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # the apps' ``tasks`` modules, as a worker loads them
    return current_app.tasks[name]


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> None:
    if isinstance(task, str):
        task = _named(task)
    if settings.TASKS_EAGER:
        task.apply(args=args, kwargs=kwargs, throw=True)
        return
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))


def enqueue_chains(task: Task | str, chains: Sequence[Sequence[Any]]) -> None:
    """Run ``task`` once per item: the items of one chain one after another (a Celery
    chain: each is sent when the one before has succeeded), the chains side by side (a
    Celery group), for any number of workers to share. Sent after commit, like
    :func:`enqueue`."""
    if isinstance(task, str):
        task = _named(task)
    canvas = group(chain(*(task.si(item) for item in items)) for items in chains if items)
    if settings.TASKS_EAGER:
        canvas.apply(throw=True)
        return
    transaction.on_commit(lambda: canvas.apply_async())
