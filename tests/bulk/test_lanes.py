"""Revalidation writes in lanes side by side on PostgreSQL (threads, a connection each)."""

import threading

import pytest
from django.db.models import Count

from governance.audit.services import verify_chain
from governance.cases.models import ReReview
from governance.determinations.lanes import Lanes
from governance.determinations.models import Determination
from governance.registry.models import AIModel
from governance.workflows.revalidation import revalidate_all
from governance.workflows.tier_changes import revalidate_model
from tests.bulk.test_revalidate_all import STRICTER, population, put_in_force
from tests.conftest import World


def recorded_writes():
    written: list[tuple[str, list[int]]] = []

    def write(chunk: list[int]) -> int:
        written.append((threading.current_thread().name, chunk))
        return len(chunk)

    return written, write


# Trees: 1 → 2 → 3 and 1 → 4 (four models), 5 (one), 6 → 7 (two), 8 (one); in sweep order.
ROOTS = {1: 1, 5: 5, 6: 6, 8: 8, 2: 1, 4: 1, 7: 6, 3: 1}


def test_one_lane_writes_in_order_in_chunks_here(settings):
    written, write = recorded_writes()
    with Lanes(write, chunk_size=3, count=1) as lanes:
        for pk, root in ROOTS.items():
            lanes.add(pk, root)
        assert written == []  # one lane writes once the sweep is done
        assert lanes.finish() == [3, 3, 2]
    here = threading.current_thread().name
    assert written == [(here, [1, 5, 6]), (here, [8, 2, 4]), (here, [7, 3])]


@pytest.mark.postgres
def test_lanes_write_whole_trees_in_order_in_threads_while_the_sweep_goes_on(transactional_db):
    written, write = recorded_writes()
    with Lanes(write, chunk_size=2, count=2) as lanes:
        for pk, root in ROOTS.items():
            lanes.add(pk, root)
        assert len(lanes.written) == 4  # every chunk filled and went to its lane before the end
        sizes = lanes.finish()
    assert sorted(pk for _, chunk in written for pk in chunk) == sorted(ROOTS) and sum(sizes) == len(ROOTS)
    here = threading.current_thread().name
    thread_of = {pk: thread for thread, chunk in written for pk in chunk}
    assert here not in thread_of.values() and len(set(thread_of.values())) == 2
    for pk, root in ROOTS.items():  # a tree stays in one lane
        assert thread_of[pk] == thread_of[root]
    for thread in set(thread_of.values()):  # each lane writes in the order given: parents first
        order = [pk for name, chunk in written if name == thread for pk in chunk]
        assert order == [pk for pk in ROOTS if thread_of[pk] == thread]
    assert all(len(chunk) <= 2 for _, chunk in written)


@pytest.mark.postgres
def test_two_lanes_write_what_one_would(transactional_db, settings):
    """With no enclosing transaction the run splits into lanes; every model ends as the
    per-model path would leave it, with one re-review per changed model and the chain whole."""
    settings.REVALIDATION_LANES = 2
    world = World()
    population(world, n=40, seed=23)
    put_in_force(world, STRICTER)
    report = revalidate_all(chunk_size=3)
    assert report.written > 6 and report.chunks >= 3  # more than a chunk per lane: lanes ran
    changed = report.escalations + report.relaxations
    assert ReReview.objects.filter(trigger="baseline_shift").count() == changed
    assert not Determination.objects.filter(status="in_force").values("model").annotate(n=Count("id")).filter(n__gt=1)
    for model in AIModel.objects.order_by("id"):
        assert revalidate_model(model_id=model.pk) is None, model  # nothing left to do
    assert verify_chain().ok
    assert revalidate_all(chunk_size=3).written == 0
