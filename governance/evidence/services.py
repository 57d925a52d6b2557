"""Writers for evaluation results (SPEC section 11)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from governance.audit.services import PendingEvent, created, record, record_many
from governance.evidence import capabilities
from governance.evidence.models import EvaluationResult
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.platform.jobs import REVALIDATE_MODEL, enqueue
from governance.registry.models import AIModel, Benchmark, Organization
from governance.registry.roles import has_role, is_adjudicator, organization_id_of
from governance.registry.selectors import covered_now
from governance.tiering import transitions
from governance.tiering.scores import ScoreOutOfRange, normalize

EVALUATION_FIELDS = (
    "model",
    "benchmark",
    "raw_score",
    "normalized_score",
    "submitted_by_org",
    "run_date",
    "provenance",
    "status",
    "artifact_sha256",
    "run_identity",
)


def submitter_provenance(user: Any, model: AIModel, benchmark: Benchmark | None = None) -> tuple[Organization, str]:
    """Who may submit for ``model`` and with what provenance (SPEC sections 15 and 22).

    Developers submit self-reported results for their own organisation's models;
    evaluators submit for any model, ``accredited`` when their organisation's accreditation
    is active now and covers the benchmark's domain (whether a result counts is read from
    the accreditation's periods, ``governance.evidence.selectors.evidence``).
    """
    org_id = organization_id_of(user)
    if org_id is None:
        raise NotAllowed("Only members of a developer or evaluator organisation submit evaluations.")
    organization = Organization.objects.get(pk=org_id)
    if has_role(user, "evaluator") and organization.kind == Organization.Kind.EVALUATOR:
        covered = benchmark is not None and covered_now(organization.pk, benchmark.domain_id)
        provenance = EvaluationResult.Provenance.ACCREDITED if covered else EvaluationResult.Provenance.SELF_REPORTED
        return organization, provenance
    if has_role(user, "developer") and model.developer_id == org_id:
        return organization, EvaluationResult.Provenance.SELF_REPORTED
    raise NotAllowed("You may submit evaluations only for your own organisation's models.")


def submit_evaluation(
    *,
    by: Any,
    model: AIModel,
    benchmark: Benchmark,
    raw_score: Decimal,
    run_date: date,
    artifact: UploadedFile | None = None,
    artifact_sha256: str = "",
    artifact_name: str = "",
    run_identity: str = "",
) -> EvaluationResult:
    organization, provenance = submitter_provenance(by, model, benchmark)
    if run_date > timezone.localdate():
        raise Invalid(fields={"run_date": ["The run date cannot be in the future."]})
    try:
        normalized = normalize(
            Decimal(raw_score),
            scale_min=benchmark.scale_min,
            scale_max=benchmark.scale_max,
            higher_is_more_capable=benchmark.higher_is_more_capable,
        )
    except ScoreOutOfRange as error:
        raise Invalid(fields={"raw_score": [str(error)]}) from error
    with transaction.atomic():
        evaluation = EvaluationResult(
            model=model,
            benchmark=benchmark,
            raw_score=raw_score,
            normalized_score=normalized,
            submitted_by_org=organization,
            submitted_by=by,
            run_date=run_date,
            provenance=provenance,
            artifact_sha256=artifact_sha256,
            run_identity=run_identity,
        )
        if artifact is not None:
            evaluation.artifact = artifact
        elif artifact_name:
            evaluation.artifact.name = artifact_name  # a file already in storage
        evaluation.save()
        record(
            actor=by,
            action="evaluation.submitted",
            obj=evaluation,
            changes=created(evaluation, EVALUATION_FIELDS),
            organization_id=model.developer_id,
        )
    return evaluation


_VERBS: dict[str, str] = {
    EvaluationResult.Status.ACCEPTED: "accept",
    EvaluationResult.Status.REJECTED: "reject",
    EvaluationResult.Status.WITHDRAWN: "withdraw",
}


def _transition(
    evaluation: EvaluationResult, *, by: Any, source: str, target: str, action: str, reason: str = ""
) -> EvaluationResult:
    with transaction.atomic():
        locked = (
            EvaluationResult.objects.select_for_update(of=("self",))
            .select_related("model", "benchmark")
            .get(pk=evaluation.pk)
        )
        if not transitions.allows("evaluationresult", _VERBS[target], locked.status):
            raise IllegalTransition(f"Only a {source} evaluation can be {target}; this one is {locked.status}.")
        locked.status = target
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_reason = reason
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
        changes: dict[str, list[str | None]] = {"status": [source, target]}
        if reason:
            changes["reason"] = [None, reason]
        record(actor=by, action=action, obj=locked, changes=changes, organization_id=locked.model.developer_id)
        if target in (EvaluationResult.Status.ACCEPTED, EvaluationResult.Status.WITHDRAWN):
            capabilities.refresh(model_ids=[locked.model_id], domain_ids=[locked.benchmark.domain_id])
            enqueue(REVALIDATE_MODEL, locked.model_id, cause="new_evidence")
    return locked


def accept_evaluation(*, evaluation: EvaluationResult, by: Any) -> EvaluationResult:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may accept evaluation results.")
    return _transition(
        evaluation, by=by, source="submitted", target=EvaluationResult.Status.ACCEPTED, action="evaluation.accepted"
    )


def reject_evaluation(*, evaluation: EvaluationResult, by: Any, reason: str) -> EvaluationResult:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may reject evaluation results.")
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": ["Say why the result is rejected."]})
    return _transition(
        evaluation,
        by=by,
        source="submitted",
        target=EvaluationResult.Status.REJECTED,
        action="evaluation.rejected",
        reason=reason,
    )


def withdraw_evaluation(*, evaluation: EvaluationResult, by: Any, reason: str = "") -> EvaluationResult:
    """Withdraw accepted evidence: the regulator, or the organisation that submitted it."""
    if not (is_adjudicator(by) or organization_id_of(by) == evaluation.submitted_by_org_id):
        raise NotAllowed("Only a regulator or the submitting organisation may withdraw a result.")
    return _transition(
        evaluation,
        by=by,
        source="accepted",
        target=EvaluationResult.Status.WITHDRAWN,
        action="evaluation.withdrawn",
        reason=reason,
    )


def renormalize(*, benchmark: Benchmark, by: Any) -> int:
    """Derive again the normalized score of every result on ``benchmark`` after its scale or
    direction changed, in the caller's transaction; each changed score is recorded. A raw
    score outside the new scale refuses the change (nothing is clamped). Returns how many
    scores changed."""
    rows = list(
        EvaluationResult.objects.filter(benchmark=benchmark)
        .select_for_update()
        .values_list("pk", "raw_score", "normalized_score", "model__developer_id")
    )
    outside = 0
    changed: list[EvaluationResult] = []
    events: list[PendingEvent] = []
    for pk, raw, old, developer_id in rows:
        try:
            new = normalize(
                raw,
                scale_min=benchmark.scale_min,
                scale_max=benchmark.scale_max,
                higher_is_more_capable=benchmark.higher_is_more_capable,
            )
        except ScoreOutOfRange:
            outside += 1
            continue
        if new != old:
            changed.append(EvaluationResult(pk=pk, normalized_score=new))
            events.append(
                PendingEvent(
                    "evaluation.renormalized",
                    EvaluationResult._meta.label_lower,
                    str(pk),
                    {"normalized_score": [str(old), str(new)]},
                    developer_id,
                )
            )
    if outside:
        raise Invalid(
            fields={
                "scale_min": [
                    f"{outside} recorded result(s) have raw scores outside "
                    f"[{benchmark.scale_min}, {benchmark.scale_max}]; the scale cannot exclude them."
                ]
            }
        )
    EvaluationResult.objects.bulk_update(changed, ["normalized_score"], batch_size=2000)
    record_many(events, actor=by)
    return len(changed)
