"""Filtersets of the access gate, shared by the API lists, the pages and the CSV export."""

import django_filters

from governance.access.models import AccessGrant, AccessRequest, RegisterEntry


class AccessRequestFilter(django_filters.FilterSet):
    class Meta:
        model = AccessRequest
        fields = ["model", "state", "requester"]


class AccessGrantFilter(django_filters.FilterSet):
    class Meta:
        model = AccessGrant
        fields = ["model", "requester", "state"]


class RegisterEntryFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From (inclusive)")
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="Until (inclusive)")

    class Meta:
        model = RegisterEntry
        fields = ["model", "requester", "kind", "allowed", "since", "until"]
