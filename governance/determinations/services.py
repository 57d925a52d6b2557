"""Determinations: the only writers of a model's tier (SPEC section 4).

Escalations come into force at once; automatic relaxations wait as
``pending_confirmation`` for a regulator; human decisions (contest, appeal, own motion)
come into force when made. Coming into force updates the model's mirror fields, notifies
the developer, syncs compliance obligations, schedules the next periodic review and,
when the tier rose, cascades to the model's descendants.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.audit.services import created, record
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.models import Determination
from governance.evidence.selectors import observations_for
from governance.notifications.services import members_of, notify, users_with_role
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.registry.models import AIModel
from governance.registry.roles import BOARD, REGULATOR, is_adjudicator
from governance.tiering.calendar import add_months
from governance.tiering.changes import Change, plan_change
from governance.tiering.rule import TierOutcome, determine_tier

DETERMINATION_FIELDS = (
    "model",
    "tier",
    "kind",
    "status",
    "threshold_set",
    "basis",
    "rationale",
    "effective_from",
    "decided_by",
    "previous",
    "previous_tier",
)


def assess(model: AIModel, threshold_set: ThresholdSet) -> TierOutcome:
    """The tier rule applied to one model's evidence under ``threshold_set``."""
    parent_tier = model.parent.current_tier if model.parent_id else None
    return determine_tier(
        thresholds=thresholds_of(threshold_set),
        observations=observations_for(model),
        parent_tier=parent_tier,
        threshold_set=threshold_set.version,
    )


def revalidate_model(*, model_id: int, actor: Any = None) -> Determination | None:
    """Re-run the tier rule for one model under the set in force and act on the result."""
    with transaction.atomic():
        model = AIModel.objects.select_for_update(of=("self",)).select_related("parent").get(pk=model_id)
        threshold_set = threshold_set_in_force()
        if threshold_set is None:
            return None
        outcome = assess(model, threshold_set)
        return apply_outcome(model=model, outcome=outcome, threshold_set=threshold_set, actor=actor)


def apply_outcome(
    *, model: AIModel, outcome: TierOutcome, threshold_set: ThresholdSet, actor: Any = None
) -> Determination | None:
    """Turn an automatic assessment into a determination, if the tier changes.

    Idempotent: the same outcome applied twice writes nothing the second time. Call inside
    a transaction holding the model's row lock.
    """
    current = model.determinations.filter(status=Determination.Status.IN_FORCE).first()
    pending = model.determinations.filter(status=Determination.Status.PENDING_CONFIRMATION).first()
    plan = plan_change(
        current=current.tier if current else None, pending=pending.tier if pending else None, assessed=outcome.tier
    )
    if plan.supersede_pending:
        reason = {
            Change.NONE: "The assessment no longer supports the relaxation.",
            Change.ESCALATE: "Overtaken by an escalation.",
        }.get(plan.change, "Replaced by a newer assessment.")
        _supersede_pending(pending, actor=actor, reason=reason)
    if plan.change is Change.NONE:
        if current is not None and model.evidence_complete != outcome.evidence_complete:
            AIModel.objects.filter(pk=model.pk).update(evidence_complete=outcome.evidence_complete)
            record(
                actor=actor,
                action="model.evidence_completeness",
                obj=model,
                changes={"evidence_complete": [model.evidence_complete, outcome.evidence_complete]},
                organization_id=model.developer_id,
            )
            model.evidence_complete = outcome.evidence_complete
        return None
    return _create(
        model=model,
        tier=outcome.tier,
        kind=Determination.Kind.INITIAL if plan.change is Change.INITIAL else Determination.Kind.REVALIDATION,
        threshold_set=threshold_set,
        basis=outcome.basis,
        evidence_complete=outcome.evidence_complete,
        rationale=automatic_rationale(plan.change, current.tier if current else None, outcome.tier),
        actor=actor,
        in_force=plan.change is not Change.RELAX,
    )


def automatic_rationale(change: Change, current: int | None, assessed: int) -> str:
    if change is Change.INITIAL:
        return "First determination under the tier rule."
    if change is Change.ESCALATE:
        return f"Escalated from Tier {current} by the tier rule; in force at once."
    return f"The tier rule supports relaxing Tier {current} to Tier {assessed}; waiting for a regulator's confirmation."


def _create(
    *,
    model: AIModel,
    tier: int,
    kind: str,
    threshold_set: ThresholdSet | None,
    basis: dict,
    evidence_complete: bool,
    rationale: str,
    actor: Any,
    in_force: bool,
    decided_by: Any = None,
) -> Determination:
    current = model.determinations.filter(status=Determination.Status.IN_FORCE).first()
    determination = Determination.objects.create(
        model=model,
        tier=tier,
        kind=kind,
        status=Determination.Status.PENDING_CONFIRMATION,
        threshold_set=threshold_set,
        basis=basis,
        evidence_complete=evidence_complete,
        rationale=rationale,
        decided_by=decided_by,
        previous=current,
        previous_tier=current.tier if current else None,
    )
    record(
        actor=actor,
        action="determination.created",
        obj=determination,
        changes=created(determination, DETERMINATION_FIELDS),
        organization_id=model.developer_id,
    )
    if in_force:
        _bring_into_force(determination, current=current, actor=actor)
    else:
        subject = f"{model}: relaxation to Tier {tier} awaits confirmation"
        notify(
            recipients=[*members_of(model.developer_id), *users_with_role(REGULATOR, BOARD)],
            event="determination_pending",
            subject=subject,
            body=rationale,
            obj=determination,
            link=f"/models/{model.pk}/",
        )
    return determination


def _bring_into_force(determination: Determination, *, current: Determination | None, actor: Any) -> None:
    from governance.compliance.services import sync_obligations
    from governance.determinations.cascade import on_tier_rise

    now = timezone.now()
    model = determination.model
    if current is not None:
        Determination.objects.filter(pk=current.pk).update(status=Determination.Status.SUPERSEDED, superseded_at=now)
        record(
            actor=actor,
            action="determination.superseded",
            obj=current,
            changes={"status": [current.status, Determination.Status.SUPERSEDED]},
            organization_id=model.developer_id,
        )
    Determination.objects.filter(pk=determination.pk).update(status=Determination.Status.IN_FORCE, effective_from=now)
    determination.status = Determination.Status.IN_FORCE
    determination.effective_from = now

    before = {
        "current_tier": model.current_tier,
        "evidence_complete": model.evidence_complete,
        "next_review_due": model.next_review_due,
    }
    model.current_tier = determination.tier
    model.evidence_complete = determination.evidence_complete
    model.tier_effective_from = now
    model.next_review_due = add_months(timezone.localdate(now), settings.REVIEW_CADENCE_MONTHS[determination.tier])
    AIModel.objects.filter(pk=model.pk).update(
        current_tier=model.current_tier,
        evidence_complete=model.evidence_complete,
        tier_effective_from=now,
        next_review_due=model.next_review_due,
    )
    record(
        actor=actor,
        action="determination.in_force",
        obj=determination,
        changes={
            "status": [Determination.Status.PENDING_CONFIRMATION, Determination.Status.IN_FORCE],
            "tier": [before["current_tier"], determination.tier],
            "next_review_due": [before["next_review_due"], model.next_review_due],
        },
        organization_id=model.developer_id,
    )
    notify(
        recipients=members_of(model.developer_id),
        event="determination_in_force",
        subject=f"{model} is now Tier {determination.tier}",
        body=f"{determination.get_kind_display()} determination in force. {determination.rationale}\n"
        f"You may contest it within {settings.CONTEST_WINDOW_DAYS} days.",
        obj=determination,
        link=f"/models/{model.pk}/",
    )
    sync_obligations(model=model, tier=determination.tier, actor=actor)
    if before["current_tier"] is not None and determination.tier > before["current_tier"]:
        on_tier_rise(model=model, actor=actor)


def schedule_next_review(*, model: AIModel, actor: Any = None) -> None:
    """Set the next periodic review from today by the model's tier (after a re-review)."""
    if model.current_tier is None:
        return
    before = model.next_review_due
    model.next_review_due = add_months(timezone.localdate(), settings.REVIEW_CADENCE_MONTHS[model.current_tier])
    AIModel.objects.filter(pk=model.pk).update(next_review_due=model.next_review_due)
    record(
        actor=actor,
        action="model.review_scheduled",
        obj=model,
        changes={"next_review_due": [before, model.next_review_due]},
        organization_id=model.developer_id,
    )


def _supersede_pending(pending: Determination, *, actor: Any, reason: str) -> None:
    Determination.objects.filter(pk=pending.pk).update(
        status=Determination.Status.SUPERSEDED, superseded_at=timezone.now()
    )
    record(
        actor=actor,
        action="determination.superseded",
        obj=pending,
        changes={"status": [pending.status, Determination.Status.SUPERSEDED], "reason": [None, reason]},
        organization_id=pending.model.developer_id,
    )


def _lock_pending(determination: Determination) -> tuple[Determination, AIModel]:
    model = AIModel.objects.select_for_update().get(pk=determination.model_id)
    locked = Determination.objects.select_for_update(of=("self",)).select_related("model").get(pk=determination.pk)
    if locked.status != Determination.Status.PENDING_CONFIRMATION:
        raise IllegalTransition(f"This determination is {locked.get_status_display().lower()}, not pending.")
    return locked, model


def confirm_relaxation(*, determination: Determination, by: Any) -> Determination:
    """A regulator brings a pending relaxation into force (SPEC sections 2 and 4)."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may confirm a relaxation.")
    with transaction.atomic():
        locked, model = _lock_pending(determination)
        current = model.determinations.filter(status=Determination.Status.IN_FORCE).first()
        Determination.objects.filter(pk=locked.pk).update(confirmed_by=by, resolved_at=timezone.now())
        locked.confirmed_by = by
        record(actor=by, action="determination.confirmed", obj=locked, organization_id=model.developer_id)
        _bring_into_force(locked, current=current, actor=by)
        return locked


def reject_relaxation(*, determination: Determination, by: Any, reason: str = "") -> Determination:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may reject a relaxation.")
    with transaction.atomic():
        locked, model = _lock_pending(determination)
        now = timezone.now()
        Determination.objects.filter(pk=locked.pk).update(
            status=Determination.Status.REJECTED, confirmed_by=by, resolved_at=now
        )
        record(
            actor=by,
            action="determination.rejected",
            obj=locked,
            changes={"status": [locked.status, Determination.Status.REJECTED], "reason": [None, reason]},
            organization_id=model.developer_id,
        )
        locked.status = Determination.Status.REJECTED
        return locked


def issue_decision(
    *, model: AIModel, tier: int, kind: str, rationale: str, by: Any, basis: dict | None = None
) -> Determination:
    """A human decision in force at once: own motion, contest or appeal decision.

    Call inside the caller's transaction; locks the model row.
    """
    if tier not in (1, 2, 3, 4):
        raise Invalid(fields={"tier": ["Tier must be 1, 2, 3 or 4."]})
    if not rationale.strip():
        raise Invalid(fields={"rationale": ["A written rationale is required."]})
    model = AIModel.objects.select_for_update().get(pk=model.pk)
    pending = model.determinations.filter(status=Determination.Status.PENDING_CONFIRMATION).first()
    if pending is not None:
        _supersede_pending(pending, actor=by, reason="Overtaken by a human decision.")
    threshold_set = threshold_set_in_force()
    # The rule's explanation stays on record beside the human decision that departs from it.
    assessed = assess(model, threshold_set).basis if threshold_set is not None else {}
    return _create(
        model=model,
        tier=tier,
        kind=kind,
        threshold_set=threshold_set,
        basis={**assessed, **(basis or {}), "decision": kind, "tier": tier},
        evidence_complete=model.evidence_complete,
        rationale=rationale,
        actor=by,
        in_force=True,
        decided_by=by,
    )


def determine_own_motion(*, model: AIModel, tier: int, rationale: str, by: Any) -> Determination:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may issue an own-motion determination.")
    with transaction.atomic():
        return issue_decision(model=model, tier=tier, kind=Determination.Kind.OWN_MOTION, rationale=rationale, by=by)
