from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from governance.api.permissions import IsBoard
from governance.baselines import services
from governance.baselines.api.serializers import (
    PublishSerializer,
    ThresholdSetInputSerializer,
    ThresholdSetPatchSerializer,
    ThresholdSetSerializer,
)
from governance.baselines.models import ThresholdSet


class ThresholdSetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Threshold sets are public policy: every signed-in user reads them; the board writes."""

    queryset = ThresholdSet.objects.prefetch_related("entries__domain")
    serializer_class = ThresholdSetSerializer
    filterset_fields = ["status", "version"]
    ordering_fields = ["created_at", "effective_from", "version", "id"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsBoard()]

    def _respond(self, threshold_set: ThresholdSet, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=threshold_set.pk)
        return Response(ThresholdSetSerializer(fresh).data, status=code)

    @extend_schema(request=ThresholdSetInputSerializer, responses={201: ThresholdSetSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ThresholdSetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        threshold_set = services.create_draft(by=request.user, **serializer.validated_data)
        return self._respond(threshold_set, status.HTTP_201_CREATED)

    @extend_schema(request=ThresholdSetPatchSerializer, responses=ThresholdSetSerializer)
    def partial_update(self, request, *args, **kwargs):
        threshold_set = self.get_object()
        serializer = ThresholdSetPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        threshold_set = services.update_draft(by=request.user, threshold_set=threshold_set, **serializer.validated_data)
        return self._respond(threshold_set)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=PublishSerializer, responses=ThresholdSetSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        threshold_set = self.get_object()
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        threshold_set = services.publish(
            by=request.user, threshold_set=threshold_set, effective_from=serializer.validated_data.get("effective_from")
        )
        return self._respond(threshold_set)
