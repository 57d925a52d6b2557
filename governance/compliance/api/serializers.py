from rest_framework import serializers

from governance.api.fields import evidence_files
from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation, SubmissionFile


class ObligationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = [
            "id",
            "model",
            "kind",
            "tier",
            "period_months",
            "next_due",
            "grace_days",
            "status",
            "consecutive_overdue",
            "remediation_due",
        ]
        read_only_fields = fields


class SubmissionFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubmissionFile
        fields = ["id", "name", "size", "sha256", "content_type"]


class SubmissionSerializer(serializers.ModelSerializer):
    files = SubmissionFileSerializer(many=True, read_only=True)

    class Meta:
        model = ComplianceSubmission
        fields = [
            "id",
            "obligation",
            "period_end",
            "notes",
            "state",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_notes",
            "files",
        ]
        read_only_fields = fields


class SubmissionCreateSerializer(serializers.Serializer):
    obligation = serializers.IntegerField()
    period_end = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    files = evidence_files()


class RegisterAuditSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    since = serializers.DateField(required=False, help_text="Default: the day after the previous period ended.")


class ReviewSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["accepted", "deficient", "rejected"])
    notes = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class EnforcementSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnforcementCase
        fields = [
            "id",
            "reference",
            "model",
            "obligation",
            "kind",
            "state",
            "reason",
            "opened_by",
            "opened_at",
            "rereview",
        ]
        read_only_fields = fields


class EnforcementCreateSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EnforcementCase.Kind.choices)
    reason = serializers.CharField(max_length=20000)
