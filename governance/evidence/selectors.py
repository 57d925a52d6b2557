from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from governance.evidence.models import EvaluationResult
from governance.platform.bulk_read import plain_rows
from governance.registry.models import AccreditationCoverage, AIModel
from governance.registry.roles import has_role, organization_id_of, sees_all_dossiers
from governance.tiering.rule import Observation


def counted() -> Exists:
    """Whether a result's submitter held, when it was submitted, an accreditation active and
    covering the benchmark's domain (SPEC section 22): one of its periods of coverage
    contains the moment of submission. Coverage voided by a revocation is gone."""
    return Exists(
        AccreditationCoverage.objects.filter(
            organization_id=OuterRef("submitted_by_org_id"),
            domain_id=OuterRef("benchmark__domain_id"),
            starts_at__lte=OuterRef("created_at"),
            ends_at__gt=OuterRef("created_at"),
        )
    )


def evidence() -> QuerySet[EvaluationResult]:
    """Results that count for tiering: accepted, on a standardized benchmark, submitted by
    an evaluator accredited for the benchmark's domain on the day (SPEC sections 3 and 22).
    Everything else is stored and shown only."""
    return EvaluationResult.objects.filter(
        counted(), status=EvaluationResult.Status.ACCEPTED, benchmark__standardized=True
    )


def observations_by_model(model_ids: list[int]) -> dict[int, list[Observation]]:
    """The evidence of each of ``model_ids`` as the tier rule reads it, in one query."""
    found: dict[int, list[Observation]] = defaultdict(list)
    rows = (
        evidence()
        .filter(model_id__any=model_ids)
        .values_list("model_id", "benchmark__domain__slug", "normalized_score", "id")
    )
    for model_id, slug, score, pk in plain_rows(rows):
        found[model_id].append(Observation(slug, score, pk))
    return found


def observations_for(model: AIModel) -> list[Observation]:
    return observations_by_model([model.pk]).get(model.pk, [])


def models_evaluated_on(benchmark_id: int) -> list[int]:
    """The models with any result on the benchmark (whose evidence changes with it)."""
    return list(
        EvaluationResult.objects.filter(benchmark_id=benchmark_id)
        .order_by("model_id")
        .values_list("model_id", flat=True)
        .distinct()
    )


def visible_evaluations(user: Any) -> QuerySet[EvaluationResult]:
    """Evaluation results: oversight roles all; developers those on their models;
    evaluators those their organisation submitted."""
    results = EvaluationResult.objects.all()
    if sees_all_dossiers(user):
        return results
    org_id = organization_id_of(user)
    if org_id is None:
        return results.none()
    condition = Q(pk__in=[])
    if has_role(user, "developer"):
        condition |= Q(model__developer_id=org_id)
    if has_role(user, "evaluator"):
        condition |= Q(submitted_by_org_id=org_id)
    return results.filter(condition)
