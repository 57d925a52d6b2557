from governance.evidence.models import EvaluationResult
from governance.platform.filtering import FilterSet


class EvaluationFilter(FilterSet):
    class Meta:
        model = EvaluationResult
        fields = ["model", "benchmark", "status", "provenance", "submitted_by_org"]
