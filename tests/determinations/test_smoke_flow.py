from governance.determinations.models import Determination


def test_registered_model_gets_initial_tier_then_escalates_and_relaxation_waits(world):
    model = world.register("Aster")
    model.refresh_from_db()
    initial = model.determinations.get()
    assert (initial.kind, initial.status, initial.tier) == ("initial", "in_force", 2)
    assert model.current_tier == 2 and model.evidence_complete is False

    world.evidence(model, "bio", "0.9000")
    model.refresh_from_db()
    assert model.current_tier == 4

    world.full_evidence(model)
    bio = model.evaluations.filter(normalized_score="0.9000").get()
    from governance.evidence.services import withdraw_evaluation

    withdraw_evaluation(evaluation=bio, by=world.regulator)
    model.refresh_from_db()
    assert model.current_tier == 4
    pending = model.determinations.get(status=Determination.Status.PENDING_CONFIRMATION)
    assert pending.tier == 1
