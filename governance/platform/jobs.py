"""The one way the project starts a background job.

With ``TASKS_EAGER=1`` the job runs inline in the caller, at once (scripts and tests).
Otherwise it is sent to the broker when the surrounding transaction commits, so a worker
never sees a half-written change and a rolled-back change starts nothing.
"""

from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    if settings.TASKS_EAGER:
        task.apply(args=args, kwargs=kwargs, throw=True)
        return
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
