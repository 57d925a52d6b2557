import django_filters

from governance.platform.filtering import FilterSet
from governance.registry.models import AIModel


class RegisterFilter(FilterSet):
    tier = django_filters.NumberFilter(field_name="current_tier")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = AIModel
        fields = ["tier", "developer"]
