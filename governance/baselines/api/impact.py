from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.permissions import PreviewsThresholds
from governance.baselines.models import ThresholdSet
from governance.determinations.preview import impact_preview


class ImpactChangeSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    name = serializers.CharField()
    from_tier = serializers.IntegerField(allow_null=True, help_text="The rule's tier under the set in force.")
    to_tier = serializers.IntegerField(help_text="The rule's tier under this set.")
    current_tier = serializers.IntegerField(allow_null=True, help_text="The tier in force today.")


class OffRuleSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    name = serializers.CharField()
    current_tier = serializers.IntegerField()
    rule_tier = serializers.IntegerField(help_text="The rule's tier under the set in force.")
    draft_tier = serializers.IntegerField(help_text="The rule's tier under this set.")


class ImpactSerializer(serializers.Serializer):
    threshold_set = serializers.CharField()
    compared_with = serializers.CharField(allow_null=True, help_text="The version of the set in force.")
    matrix = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    changes = ImpactChangeSerializer(many=True, help_text="Models whose rule result this set changes.")
    off_rule = OffRuleSerializer(
        many=True, help_text="Models whose tier in force already departs from the rule (pending, human decisions)."
    )


class ImpactView(APIView):
    """What this set would change: the rule under it beside the rule under the set in force (nothing is written)."""

    permission_classes = [IsAuthenticated, PreviewsThresholds]

    @extend_schema(responses=ImpactSerializer)
    def get(self, request, pk: int):
        threshold_set = get_object_or_404(ThresholdSet, pk=pk)
        return Response(impact_preview(threshold_set))
