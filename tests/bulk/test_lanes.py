"""Revalidation writes in lanes side by side on PostgreSQL (threads, a connection each)."""

import pytest
from django.db.models import Count

from governance.audit.services import verify_chain
from governance.cases.models import ReReview
from governance.determinations.bulk import revalidate_all, split_by_tree
from governance.determinations.models import Determination
from governance.determinations.services import revalidate_model
from governance.registry.models import AIModel
from tests.bulk.test_revalidate_all import STRICTER, population, put_in_force
from tests.conftest import World


def test_lanes_take_whole_trees_keep_the_order_and_balance_the_load():
    # Trees: 1 → 2 → 3 and 1 → 4 (four models), 5 (one), 6 → 7 (two), 8 (one).
    root_of = {1: 1, 2: 1, 3: 1, 4: 1, 5: 5, 6: 6, 7: 6, 8: 8}
    order = [1, 5, 6, 8, 2, 4, 7, 3]  # parents before derivatives, as the sweep gives them
    lanes = split_by_tree(order, root_of, 2)
    assert lanes == [[1, 2, 4, 3], [5, 6, 8, 7]]  # 4 models and 4: the big tree alone
    assert sorted(pk for lane in lanes for pk in lane) == sorted(order)
    for lane in lanes:
        assert {root_of[pk] for pk in lane}.isdisjoint(
            {root_of[pk] for other in lanes if other is not lane for pk in other}
        )
    assert split_by_tree([1, 2, 3], {1: 1, 2: 1, 3: 1}, 2) == [[1, 2, 3]]  # one tree, one lane
    assert split_by_tree([], {}, 2) == []


@pytest.mark.postgres
def test_two_lanes_write_what_one_would(transactional_db, settings):
    """With no enclosing transaction the run splits into lanes; every model ends as the
    per-model path would leave it, with one re-review per changed model and the chain whole."""
    settings.REVALIDATION_LANES = 2
    world = World()
    population(world, n=40, seed=23)
    put_in_force(world, STRICTER)
    report = revalidate_all(chunk_size=3)
    assert report.written > 6 and report.chunks >= 4  # more than one chunk: lanes ran
    changed = report.escalations + report.relaxations
    assert ReReview.objects.filter(trigger="baseline_shift").count() == changed
    assert not Determination.objects.filter(status="in_force").values("model").annotate(n=Count("id")).filter(n__gt=1)
    for model in AIModel.objects.order_by("id"):
        assert revalidate_model(model_id=model.pk) is None, model  # nothing left to do
    assert verify_chain().ok
    assert revalidate_all(chunk_size=3).written == 0
