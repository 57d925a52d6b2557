import django_filters

from governance.cases.models import Appeal, Contest, ReReview
from governance.platform.filtering import FilterSet


class ContestFilter(FilterSet):
    class Meta:
        model = Contest
        fields = ["state", "model", "adjudicator", "outcome", "overdue"]


class AppealFilter(FilterSet):
    model = django_filters.NumberFilter(field_name="contest__model")

    class Meta:
        model = Appeal
        fields = ["state", "contest", "model", "outcome", "overdue"]


class ReReviewFilter(FilterSet):
    class Meta:
        model = ReReview
        fields = ["state", "model", "trigger", "assignee", "outcome"]
