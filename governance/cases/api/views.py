from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from governance.api.parsers import FILES, JSON
from governance.api.permissions import ReadOnlyOrRegulator
from governance.cases import services
from governance.cases.api import serializers as s
from governance.cases.api.notes import InternalNotesMixin
from governance.cases.filters import AppealFilter, ContestFilter, ReReviewFilter
from governance.cases.models import ConflictOfInterest
from governance.cases.selectors import visible_appeals, visible_case_files, visible_contests, visible_rereviews
from governance.determinations.models import Determination
from governance.registry.roles import sees_all_dossiers
from governance.registry.selectors import visible_models
from governance.workflows import cases as workflows


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _files(request) -> list:
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


class ContestViewSet(InternalNotesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ContestSerializer
    filterset_class = ContestFilter
    ordering_fields = ["due_date", "filed_at", "id"]
    ordering = ["due_date", "id"]
    parser_classes = FILES  # a filing is multipart, with its evidence files; each transition takes JSON

    def get_queryset(self):
        return visible_contests(self.request.user).prefetch_related("messages", "files")

    def _respond(self, contest, code=status.HTTP_200_OK):
        return Response(s.ContestSerializer(self.get_queryset().get(pk=contest.pk)).data, status=code)

    @extend_schema(request=s.ContestCreateSerializer, responses={201: s.ContestSerializer})
    def create(self, request):
        data = _valid(s.ContestCreateSerializer, request)
        determination = (
            Determination.objects.filter(pk=data["determination"], model__in=visible_models(request.user))
            .select_related("model")
            .first()
        )
        if determination is None:
            raise ValidationError({"determination": ["No such determination."]})
        contest = services.file_contest(
            by=request.user,
            determination=determination,
            grounds=data["grounds"],
            requested_tier=data["requested_tier"],
            files=_files(request),
        )
        return self._respond(contest, status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def assign(self, request, pk=None):
        data = _valid(s.AssignSerializer, request)
        return self._respond(
            services.assign_adjudicator(contest=self.get_object(), by=request.user, adjudicator=data["adjudicator"])
        )

    @extend_schema(request=s.MessageSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON, url_path="request-information")
    def request_information(self, request, pk=None):
        data = _valid(s.MessageSerializer, request)
        return self._respond(
            services.request_information(contest=self.get_object(), by=request.user, message=data["message"])
        )

    @extend_schema(request=s.MessageWithFilesSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], url_path="provide-information")
    def provide_information(self, request, pk=None):
        contest = self.get_object()  # a contest the caller cannot see is 404, whatever the body
        data = _valid(s.MessageWithFilesSerializer, request)
        return self._respond(
            services.provide_information(
                contest=contest, by=request.user, message=data["message"], files=_files(request)
            )
        )

    @extend_schema(request=s.DecideSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def decide(self, request, pk=None):
        data = _valid(s.DecideSerializer, request)
        return self._respond(
            workflows.decide_contest(
                contest=self.get_object(),
                by=request.user,
                outcome=data["outcome"],
                tier=data.get("tier"),
                reasons=data["reasons"],
            )
        )

    @extend_schema(request=None, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def withdraw(self, request, pk=None):
        return self._respond(services.withdraw_contest(contest=self.get_object(), by=request.user))

    @extend_schema(request=s.ReasonsSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def dismiss(self, request, pk=None):
        data = _valid(s.ReasonsSerializer, request)
        return self._respond(
            services.dismiss_contest(contest=self.get_object(), by=request.user, reasons=data["reasons"])
        )


class AppealViewSet(InternalNotesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AppealSerializer
    filterset_class = AppealFilter
    ordering_fields = ["due_date", "filed_at", "id"]
    ordering = ["due_date", "id"]
    parser_classes = FILES  # a filing is multipart, with its evidence files; each transition takes JSON

    def get_queryset(self):
        return visible_appeals(self.request.user).prefetch_related("files")

    def _respond(self, appeal, code=status.HTTP_200_OK):
        return Response(s.AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data, status=code)

    @extend_schema(request=s.AppealCreateSerializer, responses={201: s.AppealSerializer})
    def create(self, request):
        data = _valid(s.AppealCreateSerializer, request)
        contest = visible_contests(request.user).filter(pk=data["contest"]).first()
        if contest is None:
            raise ValidationError({"contest": ["No such contest."]})
        appeal = services.file_appeal(by=request.user, contest=contest, grounds=data["grounds"], files=_files(request))
        return self._respond(appeal, status.HTTP_201_CREATED)

    @extend_schema(request=s.PanelSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON, url_path="assign-panel")
    def assign_panel(self, request, pk=None):
        data = _valid(s.PanelSerializer, request)
        return self._respond(
            services.assign_panel(
                appeal=self.get_object(), by=request.user, members=data["members"], chair=data["chair"]
            )
        )

    @extend_schema(request=s.HearingSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON, url_path="schedule-hearing")
    def schedule_hearing(self, request, pk=None):
        data = _valid(s.HearingSerializer, request)
        return self._respond(
            services.schedule_hearing(appeal=self.get_object(), by=request.user, hearing_at=data["hearing_at"])
        )

    @extend_schema(request=s.CastVoteSerializer, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def vote(self, request, pk=None):
        data = _valid(s.CastVoteSerializer, request)
        return self._respond(
            workflows.cast_vote(
                appeal=self.get_object(),
                by=request.user,
                vote=data["vote"],
                tier=data.get("tier"),
                reasons=data["reasons"],
            )
        )

    @extend_schema(request=None, responses=s.AppealSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def withdraw(self, request, pk=None):
        return self._respond(services.withdraw_appeal(appeal=self.get_object(), by=request.user))


class ReReviewViewSet(InternalNotesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReReviewSerializer
    filterset_class = ReReviewFilter
    ordering_fields = ["due_date", "opened_at", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        return visible_rereviews(self.request.user)

    def _respond(self, rereview):
        return Response(s.ReReviewSerializer(self.get_queryset().get(pk=rereview.pk)).data)

    @extend_schema(request=s.AssignReReviewSerializer, responses=s.ReReviewSerializer)
    @action(detail=True, methods=["post"], parser_classes=JSON)
    def assign(self, request, pk=None):
        rereview = self.get_object()  # a re-review the caller cannot see is 404, whatever the body
        data = _valid(s.AssignReReviewSerializer, request)
        return self._respond(services.assign_rereview(rereview=rereview, by=request.user, assignee=data["assignee"]))

    @extend_schema(request=None, responses=s.ReReviewSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._respond(services.start_rereview(rereview=self.get_object(), by=request.user))

    @extend_schema(request=s.CompleteSerializer, responses=s.ReReviewSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        data = _valid(s.CompleteSerializer, request)
        return self._respond(
            workflows.complete_rereview(
                rereview=self.get_object(),
                by=request.user,
                outcome=data["outcome"],
                tier=data.get("tier"),
                rationale=data["rationale"],
            )
        )


class ConflictViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Declarations of conflict of interest: the regulator's staff read them; regulators record them."""

    serializer_class = s.ConflictSerializer
    permission_classes = [IsAuthenticated, ReadOnlyOrRegulator]
    filterset_fields = ["regulator", "organization"]
    ordering_fields = ["declared_at", "id"]
    ordering = ["id"]

    def get_queryset(self):
        if not sees_all_dossiers(self.request.user):
            return ConflictOfInterest.objects.none()
        return ConflictOfInterest.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.declare_conflict(by=self.request.user, **serializer.validated_data)


class CaseFileViewSet(viewsets.GenericViewSet):
    serializer_class = s.CaseFileSerializer

    def get_queryset(self):
        return visible_case_files(self.request.user)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        case_file = self.get_object()
        return FileResponse(case_file.file.open("rb"), as_attachment=True, filename=case_file.name)
