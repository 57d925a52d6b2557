from rest_framework import serializers

from governance.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "timestamp",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "changes",
            "request_id",
            "prev_hash",
            "hash",
        ]


class ChainReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    events = serializers.IntegerField()
    head = serializers.CharField()
    first_broken = serializers.IntegerField(allow_null=True)
