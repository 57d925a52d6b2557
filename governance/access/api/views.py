from pathlib import PurePath

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.access import exports, gate, huggingface, services
from governance.access.api.serializers import (
    AccessGrantSerializer,
    AccessReasonsSerializer,
    AccessRegisterEntrySerializer,
    AccessRequestCreateSerializer,
    AccessRequestSerializer,
    AttestationSerializer,
    CheckAnswerSerializer,
    CheckQuerySerializer,
    GatingSerializer,
    ModelCardImportSerializer,
    OptionalReasonsSerializer,
)
from governance.access.filters import AccessGrantFilter, AccessRequestFilter, RegisterEntryFilter
from governance.access.selectors import (
    attestation_in_force,
    attestations_in_force,
    visible_grants,
    visible_register,
    visible_requests,
)
from governance.api.parsers import FILES
from governance.api.throttling import ScopedRateThrottle
from governance.platform.errors import Invalid, NotVisible
from governance.registry import services as registry
from governance.registry.api.serializers import AIModelSerializer
from governance.registry.models import ApiToken, Organization
from governance.registry.roles import is_adjudicator, is_host, organization_id_of
from governance.registry.selectors import public_models, visible_models


class AccessRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Access requests the caller may see (their own, their models', their institution's)."""

    serializer_class = AccessRequestSerializer
    filterset_class = AccessRequestFilter
    ordering_fields = ["created_at", "state", "id"]

    def get_queryset(self):
        return visible_requests(self.request.user).select_related("grant")

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AccessRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        access_request = services.file_request(
            by=request.user,
            model=data["model"],
            purpose=data["purpose"],
            attestation_version=data["attestation_version"],
        )
        return Response(AccessRequestSerializer(access_request).data, status=status.HTTP_201_CREATED)

    def _respond(self, access_request):
        fresh = self.get_queryset().get(pk=access_request.pk)
        return Response(AccessRequestSerializer(fresh).data)

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"], url_path="verify-identity")
    def verify_identity(self, request, pk=None):
        return self._respond(services.verify_identity(by=request.user, access_request=self.get_object()))

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-affiliation")
    def confirm_affiliation(self, request, pk=None):
        return self._respond(services.confirm_affiliation(by=request.user, access_request=self.get_object()))

    @extend_schema(request=OptionalReasonsSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        serializer = OptionalReasonsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.approve(by=request.user, access_request=self.get_object(), **serializer.validated_data)
        return self._respond(grant.request)

    @extend_schema(request=AccessReasonsSerializer, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def deny(self, request, pk=None):
        serializer = AccessReasonsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(
            services.deny(by=request.user, access_request=self.get_object(), **serializer.validated_data)
        )

    @extend_schema(request=None, responses=AccessRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._respond(services.withdraw(by=request.user, access_request=self.get_object()))


class AccessGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AccessGrantSerializer
    filterset_class = AccessGrantFilter
    ordering_fields = ["granted_at", "expires_at", "id"]

    def get_queryset(self):
        return visible_grants(self.request.user)

    @extend_schema(request=AccessReasonsSerializer, responses=AccessGrantSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        serializer = AccessReasonsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.revoke(by=request.user, grant=self.get_object(), **serializer.validated_data)
        return Response(AccessGrantSerializer(self.get_queryset().get(pk=grant.pk)).data)


class AccessRegisterView(generics.ListAPIView):
    """The access register (append-only): every grant event and every check answered."""

    serializer_class = AccessRegisterEntrySerializer
    filterset_class = RegisterEntryFilter
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]

    def get_queryset(self):
        return visible_register(self.request.user)


class AccessRegisterCsvView(APIView):
    """The access register as CSV, per model and period (``?model=&since=&until=``)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("model", int),
            OpenApiParameter("requester", int),
            OpenApiParameter("kind", str),
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
        ],
        responses={(200, "text/csv"): str},
    )
    def get(self, request):
        filterset = RegisterEntryFilter(request.GET, queryset=visible_register(request.user).order_by("at", "id"))
        if not filterset.is_valid():
            raise Invalid(fields={name: list(errors) for name, errors in filterset.errors.items()})
        return exports.download(filterset.qs)


class AccessCheckView(APIView):
    """``GET /api/v1/access/check/?model=ID&requester=ID``: may the host serve the weights?
    Hosts only, with a token scoped ``access:check``."""

    token_scope = ApiToken.Scope.ACCESS_CHECK
    # A host asks before every download it serves: a budget of its own, not a person's.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "access_check"

    @extend_schema(parameters=[CheckQuerySerializer], responses=CheckAnswerSerializer)
    def get(self, request):
        token = request.auth
        if not (isinstance(token, ApiToken) and token.scope == self.token_scope and is_host(request.user)):
            raise PermissionDenied("The access check is asked by a host organisation with an access:check token.")
        query = CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = gate.check(
            host_user=request.user,
            model_id=query.validated_data["model"],
            requester_id=query.validated_data["requester"],
        )
        return Response(CheckAnswerSerializer(answer).data)


class AttestationListView(generics.ListAPIView):
    """The attestation texts in force, one per tier that asks for one. No sign-in."""

    serializer_class = AttestationSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return attestations_in_force()


class GatingView(APIView):
    """The gating block for a Hugging Face model card, for the model's tier."""

    permission_classes = [AllowAny]

    @extend_schema(responses=GatingSerializer)
    def get(self, request, pk: int):
        model = (visible_models(request.user) | public_models()).filter(pk=pk).first()
        if model is None:
            raise NotVisible("Not found.")
        attestation = attestation_in_force(model.current_tier) if model.current_tier else None
        metadata = huggingface.gating(model, attestation, request_url=request.build_absolute_uri(f"/access/{pk}/"))
        return Response(
            {
                "model": model.pk,
                "tier": model.current_tier,
                "card_metadata": metadata,
                "snippet": huggingface.snippet(metadata),
            }
        )


class ModelCardImportView(APIView):
    """Register a model from a Hugging Face model card's metadata (``base_model`` and
    ``base_model_relation`` give its parent and derivation when the parent is registered)."""

    parser_classes = FILES

    @extend_schema(request={"multipart/form-data": ModelCardImportSerializer}, responses={201: AIModelSerializer})
    def post(self, request):
        serializer = ModelCardImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        developer_id = data.get("developer") if is_adjudicator(request.user) else organization_id_of(request.user)
        developer = Organization.objects.filter(pk=developer_id).first() if developer_id else None
        if developer is None:
            raise Invalid(fields={"developer": ["Name the developer organisation the model is registered to."]})
        upload = data["file"]
        card = huggingface.read_card(
            upload.read(huggingface.MAX_CARD_BYTES + 1),
            fallback_name=PurePath(upload.name or "").stem if upload.name not in ("README.md", "") else "",
            candidates=visible_models(request.user) | public_models(),
        )
        model = registry.register_model(
            by=request.user,
            developer=developer,
            name=card.name,
            version=data.get("version") or "1.0",
            parent=card.parent,
            derivation=card.derivation,
        )
        model.refresh_from_db()
        return Response({**AIModelSerializer(model).data, "warnings": card.warnings}, status=status.HTTP_201_CREATED)
