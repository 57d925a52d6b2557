from django.contrib.auth import get_user_model
from rest_framework import serializers

from governance.api.fields import evidence_files
from governance.cases.models import Appeal, AppealVote, CaseFile, CaseMessage, ConflictOfInterest, Contest, ReReview
from governance.registry.models import Organization

User = get_user_model()


class CaseFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = CaseFile
        fields = ["id", "name", "size", "sha256", "content_type", "uploaded_by", "uploaded_at", "download"]

    def get_download(self, obj: CaseFile) -> str:
        return f"/api/v1/case-files/{obj.pk}/download/"


class CaseMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseMessage
        fields = ["kind", "author", "body", "created_at"]


class ContestSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=Contest.Outcome.choices, allow_blank=True, read_only=True)
    messages = CaseMessageSerializer(many=True, read_only=True)
    files = CaseFileSerializer(many=True, read_only=True)
    clock_paused = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = [
            "id",
            "reference",
            "model",
            "determination",
            "state",
            "requested_tier",
            "grounds",
            "adjudicator",
            "filed_at",
            "due_date",
            "clock_paused",
            "paused_days",
            "overdue",
            "outcome",
            "decided_tier",
            "reasons",
            "decided_at",
            "resulting_determination",
            "messages",
            "files",
        ]
        read_only_fields = fields

    def get_clock_paused(self, obj: Contest) -> bool:
        return obj.paused_since is not None


class ContestCreateSerializer(serializers.Serializer):
    determination = serializers.IntegerField()
    grounds = serializers.CharField(max_length=20000)
    requested_tier = serializers.IntegerField(min_value=1, max_value=4)
    files = evidence_files()


class AssignSerializer(serializers.Serializer):
    adjudicator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=20000)


class MessageWithFilesSerializer(MessageSerializer):
    files = evidence_files()


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Contest.Outcome.choices)
    tier = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    reasons = serializers.CharField(max_length=20000)


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=20000)


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppealVote
        fields = ["member", "vote", "tier", "reasons", "cast_at"]


class AppealSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=Appeal.Outcome.choices, allow_blank=True, read_only=True)
    votes = VoteSerializer(many=True, read_only=True)
    dissent = serializers.SerializerMethodField()
    files = CaseFileSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "reference",
            "contest",
            "state",
            "grounds",
            "panel",
            "chair",
            "hearing_at",
            "filed_at",
            "due_date",
            "overdue",
            "outcome",
            "decided_tier",
            "decided_at",
            "resulting_determination",
            "votes",
            "dissent",
            "files",
        ]
        read_only_fields = fields

    def get_dissent(self, obj: Appeal) -> list[dict]:
        """Votes against the outcome, kept and shown once the appeal is decided."""
        if not obj.outcome:
            return []
        majority = "affirm" if obj.outcome == Appeal.Outcome.AFFIRMED else "reverse"
        return [
            VoteSerializer(v).data
            for v in obj.votes.all()
            if v.vote != majority or (majority == "reverse" and v.tier != obj.decided_tier)
        ]


class AppealCreateSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    grounds = serializers.CharField(max_length=20000)
    files = evidence_files()


class PanelSerializer(serializers.Serializer):
    members = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    chair = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class HearingSerializer(serializers.Serializer):
    hearing_at = serializers.DateTimeField()


class CastVoteSerializer(serializers.Serializer):
    vote = serializers.ChoiceField(choices=AppealVote.Vote.choices)
    tier = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    reasons = serializers.CharField(max_length=20000)


class ReReviewSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=ReReview.Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ReReview
        fields = [
            "id",
            "reference",
            "model",
            "trigger",
            "state",
            "reason",
            "due_date",
            "assignee",
            "outcome",
            "determination",
            "rationale",
            "opened_at",
            "completed_at",
        ]
        read_only_fields = fields


class AssignReReviewSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReReview.Outcome.choices)
    tier = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    rationale = serializers.CharField(max_length=20000)


class ConflictSerializer(serializers.ModelSerializer):
    regulator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = ConflictOfInterest
        fields = ["id", "regulator", "organization", "note", "declared_at"]
        read_only_fields = ["declared_at"]
        validators: list = []
