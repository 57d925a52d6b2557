from rest_framework import serializers

from governance.determinations.models import Determination


class DeterminationSerializer(serializers.ModelSerializer):
    threshold_set = serializers.SlugRelatedField(slug_field="version", read_only=True)

    class Meta:
        model = Determination
        fields = [
            "id",
            "model",
            "tier",
            "kind",
            "status",
            "threshold_set",
            "basis",
            "rationale",
            "effective_from",
            "decided_by",
            "previous_tier",
            "evidence_complete",
            "confirmed_by",
            "created_at",
        ]
        read_only_fields = fields


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ConfirmSerializer(serializers.Serializer):
    reasons = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, help_text="Why the relaxation is confirmed."
    )
