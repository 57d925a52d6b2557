"""One tier-change pipeline (SPEC section 24): deciding a model alone or among many has the
same effects — determinations, obligations, re-reviews, notifications (recipients and
text) and audit actions. Each scenario is built with the background jobs held back, then
decided both ways from the same state (each in a savepoint rolled back afterwards)."""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.audit.models import AuditEvent
from governance.baselines import services as baselines
from governance.cases.models import ReReview
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.evidence import services as evidence
from governance.notifications.models import Notification
from governance.registry.models import AIModel
from governance.workflows.revalidation import revalidate_all
from governance.workflows.tier_changes import Cause, revalidate_model
from tests.conftest import DOMAINS, STANDARD_ENTRIES

pytestmark = pytest.mark.django_db


@contextmanager
def held_back(django_settings: Any) -> Iterator[None]:
    """Background jobs are queued after commit, which never comes in a test: the changes
    are made, their revalidations are not."""
    django_settings.TASKS_EAGER = False
    try:
        yield
    finally:
        django_settings.TASKS_EAGER = True


def effects(since: dict[str, int]) -> dict[str, Any]:
    """What was written after ``since`` (the highest ids before), with ids replaced by names."""
    names = dict(AIModel.objects.values_list("id", "name"))

    def named(text: str) -> str:
        return re.sub(r"/models/(\d+)/", lambda m: f"/models/{names[int(m.group(1))]}/", text)

    def unnumbered(text: str) -> str:
        """Case references are numbered in the order cases open, which differs between one
        model after another and all at once: the cases themselves must not."""
        return re.sub(r"\b(RR|CT|AP|EN)-\d{4}-\d{5}\b", r"\1-…", text)

    new = {
        "determinations": Determination.objects.filter(pk__gt=since["determinations"]),
        "obligations": Obligation.objects.filter(pk__gt=since["obligations"]),
        "rereviews": ReReview.objects.filter(pk__gt=since["rereviews"]),
        "notifications": Notification.objects.filter(pk__gt=since["notifications"]),
        "audit": AuditEvent.objects.filter(seq__gt=since["audit"]),
    }
    return {
        "determinations": sorted(
            (names[d.model_id], d.tier, d.kind, d.status, d.rationale, d.previous_tier, d.evidence_complete)
            for d in new["determinations"]
        ),
        "in_force": sorted(
            (names[d.model_id], d.tier) for d in Determination.objects.filter(status=Determination.Status.IN_FORCE)
        ),
        "obligations": sorted((names[o.model_id], o.kind, o.status, o.tier, o.next_due) for o in new["obligations"]),
        "rereviews": sorted((names[r.model_id], r.trigger, r.state, r.reason) for r in new["rereviews"]),
        "notifications": sorted(
            (n.recipient.username, n.event, unnumbered(n.subject), n.body, named(n.link))
            for n in new["notifications"].select_related("recipient")
        ),
        "audit": Counter((e.action, e.object_type) for e in new["audit"]),
        "models": sorted(AIModel.objects.values_list("name", "current_tier", "evidence_complete", "next_review_due")),
    }


def marks() -> dict[str, int]:
    def top(queryset, field="pk"):
        return queryset.order_by(f"-{field}").values_list(field, flat=True).first() or 0

    return {
        "determinations": top(Determination.objects),
        "obligations": top(Obligation.objects),
        "rereviews": top(ReReview.objects),
        "notifications": top(Notification.objects),
        "audit": top(AuditEvent.objects, "seq"),
    }


def decided(run: Callable[[], Any]) -> dict[str, Any]:
    """``run``'s effects, rolled back afterwards."""
    since = marks()
    with transaction.atomic():
        run()
        found = effects(since)
        transaction.set_rollback(True)
    return found


def alone(models: list[AIModel], cause: Cause) -> Callable[[], None]:
    def run() -> None:
        for model in sorted(models, key=lambda m: (m.parent_id is not None, m.pk)):
            revalidate_model(model_id=model.pk, cause=cause)

    return run


def among_many(cause: Cause) -> Callable[[], None]:
    return lambda: revalidate_all(cause=cause)


def assert_same_effects(models: list[AIModel], cause: Cause) -> dict[str, Any]:
    one = decided(alone(models, cause))
    many = decided(among_many(cause))
    for key in one:
        assert one[key] == many[key], key
    return one


def hold_evidence(world, django_settings, model, scores: dict[str, str]) -> None:
    with held_back(django_settings):
        for domain, score in scores.items():
            world.evidence(model, domain, score)


def test_first_determination_at_tier_3_brings_its_obligations_either_way(world, settings):
    with held_back(settings):
        model = world.register("Lumen-3B")
        world.full_evidence(model, {"bio": "0.6000"})
    assert model.determinations.count() == 0
    found = assert_same_effects([model], Cause.BASELINE_SHIFT)
    assert found["determinations"][0][:4] == ("Lumen-3B", 3, "initial", "in_force")
    assert {kind for _, kind, *_ in found["obligations"]} == {
        "institutional_verification",
        "access_register_audit",
        "security_attestation",
        "incident_report",
    }
    assert found["audit"][("determination.in_force", "determinations.determination")] == 1
    assert found["audit"][("obligation.created", "compliance.obligation")] == 4
    notice = next(n for n in found["notifications"] if n[1] == "determination_in_force")
    assert "You may contest it within 30 days." in notice[3]
    assert found["rereviews"] == []  # a first determination is not a change to review


def test_escalation_writes_the_same_events_and_notice_either_way(world, settings):
    model = world.register("Orbit")
    world.full_evidence(model, {"bio": "0.3000"})
    assert model.current_tier == 2
    hold_evidence(world, settings, model, {"cyber": "0.9000"})
    found = assert_same_effects([model], Cause.NEW_EVIDENCE)
    assert [d[:4] for d in found["determinations"]] == [("Orbit", 4, "revalidation", "in_force")]
    assert found["audit"][("determination.superseded", "determinations.determination")] == 1
    assert found["audit"][("determination.in_force", "determinations.determination")] == 1
    assert [r[:2] for r in found["rereviews"]] == [("Orbit", "new_evidence")]
    assert "You may contest it within 30 days." in found["notifications"][0][3]


def test_pending_relaxation_reaches_the_developer_every_regulator_and_the_board_either_way(world, settings):
    model = world.register("Quill")
    world.full_evidence(model)
    result = world.evidence(model, "bio", "0.6000")
    assert AIModel.objects.get(pk=model.pk).current_tier == 3
    with held_back(settings):
        evidence.withdraw_evaluation(evaluation=result, by=world.evaluator)
    found = assert_same_effects([model], Cause.NEW_EVIDENCE)
    assert [d[:4] for d in found["determinations"]] == [("Quill", 1, "revalidation", "pending_confirmation")]
    recipients = {n[0] for n in found["notifications"] if n[1] == "determination_pending"}
    assert recipients == {
        "dev-aurora",
        "regulator",
        "regulator2",
        "regulator3",
        "regulator4",
        "board",
        "board2",
        "board3",
    }
    assert ("Quill", 3) in found["in_force"]


def test_a_parents_rise_raises_its_derivative_by_the_floor_either_way(world, settings):
    parent = world.register("Base")
    world.full_evidence(parent, {"bio": "0.3000"})
    child = world.register("Base-FT", parent=parent, derivation="fine_tune")
    world.evidence(child, "bio", "0.1000")  # incomplete: the floor binds
    assert AIModel.objects.get(pk=child.pk).current_tier == 2
    hold_evidence(world, settings, parent, {"chem": "0.6000"})
    found = assert_same_effects([parent, child], Cause.NEW_EVIDENCE)
    assert ("Base", 3) in found["in_force"] and ("Base-FT", 3) in found["in_force"]
    assert ("Base-FT", "parent_tier_change") in {r[:2] for r in found["rereviews"]}
    assert sum(1 for o in found["obligations"] if o[0] == "Base-FT") == 4


def test_a_parents_rise_reviews_a_derivative_with_evidence_of_its_own_either_way(world, settings):
    parent = world.register("Root")
    world.full_evidence(parent, {"bio": "0.3000"})
    child = world.register("Root-merge", parent=parent, derivation="merge")
    world.full_evidence(child, {"bio": "0.3000"})
    hold_evidence(world, settings, parent, {"nuclear": "0.9000"})
    found = assert_same_effects([parent, child], Cause.NEW_EVIDENCE)
    assert ("Root", 4) in found["in_force"] and ("Root-merge", 2) in found["in_force"]
    assert [r[:2] for r in found["rereviews"] if r[0] == "Root-merge"] == [("Root-merge", "parent_tier_change")]


def test_a_baseline_shift_gives_the_same_effects_either_way(world, settings):
    models = [world.register(f"Shift-{i}") for i in range(3)]
    for model, score in zip(models, ("0.2500", "0.4500", "0.1000"), strict=True):
        world.full_evidence(model, {"bio": score})
    stricter = [
        {**entry, "low": "0.1000", "high": "0.4000"} if entry["domain"] == "bio" else entry
        for entry in STANDARD_ENTRIES
    ]
    with held_back(settings):
        world.publish(baselines.create_draft(by=world.board, version="2027.1", entries=stricter))
    found = assert_same_effects(models, Cause.BASELINE_SHIFT)
    assert {r[1] for r in found["rereviews"]} == {"baseline_shift"}


scores = st.sampled_from(["0.0500", "0.2500", "0.5500", "0.8500"])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    worlds=st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(DOMAINS), scores, max_size=3), st.integers(min_value=-1, max_value=3)
        ),
        min_size=1,
        max_size=4,
    ),
    later=st.lists(st.tuples(st.integers(min_value=0, max_value=3), st.sampled_from(DOMAINS), scores), max_size=3),
)
def test_random_small_worlds_have_the_same_effects_alone_or_among_many(world, settings, worlds, later):
    with transaction.atomic():
        models: list[AIModel] = []
        for index, (evidence_scores, parent) in enumerate(worlds):
            parent_model = models[parent] if 0 <= parent < len(models) else None
            model = world.register(f"W{index}", parent=parent_model, derivation="fine_tune" if parent_model else "")
            for domain, score in evidence_scores.items():
                world.evidence(model, domain, score)
            models.append(model)
        with held_back(settings):
            for index, domain, score in later:
                world.evidence(models[index % len(models)], domain, score)
        assert_same_effects(models, Cause.NEW_EVIDENCE)
        transaction.set_rollback(True)
