from typing import cast

from rest_framework import serializers

from governance.api.fields import RawScoreField
from governance.evidence.models import EvaluationResult
from governance.registry.models import AIModel, Benchmark


class EvaluationSerializer(serializers.ModelSerializer):
    model = serializers.PrimaryKeyRelatedField(queryset=AIModel.objects.none())
    benchmark = serializers.PrimaryKeyRelatedField(queryset=Benchmark.objects.all())
    raw_score = RawScoreField()

    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "model",
            "benchmark",
            "raw_score",
            "normalized_score",
            "submitted_by_org",
            "provenance",
            "status",
            "run_date",
            "artifact_sha256",
            "run_identity",
            "review_reason",
            "created_at",
        ]
        read_only_fields = [
            "normalized_score",
            "submitted_by_org",
            "provenance",
            "status",
            "artifact_sha256",
            "run_identity",
            "review_reason",
            "created_at",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        queryset = self.context.get("model_queryset")
        if queryset is not None:
            model_field = cast("serializers.PrimaryKeyRelatedField[AIModel]", self.fields["model"])
            model_field.queryset = queryset


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10000, required=False, allow_blank=True)
