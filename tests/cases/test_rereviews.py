"""Re-reviews, staged release and the deadline sweep (SPEC sections 7 and 17)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.cases import services
from governance.cases.models import Contest, ReReview
from governance.notifications.models import Notification
from governance.platform.errors import IllegalTransition, Invalid
from governance.registry.models import AIModel
from governance.workflows import cases as workflows


def test_parent_rise_opens_parent_tier_change_rereviews_for_every_descendant(world):
    parent = world.register("Base")
    child = world.register("Tuned", parent=parent, derivation="fine_tune")
    grandchild = world.register("Tuned-Q", parent=child, derivation="quantization")
    world.evidence(parent, "cyber", "0.6000")
    triggers = set(ReReview.objects.values_list("model_id", "trigger"))
    assert (child.pk, "parent_tier_change") in triggers
    assert (grandchild.pk, "parent_tier_change") in triggers
    assert Notification.objects.filter(event="rereview_opened", recipient=world.dev_aurora).exists()


def test_at_most_one_open_rereview_per_model_and_trigger(world):
    model = world.register("Aster")
    first = services.open_rereview(model=model, trigger="own_motion", reason="Press reports.")
    assert first.reference.startswith("RR-")
    assert services.open_rereview(model=model, trigger="own_motion") is None
    assert services.open_rereview(model=model, trigger="new_evidence") is not None


def test_periodic_rereviews_open_when_due_and_once(world):
    model = world.register("Aster")
    AIModel.objects.filter(pk=model.pk).update(next_review_due=timezone.localdate())
    assert services.open_due_rereviews() == 1
    assert services.open_due_rereviews() == 0
    rereview = ReReview.objects.get(model=model, trigger="periodic")
    started = services.start_rereview(rereview=rereview, by=world.regulator)
    assert started.state == "in_progress" and started.assignee == world.regulator
    done = workflows.complete_rereview(
        rereview=started, by=world.regulator, outcome="no_change", rationale="Still fits."
    )
    assert done.state == "completed"
    model.refresh_from_db()
    assert model.next_review_due > timezone.localdate(), "the next periodic review is scheduled"
    assert services.open_due_rereviews() == 0


def test_rereview_outcome_can_be_a_new_determination(world):
    model = world.register("Aster")
    rereview = services.open_rereview(model=model, trigger="own_motion")
    done = workflows.complete_rereview(
        rereview=rereview, by=world.regulator, outcome="determination", tier=3, rationale="New red-team findings."
    )
    model.refresh_from_db()
    assert model.current_tier == 3 and done.determination.tier == 3
    with pytest.raises(IllegalTransition):
        services.start_rereview(rereview=done, by=world.regulator)


def test_staged_release_opens_a_rereview_on_its_date(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    when = timezone.localdate() + timedelta(days=10)
    stage = services.add_release_stage(
        determination=determination, by=world.regulator, on=when, proposed_tier=2, conditions="KYC in place."
    )
    assert services.open_due_rereviews(today=when - timedelta(days=1)) == 0
    services.open_due_rereviews(today=when)
    stage.refresh_from_db()
    assert stage.rereview.trigger == "staged_release"
    model.refresh_from_db()
    assert model.current_tier == 3, "the stage's relaxation still needs a regulator"
    with pytest.raises(Invalid):
        services.add_release_stage(determination=determination, by=world.regulator, on=when, proposed_tier=4)


def test_deadline_sweep_reminds_once_and_flags_overdue(world, under_review):
    due = under_review.due_date
    assert services.case_deadline_sweep(today=due - timedelta(days=7)) == 1
    assert services.case_deadline_sweep(today=due - timedelta(days=7)) == 0
    assert Notification.objects.filter(event="contest_due_soon", recipient=world.regulator2).count() == 1
    services.case_deadline_sweep(today=due - timedelta(days=1))
    assert Notification.objects.filter(event="contest_due_soon", recipient=world.regulator2).count() == 2
    services.case_deadline_sweep(today=due + timedelta(days=1))
    under_review.refresh_from_db()
    assert under_review.overdue is True
    assert services.case_deadline_sweep(today=due + timedelta(days=2)) == 0


def test_sweep_skips_contests_with_a_stopped_clock(world, under_review):
    services.request_information(contest=under_review, by=world.regulator2, message="m")
    assert services.case_deadline_sweep(today=under_review.due_date + timedelta(days=3)) == 0
    assert Contest.objects.get(pk=under_review.pk).overdue is False
