"""A revalidation run shared by workers (SPEC section 19): its plan goes to the broker as it
is made, so a second worker writes while the first still sweeps; a planning that dies is
taken up where its recorded chunks end, and no model is planned or written twice."""

import pytest

from governance.baselines.selectors import threshold_set_in_force
from governance.determinations import runs
from governance.determinations.models import RevalidationChunk, RevalidationRun
from governance.platform.models import QueuedJob
from governance.registry.models import AIModel
from governance.workflows.revalidation import plan_run, resume_run, write_chunk
from governance.workflows.tier_changes import revalidate_model
from tests.bulk.test_revalidate_all import STRICTER, population, put_in_force, snapshot


@pytest.fixture
def shifted(world, settings):
    """A population (a third derivatives) and a stricter set in force, its run queued for
    workers (``TASKS_EAGER`` off: chunks go to the outbox)."""
    population(world, n=36, seed=5)
    put_in_force(world, STRICTER)
    settings.TASKS_EAGER = False
    settings.REVALIDATION_MIN_CHUNK = 1
    return runs.open_run(threshold_set_in_force())


def planned_ids(run: RevalidationRun) -> list[int]:
    return [pk for ids in run.chunks.values_list("model_ids", flat=True) for pk in ids]


def write_every_chunk(run: RevalidationRun) -> None:
    for chunk_id in run.chunks.order_by("chain", "position").values_list("id", flat=True):
        write_chunk(chunk_id)


def test_chunks_of_lone_models_are_sent_before_the_plan_is_complete(world, shifted, monkeypatch):
    sent_before: list[int] = []
    complete = runs.planned

    def planned(run, *, total):
        sent_before.append(QueuedJob.objects.count())
        complete(run, total=total)

    monkeypatch.setattr(runs, "planned", planned)
    plan_run(shifted, chunk_size=2)
    run = RevalidationRun.objects.get(pk=shifted.pk)
    assert sent_before[0] > 0  # chains were in the outbox while the sweep went on
    assert QueuedJob.objects.count() == len(runs.pending_chains(run))  # each chain sent once
    ids = planned_ids(run)
    assert ids and len(ids) == len(set(ids))
    assert run.planned_at is not None and run.models_total == AIModel.objects.count()
    assert run.models_done == run.models_total - len(ids)
    # Lone models' chunks hold no derivative and no parent; every tree's parents come first.
    lineage = dict(AIModel.objects.values_list("id", "parent_id"))
    for chunk in run.chunks.all():
        seen: set[int] = set()
        for pk in chunk.model_ids:
            assert lineage[pk] is None or lineage[pk] in seen or lineage[pk] not in chunk.model_ids
            seen.add(pk)
    write_every_chunk(run)
    run.refresh_from_db()
    assert run.state == RevalidationRun.State.SUCCEEDED and run.models_done == run.models_total
    after = snapshot()
    for model in AIModel.objects.order_by("pk"):  # the per-model pipeline finds nothing left
        assert revalidate_model(model_id=model.pk) is None, model
    assert snapshot() == after


def test_a_chunk_written_while_the_run_plans_does_not_finish_it(world, shifted, monkeypatch):
    complete = runs.planned

    def planned(run, *, total):
        write_every_chunk(run)  # a second worker keeps up with everything recorded so far
        unfinished = RevalidationRun.objects.get(pk=run.pk)
        assert unfinished.state == RevalidationRun.State.RUNNING and unfinished.changes > 0
        complete(run, total=total)

    monkeypatch.setattr(runs, "planned", planned)
    plan_run(shifted, chunk_size=2)
    run = RevalidationRun.objects.get(pk=shifted.pk)
    assert run.state == RevalidationRun.State.SUCCEEDED  # finished by the planning's last step
    assert run.models_done == run.models_total == AIModel.objects.count()


def test_a_planning_that_died_is_resumed_where_its_chunks_end(world, shifted, monkeypatch):
    def died(run, *, total):
        raise OSError("worker lost")

    monkeypatch.setattr(runs, "planned", died)
    with pytest.raises(OSError):
        plan_run(shifted, chunk_size=2)
    run = RevalidationRun.objects.get(pk=shifted.pk)
    assert run.state == RevalidationRun.State.FAILED and "worker lost" in run.failure
    first = planned_ids(run)
    assert first and run.planned_at is None  # some lone models' chunks were recorded and sent
    write_every_chunk(run)  # what was sent is written (the run failed: it writes nothing)
    monkeypatch.undo()
    resume_run(run=run, by=world.regulator)
    run.refresh_from_db()
    ids = planned_ids(run)
    assert ids[: len(first)] == first and len(ids) == len(set(ids))
    write_every_chunk(run)
    run.refresh_from_db()
    assert run.state == RevalidationRun.State.SUCCEEDED
    for model in AIModel.objects.order_by("pk"):
        assert revalidate_model(model_id=model.pk) is None, model
    assert RevalidationChunk.objects.filter(run=run, state="pending").count() == 0
