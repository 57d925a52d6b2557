"""Human decisions stand against the machine (SPEC section 4): a tier a human set is
replaced by an automatic revalidation only when the rule's own result has changed since."""

import pytest

from governance.baselines import services as baselines
from governance.determinations.models import Determination
from governance.workflows.revalidation import revalidate_all
from governance.workflows.tier_changes import (
    confirm_relaxation,
    determine_own_motion,
    reject_relaxation,
    revalidate_model,
)
from tests.conftest import STANDARD_ENTRIES

pytestmark = pytest.mark.django_db


def tier4(world, name="Lumen-3B"):
    model = world.register(name)
    world.full_evidence(model, {"cyber": "0.9000"})
    assert model.current_tier == 4
    return model


def test_an_unrelated_threshold_set_leaves_a_human_decision_standing(world):
    model = tier4(world)
    decision = determine_own_motion(
        model=model, tier=3, rationale="Panel found the cyber uplift overstated.", by=world.regulator
    )
    unrelated = [{**e, "low": "0.2500"} if e["domain"] == "persuasion" else e for e in STANDARD_ENTRIES]
    world.publish(baselines.create_draft(by=world.board, version="2027.1", entries=unrelated))
    model.refresh_from_db()
    assert model.current_tier == 3
    assert Determination.objects.get(model=model, status="in_force").pk == decision.pk
    assert decision.basis["assessed_tier"] == 4  # what the rule said when the human decided


def test_a_threshold_set_that_moves_the_rule_replaces_the_decision_and_opens_a_rereview(world):
    model = tier4(world)
    decision = determine_own_motion(model=model, tier=2, rationale="Mitigations in place.", by=world.regulator)
    harsher = [{**e, "high": "0.1500", "low": "0.1000"} if e["domain"] == "bio" else e for e in STANDARD_ENTRIES]
    harsher = [{**e, "critical": "0.9500"} if e["domain"] == "cyber" else e for e in harsher]
    world.publish(baselines.create_draft(by=world.board, version="2027.2", entries=harsher))
    model.refresh_from_db()
    assert model.current_tier == 3  # the rule now says 3, not 4: it moved, so the machine acts
    replacement = Determination.objects.get(model=model, status="in_force")
    assert replacement.previous_id == decision.pk
    assert f"#{decision.pk}" in replacement.rationale and "own motion" in replacement.rationale
    assert model.rereviews.filter(trigger="baseline_shift", state="open").exists()


def test_new_evidence_replaces_a_human_decision(world):
    model = world.register("Vega")
    world.full_evidence(model, {"bio": "0.3000"})
    determine_own_motion(model=model, tier=3, rationale="Precaution pending more evaluations.", by=world.regulator)
    world.evidence(model, "nuclear", "0.9500")
    model.refresh_from_db()
    assert model.current_tier == 4


def test_revalidating_again_leaves_the_decision_alone(world):
    model = tier4(world)
    determine_own_motion(model=model, tier=3, rationale="Reviewed.", by=world.regulator)
    assert revalidate_model(model_id=model.pk) is None
    assert revalidate_all().written == 0


def test_confirming_and_rejecting_a_relaxation_record_who_and_why(world):
    model = world.register("Pico")
    world.full_evidence(model, {"bio": "0.3000"})
    result = world.evidence(model, "bio", "0.6000")
    from governance.evidence import services as evidence

    evidence.withdraw_evaluation(evaluation=result, by=world.evaluator)
    pending = Determination.objects.get(model=model, status="pending_confirmation")
    rejected = reject_relaxation(determination=pending, by=world.regulator2, reason="Wait for the red-team report.")
    assert (rejected.status, rejected.confirmed_by, rejected.resolution_reasons) == (
        "rejected",
        world.regulator2,
        "Wait for the red-team report.",
    )
    revalidate_model(model_id=model.pk)  # the rule still supports it: a new pending relaxation
    pending = Determination.objects.get(model=model, status="pending_confirmation")
    confirmed = confirm_relaxation(determination=pending, by=world.regulator, reasons="Red-team report received.")
    assert (confirmed.status, confirmed.confirmed_by, confirmed.resolution_reasons) == (
        "in_force",
        world.regulator,
        "Red-team report received.",
    )
    model.refresh_from_db()
    assert model.current_tier == 2
