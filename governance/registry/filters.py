"""Filtersets shared by the API lists, the web lists and the exports."""

import django_filters
from django.db.models import Q, QuerySet

from governance.platform.filtering import FilterSet
from governance.registry.models import AIModel, Benchmark, Organization


class AIModelFilter(FilterSet):
    tier = django_filters.NumberFilter(field_name="current_tier", label="Tier")
    search = django_filters.CharFilter(method="filter_search", label="Search")
    due_after = django_filters.DateFilter(
        field_name="next_review_due", lookup_expr="gte", label="Review due on or after"
    )
    due_before = django_filters.DateFilter(
        field_name="next_review_due", lookup_expr="lte", label="Review due on or before"
    )
    # The names are the API's ``ordering_fields``, so DRF's ordering and this one agree.
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("name", "name"),
            ("version", "version"),
            ("current_tier", "current_tier"),
            ("created_at", "created_at"),
            ("next_review_due", "next_review_due"),
            ("id", "id"),
        ),
    )

    class Meta:
        model = AIModel
        fields = ["search", "tier", "developer", "released", "parent", "derivation", "evidence_complete"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value) | Q(version__icontains=value) | Q(developer__name__icontains=value)
        )


class OrganizationFilter(FilterSet):
    class Meta:
        model = Organization
        fields = ["kind", "accredited", "jurisdiction"]


class BenchmarkFilter(FilterSet):
    domain = django_filters.CharFilter(field_name="domain__slug")

    class Meta:
        model = Benchmark
        fields = ["domain", "standardized", "external_id"]
