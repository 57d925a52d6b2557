from typing import cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.registry.models import Accreditation, AIModel, Organization, RiskDomain
from governance.tiering.access import ACCESS_CONDITIONS, TIER_NAMES


class PeerTierSerializer(serializers.Serializer):
    peer = serializers.CharField()
    jurisdiction = serializers.CharField()
    tier = serializers.IntegerField()


class RegisterEntrySerializer(serializers.ModelSerializer):
    developer = serializers.CharField(source="developer.name")
    developer_id = serializers.IntegerField()
    tier_name = serializers.SerializerMethodField()
    access_condition = serializers.SerializerMethodField()
    in_force_from = serializers.DateTimeField(source="tier_effective_from")
    threshold_set = serializers.CharField(source="threshold_set_version", allow_null=True)
    contest_or_appeal_open = serializers.BooleanField(source="case_open")
    peer_tiers = serializers.SerializerMethodField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a declared field, not Field.parent
        source="public_parent_id", allow_null=True, help_text="Only a parent on the register."
    )

    class Meta:
        model = AIModel
        fields = [
            "id",
            "name",
            "version",
            "developer",
            "developer_id",
            "current_tier",
            "tier_name",
            "access_condition",
            "in_force_from",
            "threshold_set",
            "contest_or_appeal_open",
            "parent",
            "derivation",
            "weights_sha256",
            "peer_tiers",
        ]

    # The register lists only models with a tier (``public_models``): ``current_tier`` is set.
    def get_tier_name(self, obj: AIModel) -> str:
        return TIER_NAMES[cast(int, obj.current_tier)]

    def get_access_condition(self, obj: AIModel) -> str:
        return ACCESS_CONDITIONS[cast(int, obj.current_tier)]

    @extend_schema_field(PeerTierSerializer(many=True))
    def get_peer_tiers(self, obj: AIModel) -> list[dict[str, object]]:
        """The tiers other regulators' registers give the model, as last read."""
        return [
            {"peer": row.peer.name, "jurisdiction": row.peer.jurisdiction, "tier": row.tier}
            for row in obj.peer_tiers.all()
        ]


class RegisterAccreditationSerializer(serializers.ModelSerializer):
    domains: "serializers.RelatedField[RiskDomain, str, str] | serializers.ManyRelatedField" = (
        serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    )
    history = serializers.SerializerMethodField()

    class Meta:
        model = Accreditation
        fields = ["id", "domains", "valid_from", "valid_until", "state", "reasons", "results_void", "history"]

    def get_history(self, accreditation) -> list[dict]:
        return self.context.get("history", {}).get(accreditation.pk, [])


class RegisterEvaluatorSerializer(serializers.ModelSerializer):
    """An evaluator on the public register (SPEC section 22): whether it is accredited
    today, and each accreditation with its scope, validity, state and history."""

    accreditations = RegisterAccreditationSerializer(many=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "jurisdiction", "accredited", "accreditations"]
