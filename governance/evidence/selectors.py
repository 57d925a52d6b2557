from django.db.models import QuerySet

from governance.evidence.models import EvaluationResult
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


def observations_for(model: AIModel) -> list[Observation]:
    rows = evidence().filter(model=model).values_list("benchmark__domain__slug", "normalized_score", "id")
    return [Observation(domain=slug, score=score, evaluation_id=pk) for slug, score, pk in rows]
