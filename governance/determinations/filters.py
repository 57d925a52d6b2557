import django_filters

from governance.determinations.models import Determination


class DeterminationFilter(django_filters.FilterSet):
    class Meta:
        model = Determination
        fields = ["model", "status", "kind", "tier", "threshold_set"]
