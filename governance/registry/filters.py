"""Filtersets shared by the API lists, the web lists and the exports."""

import django_filters

from governance.platform.filtering import FilterSet
from governance.registry.models import AIModel, Benchmark, Organization


class AIModelFilter(FilterSet):
    tier = django_filters.NumberFilter(field_name="current_tier")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = AIModel
        fields = ["tier", "developer", "released", "parent", "derivation", "evidence_complete"]


class OrganizationFilter(FilterSet):
    class Meta:
        model = Organization
        fields = ["kind", "accredited", "jurisdiction"]


class BenchmarkFilter(FilterSet):
    domain = django_filters.CharFilter(field_name="domain__slug")

    class Meta:
        model = Benchmark
        fields = ["domain", "standardized", "external_id"]
