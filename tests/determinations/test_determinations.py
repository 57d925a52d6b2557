"""Determinations: escalations immediate, relaxations wait for a human (SPEC section 4)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.determinations.models import Determination
from governance.evidence import services as evidence
from governance.notifications.models import Notification
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.registry import services as registry
from governance.workflows import tier_changes as services
from tests.conftest import STANDARD_ENTRIES
from tests.factories import BenchmarkFactory


def statuses(model):
    return list(model.determinations.order_by("id").values_list("kind", "status", "tier"))


def test_registration_brings_an_initial_determination_into_force(world):
    model = world.register("Aster")
    model.refresh_from_db()
    assert statuses(model) == [("initial", "in_force", 2)]
    assert model.current_tier == 2 and model.tier_effective_from is not None
    from governance.tiering.calendar import add_months

    assert model.next_review_due == add_months(timezone.localdate(), 12)
    assert Notification.objects.filter(recipient=world.dev_aurora, event="determination_in_force").exists()


def test_escalation_is_in_force_at_once(world):
    model = world.register("Aster")
    world.evidence(model, "chem", "0.5000")
    assert statuses(model) == [("initial", "superseded", 2), ("revalidation", "in_force", 3)]
    assert model.current_tier == 3


def test_relaxation_waits_for_confirmation(world):
    model = world.register("Aster")
    world.full_evidence(model)
    assert model.current_tier == 2, "complete, low evidence proposes Tier 1 but changes nothing yet"
    pending = model.determinations.get(status="pending_confirmation")
    assert (pending.tier, pending.previous_tier, pending.is_relaxation) == (1, 2, True)
    assert Notification.objects.filter(recipient=world.regulator, event="determination_pending").exists()
    services.confirm_relaxation(determination=pending, by=world.regulator)
    model.refresh_from_db()
    assert model.current_tier == 1
    assert statuses(model)[-1] == ("revalidation", "in_force", 1)


def test_rejected_relaxation_changes_nothing(world):
    model = world.register("Aster")
    world.full_evidence(model)
    pending = model.determinations.get(status="pending_confirmation")
    services.reject_relaxation(determination=pending, by=world.regulator, reason="Wait for red-team.")
    model.refresh_from_db()
    assert model.current_tier == 2
    pending.refresh_from_db()
    assert pending.status == "rejected"
    with pytest.raises(IllegalTransition):
        services.confirm_relaxation(determination=pending, by=world.regulator)


def test_only_regulators_confirm(world):
    model = world.register("Aster")
    world.full_evidence(model)
    pending = model.determinations.get(status="pending_confirmation")
    for user in (world.dev_aurora, world.compliance, world.auditor, world.evaluator):
        with pytest.raises(NotAllowed):
            services.confirm_relaxation(determination=pending, by=user)
    services.confirm_relaxation(determination=pending, by=world.board)


def test_revalidation_is_idempotent(world):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.3000"})
    before = statuses(model)
    assert services.revalidate_model(model_id=model.pk) is None
    assert services.revalidate_model(model_id=model.pk) is None
    assert statuses(model) == before


def test_pending_relaxation_superseded_when_no_longer_supported(world):
    model = world.register("Aster")
    world.full_evidence(model)
    pending = model.determinations.get(status="pending_confirmation")
    world.evidence(model, "cyber", "0.3000")  # back to Tier 2: relaxation no longer warranted
    pending.refresh_from_db()
    assert pending.status == "superseded"
    assert model.current_tier == 2


def test_escalation_overtakes_pending_relaxation(world):
    model = world.register("Aster")
    world.full_evidence(model)
    world.evidence(model, "nuclear", "0.9000")
    assert model.current_tier == 4
    assert not model.determinations.filter(status="pending_confirmation").exists()


@pytest.mark.parametrize(
    "kind", ["self_reported", "unaccredited", "non_standardized", "submitted", "rejected", "withdrawn"]
)
def test_results_that_are_not_evidence_never_count(world, kind):
    model = world.register("Aster")
    benchmark = world.benchmarks["bio"]
    submitter = world.evaluator
    if kind == "self_reported":
        submitter = world.dev_aurora
    elif kind == "unaccredited":
        submitter = world.backyard
    elif kind == "non_standardized":
        benchmark = BenchmarkFactory(slug="unapproved", standardized=False)
    result = evidence.submit_evaluation(
        by=submitter, model=model, benchmark=benchmark, raw_score=Decimal("0.99"), run_date=date(2026, 11, 1)
    )
    if kind == "rejected":
        evidence.reject_evaluation(evaluation=result, by=world.regulator, reason="Contaminated run.")
    elif kind != "submitted":
        evidence.accept_evaluation(evaluation=result, by=world.regulator)
    if kind == "withdrawn":
        model.refresh_from_db()
        assert model.current_tier == 4
        evidence.withdraw_evaluation(evaluation=result, by=world.regulator)
        assert model.determinations.get(status="pending_confirmation").tier == 2
        return
    model.refresh_from_db()
    assert model.current_tier == 2


def test_own_motion_relaxation_is_immediate_because_it_is_human(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.9000")
    services.determine_own_motion(model=model, tier=2, rationale="Evaluation found contaminated.", by=world.regulator)
    model.refresh_from_db()
    assert model.current_tier == 2
    latest = model.determinations.get(status="in_force")
    assert latest.kind == "own_motion" and latest.decided_by == world.regulator
    assert latest.basis["domains"]["bio"]["band"] == "critical", "the rule's explanation stays on record"


def test_own_motion_needs_rationale_and_valid_tier(world):
    model = world.register("Aster")
    with pytest.raises(Invalid):
        services.determine_own_motion(model=model, tier=5, rationale="x", by=world.regulator)
    with pytest.raises(Invalid):
        services.determine_own_motion(model=model, tier=3, rationale="  ", by=world.regulator)
    assert statuses(model) == [("initial", "in_force", 2)]


def test_derivative_floor_and_cascade(world):
    parent = world.register("Base")
    child = world.register("Tuned", parent=parent, derivation="fine_tune", developer=world.borealis)
    grandchild = world.register("Tuned-Q", parent=child, derivation="quantization", developer=world.borealis)
    world.evidence(parent, "cyber", "0.6000")
    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert (child.current_tier, grandchild.current_tier) == (3, 3)
    assert child.determinations.get(status="in_force").basis["derivative_floor_applied"] is True
    # With complete evidence of its own the derivative follows its own evidence (a relaxation waits).
    world.full_evidence(child)
    assert child.determinations.get(status="pending_confirmation").tier == 1


def test_database_allows_one_determination_in_force(world):
    model = world.register("Aster")
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.create(model=model, tier=3, kind="own_motion", status="in_force")


def test_threshold_entry_ordering_is_a_database_constraint(world):
    from governance.baselines.models import ThresholdEntry
    from governance.registry.models import RiskDomain

    with pytest.raises(IntegrityError), transaction.atomic():
        ThresholdEntry.objects.create(
            threshold_set=world.threshold_set,
            domain=RiskDomain.objects.create(slug="extra", name="Extra"),
            low=Decimal("0.5"),
            high=Decimal("0.5"),
        )


def test_new_threshold_set_supersedes_and_revalidates(world):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.4000"})
    assert model.current_tier == 2
    stricter = [dict(e, low="0.1000", high="0.3500") for e in STANDARD_ENTRIES]
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=stricter)
    world.publish(draft)
    world.threshold_set.refresh_from_db()
    draft.refresh_from_db()
    assert (world.threshold_set.status, draft.status) == ("superseded", "in_force")
    model.refresh_from_db()
    assert model.current_tier == 3
    assert model.determinations.get(status="in_force").threshold_set == draft


def test_future_dated_set_waits_for_activation(world):
    draft = baselines.create_draft(by=world.board, version="2027.1", entries=STANDARD_ENTRIES)
    when = timezone.now() + timedelta(days=3)
    world.publish(draft, effective_from=when)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert baselines.activate_due_sets(now=when - timedelta(seconds=1)) is None
    assert baselines.activate_due_sets(now=when + timedelta(seconds=1)) == draft
    assert ThresholdSet.objects.get(status="in_force") == draft


def test_published_sets_are_immutable_and_only_board_drafts(world):
    with pytest.raises(IllegalTransition):
        baselines.update_draft(by=world.board, threshold_set=world.threshold_set, rationale="edit")
    with pytest.raises(NotAllowed):
        baselines.create_draft(by=world.regulator, version="x", entries=STANDARD_ENTRIES)


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"domain": "bio", "low": "0.5", "high": "0.5", "critical": "0.9"}, "low must be below high"),
        ({"domain": "bio", "low": "0.1", "high": "0.5"}, "critical is required"),
        ({"domain": "bio", "low": "0.1", "high": "0.5", "critical": "0.4"}, "critical must be at least high"),
        ({"domain": "persuasion", "low": "0.1", "high": "0.5", "critical": "0.9"}, "no critical threshold"),
        ({"domain": "bio", "low": "0.12345", "high": "0.5", "critical": "0.9"}, "more than 4 decimal places"),
        ({"domain": "bio", "low": "-0.1", "high": "0.5", "critical": "0.9"}, "[0, 1]"),
        ({"domain": "mystery", "low": "0.1", "high": "0.5"}, "Unknown risk domain"),
    ],
)
def test_threshold_entries_are_validated(world, entry, message):
    with pytest.raises(Invalid) as error:
        baselines.create_draft(by=world.board, version="bad", entries=[entry])
    assert message in " ".join(error.value.fields["entries"])
    assert not ThresholdSet.objects.filter(version="bad").exists()


def test_lineage_cycles_are_rejected(world):
    a = world.register("A")
    b = world.register("B", parent=a, derivation="merge")
    c = world.register("C", parent=b, derivation="adapter")
    with pytest.raises(Invalid):
        registry.update_model(by=world.dev_aurora, model=a, parent=c, derivation="merge")
    a.refresh_from_db()
    assert a.parent_id is None


def test_evidence_becoming_complete_without_a_tier_change_is_audited(world):
    """Tier 2 from a bio score above low, then the last domains: the tier stands, the
    evidence becomes complete, and that change is in the audit trail like any other."""
    from governance.audit.models import AuditEvent

    model = world.register("Aster")
    world.evidence(model, "bio", "0.3000")
    assert (model.current_tier, model.evidence_complete) == (2, False)
    world.full_evidence(model, {"bio": "0.3000"})
    assert (model.current_tier, model.evidence_complete) == (2, True)
    assert statuses(model)[-1] == ("initial", "in_force", 2)
    events = AuditEvent.objects.filter(action="model.evidence_completeness", object_id=str(model.pk))
    assert [e.changes for e in events] == [{"evidence_complete": [False, True]}]


def test_the_pipeline_reads_the_determinations_of_models_with_a_tier_only(world, django_assert_num_queries):
    """A model with no tier has nothing in force or pending: a first run (load data, a first
    deployment) reads no determinations; a model with a tier gets the one in force and the
    relaxation waiting beside it."""
    from governance.determinations.selectors import states_of
    from tests.factories import AIModelFactory

    fresh = AIModelFactory(developer=world.aurora)
    with django_assert_num_queries(1):
        assert states_of([fresh.pk])[fresh.pk].in_force_id is None
    decided = world.register("Aster")
    world.full_evidence(decided)  # complete and low: a relaxation from Tier 2 to Tier 1 waits
    in_force = decided.determinations.get(status="in_force")
    pending = decided.determinations.get(status="pending_confirmation")
    with django_assert_num_queries(2):
        states = states_of([fresh.pk, decided.pk])
    assert states[fresh.pk].in_force_id is None and states[fresh.pk].pending_id is None
    assert (states[decided.pk].in_force_id, states[decided.pk].in_force_kind) == (in_force.pk, in_force.kind)
    assert (states[decided.pk].pending_id, states[decided.pk].pending_tier) == (pending.pk, pending.tier)
