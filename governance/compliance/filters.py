"""One FilterSet per compliance object: the web list, the API list and the CSV export filter with it."""

import django_filters
from django.db.models import Q, QuerySet

from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation
from governance.platform.filtering import FilterSet, IdFilter


class ObligationFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    state = django_filters.ChoiceFilter(field_name="status", choices=Obligation.Status.choices, label="State")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    due_after = django_filters.DateFilter(field_name="next_due", lookup_expr="gte", label="Due on or after")
    due_before = django_filters.DateFilter(field_name="next_due", lookup_expr="lte", label="Due on or before")
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("id", "id"),
            ("next_due", "next_due"),
            ("model__name", "model"),
            ("kind", "kind"),
            ("tier", "tier"),
            ("status", "state"),
        ),
    )

    class Meta:
        model = Obligation
        fields = ["search", "state", "tier", "kind", "developer", "model", "due_after", "due_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(kind__icontains=value) | Q(model__name__icontains=value))


class SubmissionFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    model = IdFilter(field_name="obligation__model_id", label="Model")
    developer = IdFilter(field_name="obligation__model__developer_id", label="Developer")
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(("id", "id"), ("submitted_at", "submitted_at"), ("period_end", "period_end"), ("state", "state")),
    )

    class Meta:
        model = ComplianceSubmission
        fields = ["search", "state", "obligation", "obligation__model", "model", "developer"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(obligation__kind__icontains=value) | Q(obligation__model__name__icontains=value))


class EnforcementFilter(FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("id", "id"),
            ("opened_at", "opened_at"),
            ("reference", "reference"),
            ("state", "state"),
            ("kind", "kind"),
        ),
    )

    class Meta:
        model = EnforcementCase
        fields = ["search", "state", "kind", "model", "developer"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(reference__icontains=value) | Q(model__name__icontains=value))
