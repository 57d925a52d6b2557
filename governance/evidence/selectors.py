from collections import defaultdict

from django.db.models import QuerySet

from governance.evidence.models import EvaluationResult
from governance.platform.bulk_read import plain_rows
from governance.registry.models import AIModel, Organization
from governance.tiering.rule import Observation


def evidence() -> QuerySet[EvaluationResult]:
    """Results that count for tiering: accepted, on a standardized benchmark, submitted by
    an accredited evaluator (SPEC section 3). Everything else is stored and shown only."""
    return EvaluationResult.objects.filter(
        status=EvaluationResult.Status.ACCEPTED,
        benchmark__standardized=True,
        submitted_by_org__kind=Organization.Kind.EVALUATOR,
        submitted_by_org__accredited=True,
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
