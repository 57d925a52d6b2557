from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from governance.api.permissions import ReadsAuditTrail, VerifiesAuditTrail
from governance.audit.api.serializers import AuditEventSerializer, ChainReportSerializer
from governance.audit.models import AuditEvent
from governance.audit.services import verify_chain
from governance.registry.roles import organization_id_of, sees_all_dossiers


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: oversight roles read it all, developers their organisation's objects."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, ReadsAuditTrail]
    filterset_fields = ["object_type", "object_id", "action", "actor"]
    ordering_fields = ["seq", "timestamp"]
    ordering = ["-seq"]

    def get_queryset(self):
        events = AuditEvent.objects.all()
        user = self.request.user
        if sees_all_dossiers(user):
            return events
        org_id = organization_id_of(user)
        return events.filter(organization_id=org_id) if org_id else events.none()

    @extend_schema(responses=ChainReportSerializer)
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated, VerifiesAuditTrail])
    def verify(self, request):
        return Response(verify_chain().as_dict())
