"""The cases' FilterSets: the API lists, the web lists and the CSV exports filter with them."""

import django_filters
from django.db.models import Q, QuerySet

from governance.cases.models import Appeal, Contest, ReReview
from governance.platform.filtering import FilterSet, IdFilter


def _due_range(field: str) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label="Due on or after"),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label="Due on or before"),
    )


def _ordering(*fields: str, **columns: str) -> django_filters.OrderingFilter:
    """Sorting by the API's ``ordering_fields`` under the same names, so both orderings agree,
    and by the list's other ``columns`` (name: field), so every sortable header is accepted."""
    pairs = [(field, field) for field in fields] + [(field, name) for name, field in columns.items()]
    return django_filters.OrderingFilter(label="Sort by", fields=tuple(pairs))


class ContestFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    due_after, due_before = _due_range("due_date")
    ordering = _ordering(
        "due_date",
        "filed_at",
        "id",
        reference="reference",
        model="model__name",
        applicant="applicant__name",
        adjudicator="adjudicator",
        state="state",
        overdue="overdue",
    )

    class Meta:
        model = Contest
        fields = [
            "search",
            "state",
            "model",
            "developer",
            "adjudicator",
            "outcome",
            "overdue",
            "due_after",
            "due_before",
        ]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(reference__icontains=value) | Q(model__name__icontains=value))


class AppealFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    model = IdFilter(field_name="contest__model_id", label="Model")
    developer = IdFilter(field_name="contest__model__developer_id", label="Developer")
    due_after, due_before = _due_range("due_date")
    ordering = _ordering(
        "due_date",
        "filed_at",
        "id",
        reference="reference",
        model="contest__model__name",
        chair="chair",
        state="state",
        overdue="overdue",
    )

    class Meta:
        model = Appeal
        fields = [
            "search",
            "state",
            "contest",
            "model",
            "developer",
            "chair",
            "outcome",
            "overdue",
            "due_after",
            "due_before",
        ]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(reference__icontains=value) | Q(contest__model__name__icontains=value))


class ReReviewFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    due_after, due_before = _due_range("due_date")
    ordering = _ordering(
        "due_date",
        "opened_at",
        "id",
        reference="reference",
        model="model__name",
        trigger="trigger",
        assignee="assignee",
        state="state",
    )

    class Meta:
        model = ReReview
        fields = ["search", "state", "model", "developer", "trigger", "assignee", "outcome", "due_after", "due_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(reference__icontains=value) | Q(model__name__icontains=value))
