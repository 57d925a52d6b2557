from typing import TYPE_CHECKING

from rest_framework import serializers

from governance.api.fields import UnitDecimalField
from governance.baselines.models import BoardVote, Consultation, ConsultationComment, ThresholdEntry, ThresholdSet
from governance.baselines.services import adoption

if TYPE_CHECKING:
    from governance.registry.models import RiskDomain


class ThresholdEntrySerializer(serializers.ModelSerializer):
    domain: "serializers.SlugRelatedField[RiskDomain]" = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ThresholdEntry
        fields = ["domain", "low", "high", "critical"]


class ThresholdEntryInputSerializer(serializers.Serializer):
    domain = serializers.SlugField()
    low = UnitDecimalField()
    high = UnitDecimalField()
    critical = UnitDecimalField(required=False, allow_null=True)


class ConsultationCommentSerializer(serializers.ModelSerializer):
    """A consultation comment: its author's name and organisation are public."""

    author = serializers.CharField(source="author.get_username", read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ConsultationComment
        fields = ["id", "author", "organization", "body", "created_at"]


class ConsultationCommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


class ConsultationSerializer(serializers.ModelSerializer):
    comments = ConsultationCommentSerializer(many=True, read_only=True)
    response = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consultation
        fields = ["opens_at", "closes_at", "closed_at", "is_open", "comments", "response", "responded_at"]

    def get_response(self, consultation) -> str | None:
        return consultation.response or None


class BoardVoteSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.get_username", read_only=True)

    class Meta:
        model = BoardVote
        fields = ["member", "member_name", "vote", "reasons", "cast_at"]


class BoardVoteInputSerializer(serializers.Serializer):
    vote = serializers.ChoiceField(choices=BoardVote.Vote.choices)
    reasons = serializers.CharField(max_length=10000)


class ResponseInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=50000)


class OpenConsultationSerializer(serializers.Serializer):
    closes_at = serializers.DateTimeField(required=False, allow_null=True)


def _latest(consultations) -> Consultation | None:
    ordered = sorted(consultations, key=lambda c: (c.opens_at, c.pk))
    return ordered[-1] if ordered else None


class ThresholdSetSerializer(serializers.ModelSerializer):
    entries = ThresholdEntrySerializer(many=True, read_only=True)
    consultation = serializers.SerializerMethodField(help_text="The latest consultation on the set, if any.")
    votes = BoardVoteSerializer(many=True, read_only=True)
    adopted = serializers.SerializerMethodField()

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
            "consultation",
            "votes",
            "adopted",
        ]
        read_only_fields = ["status", "effective_from", "published_at"]

    def get_consultation(self, threshold_set) -> dict | None:
        consultation = _latest(threshold_set.consultations.all())
        return ConsultationSerializer(consultation).data if consultation is not None else None

    def get_adopted(self, threshold_set) -> bool:
        if threshold_set.status in (ThresholdSet.Status.DRAFT, ThresholdSet.Status.CONSULTATION):
            return adoption(threshold_set).adopted
        return True


class PublicConsultationSerializer(serializers.ModelSerializer):
    """A consultation on the public page: the set's entries and rationale, the impact
    matrix (counts, no model names), the comments and the board's response."""

    threshold_set = serializers.IntegerField(source="threshold_set_id")
    version = serializers.CharField(source="threshold_set.version")
    status = serializers.CharField(source="threshold_set.status")
    rationale = serializers.CharField(source="threshold_set.rationale")
    issuing_body = serializers.CharField(source="threshold_set.issuing_body")
    entries = ThresholdEntrySerializer(source="threshold_set.entries", many=True)
    impact_matrix = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    comments = ConsultationCommentSerializer(many=True)
    response = serializers.SerializerMethodField()
    is_open = serializers.BooleanField()

    class Meta:
        model = Consultation
        fields = [
            "id",
            "threshold_set",
            "version",
            "status",
            "issuing_body",
            "rationale",
            "entries",
            "impact_matrix",
            "opens_at",
            "closes_at",
            "closed_at",
            "is_open",
            "comments",
            "response",
            "responded_at",
        ]

    def get_response(self, consultation) -> str | None:
        return consultation.response or None


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
