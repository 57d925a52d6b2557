from typing import TYPE_CHECKING

from rest_framework import serializers

from governance.determinations.models import Determination, RevalidationRun

if TYPE_CHECKING:
    from governance.baselines.models import ThresholdSet


class DeterminationSerializer(serializers.ModelSerializer):
    threshold_set: "serializers.SlugRelatedField[ThresholdSet]" = serializers.SlugRelatedField(
        slug_field="version", read_only=True
    )

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


class RevalidationRunSerializer(serializers.ModelSerializer):
    """A revalidation of every model under a threshold set (SPEC section 19)."""

    threshold_set_version = serializers.CharField(source="threshold_set.version", read_only=True)

    class Meta:
        model = RevalidationRun
        fields = [
            "id",
            "threshold_set",
            "threshold_set_version",
            "state",
            "models_done",
            "models_total",
            "changes",
            "errors",
            "failure",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
