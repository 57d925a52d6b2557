"""The determinations' FilterSets: the API list, the web list and the CSV export filter with them."""

import django_filters
from django.db.models import QuerySet

from governance.determinations.models import Determination, RevalidationRun
from governance.platform.filtering import FilterSet, IdFilter


class DeterminationFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    state = django_filters.ChoiceFilter(field_name="status", choices=Determination.Status.choices, label="State")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    # The names are the API's ``ordering_fields``, so DRF's ordering and this one agree.
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(("created_at", "created_at"), ("effective_from", "effective_from"), ("tier", "tier"), ("id", "id")),
    )

    class Meta:
        model = Determination
        fields = ["search", "state", "model", "developer", "status", "kind", "tier", "threshold_set"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(model__name__icontains=value)


class RevalidationRunFilter(FilterSet):
    class Meta:
        model = RevalidationRun
        fields = ["threshold_set", "state"]
