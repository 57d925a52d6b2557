"""The job outbox (issue 17 item 18, SPEC 17 and 20): a job is a row written with the change
that caused it; a broker that cannot be reached after commit loses no job and is not the
caller's error, and the sweep sends the job once the broker is back, exactly once."""

import pytest
from django.db import transaction

from governance.celery import app
from governance.platform.jobs import REVALIDATE_MODEL, enqueue, send_queued
from governance.platform.models import QueuedJob
from governance.registry.models import AIModel

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
QUEUE = "aperture-outbox-test"


@pytest.fixture
def broker(settings):
    """Jobs through the outbox (not inline), to a broker the test switches: ``broker(url)``."""
    settings.TASKS_EAGER = False
    saved = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE

    def switch(url: str) -> None:
        app.conf.broker_url = url
        app.conf.broker_transport_options = {"max_retries": 1, "interval_start": 0, "socket_connect_timeout": 1}
        app.amqp._producer_pool = None  # the next send connects to ``url``
        app._pool = None

    yield switch
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue = saved
    app.conf.task_always_eager = True
    app.amqp._producer_pool = None
    app._pool = None


def messages_on_the_queue() -> list[dict]:
    found = []
    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(QUEUE)
        while queue.qsize():
            message = queue.get(timeout=1)
            found.append(message.headers)
            message.ack()
        queue.close()
    return found


def test_a_broker_failure_after_commit_loses_no_job_and_is_not_the_callers_error(world, api, broker):
    broker(UNREACHABLE)
    response = api(world.dev_aurora).post(
        "/api/v1/models/", {"name": "Aster", "version": "1.0", "developer": world.aurora.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    model = AIModel.objects.get(name="Aster")
    job = QueuedJob.objects.get()
    assert (job.name, job.args, job.kwargs) == (REVALIDATE_MODEL, [model.pk], {"cause": "registration"})
    assert job.sent_at is None and job.attempts == 1
    assert "connect" in job.last_error.lower()

    assert send_queued() == 0  # still down: the sweep leaves it for later
    job.refresh_from_db()
    assert job.sent_at is None and job.attempts == 2

    broker("memory://")
    assert send_queued() == 1
    job.refresh_from_db()
    assert job.sent_at is not None and job.attempts == 3 and job.last_error == ""
    assert send_queued() == 0  # sent once: the next sweep has nothing to send
    sent = messages_on_the_queue()
    assert [(m["task"], m["id"]) for m in sent] == [(REVALIDATE_MODEL, f"job-{job.pk}")]


def test_a_job_is_sent_once_after_commit_and_a_rolled_back_change_queues_nothing(world, broker):
    broker("memory://")
    with transaction.atomic():
        enqueue(REVALIDATE_MODEL, 1, cause="new_evidence")
        assert QueuedJob.objects.get().sent_at is None  # not before commit
    assert QueuedJob.objects.get().sent_at is not None
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(REVALIDATE_MODEL, 2, cause="new_evidence")
        raise RuntimeError("the change fails")
    assert QueuedJob.objects.count() == 1
    assert send_queued() == 0
    assert [m["id"] for m in messages_on_the_queue()] == [f"job-{QueuedJob.objects.get().pk}"]


def test_a_job_queued_from_another_thread_is_sent(world, broker):
    """The revalidation writes in lane threads, whose jobs (the notices' e-mails) are sent
    after each lane's commit, by name: no task module need be imported in that thread."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    broker("memory://")

    def queue_one() -> None:
        try:
            with transaction.atomic():
                enqueue(REVALIDATE_MODEL, 3, cause="new_evidence")
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(queue_one).result()
    job = QueuedJob.objects.get()
    assert job.sent_at is not None and job.last_error == ""
    assert [m["id"] for m in messages_on_the_queue()] == [f"job-{job.pk}"]
