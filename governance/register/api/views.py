from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from governance.api.caching import state_of
from governance.api.mixins import CachedListMixin
from governance.api.pagination import RegisterPage
from governance.platform.csv_export import stream_csv
from governance.register.api.serializers import RegisterEntrySerializer, RegisterEvaluatorSerializer
from governance.register.filters import RegisterFilter
from governance.register.selectors import accreditation_history, register_entries, tier_changes
from governance.registry.selectors import accredited_evaluators
from governance.tiering.access import ACCESS_CONDITIONS, TIER_NAMES

CSV_COLUMNS = [
    "id",
    "name",
    "version",
    "developer",
    "current_tier",
    "tier_name",
    "access_condition",
    "in_force_from",
    "threshold_set",
    "contest_or_appeal_open",
    "parent",
    "derivation",
    "weights_sha256",
]


class RegisterView(CachedListMixin, generics.ListAPIView):
    """The public register: released models, their tier and access condition. No sign-in."""

    serializer_class = RegisterEntrySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    filterset_class = RegisterFilter
    ordering_fields = ["name", "current_tier", "tier_effective_from"]
    cache_scope = "api:register"
    pagination_class = RegisterPage

    def get_queryset(self):
        return register_entries()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data = {**response.data, "chain_head": state_of(request)}
        return response


class RegisterEvaluatorsView(generics.ListAPIView):
    """The public register of evaluators: every accredited (or once accredited) evaluator
    organisation with its accreditations' scope, validity and history. No sign-in."""

    serializer_class = RegisterEvaluatorSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []
    ordering_fields = ["name"]

    def get_queryset(self):
        return accredited_evaluators()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        ids = [a.pk for organization in page for a in organization.accreditations.all()]
        context = {**self.get_serializer_context(), "history": accreditation_history(ids)}
        return self.get_paginated_response(RegisterEvaluatorSerializer(page, many=True, context=context).data)


class RegisterCsvView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        queryset = RegisterFilter(request.GET, queryset=register_entries()).qs
        rows = (
            [
                model.pk,
                model.name,
                model.version,
                model.developer.name,
                model.current_tier,
                TIER_NAMES[model.current_tier],
                ACCESS_CONDITIONS[model.current_tier],
                model.tier_effective_from.isoformat() if model.tier_effective_from else "",
                model.threshold_set_version or "",
                "yes" if model.case_open else "no",
                model.public_parent_id or "",
                model.derivation,
                model.weights_sha256,
            ]
            for model in queryset.iterator(chunk_size=2000)
        )
        return stream_csv(CSV_COLUMNS, rows, filename="aperture-register.csv")


class RegisterAtomView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses={
            (200, "application/atom+xml"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="An Atom 1.0 feed (RFC 4287) of the determinations that came into force for "
                "released models, newest first: one entry each, its id `urn:aperture:determination:ID`, "
                "its title the model, version and tier, its date the day it came into force.",
            )
        }
    )
    def get(self, request):
        feed = Atom1Feed(
            title="Aperture register: tier changes",
            link=request.build_absolute_uri("/register/"),
            description="Determinations that came into force for released models.",
            feed_url=request.build_absolute_uri(reverse("register-atom")),
            language="en",
        )
        for determination in tier_changes():
            model = determination.model
            feed.add_item(
                title=f"{model.name} {model.version}: Tier {determination.tier} ({TIER_NAMES[determination.tier]})",
                link=request.build_absolute_uri(f"/register/?search={model.name}"),
                description=f"{model.developer.name}. {ACCESS_CONDITIONS[determination.tier]} "
                f"{determination.get_kind_display()} determination.",
                unique_id=f"urn:aperture:determination:{determination.pk}",
                pubdate=determination.effective_from,
                updateddate=determination.effective_from,
            )
        return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")
