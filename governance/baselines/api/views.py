from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.response import Response

from governance.api.permissions import IsBoard
from governance.baselines import services
from governance.baselines.api.serializers import (
    BoardVoteInputSerializer,
    BoardVoteSerializer,
    ConsultationCommentInputSerializer,
    ConsultationCommentSerializer,
    OpenConsultationSerializer,
    PublicConsultationSerializer,
    PublishSerializer,
    ResponseInputSerializer,
    ThresholdSetInputSerializer,
    ThresholdSetPatchSerializer,
    ThresholdSetSerializer,
)
from governance.baselines.models import Consultation, ConsultationComment, ThresholdSet
from governance.workflows import rulemaking


class ThresholdSetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Threshold sets are public policy: every signed-in user reads them; the board writes."""

    queryset = ThresholdSet.objects.prefetch_related(
        "entries__domain",
        "votes__member",
        "consultations__comments__author",
        "consultations__comments__organization",
    )
    serializer_class = ThresholdSetSerializer
    filterset_fields = ["status", "version"]
    ordering_fields = ["created_at", "effective_from", "version", "id"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS or self.action in ("comments", "vote"):
            return [IsAuthenticated()]  # anyone signed in comments; the service answers 403 to non-board votes
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

    @extend_schema(request=OpenConsultationSerializer, responses=ThresholdSetSerializer)
    @action(detail=True, methods=["post"], url_path="open-consultation")
    def open_consultation(self, request, pk=None):
        """Put a draft out for public consultation (``draft → consultation``)."""
        threshold_set = self.get_object()
        serializer = OpenConsultationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rulemaking.open_consultation(
            by=request.user, threshold_set=threshold_set, closes_at=serializer.validated_data.get("closes_at")
        )
        return self._respond(threshold_set)

    @extend_schema(request=None, responses=ThresholdSetSerializer)
    @action(detail=True, methods=["post"], url_path="close-consultation")
    def close_consultation(self, request, pk=None):
        """End the consultation (``consultation → draft``)."""
        threshold_set = self.get_object()
        services.close_consultation(by=request.user, threshold_set=threshold_set)
        return self._respond(threshold_set)

    @extend_schema(methods=["GET"], responses=ConsultationCommentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ConsultationCommentInputSerializer, responses={201: ConsultationCommentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """The consultation's comments; any signed-in user comments while it is open."""
        threshold_set = self.get_object()
        if request.method == "POST":
            serializer = ConsultationCommentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = services.add_comment(by=request.user, threshold_set=threshold_set, **serializer.validated_data)
            return Response(ConsultationCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = ConsultationComment.objects.filter(consultation__threshold_set=threshold_set).select_related(
            "author", "organization"
        )
        page = self.paginate_queryset(comments.order_by("created_at", "id"))
        return self.get_paginated_response(ConsultationCommentSerializer(page, many=True).data)

    @extend_schema(request=ResponseInputSerializer, responses=ThresholdSetSerializer)
    @action(detail=True, methods=["post"], url_path="response")
    def respond(self, request, pk=None):
        """The board's response to the comments, once the consultation has closed."""
        threshold_set = self.get_object()
        serializer = ResponseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.respond_to_comments(by=request.user, threshold_set=threshold_set, **serializer.validated_data)
        return self._respond(threshold_set)

    @extend_schema(request=BoardVoteInputSerializer, responses={201: BoardVoteSerializer})
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """A board member's vote on adopting the set (once each)."""
        threshold_set = self.get_object()
        serializer = BoardVoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vote = services.cast_board_vote(by=request.user, threshold_set=threshold_set, **serializer.validated_data)
        return Response(BoardVoteSerializer(vote).data, status=status.HTTP_201_CREATED)


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Public consultations on threshold sets, open and closed (SPEC section 22). No sign-in."""

    serializer_class = PublicConsultationSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    filterset_fields = ["threshold_set"]
    ordering_fields = ["opens_at", "closes_at", "id"]
    ordering = ["-opens_at", "-id"]

    def get_queryset(self):
        return Consultation.objects.select_related("threshold_set").prefetch_related(
            "threshold_set__entries__domain", "comments__author", "comments__organization"
        )
