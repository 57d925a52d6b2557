from governance.determinations.models import Determination
from governance.platform.filtering import FilterSet


class DeterminationFilter(FilterSet):
    class Meta:
        model = Determination
        fields = ["model", "status", "kind", "tier", "threshold_set"]
