import django_filters

from governance.evidence.models import EvaluationResult


class EvaluationFilter(django_filters.FilterSet):
    class Meta:
        model = EvaluationResult
        fields = ["model", "benchmark", "status", "provenance", "submitted_by_org"]
