"""Revalidation runs (SPEC section 19, "Scale beyond one machine"): a run is recorded with its
threshold set, state, models done / total, changes and errors; its chunks of whole lineage
trees are written by any worker, each once; a failed run says why and can be resumed.

The workers are stood in for here by calling the chunk task's function in the chain order
Celery would (tests/jobs/test_worker_kill_run.py runs real workers, and kills one)."""

from collections import Counter

import pytest
from django.db import IntegrityError, transaction

from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.determinations import runs
from governance.determinations.models import Determination, RevalidationChunk, RevalidationRun
from governance.determinations.tasks import write_revalidation_chunk
from governance.registry.models import AIModel
from governance.workflows import revalidation
from governance.workflows.revalidation import revalidate_all, run_revalidation, write_chunk
from tests.bulk.test_revalidate_all import STRICTER, population, put_in_force
from tests.workflows.test_effects import decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_workers(settings, monkeypatch):
    """Jobs for the broker: the chains a run sends are kept here instead."""
    settings.TASKS_EAGER = False
    settings.REVALIDATION_CHUNK_SIZE = 3
    sent: list[list[list[int]]] = []
    monkeypatch.setattr(revalidation, "enqueue_chains", lambda name, chains: sent.append([list(c) for c in chains]))
    return sent


def sent_so_far(sent: list[list[list[int]]]) -> list[list[int]]:
    """Every chain sent so far (a run sends chunks of lone models while it plans), taken
    off the broker."""
    chains = [chain for chains in sent for chain in chains]
    sent.clear()
    return chains


def work_through(sent: list[list[list[int]]]) -> int:
    """Write every chain sent so far, each chain's chunks in order, as workers would."""
    written = 0
    while sent:
        for chain in sent.pop(0):
            for chunk_id in chain:
                written += write_chunk(chunk_id)
    return written


def chain_of_a_large_tree(world) -> list[AIModel]:
    """A root with five derivatives (two deep): one lineage tree larger than a chunk."""
    root = world.register("Root")
    world.evidence(root, "bio", "0.4000")
    family = [root]
    for i in range(5):
        child = world.register(f"Child {i}", parent=family[i // 2], derivation="fine_tune")
        world.evidence(child, "chem", "0.2000")
        family.append(child)
    return family


def test_publishing_in_eager_mode_records_a_succeeded_run(world):
    models = population(world, n=12, seed=5)
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=STRICTER)
    shifted = world.publish(draft)
    run = RevalidationRun.objects.get(threshold_set=shifted)
    changed = Determination.objects.filter(threshold_set=shifted).count()
    assert changed
    assert (run.state, run.models_total, run.models_done, run.changes, run.errors) == (
        "succeeded",
        len(models),
        len(models),
        changed,
        0,
    )
    assert run.started_at and run.finished_at and run.failure == ""
    actions = list(
        AuditEvent.objects.filter(object_type="determinations.revalidationrun", object_id=str(run.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["revalidation_run.queued", "revalidation_run.running", "revalidation_run.succeeded"]


def test_workers_write_whole_trees_parents_first_with_the_effects_of_one_process(world, on_workers):
    family = chain_of_a_large_tree(world)
    population(world, n=9, seed=2)
    shifted = put_in_force(world, STRICTER)

    def on_chunks():
        run = run_revalidation(shifted.pk)
        assert run is not None and run.state == "running"
        # The tree of six models is one chain of two chunks, its parents in the first.
        chains = sent_so_far(on_workers)
        on_workers.append(chains)
        chunks = {c.pk: c for c in RevalidationChunk.objects.filter(run=run)}
        family_ids = {m.pk for m in family}
        family_chains = [chain for chain in chains if family_ids & set(chunks[chain[0]].model_ids)]
        assert len(family_chains) == 1 and len(family_chains[0]) == 2
        first, second = (chunks[pk].model_ids for pk in family_chains[0])
        assert family[0].pk in first and {family[1].pk, family[2].pk} <= set(first)
        assert set(second) <= family_ids
        work_through(on_workers)

    one_process = decided(revalidate_all)
    workers = decided(on_chunks)
    for key in one_process:
        if key != "audit":
            assert one_process[key] == workers[key], key
    run_events = Counter({k: v for k, v in workers["audit"].items() if k[1] == "determinations.revalidationrun"})
    assert workers["audit"] - run_events == one_process["audit"]
    assert run_events == Counter(
        {
            ("revalidation_run.queued", "determinations.revalidationrun"): 1,
            ("revalidation_run.running", "determinations.revalidationrun"): 1,
            ("revalidation_run.succeeded", "determinations.revalidationrun"): 1,
        }
    )


def test_a_chunk_delivered_twice_writes_nothing_the_second_time(world, on_workers):
    population(world, n=12, seed=5)
    shifted = put_in_force(world, STRICTER)
    run = run_revalidation(shifted.pk)
    on_workers.append(chains := sent_so_far(on_workers))
    chunk_ids = [pk for chain in chains for pk in chain]
    first = write_chunk(chunk_ids[0])
    before = (Determination.objects.count(), AuditEvent.objects.count())
    assert write_chunk(chunk_ids[0]) == 0
    assert (Determination.objects.count(), AuditEvent.objects.count()) == before
    run.refresh_from_db()
    assert run.state == "running" and run.changes == first
    work_through(on_workers)
    # The task itself, delivered once more after the run finished: nothing.
    assert write_revalidation_chunk.apply(args=[chunk_ids[-1]]).get() == 0
    run.refresh_from_db()
    assert run.state == "succeeded" and run.models_done == run.models_total == 12
    assert run.changes == Determination.objects.filter(threshold_set=shifted).count()
    assert verify_chain().ok


def test_one_open_run_per_threshold_set(world, on_workers):
    population(world, n=6, seed=5)
    shifted = put_in_force(world, STRICTER)
    first = run_revalidation(shifted.pk)
    chains = sent_so_far(on_workers)
    again = run_revalidation(shifted.pk)  # a second activation, or the task delivered twice
    assert first.pk == again.pk
    assert RevalidationRun.objects.filter(threshold_set=shifted).count() == 1
    assert RevalidationChunk.objects.filter(run=first).count() == len([c for ch in chains for c in ch])
    with pytest.raises(IntegrityError), transaction.atomic():
        RevalidationRun.objects.create(threshold_set=shifted, state="queued")
    work_through(on_workers)
    assert run_revalidation(shifted.pk).pk == first.pk  # finished: the activation's run stands


def test_a_failed_chunk_fails_the_run_with_its_reason_and_a_resume_finishes_it(world, on_workers, api, monkeypatch):
    population(world, n=12, seed=5)
    shifted = put_in_force(world, STRICTER)
    run = run_revalidation(shifted.pk)
    chains = sent_so_far(on_workers)
    decide = revalidation.decide

    def broken(*args, **kwargs):
        raise RuntimeError("the evidence table is unreadable")

    monkeypatch.setattr(revalidation, "decide", broken)
    result = write_revalidation_chunk.apply(args=[chains[0][0]], throw=False)
    assert result.failed()
    monkeypatch.setattr(revalidation, "decide", decide)
    for chain in chains[1:]:
        for pk in chain:
            write_chunk(pk)
    run.refresh_from_db()
    failed_size = RevalidationChunk.objects.get(pk=chains[0][0]).size
    assert run.state == "failed" and run.errors == failed_size
    assert "the evidence table is unreadable" in run.failure and f"{failed_size} of 12 models" in run.failure
    assert run.models_done == 12 - failed_size

    assert api(world.dev_aurora).post(f"/api/v1/revalidation-runs/{run.pk}/resume/").status_code == 403
    assert api(world.auditor).post(f"/api/v1/revalidation-runs/{run.pk}/resume/").status_code == 403
    response = api(world.regulator).post(f"/api/v1/revalidation-runs/{run.pk}/resume/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "running" and response.json()["failure"] == ""
    assert on_workers == [[[chains[0][0]]]]  # only what was not written is sent again
    work_through(on_workers)
    run.refresh_from_db()
    assert (run.state, run.models_done, run.errors) == ("succeeded", 12, 0)
    assert run.changes == Determination.objects.filter(threshold_set=shifted).count()
    again = api(world.regulator).post(f"/api/v1/revalidation-runs/{run.pk}/resume/")
    assert again.status_code == 409 and "succeeded" in again.json()["detail"]
    assert AuditEvent.objects.filter(action="revalidation_run.resumed", actor=world.regulator).count() == 1


def test_runs_are_listed_for_oversight_roles_only(world, api, django_assert_max_num_queries):
    for version in ("2027.1", "2027.2", "2027.3"):
        world.publish(baselines.create_draft(by=world.board, version=version, entries=STRICTER))
    with django_assert_max_num_queries(6):
        body = api(world.regulator).get("/api/v1/revalidation-runs/?page_size=50").json()
    assert body["count"] == 4  # the world's first set, and three more
    latest = body["results"][0]
    assert latest["threshold_set_version"] == "2027.3" and latest["state"] == "succeeded"
    fields = "id threshold_set threshold_set_version state models_done models_total changes errors failure"
    assert set(latest) == {*fields.split(), "queued_at", "started_at", "finished_at"}
    assert api(world.auditor).get(f"/api/v1/revalidation-runs/{latest['id']}/").json()["id"] == latest["id"]
    assert api(world.board).get("/api/v1/revalidation-runs/?state=failed").json()["count"] == 0
    assert api(world.dev_aurora).get("/api/v1/revalidation-runs/").status_code == 403
    assert api(None).get("/api/v1/revalidation-runs/").status_code in (401, 403)
    assert api(world.regulator).get("/api/v1/revalidation-runs/?state=nonsense").status_code == 400
    assert api(world.regulator).get("/api/v1/revalidation-runs/999999/").status_code == 404
    assert "/api/v1/revalidation-runs/{id}/resume/" in api(None).get("/api/schema/?format=json").json()["paths"]


def test_the_threshold_set_page_polls_its_running_run(world, client, on_workers):
    population(world, n=6, seed=5)
    shifted = put_in_force(world, STRICTER)
    run = run_revalidation(shifted.pk)
    client.force_login(world.regulator)
    page = client.get(f"/threshold-sets/{shifted.pk}/").content.decode()
    assert f'hx-get="/threshold-sets/{shifted.pk}/revalidation/"' in page and 'hx-trigger="every 2s"' in page
    fragment = client.get(f"/threshold-sets/{shifted.pk}/revalidation/", HTTP_HX_REQUEST="true").content.decode()
    run.refresh_from_db()
    assert f'<progress max="6" value="{run.models_done}"' in fragment and "Running" in fragment
    assert "<script" not in fragment and "style=" not in fragment
    work_through(on_workers)
    fragment = client.get(f"/threshold-sets/{shifted.pk}/revalidation/").content.decode()
    assert "Succeeded" in fragment and "6 of 6 models decided" in fragment and "hx-trigger" not in fragment
    client.force_login(world.dev_aurora)
    assert client.get(f"/threshold-sets/{shifted.pk}/revalidation/").status_code == 403
    assert "revalidation/" not in client.get(f"/threshold-sets/{shifted.pk}/").content.decode()


def test_open_run_finds_the_run_an_activation_racing_it_queued(world):
    shifted = put_in_force(world, STRICTER)
    first = runs.open_run(shifted)
    second = runs.open_run(shifted)  # the unique constraint answers, the open run is found
    assert first.pk == second.pk and RevalidationRun.objects.filter(threshold_set=shifted).count() == 1


def test_chunks_of_a_set_superseded_mid_run_write_nothing_and_the_run_says_why(world, on_workers):
    population(world, n=12, seed=5)
    shifted = put_in_force(world, STRICTER)
    run = run_revalidation(shifted.pk)
    chains = sent_so_far(on_workers)
    write_chunk(chains[0][0])
    written = Determination.objects.filter(threshold_set=shifted).count()
    put_in_force(world, STRICTER, version="2027.2")  # a later set overtakes it
    for chain in chains:
        for pk in chain:
            write_chunk(pk)
    assert Determination.objects.filter(threshold_set=shifted).count() == written
    run.refresh_from_db()
    assert run.state == "failed" and "no longer in force" in run.failure
