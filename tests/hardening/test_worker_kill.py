"""A worker killed mid-job loses nothing: rerunning finishes the work with no duplicates
(SPEC sections 8, 17 and 20).

~300 models with evidence; a threshold set is published that moves many of them up and some
down, with its revalidation job captured instead of run. The revalidation then runs in a
separate process against the same (committed) test database, slowed inside each chunk's
transaction so the SIGKILL lands mid-run, some chunks written and one open. A second run
finishes the work, a third writes nothing, and the result is what one clean run would give.
"""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count, Q

from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.cases.models import ReReview
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.determinations.preview import impact_preview
from governance.evidence import capabilities
from governance.evidence.models import EvaluationResult
from governance.notifications.models import Notification
from governance.platform.jobs import REVALIDATE_ALL
from governance.registry.models import AIModel
from governance.workflows.revalidation import _RUN_LOCK_KEY, revalidate_all
from tests.conftest import DOMAINS, STANDARD_ENTRIES, World

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
MODELS = 300
CHUNK = 20
# Bio stricter (escalations, in force at once), chem more lenient (relaxations, pending).
SHIFTED = [
    dict(e, low="0.1000", high="0.3000", critical="0.6000")
    if e["domain"] == "bio"
    else dict(e, low="0.3000", high="0.7000", critical="0.9000")
    if e["domain"] == "chem"
    else e
    for e in STANDARD_ENTRIES
]
# A worker that is slow inside each chunk's transaction, so the kill finds one open.
SLOW_RUN = f"""
import time, django
django.setup()
from governance.workflows import revalidation
decide = revalidation.decide
def slow(*args, **kwargs):
    written = decide(*args, **kwargs)
    time.sleep(0.15)
    return written
revalidation.decide = slow
revalidation.revalidate_all(chunk_size={CHUNK})
"""


def scores(rng: random.Random) -> dict[str, int]:
    """Evidence (in 1/10000) for one model. Most models are Tier 2 under both sets; about one in
    ten rises to Tier 3 under the shift (bio 0.30-0.45), about one in fifteen falls from
    Tier 3 to Tier 2 (chem 0.50-0.69)."""
    draw = rng.random()
    bio = rng.randint(3000, 4500) if draw < 0.10 else rng.randint(2000, 2900)
    chem = rng.randint(5000, 6900) if 0.10 <= draw < 0.17 else rng.randint(3000, 4900)
    return {slug: rng.randint(0, 900) for slug in DOMAINS} | {"bio": bio, "chem": chem}


def populate(world: World) -> None:
    """MODELS models, each with accepted accredited evidence in every domain (bulk-written)."""
    rng = random.Random(6)
    developers = [world.aurora, world.borealis]
    models = AIModel.objects.bulk_create(
        AIModel(name=f"Load {i:04d}", version="1.0", developer=developers[i % 2], released=i % 3 == 0)
        for i in range(MODELS)
    )
    results = []
    for model in models:
        for slug, value in scores(rng).items():
            score = Decimal(value) / 10000
            results.append(
                EvaluationResult(
                    model=model,
                    benchmark=world.benchmarks[slug],
                    raw_score=score,
                    normalized_score=score,
                    submitted_by_org=world.meridian,
                    submitted_by=world.evaluator,
                    run_date=date(2026, 10, 1),
                    provenance=EvaluationResult.Provenance.ACCREDITED,
                    status=EvaluationResult.Status.ACCEPTED,
                )
            )
    EvaluationResult.objects.bulk_create(results, batch_size=2000)
    capabilities.refresh()  # written past the evidence services: the capability table follows
    revalidate_all(chunk_size=500)  # initial tiers under the set in force
    assert Determination.objects.filter(status="in_force").count() == MODELS


CHILD_APPLICATION = "aperture-test-child"


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",
        "TASKS_EAGER": "1",
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DB_CONN_MAX_AGE": "0",
        # Names the child's database sessions, so the wait below tells them from this
        # process's own (a live server's thread, say), which may sit idle meanwhile.
        "PGAPPNAME": CHILD_APPLICATION,
    }


def wait_for_other_sessions_to_end(timeout: float = 30) -> None:
    """The killed worker's sessions (and its advisory lock) must be gone before the rerun."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT pid, state, left(query, 80) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND application_name = %s",
                [CHILD_APPLICATION],
            )
            sessions = cursor.fetchall()
            cursor.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [_RUN_LOCK_KEY & 0xFFFFFFFF],
            )
            holders = cursor.fetchall()
            if not sessions and not holders:
                return
            assert time.monotonic() < deadline, f"the killed worker lingers: {sessions} {holders}"
            time.sleep(0.05)


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def assert_moved_as_previewed(before: dict[int, int], target: dict[int, int], up: set[int], down: set[int]) -> None:
    """Escalations in force, relaxations pending at the previewed tier, every other model as it was."""
    tiers = dict(AIModel.objects.values_list("id", "current_tier"))
    pending = dict(Determination.objects.filter(status="pending_confirmation").values_list("model_id", "tier"))
    for pk in up:
        assert tiers[pk] == target[pk], f"model {pk} escalation lost"
    for pk in down:
        assert tiers[pk] == before[pk] and pending.get(pk) == target[pk], f"model {pk} relaxation lost"
    for pk in set(before) - up - down:
        assert tiers[pk] == before[pk] and pk not in pending


def counts() -> dict[str, int]:
    return {
        "determinations": Determination.objects.count(),
        "audit": AuditEvent.objects.count(),
        "rereviews": ReReview.objects.count(),
        "notifications": Notification.objects.count(),
        "obligations": Obligation.objects.count(),
    }


def test_killed_revalidation_is_finished_by_a_rerun_without_duplicates(transactional_db, tmp_path, monkeypatch):
    world = World()
    populate(world)

    # Publish the shift; its revalidation job is captured, not run (the worker gets it later).
    queued = []
    monkeypatch.setattr(baselines, "enqueue", lambda task, *args, **kwargs: queued.append((task, args)))
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=SHIFTED)
    preview = impact_preview(draft)  # while the previous set is in force
    shifted = world.publish(draft)
    assert shifted.status == "in_force" and queued == [(REVALIDATE_ALL, (shifted.pk,))]
    assert not Determination.objects.filter(threshold_set=shifted).exists()

    before = dict(AIModel.objects.values_list("id", "current_tier"))
    assert not preview["off_rule"]  # every tier in force is the rule's: the draft's moves are the run's
    target = {change["model"]: change["to_tier"] for change in preview["changes"]}
    up = {pk for pk, tier in target.items() if tier > before[pk]}
    down = {pk for pk, tier in target.items() if tier < before[pk]}
    assert len(up) >= 15 and len(down) >= 10, (len(up), len(down))
    expected_new = len(up) + len(down)

    env = subprocess_env(tmp_path)
    worker = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    written = 0
    try:
        while worker.poll() is None and time.monotonic() < deadline:
            written = Determination.objects.filter(threshold_set=shifted).count()
            if written >= expected_new // 3:
                break
            time.sleep(0.01)
    finally:
        worker.send_signal(signal.SIGKILL)
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL, f"the worker ended on its own first: {stderr.decode()[-2000:]}"
    wait_for_other_sessions_to_end()
    partial = Determination.objects.filter(threshold_set=shifted).count()
    assert 0 < partial < expected_new, (partial, expected_new)

    # The rerun finishes the work.
    out = manage(env, "revalidate", "--chunk-size", str(CHUNK))
    assert f"{MODELS} models in" in out, out

    in_force = Determination.objects.filter(status="in_force")
    per_model = in_force.values("model").annotate(n=Count("id"))
    assert in_force.count() == MODELS and {row["n"] for row in per_model} == {1}
    per_set = Determination.objects.values("model", "threshold_set").annotate(n=Count("id")).filter(n__gt=1)
    assert not per_set.exists(), list(per_set[:5])
    assert Determination.objects.filter(threshold_set=shifted).count() == expected_new

    assert_moved_as_previewed(before, target, up, down)

    open_rereviews = ReReview.objects.filter(state__in=["open", "in_progress"])
    assert not open_rereviews.values("model", "trigger").annotate(n=Count("id")).filter(n__gt=1).exists()
    shift_reviews = ReReview.objects.filter(trigger="baseline_shift")
    assert shift_reviews.count() == len(up | down) == shift_reviews.values("model").distinct().count()
    live = Obligation.objects.filter(~Q(status="retired"))
    assert not live.values("model", "kind").annotate(n=Count("id")).filter(n__gt=1).exists()
    notes = Notification.objects.filter(object_type="determinations.determination")
    assert not notes.values("recipient", "object_id", "event").annotate(n=Count("id")).filter(n__gt=1).exists()
    created = AuditEvent.objects.filter(
        action="determination.created",
        object_id__in=[
            str(pk) for pk in Determination.objects.filter(threshold_set=shifted).values_list("pk", flat=True)
        ],
    )
    assert created.count() == expected_new == created.values("object_id").distinct().count()
    report = verify_chain()
    assert report.ok, report

    # A third run finds nothing to do and writes nothing.
    settled = counts()
    out = manage(env, "revalidate", "--chunk-size", str(CHUNK))
    assert "Wrote 0 initial, 0 escalations, 0 relaxations" in out, out
    assert counts() == settled
    assert verify_chain().ok
