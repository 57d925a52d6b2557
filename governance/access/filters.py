"""Filtersets of the access gate, shared by the API lists, the pages and the CSV export.

On the platform's FilterSet, so an id the reader may not see filters as one that exists
nowhere (an empty list, not a 400 that would tell the two apart)."""

import django_filters

from governance.access.models import AccessGrant, AccessRequest, RegisterEntry
from governance.platform.filtering import FilterSet


class AccessRequestFilter(FilterSet):
    class Meta:
        model = AccessRequest
        fields = ["model", "state", "requester"]


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
