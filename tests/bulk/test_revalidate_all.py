"""Set-based revalidation of every model and the impact preview (SPEC sections 8, 19)."""

import gc
import random
import types

import pytest
from django.core.management import call_command

from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import thresholds_of
from governance.cases.models import ReReview
from governance.determinations.models import Determination
from governance.determinations.preview import impact_preview
from governance.determinations.selectors import ModelState
from governance.determinations.sweep import generations
from governance.determinations.writer import Decision, Written
from governance.evidence.selectors import observations_for
from governance.notifications.models import Notification
from governance.registry.lineage import ancestor_ids
from governance.registry.models import AIModel
from governance.tiering.rule import determine_tier
from governance.workflows.revalidation import revalidate_all
from governance.workflows.tier_changes import revalidate_model
from tests.conftest import DOMAINS, STANDARD_ENTRIES

STRICTER = [
    dict(e, low="0.1000", high="0.3000", critical="0.6000" if e["critical"] else None) for e in STANDARD_ENTRIES
]


def population(world, n=24, seed=7):
    """Models with random evidence, a third of them derivatives (some two deep)."""
    rng = random.Random(seed)
    models = []
    for i in range(n):
        parent = rng.choice(models) if models and i % 3 == 0 else None
        model = world.register(f"P{i}", parent=parent, derivation="fine_tune" if parent else "")
        for slug in rng.sample(DOMAINS, rng.randint(0, len(DOMAINS))):
            world.evidence(model, slug, f"{rng.randint(0, 9999) / 10000:.4f}")
        models.append(model)
    return models


def snapshot():
    return sorted(
        Determination.objects.filter(status__in=["in_force", "pending_confirmation"]).values_list(
            "model_id", "tier", "kind", "status"
        )
    )


def put_in_force(world, entries, version="2027.1"):
    """A new set in force without revalidating (as the activation job does before its run)."""
    draft = baselines.create_draft(by=world.board, version=version, entries=entries)
    ThresholdSet.objects.filter(status="in_force").update(status="superseded")
    ThresholdSet.objects.filter(pk=draft.pk).update(
        status="in_force", effective_from=world.threshold_set.effective_from
    )
    return draft


def test_bulk_and_per_model_agree(world):
    models = population(world, n=18, seed=11)
    put_in_force(world, STRICTER)
    revalidate_all(chunk_size=5)
    after_bulk = snapshot()
    tiers_bulk = dict(AIModel.objects.values_list("id", "current_tier"))
    # Per-model revalidation now finds nothing left to do: both paths agree.
    for model in sorted(models, key=lambda m: m.pk):
        assert revalidate_model(model_id=model.pk) is None, model
    assert snapshot() == after_bulk
    assert dict(AIModel.objects.values_list("id", "current_tier")) == tiers_bulk


def test_second_run_writes_nothing(world):
    population(world, n=15, seed=3)
    put_in_force(world, STRICTER)
    first = revalidate_all(chunk_size=4)
    counts = (
        Determination.objects.count(),
        AuditEvent.objects.count(),
        ReReview.objects.count(),
        Notification.objects.count(),
    )
    second = revalidate_all(chunk_size=4)
    assert first.written > 0 and second.written == 0
    assert (
        Determination.objects.count(),
        AuditEvent.objects.count(),
        ReReview.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert verify_chain().ok


def test_shift_escalates_at_once_relaxes_pending_and_opens_rereviews(world):
    up = world.register("Up")
    world.full_evidence(up, {"bio": "0.3500"})  # Tier 2 under 2026.1, Tier 3 under STRICTER
    down = world.register("Down")
    world.evidence(down, "chem", "0.5500")  # Tier 3 now
    lenient = [dict(e, high="0.7000", critical="0.9000" if e["critical"] else None) for e in STANDARD_ENTRIES]
    put_in_force(world, [dict(e, low="0.1000", high="0.3000") if e["domain"] == "bio" else e for e in lenient])
    revalidate_all()
    up.refresh_from_db()
    down.refresh_from_db()
    assert up.current_tier == 3
    assert down.current_tier == 3 and down.determinations.get(status="pending_confirmation").tier == 2
    assert set(ReReview.objects.filter(trigger="baseline_shift").values_list("model_id", flat=True)) == {up.pk, down.pk}
    assert Notification.objects.filter(
        event="determination_in_force", recipient=world.dev_aurora, subject__startswith="Up"
    ).exists()


def test_parent_rise_lifts_derivative_floor_in_the_same_run(world):
    parent = world.register("Base")
    world.full_evidence(parent, {"bio": "0.3500"})
    child = world.register("Child", parent=parent, derivation="fine_tune")
    grandchild = world.register("Grandchild", parent=child, derivation="merge")
    put_in_force(world, STRICTER)
    revalidate_all(chunk_size=1)
    assert list(
        AIModel.objects.filter(pk__in=[parent.pk, child.pk, grandchild.pk])
        .order_by("id")
        .values_list("current_tier", flat=True)
    ) == [3, 3, 3]
    assert ReReview.objects.filter(model=grandchild, trigger="parent_tier_change").exists()


def test_a_descendant_of_several_risen_models_gets_one_rereview_naming_the_eldest(world):
    parent = world.register("Base")
    world.full_evidence(parent, {"bio": "0.3500"})
    child = world.register("Child", parent=parent, derivation="fine_tune")
    world.full_evidence(child, {"bio": "0.3500"})
    grandchild = world.register("Grandchild", parent=child, derivation="merge")
    put_in_force(world, STRICTER)
    revalidate_all()  # parent and child rise in the same chunk
    reasons = dict(ReReview.objects.filter(trigger="parent_tier_change").values_list("model_id", "reason"))
    assert reasons == {
        child.pk: f"Ancestor {parent} rose to Tier 3.",
        grandchild.pk: f"Ancestor {parent} rose to Tier 3.",
    }


def test_queries_per_chunk_do_not_grow_with_models(world, django_assert_max_num_queries):
    for i in range(30):
        world.register(f"Q{i}")
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from governance.workflows.tier_changes import Cause, Rules, decide

    rules = Rules(world.threshold_set)

    def run(n):
        ids = list(AIModel.objects.order_by("id").values_list("id", flat=True)[:n])
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            assert decide(ids, rules, cause=Cause.BASELINE_SHIFT) == []
        return len(ctx)

    # the models (locked), their determinations, their evidence; and the savepoint's two
    assert run(5) == run(30) == 5
    put_in_force(world, STRICTER)
    with django_assert_max_num_queries(25):
        revalidate_all(chunk_size=100)  # 30 unchanged models: reads only, one chunk


def test_a_run_leaves_no_reference_cycles_holding_its_data(world):
    """A bulk run pauses the cyclic collector, so whatever a cycle holds would stay alive
    until the run ends: a caught exception's traceback, for one, holds the frames of the
    chunk that caught it, with its states, evidence and decisions."""
    population(world, n=12, seed=5)
    put_in_force(world, STRICTER)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert revalidate_all(chunk_size=4).written
        gc.collect()
        held = [o for o in gc.garbage if isinstance(o, types.FrameType | ModelState | Decision | Written)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert held == []


def test_dry_run_writes_nothing(world, capsys):
    population(world, n=10, seed=5)
    put_in_force(world, STRICTER)
    before = snapshot()
    call_command("revalidate", "--dry-run")
    assert "Would write" in capsys.readouterr().out
    assert snapshot() == before


def test_impact_preview_matrix_and_changes(world, api):
    a = world.register("A")
    world.full_evidence(a, {"bio": "0.3500"})  # 2 → 3 under STRICTER
    b = world.register("B")
    world.full_evidence(b)  # complete and low: the rule says 1, Tier 2 stays while the relaxation waits
    draft = baselines.create_draft(by=world.board, version="draft", entries=STRICTER)
    body = api(world.regulator).get(f"/api/v1/threshold-sets/{draft.pk}/impact/").json()
    assert body["compared_with"] == world.threshold_set.version
    assert body["matrix"]["2"]["3"] == 1 and body["matrix"]["1"]["2"] == 1
    assert sum(sum(row.values()) for row in body["matrix"].values()) == 2
    assert body["changes"] == [
        {"model": a.pk, "name": "A 1.0", "from_tier": 2, "to_tier": 3, "current_tier": 2},
        # the draft takes away the relaxation waiting for B: the rule's 1 becomes 2
        {"model": b.pk, "name": "B 1.0", "from_tier": 1, "to_tier": 2, "current_tier": 2},
    ]
    assert body["off_rule"] == [{"model": b.pk, "name": "B 1.0", "current_tier": 2, "rule_tier": 1, "draft_tier": 2}]
    assert api(world.dev_aurora).get(f"/api/v1/threshold-sets/{draft.pk}/impact/").status_code == 403
    assert api(world.compliance).get(f"/api/v1/threshold-sets/{draft.pk}/impact/").status_code == 403
    assert api(world.auditor).get(f"/api/v1/threshold-sets/{draft.pk}/impact/").status_code == 200
    assert impact_preview(draft)["changes"] == body["changes"]
    assert Determination.objects.filter(threshold_set=draft).count() == 0


def test_impact_preview_agrees_with_the_rule_model_by_model(world):
    """Each model through the rule on its own evidence, derivatives on their parent's
    previewed tier: what the one-read sweep of the preview must reproduce."""
    models = population(world, n=30, seed=23)
    draft = baselines.create_draft(by=world.board, version="draft", entries=STRICTER)
    thresholds = thresholds_of(draft)
    in_force = thresholds_of(world.threshold_set)
    previewed: dict[int, int] = {}
    ruled: dict[int, int] = {}
    for model in sorted(models, key=lambda m: len(ancestor_ids(m.pk))):
        for tiers, rules in ((previewed, thresholds), (ruled, in_force)):
            tiers[model.pk] = determine_tier(
                thresholds=rules,
                observations=observations_for(model),
                parent_tier=tiers[model.parent_id] if model.parent_id else None,
            ).tier
    moved = {c["model"]: (c["from_tier"], c["to_tier"]) for c in impact_preview(draft)["changes"]}
    assert moved == {pk: (ruled[pk], tier) for pk, tier in previewed.items() if ruled[pk] != tier}
    assert any(m.parent_id for m in models if m.pk in moved)


def test_generations_put_every_parent_before_its_children():
    parents = {5: None, 1: 7, 7: 5, 2: None, 9: 1, 3: 2}
    assert generations(parents) == [[2, 5], [3, 7], [1], [9]]
    with pytest.raises(ValueError, match="cycle"):
        generations({1: 2, 2: 1})


def test_any_lookup_matches_in(world):
    models = [world.register(f"L{i}") for i in range(4)]
    wanted = [models[0].pk, models[2].pk, 10**9]
    assert list(AIModel.objects.filter(pk__any=wanted).order_by("pk")) == [models[0], models[2]]
    assert (
        Determination.objects.filter(model_id__any=wanted).count()
        == Determination.objects.filter(model_id__in=wanted).count()
        > 0
    )
    assert not AIModel.objects.filter(pk__any=[]).exists()


@pytest.mark.parametrize("n", [3])
def test_publish_runs_the_bulk_revalidation(world, n):
    models = [world.register(f"M{i}") for i in range(n)]
    for model in models:
        world.full_evidence(model, {"cyber": "0.3500"})
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=STRICTER)
    world.publish(draft)
    assert set(AIModel.objects.values_list("current_tier", flat=True)) == {3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_run_started_while_another_holds_the_lock_says_so_and_fails(world):
    import psycopg
    from django.core.management.base import CommandError
    from django.db import connection

    from governance.workflows.revalidation import _RUN_LOCK_KEY

    model = world.register("Held")
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, autocommit=True
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [_RUN_LOCK_KEY])
        assert revalidate_all().skipped_locked
        with pytest.raises(CommandError, match="Another revalidation is running"):
            call_command("revalidate")
        # Unlocked explicitly: a closed session's locks are released by the server a moment later.
        other.execute("SELECT pg_advisory_unlock(%s)", [_RUN_LOCK_KEY])
    finally:
        other.close()
    assert not revalidate_all().skipped_locked
    assert model.determinations.count() == 1


def test_a_completeness_change_alone_is_written_and_audited_by_the_bulk_run(world):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.3000"})
    AIModel.objects.filter(pk=model.pk).update(evidence_complete=False)  # as if recorded before the last result
    report = revalidate_all()
    model.refresh_from_db()
    assert model.evidence_complete is True and report.written == 0
    events = AuditEvent.objects.filter(action="model.evidence_completeness", object_id=str(model.pk))
    assert [e.changes for e in events] == [{"evidence_complete": [False, True]}] * 2  # the evidence, then this run
    assert verify_chain().ok
