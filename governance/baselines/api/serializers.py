from rest_framework import serializers

from governance.api.fields import UnitDecimalField
from governance.baselines.models import ThresholdEntry, ThresholdSet


class ThresholdEntrySerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ThresholdEntry
        fields = ["domain", "low", "high", "critical"]


class ThresholdEntryInputSerializer(serializers.Serializer):
    domain = serializers.SlugField()
    low = UnitDecimalField()
    high = UnitDecimalField()
    critical = UnitDecimalField(required=False, allow_null=True)


class ThresholdSetSerializer(serializers.ModelSerializer):
    entries = ThresholdEntrySerializer(many=True, read_only=True)

    class Meta:
        model = ThresholdSet
        fields = [
            "id",
            "version",
            "status",
            "issuing_body",
            "rationale",
            "effective_from",
            "published_at",
            "entries",
        ]
        read_only_fields = ["status", "effective_from", "published_at"]


class ThresholdSetInputSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=40)
    issuing_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True)
    entries = ThresholdEntryInputSerializer(many=True)


class ThresholdSetPatchSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=40, required=False)
    issuing_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True)
    entries = ThresholdEntryInputSerializer(many=True, required=False)


class PublishSerializer(serializers.Serializer):
    effective_from = serializers.DateTimeField(required=False, allow_null=True)
