"""A real Celery worker killed in the middle of a revalidation run (SPEC sections 17, 19 and
20): the chunk it was writing rolls back, its message (acknowledged late) goes back to the
queue, a new worker finishes the run, and nothing is lost or written twice — determinations,
obligations, re-reviews, notifications and their audit events.

300 models; a threshold set is published that moves many of them up and some down. Its run
is planned by a worker that is slow inside each chunk's transaction, so the SIGKILL lands with
some chunks written and one open."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db.models import Count, Q

from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.cases.models import ReReview
from governance.celery import app
from governance.compliance.models import Obligation
from governance.determinations.models import Determination, RevalidationChunk, RevalidationRun
from governance.determinations.preview import impact_preview
from governance.notifications.models import Notification
from governance.registry.models import AIModel
from tests.conftest import World
from tests.hardening.test_worker_kill import (
    CHILD_APPLICATION,
    MODELS,
    SHIFTED,
    assert_moved_as_previewed,
    populate,
    wait_for_other_sessions_to_end,
)
from tests.jobs.test_worker_integration import ROOT, database_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHUNK = 8
# A worker that is slow inside each chunk's transaction, so the kill finds one open.
WORKER = """
import sys, time, django
django.setup()
from governance.workflows import revalidation
decide = revalidation.decide
def slow(*args, **kwargs):
    written = decide(*args, **kwargs)
    time.sleep(float(sys.argv[2]))
    return written
revalidation.decide = slow
from governance.celery import app
app.worker_main(["worker", "--pool=solo", "-Q", sys.argv[1], "--without-mingle", "--without-gossip",
                 "--loglevel=WARNING"])
"""


def start_worker(queue: str, *, pause: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",
        "DATABASE_URL": database_url(),
        "TASKS_EAGER": "0",
        "CELERY_QUEUE": queue,
        "REVALIDATION_CHUNK_SIZE": str(CHUNK),
        "BROKER_VISIBILITY_TIMEOUT": "3",  # the killed worker's message comes back soon
        "DB_CONN_MAX_AGE": "0",
        "PGAPPNAME": CHILD_APPLICATION,
    }
    return subprocess.Popen([sys.executable, "-c", WORKER, queue, str(pause)], cwd=ROOT, env=env)


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.fixture
def queue(settings):
    name = f"aperture-kill-{uuid.uuid4().hex[:8]}"
    settings.TASKS_EAGER = False
    previous = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    yield name
    app.conf.task_always_eager, app.conf.task_default_queue = previous


def test_a_run_survives_a_killed_worker_without_losing_or_repeating_anything(settings, queue):
    settings.TASKS_EAGER = True
    world = World()
    populate(world)
    settings.TASKS_EAGER = False
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=SHIFTED)
    preview = impact_preview(draft)
    before = dict(AIModel.objects.values_list("id", "current_tier"))
    target = {change["model"]: change["to_tier"] for change in preview["changes"]}
    up = {pk for pk, tier in target.items() if tier > before[pk]}
    down = {pk for pk, tier in target.items() if tier < before[pk]}
    assert len(up) >= 15 and len(down) >= 10 and not preview["off_rule"]

    first = start_worker(queue, pause=0.4)
    replacement = None
    try:
        shifted = world.publish(draft)  # the run's first task crosses the broker on commit
        done = RevalidationChunk.objects.filter(run__threshold_set=shifted, state="done")
        wait_for(lambda: done.count() >= 2, "the first worker wrote no chunk")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert first.returncode == -signal.SIGKILL
        wait_for_other_sessions_to_end()
        run = RevalidationRun.objects.get(threshold_set=shifted)
        chunks = RevalidationChunk.objects.filter(run=run)
        assert run.state == "running" and 2 <= done.count() < chunks.count(), (done.count(), chunks.count())
        partial = Determination.objects.filter(threshold_set=shifted).count()
        assert 0 < partial < len(up | down)

        replacement = start_worker(queue, pause=0)
        wait_for(lambda: RevalidationRun.objects.get(pk=run.pk).state != "running", "the run did not finish")
    finally:
        for worker in (first, replacement):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)

    run.refresh_from_db()
    assert (run.state, run.models_total, run.models_done, run.errors) == ("succeeded", MODELS, MODELS, 0), run.failure
    assert not chunks.exclude(state="done").exists()
    new = Determination.objects.filter(threshold_set=shifted)
    assert new.count() == run.changes == len(up | down)
    assert not new.values("model").annotate(n=Count("id")).filter(n__gt=1).exists()
    in_force = Determination.objects.filter(status="in_force")
    assert in_force.count() == MODELS == in_force.values("model").distinct().count()

    assert_moved_as_previewed(before, target, up, down)
    tiers = dict(AIModel.objects.values_list("id", "current_tier"))

    # Re-reviews: one per changed model, none twice.
    shift_reviews = ReReview.objects.filter(trigger="baseline_shift")
    assert shift_reviews.count() == len(up | down) == shift_reviews.values("model").distinct().count()
    # Obligations: every model now at Tier 3 or 4 has its obligations, once each.
    live = Obligation.objects.filter(~Q(status="retired"))
    assert not live.values("model", "kind").annotate(n=Count("id")).filter(n__gt=1).exists()
    high = {pk for pk, tier in tiers.items() if tier >= 3}
    assert set(live.filter(kind="institutional_verification").values_list("model_id", flat=True)) == high
    # Notifications: every new determination notified, no one twice.
    new_ids = [str(d.pk) for d in new]
    notes = Notification.objects.filter(object_type="determinations.determination", object_id__in=new_ids)
    assert {int(pk) for pk in notes.values_list("object_id", flat=True)} == {d.pk for d in new}
    assert not notes.values("recipient", "object_id", "event").annotate(n=Count("id")).filter(n__gt=1).exists()
    # Audit: each new determination created once; the chain intact.
    created = AuditEvent.objects.filter(action="determination.created", object_id__in=new_ids)
    assert created.count() == len(up | down) == created.values("object_id").distinct().count()
    assert AuditEvent.objects.filter(action="revalidation_run.succeeded", object_id=str(run.pk)).count() == 1
    assert verify_chain().ok
