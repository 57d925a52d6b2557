from django.contrib.auth import authenticate
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.mixins import CachedListMixin
from governance.api.permissions import IsBoard, IsRegulator, ReadOnlyOrRegulator
from governance.api.throttling import ScopedRateThrottle
from governance.determinations.api.serializers import DeterminationSerializer
from governance.platform.errors import Invalid
from governance.registry import services
from governance.registry.api.serializers import (
    AccreditationChangeSerializer,
    AccreditationGrantSerializer,
    AccreditationRevokeSerializer,
    AccreditationSerializer,
    AIModelSerializer,
    AIModelUpdateSerializer,
    ApiTokenSerializer,
    BenchmarkChangeSerializer,
    BenchmarkSerializer,
    LineageSerializer,
    MeSerializer,
    OrganizationSerializer,
    OwnMotionSerializer,
    RiskDomainSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    VerifySerializer,
)
from governance.registry.filters import AIModelFilter, BenchmarkFilter, OrganizationFilter
from governance.registry.lineage import descendant_ids
from governance.registry.models import AIModel, ApiToken, Benchmark, Organization, RiskDomain
from governance.registry.roles import organization_id_of, roles_of
from governance.registry.selectors import accreditations, public_models, visible_models
from governance.workflows import accreditation as accrediting
from governance.workflows import tier_changes as determinations
from governance.workflows.benchmarks import change_benchmark


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"detail": "Unable to log in with the credentials provided."},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        token, key = services.issue_token(user=user, scope=serializer.validated_data["scope"])
        return Response({"token": key, "id": token.token_key, "scope": token.scope, "expiry": token.expiry})


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (never their keys), and revoking one."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "token_key"
    lookup_value_regex = "[A-Za-z0-9]+"
    pagination_class = None
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)

    def perform_destroy(self, instance):
        services.revoke_token(by=self.request.user, token=instance)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        org_id = organization_id_of(request.user)
        organization = Organization.objects.filter(pk=org_id).first() if org_id else None
        data = {
            "id": request.user.pk,
            "username": request.user.get_username(),
            "roles": sorted(roles_of(request.user)),
            "organization": organization,
        }
        return Response(MeSerializer(data).data)


class OrganizationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrRegulator]
    filterset_class = OrganizationFilter
    search_fields = ["name"]
    ordering_fields = ["name", "kind", "id"]

    def perform_create(self, serializer):
        serializer.instance = services.create_organization(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=VerifySerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def verify(self, request, pk=None):
        """Mark a research organisation verified (its affiliations count for Tier 3 access), or not."""
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = services.set_research_verified(
            by=request.user, organization=self.get_object(), **serializer.validated_data
        )
        return Response(OrganizationSerializer(organization).data)


class AccreditationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Accreditation records (SPEC section 22): readable by anyone signed in, granted and
    changed by a regulator with reasons; every change revalidates the models it touches."""

    serializer_class = AccreditationSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrRegulator]
    filterset_fields = ["organization", "state"]
    ordering_fields = ["valid_from", "valid_until", "id"]
    ordering = ["-valid_from", "-id"]

    def get_queryset(self):
        return accreditations()

    @extend_schema(request=AccreditationGrantSerializer, responses={201: AccreditationSerializer})
    def create(self, request, *args, **kwargs):
        serializer = AccreditationGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accreditation = accrediting.grant_accreditation(by=request.user, **serializer.validated_data)
        return Response(AccreditationSerializer(accreditation).data, status=status.HTTP_201_CREATED)

    def _change(self, request, change, serializer_class=AccreditationChangeSerializer):
        accreditation = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        accreditation = change(by=request.user, accreditation=accreditation, **serializer.validated_data)
        return Response(AccreditationSerializer(accreditations().get(pk=accreditation.pk)).data)

    @extend_schema(request=AccreditationChangeSerializer, responses=AccreditationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def suspend(self, request, pk=None):
        return self._change(request, accrediting.suspend_accreditation)

    @extend_schema(request=AccreditationChangeSerializer, responses=AccreditationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def reinstate(self, request, pk=None):
        return self._change(request, accrediting.reinstate_accreditation)

    @extend_schema(request=AccreditationRevokeSerializer, responses=AccreditationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def revoke(self, request, pk=None):
        return self._change(request, accrediting.revoke_accreditation, AccreditationRevokeSerializer)


class RiskDomainViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = RiskDomain.objects.all()
    serializer_class = RiskDomainSerializer
    pagination_class = None


class BenchmarkViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Benchmark.objects.select_related("domain")
    serializer_class = BenchmarkSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrRegulator]
    filterset_class = BenchmarkFilter
    search_fields = ["name", "slug", "external_id"]
    ordering_fields = ["slug", "name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action == "partial_update":
            return [IsAuthenticated(), IsBoard()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = services.create_benchmark(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=BenchmarkChangeSerializer, responses=BenchmarkSerializer)
    def partial_update(self, request, pk=None):
        """The board changes ``standardized``, the scale or the direction, with a reason; the
        models with results on the benchmark are revalidated."""
        benchmark = self.get_object()
        serializer = BenchmarkChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        benchmark = change_benchmark(by=request.user, benchmark=benchmark, **serializer.validated_data)
        return Response(BenchmarkSerializer(benchmark).data)


class AIModelViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Models whose dossier the caller may read; anything else answers 404."""

    serializer_class = AIModelSerializer
    filterset_class = AIModelFilter
    ordering_fields = ["name", "version", "current_tier", "created_at", "id", "next_review_due"]
    ordering = ["name", "version", "id"]
    cache_scope = "api:models"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return visible_models(self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AIModelUpdateSerializer
        return AIModelSerializer

    def _check_parent(self, serializer) -> None:
        parent = serializer.validated_data.get("parent")
        if parent is None:
            return
        allowed = visible_models(self.request.user) | public_models()
        if not allowed.filter(pk=parent.pk).exists():
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"parent": [f'Invalid pk "{parent.pk}" - object does not exist.']})

    def perform_create(self, serializer):
        self._check_parent(serializer)
        data = dict(serializer.validated_data)
        developer = (
            data.pop("developer", None)
            or Organization.objects.filter(pk=organization_id_of(self.request.user) or 0).first()
        )
        if developer is None:
            raise Invalid(fields={"developer": ["Name the developer organisation the model is registered to."]})
        serializer.instance = services.register_model(by=self.request.user, developer=developer, **data)
        serializer.instance.refresh_from_db()

    def perform_update(self, serializer):
        self._check_parent(serializer)
        serializer.instance = services.update_model(
            by=self.request.user, model=serializer.instance, **serializer.validated_data
        )
        serializer.instance.refresh_from_db()

    @extend_schema(request=None, responses=AIModelSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def revalidate(self, request, pk=None):
        model = self.get_object()
        determinations.revalidate_model(model_id=model.pk, actor=request.user)
        model.refresh_from_db()
        return Response(AIModelSerializer(model).data)

    @extend_schema(request=OwnMotionSerializer, responses={201: DeterminationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsRegulator])
    def determine(self, request, pk=None):
        model = self.get_object()
        serializer = OwnMotionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        determination = determinations.determine_own_motion(model=model, by=request.user, **serializer.validated_data)
        return Response(DeterminationSerializer(determination).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DeterminationSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="determinations", filter_backends=[])
    def determination_history(self, request, pk=None):
        model = self.get_object()
        queryset = model.determinations.select_related("threshold_set").order_by("-created_at", "-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DeterminationSerializer(page, many=True).data)

    @extend_schema(responses=LineageSerializer)
    @action(detail=True, methods=["get"])
    def lineage(self, request, pk=None):
        """Ancestors and descendants the caller may see (dossier or public register)."""
        model = self.get_object()
        ancestor_ids: list[int] = []
        cursor = model.parent_id
        while cursor is not None and cursor not in ancestor_ids:
            ancestor_ids.append(cursor)
            cursor = AIModel.objects.filter(pk=cursor).values_list("parent_id", flat=True).first()
        readable = AIModel.objects.filter(
            Q(pk__in=visible_models(request.user).values("pk")) | Q(pk__in=public_models().values("pk"))
        )
        ancestors = {m.pk: m for m in readable.filter(pk__in=ancestor_ids)}
        descendants = readable.filter(pk__in=descendant_ids(model.pk)).order_by("id")
        return Response(
            LineageSerializer(
                {"ancestors": [ancestors[i] for i in ancestor_ids if i in ancestors], "descendants": descendants}
            ).data
        )
