from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from governance.api.parsers import FILES
from governance.api.permissions import IsRegulator
from governance.peers import services
from governance.peers.api.serializers import (
    DivergenceSerializer,
    PeerDeterminationSerializer,
    PeerSerializer,
    PeerUploadSerializer,
)
from governance.peers.models import Peer, PeerDetermination
from governance.peers.selectors import divergences
from governance.platform.errors import Invalid, TooLarge
from governance.registry.roles import sees_all_dossiers
from governance.registry.selectors import visible_models
from governance.workflows.peers import read_peer

MAX_UPLOAD = 20 * 1024 * 1024


class PeerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Peer registers: the regulator's staff read them; regulators register and read peers."""

    serializer_class = PeerSerializer
    queryset = Peer.objects.all()
    search_fields = ["name"]
    filterset_fields = ["jurisdiction"]

    def get_queryset(self):
        return Peer.objects.all() if sees_all_dossiers(self.request.user) else Peer.objects.none()

    def get_permissions(self):
        if self.action in ("create", "refresh", "import_csv"):
            return [IsAuthenticated(), IsRegulator()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = services.create_peer(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=PeerSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """Read the peer's register now."""
        peer = self.get_object()
        read_peer(peer=peer, actor=request.user)
        peer.refresh_from_db()
        return Response(PeerSerializer(peer).data)

    @extend_schema(request={"multipart/form-data": PeerUploadSerializer}, responses=PeerSerializer)
    @action(detail=True, methods=["post"], url_path="import", parser_classes=FILES)
    def import_csv(self, request, pk=None):
        """Read the peer's register from an uploaded CSV."""
        peer = self.get_object()
        serializer = PeerUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_UPLOAD:
            raise TooLarge(f"A register upload is at most {MAX_UPLOAD} bytes.")
        read_peer(peer=peer, actor=request.user, upload=upload.read())
        peer.refresh_from_db()
        return Response(PeerSerializer(peer).data, status=status.HTTP_200_OK)


class PeerDeterminationListView(generics.ListAPIView):
    serializer_class = PeerDeterminationSerializer
    filterset_fields = ["model", "peer", "tier"]

    def get_queryset(self):
        return PeerDetermination.objects.filter(model__in=visible_models(self.request.user)).order_by("peer", "pk")


class DivergenceListView(generics.GenericAPIView):
    serializer_class = DivergenceSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[OpenApiParameter("model", int), OpenApiParameter("peer", int)],
        responses=DivergenceSerializer(many=True),
    )
    def get(self, request):
        try:
            model = int(request.query_params["model"]) if request.query_params.get("model") else None
            peer = int(request.query_params["peer"]) if request.query_params.get("peer") else None
        except ValueError as error:
            raise Invalid("model and peer are ids.") from error
        found = divergences(request.user, model_id=model, peer_id=peer)
        return Response(DivergenceSerializer(found, many=True).data)
