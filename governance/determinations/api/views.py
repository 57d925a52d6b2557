from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from governance.api.permissions import IsRegulator, OverseesRevalidation
from governance.determinations.api.serializers import (
    ConfirmSerializer,
    DeterminationSerializer,
    RejectSerializer,
    RevalidationRunSerializer,
)
from governance.determinations.filters import DeterminationFilter, RevalidationRunFilter
from governance.determinations.models import Determination, RevalidationRun
from governance.registry.selectors import visible_models
from governance.workflows import tier_changes as services
from governance.workflows.revalidation import resume_run


class DeterminationViewSet(viewsets.ReadOnlyModelViewSet):
    """Determinations of the models the caller may see."""

    serializer_class = DeterminationSerializer
    filterset_class = DeterminationFilter
    ordering_fields = ["created_at", "effective_from", "tier", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return Determination.objects.filter(model__in=visible_models(self.request.user)).select_related("threshold_set")

    @extend_schema(request=ConfirmSerializer, responses=DeterminationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def confirm(self, request, pk=None):
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        determination = services.confirm_relaxation(
            determination=self.get_object(), by=request.user, reasons=serializer.validated_data.get("reasons", "")
        )
        determination.refresh_from_db()
        return Response(DeterminationSerializer(determination).data)

    @extend_schema(request=RejectSerializer, responses=DeterminationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def reject(self, request, pk=None):
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        determination = services.reject_relaxation(
            determination=self.get_object(), by=request.user, reason=serializer.validated_data.get("reason", "")
        )
        determination.refresh_from_db()
        return Response(DeterminationSerializer(determination).data)


class RevalidationRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Revalidation runs (SPEC section 19): how far each has got, and why one failed."""

    queryset = RevalidationRun.objects.select_related("threshold_set")
    serializer_class = RevalidationRunSerializer
    filterset_class = RevalidationRunFilter
    permission_classes = [IsAuthenticated, OverseesRevalidation]
    ordering_fields = ["queued_at", "id"]
    ordering = ["-queued_at", "-id"]

    @extend_schema(request=None, responses=RevalidationRunSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, OverseesRevalidation, IsRegulator])
    def resume(self, request, pk=None):
        """Resume a failed run: what it had not written is written; what it wrote stays."""
        return Response(RevalidationRunSerializer(resume_run(run=self.get_object(), by=request.user)).data)
