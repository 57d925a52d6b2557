"""Filtersets of the access gate, shared by the API lists, the pages and the CSV export.

On the platform's FilterSet, so an id the reader may not see filters as one that exists
nowhere (an empty list, not a 400 that would tell the two apart)."""

import django_filters
from django.db.models import Q, QuerySet

from governance.access.models import AccessGrant, AccessRequest, RegisterEntry
from governance.platform.filtering import FilterSet, IdFilter


class AccessRequestFilter(FilterSet):
    """The ``/access-requests/`` list, its CSV and ``GET /api/v1/access-requests/``.

    ``tier`` is the tier the request was filed under (``tier_at_request``): the conditions
    it must meet, whatever the model's tier has become since."""

    search = django_filters.CharFilter(method="filter_search", label="Search")
    tier = django_filters.NumberFilter(field_name="tier_at_request", label="Tier")
    developer = IdFilter(field_name="model__developer_id", label="Developer")
    filed_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="Filed on or after")
    filed_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Filed on or before"
    )
    # Named as the list's columns (its sortable headers) and the API's ``ordering_fields``.
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("reference", "reference"),
            ("model__name", "model"),
            ("requester__requester_profile__legal_name", "requester"),
            ("model__developer__name", "developer"),
            ("tier_at_request", "tier"),
            ("state", "state"),
            ("created_at", "created_at"),
            ("decided_at", "decided_at"),
            ("id", "id"),
        ),
    )

    class Meta:
        model = AccessRequest
        fields = ["search", "state", "model", "tier", "requester", "developer", "filed_after", "filed_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(model__name__icontains=value)
            | Q(requester__requester_profile__legal_name__icontains=value)
        )


class AccessGrantFilter(FilterSet):
    class Meta:
        model = AccessGrant
        fields = ["model", "requester", "state"]


class RegisterEntryFilter(FilterSet):
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From (inclusive)")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="Until (inclusive)")

    class Meta:
        model = RegisterEntry
        fields = ["model", "requester", "kind", "allowed", "since", "until"]
