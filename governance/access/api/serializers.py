from typing import TYPE_CHECKING

from rest_framework import serializers

from governance.access.models import AccessGrant, AccessRequest, Attestation, RegisterEntry
from governance.registry.models import AIModel

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AccessRequestSerializer(serializers.ModelSerializer):
    requester: "serializers.PrimaryKeyRelatedField[User]" = serializers.PrimaryKeyRelatedField(read_only=True)
    attestation_version = serializers.CharField(source="attestation.version", read_only=True)
    grant = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "reference",
            "model",
            "requester",
            "state",
            "tier_at_request",
            "purpose",
            "attestation_version",
            "affiliation",
            "identity_verified_by",
            "identity_verified_at",
            "affiliation_confirmed_by",
            "affiliation_confirmed_at",
            "decided_by",
            "decided_at",
            "reasons",
            "grant",
            "created_at",
        ]
        read_only_fields = fields

    def get_grant(self, obj: AccessRequest) -> int | None:
        grant = getattr(obj, "grant", None)
        return grant.pk if grant is not None else None


class AccessRequestCreateSerializer(serializers.Serializer):
    model = serializers.PrimaryKeyRelatedField(queryset=AIModel.objects.all())
    purpose = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    attestation_version = serializers.CharField(max_length=20)


class OptionalReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AccessReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class AccessGrantSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="request.reference", read_only=True)

    class Meta:
        model = AccessGrant
        fields = [
            "id",
            "reference",
            "model",
            "requester",
            "state",
            "tier",
            "research",
            "attestation_version",
            "granted_at",
            "expires_at",
            "ended_at",
            "reasons",
        ]
        read_only_fields = fields


class AccessRegisterEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = RegisterEntry
        fields = ["id", "at", "kind", "model", "requester", "grant", "host", "tier", "allowed", "reason"]
        read_only_fields = fields


class AttestationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attestation
        fields = ["tier", "version", "text"]
        read_only_fields = fields


class CheckQuerySerializer(serializers.Serializer):
    model = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    requester = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class CheckAnswerSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    tier = serializers.IntegerField(allow_null=True)
    condition = serializers.CharField(allow_null=True)
    grant = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class GatingSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    tier = serializers.IntegerField(allow_null=True)
    card_metadata = serializers.DictField(help_text="The YAML front matter keys for a Hugging Face model card.")
    snippet = serializers.CharField(help_text="The same, as YAML to paste into the card's front matter.")


class ModelCardImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A Hugging Face model card (README.md with YAML front matter).")
    developer = serializers.IntegerField(required=False, help_text="Regulators only: the developer organisation.")
    version = serializers.CharField(required=False, max_length=60, help_text="Default: the card's, else 1.0.")
