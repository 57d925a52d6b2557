from rest_framework import serializers

from governance.registry.models import Accreditation, AIModel, ApiToken, Benchmark, Organization, RiskDomain


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "jurisdiction", "accredited", "verified"]
        read_only_fields = ["verified"]


class VerifySerializer(serializers.Serializer):
    verified = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


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


class BenchmarkChangeSerializer(serializers.Serializer):
    """``PATCH /benchmarks/{id}/``: the board changes what decides the evidence, with a reason."""

    standardized = serializers.BooleanField(required=False)
    scale_min = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    scale_max = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    higher_is_more_capable = serializers.BooleanField(required=False)
    reason = serializers.CharField(max_length=10000)


class AIModelSerializer(serializers.ModelSerializer):
    """Output and input of ``/models/``. ``developer`` and ``parent`` are ids; the parent
    may be any registered model (derivatives of other organisations' models are allowed)."""

    developer = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="On registration, defaults to the caller's own organisation.",
    )
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a declared field, not Field.parent
        queryset=AIModel.objects.all(), allow_null=True, required=False
    )
    derivation = serializers.ChoiceField(choices=AIModel.Derivation.choices, allow_blank=True, required=False)
    release_jurisdictions = serializers.ListField(
        child=serializers.CharField(max_length=2, min_length=2),
        required=False,
        max_length=249,
        help_text="ISO 3166-1 alpha-2 codes of the jurisdictions it is released from or hosted in.",
    )

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
            "release_jurisdictions",
            "current_tier",
            "evidence_complete",
            "next_review_due",
        ]
        read_only_fields = ["current_tier", "evidence_complete", "next_review_due"]
        validators: list = []  # uniqueness is reported by the service as a field error

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
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=4096)
    scope = serializers.ChoiceField(choices=ApiToken.Scope.choices, required=False, default="", allow_blank=True)


class TokenSerializer(serializers.Serializer):
    """A new token: ``token`` is shown this once and stored only as a hash."""

    token = serializers.CharField()
    id = serializers.CharField(help_text="The token's public prefix, by which it is listed and revoked.")
    scope = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class ApiTokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "scope", "created", "expiry"]


class AccreditationSerializer(serializers.ModelSerializer):
    """An accreditation record (SPEC section 22); ``reasons`` are those of the latest decision."""

    domains: "serializers.RelatedField[RiskDomain, str, str] | serializers.ManyRelatedField" = (
        serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    )

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "organization",
            "domains",
            "valid_from",
            "valid_until",
            "state",
            "reasons",
            "results_void",
            "changed_at",
        ]
        read_only_fields = fields


class AccreditationGrantSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    domains = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=RiskDomain.objects.all())
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    reasons = serializers.CharField(max_length=10000)

    def validate_domains(self, value):
        if not value:
            raise serializers.ValidationError("Name at least one risk domain the accreditation covers.")
        return value

    def validate(self, attrs):
        if attrs["valid_until"] < attrs["valid_from"]:
            raise serializers.ValidationError({"valid_until": ["valid_until cannot be before valid_from."]})
        return attrs


class AccreditationChangeSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=10000)


class AccreditationRevokeSerializer(AccreditationChangeSerializer):
    void_results = serializers.BooleanField(default=False)
