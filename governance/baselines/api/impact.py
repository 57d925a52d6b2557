from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.permissions import PreviewsThresholds
from governance.baselines.models import ThresholdSet
from governance.determinations.bulk import impact_preview


class ImpactChangeSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    name = serializers.CharField()
    from_tier = serializers.IntegerField(allow_null=True)
    to_tier = serializers.IntegerField()


class ImpactSerializer(serializers.Serializer):
    threshold_set = serializers.CharField()
    matrix = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    changes = ImpactChangeSerializer(many=True)


class ImpactView(APIView):
    """Every model's tier under this set beside its current tier (nothing is written)."""

    permission_classes = [IsAuthenticated, PreviewsThresholds]

    @extend_schema(responses=ImpactSerializer)
    def get(self, request, pk: int):
        threshold_set = get_object_or_404(ThresholdSet, pk=pk)
        return Response(impact_preview(threshold_set))
