from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from governance.api.parsers import FILES, JSON
from governance.cases.api.notes import InternalNotesMixin
from governance.compliance import services
from governance.compliance.api import serializers as s
from governance.compliance.filters import EnforcementFilter, ObligationFilter, SubmissionFilter
from governance.compliance.selectors import visible_enforcement, visible_obligations, visible_submissions
from governance.registry.selectors import visible_models
from governance.workflows import access_audit


class ObligationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ObligationSerializer
    filterset_class = ObligationFilter
    ordering_fields = ["next_due", "id"]
    ordering = ["next_due", "id"]

    def get_queryset(self):
        return visible_obligations(self.request.user)

    @extend_schema(request=s.RegisterAuditSerializer, responses={201: s.SubmissionSerializer})
    @action(detail=True, methods=["post"], url_path="register-audit")
    def register_audit(self, request, pk=None):
        """Submit an ``access_register_audit`` period generated from the access register."""
        serializer = s.RegisterAuditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = access_audit.submit_register_audit(
            by=request.user, obligation=self.get_object(), **serializer.validated_data
        )
        return Response(s.SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["submitted_at", "id"]
    ordering = ["-submitted_at", "-id"]
    parser_classes = FILES  # a submission is multipart, with its files; a review is JSON

    def get_queryset(self):
        return visible_submissions(self.request.user)

    @extend_schema(request=s.SubmissionCreateSerializer, responses={201: s.SubmissionSerializer})
    def create(self, request):
        serializer = s.SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        obligation = visible_obligations(request.user).filter(pk=data["obligation"]).first()
        if obligation is None:
            raise ValidationError({"obligation": ["No such obligation."]})
        submission = services.submit_evidence(
            by=request.user,
            obligation=obligation,
            period_end=data["period_end"],
            notes=data.get("notes", ""),
            files=request.FILES.getlist("files"),
        )
        return Response(s.SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewSerializer, responses=s.SubmissionSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def review(self, request, pk=None):
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.review_submission(
            submission=self.get_object(),
            by=request.user,
            outcome=serializer.validated_data["outcome"],
            notes=serializer.validated_data.get("notes", ""),
        )
        return Response(s.SubmissionSerializer(submission).data)

    @extend_schema(
        parameters=[OpenApiParameter("file_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>\d+)")
    def file(self, request, pk=None, file_id=None):
        """Download one evidence file; only those who may see the submission can."""
        stored = self.get_object().files.filter(pk=file_id).first()
        if stored is None:
            raise Http404
        return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name)


class EnforcementViewSet(InternalNotesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.EnforcementSerializer
    filterset_class = EnforcementFilter
    ordering_fields = ["opened_at", "id"]
    ordering = ["-opened_at", "-id"]

    def get_queryset(self):
        return visible_enforcement(self.request.user)

    @extend_schema(request=s.EnforcementCreateSerializer, responses={201: s.EnforcementSerializer})
    def create(self, request):
        serializer = s.EnforcementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        model = visible_models(request.user).filter(pk=data["model"]).first()
        if model is None:
            raise ValidationError({"model": ["No such model."]})
        case = services.open_enforcement(model=model, kind=data["kind"], reason=data["reason"], by=request.user)
        return Response(s.EnforcementSerializer(case).data, status=status.HTTP_201_CREATED)
