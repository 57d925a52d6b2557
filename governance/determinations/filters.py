from governance.determinations.models import Determination, RevalidationRun
from governance.platform.filtering import FilterSet


class DeterminationFilter(FilterSet):
    class Meta:
        model = Determination
        fields = ["model", "status", "kind", "tier", "threshold_set"]


class RevalidationRunFilter(FilterSet):
    class Meta:
        model = RevalidationRun
        fields = ["threshold_set", "state"]
