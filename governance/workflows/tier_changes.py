"""One way for a tier to change (SPEC sections 4 and 24): read the models' inputs, decide
with the pure tier rule (or take a human decision), write the determinations, then their
consequences — for one model or a million, by the same code.

Every caller goes through here: revalidation of one model (a batch of one) and of every
model (``revalidation.py``, in chunks), contest and appeal decisions, re-review outcomes,
own-motion determinations, and the confirmation of relaxations.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction

from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations import writer
from governance.determinations.models import Determination
from governance.determinations.selectors import HUMAN_KINDS, ModelState, states_of
from governance.determinations.writer import Decision, Written
from governance.evidence.selectors import observations_by_model
from governance.platform.errors import Invalid, NotAllowed
from governance.registry.models import AIModel
from governance.registry.roles import is_adjudicator
from governance.registry.services import mirror_completeness
from governance.tiering.changes import Change, plan_change
from governance.tiering.rule import DomainThreshold, TierOutcome, determine_tier
from governance.workflows import consequences, notices


class Cause(StrEnum):
    """Why the machine re-decides a model; a change it makes opens a re-review named after it."""

    REGISTRATION = "registration"
    NEW_EVIDENCE = "new_evidence"
    BASELINE_SHIFT = "baseline_shift"
    PARENT_TIER_CHANGE = "parent_tier_change"

    @property
    def rereview(self) -> tuple[str, str] | None:
        return _REREVIEWS.get(self)


_REREVIEWS = {
    Cause.NEW_EVIDENCE: ("new_evidence", "The model's accepted evidence changed"),
    Cause.BASELINE_SHIFT: ("baseline_shift", "The threshold set in force changed"),
    Cause.PARENT_TIER_CHANGE: ("parent_tier_change", "The model's lineage changed"),
}

_PENDING_DROPPED = {
    Change.NONE: "The assessment no longer supports the relaxation.",
    Change.ESCALATE: "Overtaken by an escalation.",
}


class Rules:
    """The threshold set in force as the rule reads it, read once per run."""

    def __init__(self, threshold_set: ThresholdSet) -> None:
        self.threshold_set = threshold_set
        self.thresholds: list[DomainThreshold] = thresholds_of(threshold_set)

    def assess(self, state: ModelState, observations: Sequence[Any], parent_tier: int | None) -> TierOutcome:
        return determine_tier(
            thresholds=self.thresholds,
            observations=observations,
            parent_tier=parent_tier if state.parent_id else None,
            threshold_set=self.threshold_set.version,
        )


def decide(
    model_ids: list[int],
    rules: Rules,
    *,
    cause: Cause,
    actor: Any = None,
    parent_tiers: dict[int, int | None] | None = None,
    descendants_decided: bool = False,
) -> list[Written]:
    """Re-decide ``model_ids`` under ``rules`` and act on the result, in the caller's
    transaction: locks the models, reads their evidence, applies the rule, writes what
    changed and its consequences. ``parent_tiers`` overrides the parents' tiers in force
    (a revalidation of every model knows them before they are written).

    Idempotent: deciding the same models again on the same inputs writes nothing."""
    states = states_of(model_ids, lock=True)
    observed = observations_by_model(list(states))
    decisions: list[Decision] = []
    dropped: list[tuple[ModelState, str]] = []
    completeness: list[tuple[int, int, bool]] = []
    for state in states.values():
        parent_tier = state.parent_tier
        if parent_tiers is not None and state.parent_id in parent_tiers:
            parent_tier = parent_tiers[state.parent_id]
        outcome = rules.assess(state, observed.get(state.id, ()), parent_tier)
        plan = plan_change(
            current=state.current_tier, pending=state.pending_tier, assessed=outcome.tier, standing=state.standing
        )
        if plan.supersede_pending:
            dropped.append((state, _PENDING_DROPPED.get(plan.change, "Replaced by a newer assessment.")))
        if plan.change is Change.NONE:
            if state.current_tier is not None and state.evidence_complete != outcome.evidence_complete:
                completeness.append((state.id, state.developer_id, outcome.evidence_complete))
            continue
        rationale = notices.automatic_rationale(plan.change.value, state.current_tier, outcome.tier)
        if state.in_force_kind in HUMAN_KINDS and state.in_force_id is not None:
            rationale += notices.replaces_decision(state.in_force_kind, state.in_force_id, state.standing, outcome.tier)
        decisions.append(
            Decision(
                state=state,
                tier=outcome.tier,
                kind=Determination.Kind.INITIAL if plan.change is Change.INITIAL else Determination.Kind.REVALIDATION,
                in_force=plan.change is not Change.RELAX,
                basis=outcome.basis,
                evidence_complete=outcome.evidence_complete,
                rationale=rationale,
                threshold_set_id=rules.threshold_set.pk,
            )
        )
    written = writer.write(decisions, drop_pending=dropped, actor=actor)
    if completeness:
        mirror_completeness(completeness, actor=actor)
    consequences.follow(written, rereview=cause.rereview, actor=actor, descendants_decided=descendants_decided)
    return written


def revalidate_model(*, model_id: int, cause: Cause = Cause.NEW_EVIDENCE, actor: Any = None) -> Determination | None:
    """Re-run the tier rule for one model under the set in force and act on the result: a
    revalidation of every model, with one model in it."""
    with transaction.atomic():
        threshold_set = threshold_set_in_force()
        if threshold_set is None:
            return None
        written = decide([model_id], Rules(threshold_set), cause=cause, actor=actor)
        return Determination.objects.get(pk=written[0].pk) if written else None


def revalidate_models(*, model_ids: list[int], cause: Cause = Cause.NEW_EVIDENCE, actor: Any = None) -> int:
    """Re-run the tier rule for ``model_ids`` under the set in force, in chunks of
    ``REVALIDATION_CHUNK_SIZE``, each chunk its own transaction (idempotent: a run killed
    midway is finished by running it again). Returns how many determinations were written."""
    written = 0
    ids = sorted(set(model_ids))
    size = settings.REVALIDATION_CHUNK_SIZE
    for start in range(0, len(ids), size):
        with transaction.atomic():
            threshold_set = threshold_set_in_force()
            if threshold_set is None:
                return written
            written += len(decide(ids[start : start + size], Rules(threshold_set), cause=cause, actor=actor))
    return written


def issue_decision(
    *, model: AIModel, tier: int, kind: str, rationale: str, by: Any, basis: dict | None = None
) -> Determination:
    """A human decision in force at once: own motion, contest or appeal decision, re-review
    outcome. The rule's explanation (and its tier, against which the decision stands) stays
    on record beside the decision that departs from it. Call inside the caller's transaction."""
    if tier not in (1, 2, 3, 4):
        raise Invalid(fields={"tier": ["Tier must be 1, 2, 3 or 4."]})
    if not rationale or not rationale.strip():
        raise Invalid(fields={"rationale": ["A written rationale is required."]})
    state = states_of([model.pk], lock=True)[model.pk]
    threshold_set = threshold_set_in_force()
    assessed: dict[str, Any] = {}
    evidence_complete = state.evidence_complete
    if threshold_set is not None:
        outcome = Rules(threshold_set).assess(
            state, observations_by_model([model.pk]).get(model.pk, ()), state.parent_tier
        )
        assessed = {**outcome.basis, "assessed_tier": outcome.tier}
        evidence_complete = outcome.evidence_complete
    decision = Decision(
        state=state,
        tier=tier,
        kind=kind,
        in_force=True,
        basis={**assessed, **(basis or {}), "decision": kind, "tier": tier},
        evidence_complete=evidence_complete,
        rationale=rationale.strip(),
        threshold_set_id=threshold_set.pk if threshold_set is not None else None,
        decided_by_id=by.pk,
    )
    dropped = [(state, "Overtaken by a human decision.")] if state.pending_id is not None else []
    written = writer.write([decision], drop_pending=dropped, actor=by)
    consequences.follow(written, rereview=None, actor=by)
    return Determination.objects.get(pk=written[0].pk)


def determine_own_motion(*, model: AIModel, tier: int, rationale: str, by: Any) -> Determination:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may issue an own-motion determination.")
    with transaction.atomic():
        return issue_decision(model=model, tier=tier, kind=Determination.Kind.OWN_MOTION, rationale=rationale, by=by)


def confirm_relaxation(*, determination: Determination, by: Any, reasons: str = "") -> Determination:
    """A regulator brings a pending relaxation into force (SPEC sections 2 and 4)."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may confirm a relaxation.")
    with transaction.atomic():
        state = states_of([determination.model_id], lock=True)[determination.model_id]
        pending = writer.locked_pending(determination)
        written = writer.confirm(pending, state, by=by, reasons=(reasons or "").strip())
        consequences.follow([written], rereview=None, actor=by)
        pending.refresh_from_db()
        return pending


def reject_relaxation(*, determination: Determination, by: Any, reason: str = "") -> Determination:
    """A regulator keeps the tier in force: the pending relaxation is rejected, with reasons."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may reject a relaxation.")
    with transaction.atomic():
        state = states_of([determination.model_id], lock=True)[determination.model_id]
        pending = writer.locked_pending(determination)
        return writer.reject(pending, state, by=by, reasons=(reason or "").strip())
