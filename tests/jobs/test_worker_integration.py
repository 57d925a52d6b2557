"""A real Celery worker on Redis finishes the revalidation a threshold set publication
enqueues: the job crosses the broker only after the publishing transaction commits."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.celery import app
from governance.determinations.models import Determination
from governance.registry.models import AIModel
from tests.conftest import STANDARD_ENTRIES

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def population(world):
    """Five Tier 2 models, determined inline before the worker starts."""
    models = [world.register(f"Model {i}") for i in range(5)]
    for model in models:
        world.evidence(model, "bio", "0.4000")
    assert set(AIModel.objects.values_list("current_tier", flat=True)) == {2}
    return models


@pytest.fixture
def worker_queue(settings, population):
    """A worker subprocess consuming a queue of its own, against this test's database."""
    queue = f"aperture-test-{uuid.uuid4().hex[:8]}"
    settings.TASKS_EAGER = False
    previous = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",
        "DATABASE_URL": database_url(),
        "TASKS_EAGER": "0",
        "CELERY_QUEUE": queue,  # where the worker sends the chunks of a run
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "governance",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        app.conf.task_always_eager, app.conf.task_default_queue = previous


def test_worker_revalidates_every_model_after_a_baseline_shift(world, population, worker_queue):
    assert app.conf.task_always_eager is False
    shifted = [dict(e, high="0.3500") if e["domain"] == "bio" else e for e in STANDARD_ENTRIES]
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=shifted)
    world.publish(draft)

    ids = [m.pk for m in population]
    deadline = time.monotonic() + 60
    while AIModel.objects.filter(pk__in=ids, current_tier=3).count() < len(ids):
        assert time.monotonic() < deadline, "the worker did not finish the revalidation"
        time.sleep(0.2)
    for model in population:
        in_force = Determination.objects.get(model=model, status="in_force")
        assert in_force.tier == 3 and in_force.kind == "revalidation"
        assert in_force.threshold_set.version == "2027.1"
        assert model.rereviews.filter(trigger="baseline_shift").count() == 1
    assert verify_chain().ok
