from rest_framework import serializers

from governance.registry.models import AIModel, Benchmark, Organization, RiskDomain


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "jurisdiction", "accredited"]


class RiskDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskDomain
        fields = ["id", "slug", "name", "catastrophic"]


class BenchmarkSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="slug", queryset=RiskDomain.objects.all())

    class Meta:
        model = Benchmark
        fields = [
            "id",
            "slug",
            "name",
            "version",
            "domain",
            "scale_min",
            "scale_max",
            "higher_is_more_capable",
            "metric",
            "external_id",
            "standardized",
        ]

    def validate(self, attrs):
        if attrs["scale_min"] >= attrs["scale_max"]:
            raise serializers.ValidationError({"scale_max": ["scale_max must be greater than scale_min."]})
        return attrs


class AIModelSerializer(serializers.ModelSerializer):
    """Output and input of ``/models/``. ``developer`` and ``parent`` are ids; the parent
    may be any registered model (derivatives of other organisations' models are allowed)."""

    developer = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    parent = serializers.PrimaryKeyRelatedField(queryset=AIModel.objects.all(), allow_null=True, required=False)
    derivation = serializers.ChoiceField(choices=AIModel.Derivation.choices, allow_blank=True, required=False)

    class Meta:
        model = AIModel
        fields = [
            "id",
            "name",
            "version",
            "developer",
            "parameter_count",
            "weights_sha256",
            "parent",
            "derivation",
            "released",
            "current_tier",
            "evidence_complete",
            "next_review_due",
        ]
        read_only_fields = ["current_tier", "evidence_complete", "next_review_due"]
        validators = []  # uniqueness is reported by the service as a field error

    def validate_weights_sha256(self, value: str) -> str:
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value.lower())):
            raise serializers.ValidationError("A SHA-256 digest is 64 hexadecimal characters.")
        return value.lower()


class AIModelUpdateSerializer(AIModelSerializer):
    class Meta(AIModelSerializer.Meta):
        read_only_fields = [*AIModelSerializer.Meta.read_only_fields, "developer"]


class LineageEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AIModel
        fields = ["id", "name", "version", "developer", "parent", "derivation", "current_tier"]


class LineageSerializer(serializers.Serializer):
    ancestors = LineageEntrySerializer(many=True)
    descendants = LineageEntrySerializer(many=True)


class OwnMotionSerializer(serializers.Serializer):
    tier = serializers.IntegerField(min_value=1, max_value=4)
    rationale = serializers.CharField(max_length=10000)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    organization = OrganizationSerializer(allow_null=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)  # Django's username length; longer is no user
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
