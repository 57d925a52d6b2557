from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from governance.api.permissions import IsRegulator
from governance.evidence import services
from governance.evidence.api.serializers import EvaluationSerializer, ReasonSerializer
from governance.evidence.filters import EvaluationFilter
from governance.evidence.selectors import visible_evaluations
from governance.registry.selectors import submittable_models


class EvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = ["created_at", "run_date", "normalized_score", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return visible_evaluations(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["model_queryset"] = submittable_models(self.request.user)
        return context

    def perform_create(self, serializer):
        serializer.instance = services.submit_evaluation(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def accept(self, request, pk=None):
        evaluation = services.accept_evaluation(evaluation=self.get_object(), by=request.user)
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=ReasonSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def reject(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.reject_evaluation(
            evaluation=self.get_object(), by=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=ReasonSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.withdraw_evaluation(
            evaluation=self.get_object(), by=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_200_OK)
