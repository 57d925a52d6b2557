"""The impact preview (SPEC section 8) against a from-scratch reference: each model through
the rule on its own results, under the draft and under the set in force, derivatives on
their parent's tier under the same set; on a population with lineage three deep, models
with no evidence, a relaxation pending and a human decision off the rule. The preview reads
the capability table in ten-thousandths and may sweep in parts side by side: its answer
must be the reference's, whole."""

import os
from collections import Counter

import pytest

from governance.baselines import services as baselines
from governance.baselines.selectors import thresholds_of
from governance.determinations import preview as preview_module
from governance.determinations import sweep as sweep_module
from governance.determinations.preview import impact_preview
from governance.evidence.selectors import observations_for
from governance.platform.processes import in_processes
from governance.registry.lineage import ancestor_ids
from governance.registry.models import AIModel
from governance.tiering.rule import determine_tier
from governance.workflows.tier_changes import determine_own_motion
from tests.bulk.test_revalidate_all import STRICTER, population
from tests.conftest import DOMAINS


def lineage_rich(world) -> dict[str, AIModel]:
    """Named models for the cases the preview must tell apart, beside a random population."""
    population(world, n=30, seed=41)
    named = {"bare": world.register("Bare")}  # no evidence at all: Tier 2, incomplete
    named["relaxing"] = world.register("Relaxing")
    world.full_evidence(named["relaxing"])  # the rule says 1; Tier 2 stays while it waits
    named["parent"] = world.register("Parent")
    world.evidence(named["parent"], "bio", "0.4000")  # 2 now, 3 under STRICTER
    named["child"] = world.register("Child", parent=named["parent"], derivation="fine_tune")
    named["grandchild"] = world.register("Grandchild", parent=named["child"], derivation="adapter")
    world.evidence(named["grandchild"], "chem", "0.0500")
    named["complete_child"] = world.register("Complete child", parent=named["parent"], derivation="merge")
    world.full_evidence(named["complete_child"], dict.fromkeys(DOMAINS, "0.0500"))  # its own: no floor
    named["decided"] = world.register("Decided")
    world.evidence(named["decided"], "cyber", "0.3500")
    determine_own_motion(model=named["decided"], tier=4, rationale="Incident reports.", by=world.regulator)
    named["decided_child"] = world.register("Decided child", parent=named["decided"], derivation="quantization")
    return {name: AIModel.objects.get(pk=model.pk) for name, model in named.items()}


def reference(draft, in_force) -> dict:
    """The preview's answer worked out model by model from the results themselves."""
    models = sorted(AIModel.objects.all(), key=lambda m: (len(ancestor_ids(m.pk)), m.pk))
    previewed: dict[int, int] = {}
    ruled: dict[int, int] = {}
    for model in models:
        for tiers, rules in ((previewed, thresholds_of(draft)), (ruled, thresholds_of(in_force))):
            tiers[model.pk] = determine_tier(
                thresholds=rules,
                observations=observations_for(model),
                parent_tier=tiers[model.parent_id] if model.parent_id else None,
            ).tier
    counts = Counter((ruled[m.pk], previewed[m.pk]) for m in models)
    by_pk = sorted(models, key=lambda m: m.pk)
    return {
        "threshold_set": draft.version,
        "compared_with": in_force.version,
        "matrix": {str(a): {str(b): counts[a, b] for b in range(1, 5)} for a in range(1, 5)},
        "changes": [
            {
                "model": m.pk,
                "name": f"{m.name} {m.version}",
                "from_tier": ruled[m.pk],
                "to_tier": previewed[m.pk],
                "current_tier": m.current_tier,
            }
            for m in by_pk
            if ruled[m.pk] != previewed[m.pk]
        ],
        "off_rule": [
            {
                "model": m.pk,
                "name": f"{m.name} {m.version}",
                "current_tier": m.current_tier,
                "rule_tier": ruled[m.pk],
                "draft_tier": previewed[m.pk],
            }
            for m in by_pk
            if m.current_tier != ruled[m.pk]
        ],
    }


def check_the_cases(preview: dict, named: dict[str, AIModel]) -> None:
    """The named cases land where SPEC sections 3, 8 and 10 put them (so the reference is
    not vacuous)."""
    changes = {c["model"]: (c["from_tier"], c["to_tier"]) for c in preview["changes"]}
    off_rule = {o["model"]: (o["current_tier"], o["rule_tier"]) for o in preview["off_rule"]}
    assert changes[named["parent"].pk] == (2, 3)
    assert changes[named["child"].pk] == (2, 3)  # the floor: its parent's tier under each set
    assert changes[named["grandchild"].pk] == (2, 3)
    assert named["complete_child"].pk not in changes  # complete evidence of its own: no floor
    assert off_rule[named["relaxing"].pk] == (2, 1)
    assert off_rule[named["decided"].pk] == (4, 2)  # a human decision, not the draft's doing
    assert off_rule[named["decided_child"].pk] == (4, 2)  # its floor binds at the tier in force
    assert named["bare"].pk not in changes and named["bare"].pk not in off_rule


def test_the_preview_is_the_reference(world):
    named = lineage_rich(world)
    draft = baselines.create_draft(by=world.board, version="draft", entries=STRICTER)
    preview = impact_preview(draft)
    assert preview == reference(draft, world.threshold_set)
    check_the_cases(preview, named)


def _part_and_process(index: int, count: int) -> tuple[int, int, int, int]:
    return index, count, os.getpid(), AIModel.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parts_run_side_by_side_in_processes_of_their_own(world):
    world.register("Seen by every part")
    assert in_processes(_part_and_process, 1) == [(0, 1, os.getpid(), 1)]
    here, apart = in_processes(_part_and_process, 2)
    assert here == (0, 2, os.getpid(), 1)
    assert apart[:2] == (1, 2) and apart[2] != os.getpid() and apart[3] == 1  # the same database
    assert AIModel.objects.count() == 1  # this process's connection still works


def test_inside_a_transaction_there_is_one_part_here(world):
    assert in_processes(_part_and_process, 2) == [(0, 1, os.getpid(), 0)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_preview_swept_in_parts_is_the_reference(world, settings, monkeypatch):
    """Ranges of 3 ids, two processes: the lineage trees are dealt out to both parts."""
    named = lineage_rich(world)
    draft = baselines.create_draft(by=world.board, version="draft", entries=STRICTER)
    monkeypatch.setattr(sweep_module, "READ_MODELS", 3)
    settings.SWEEP_PROCESSES, settings.SWEEP_PROCESSES_FROM = 2, 0
    swept_in: list[list] = []

    def spied(work, count):
        swept_in.append(parts := in_processes(work, count))
        return parts

    monkeypatch.setattr(preview_module, "in_processes", spied)
    preview = impact_preview(draft)
    assert len(swept_in[0]) == 2 and all(part.counts for part in swept_in[0])  # each part swept some
    assert preview == reference(draft, world.threshold_set)
    check_the_cases(preview, named)
