"""The evaluation results' FilterSet: the API list, the web list and the CSV export filter with it."""

import django_filters
from django.db.models import Q, QuerySet

from governance.evidence.models import EvaluationResult
from governance.platform.filtering import FilterSet, IdFilter


class EvaluationFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    state = django_filters.ChoiceFilter(field_name="status", choices=EvaluationResult.Status.choices, label="State")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    run_after = django_filters.DateFilter(field_name="run_date", lookup_expr="gte", label="Run on or after")
    run_before = django_filters.DateFilter(field_name="run_date", lookup_expr="lte", label="Run on or before")
    # The names are the API's ``ordering_fields``, so DRF's ordering and this one agree.
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("created_at", "created_at"),
            ("run_date", "run_date"),
            ("normalized_score", "normalized_score"),
            ("id", "id"),
        ),
    )

    class Meta:
        model = EvaluationResult
        fields = ["search", "state", "model", "developer", "benchmark", "status", "provenance", "submitted_by_org"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(model__name__icontains=value) | Q(benchmark__name__icontains=value) | Q(run_identity__icontains=value)
        )
