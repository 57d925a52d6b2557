"""``GET, POST /api/v1/<cases>/{id}/notes/``: a case's internal notes (issue 15), one action
shared by contests, appeals, re-reviews and enforcement cases.

Codes follow SPEC 15: a case the caller may not see, or whose notes they may not read (anyone
but the regulator's staff and auditors), is 404, as a hidden object is; auditors read notes
but may not add one (403); a note with no text or longer than the limit is 400 on ``text``."""

from typing import TYPE_CHECKING

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.parsers import JSON
from governance.cases.models import NOTE_MAX_LENGTH, InternalNote
from governance.cases.selectors import case_notes
from governance.cases.services import add_note
from governance.registry.people import person
from governance.registry.roles import reads_internal_notes

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView as _CaseView
else:
    _CaseView = object


class NoteSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = InternalNote
        fields = ["id", "author", "author_name", "text", "created_at"]
        read_only_fields = fields

    def get_author_name(self, obj: InternalNote) -> str:
        return person(obj.author)


class NoteCreateSerializer(serializers.Serializer):
    # Length and blankness are the service's to judge, so the API and the web say the same.
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=f"At most {NOTE_MAX_LENGTH} characters."
    )


_HIDDEN = OpenApiResponse(description="No such case, or the caller is not the regulator's staff.")


class InternalNotesMixin(_CaseView):
    """Adds the ``notes`` action to a case viewset whose ``get_object`` applies visibility."""

    @extend_schema(
        methods=["GET"],
        summary="The case's internal notes (staff only), oldest first",
        responses={200: NoteSerializer(many=True), 404: _HIDDEN},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an internal note (regulators, board, compliance officers)",
        request=NoteCreateSerializer,
        responses={
            201: NoteSerializer,
            400: OpenApiResponse(description='{"text": ["…"]}: no text, or more than the limit.'),
            403: OpenApiResponse(description="Auditors read notes but add none."),
            404: _HIDDEN,
        },
    )
    @action(detail=True, methods=["get", "post"], parser_classes=JSON, filter_backends=[])
    def notes(self, request, pk=None):
        """Staff only: a case the caller may not see, or whose notes they may not read, is 404.
        Notes are append-only: a correction is a new note."""
        case = self.get_object()
        if not reads_internal_notes(request.user):
            raise Http404("No such case.")
        if request.method == "POST":
            data = NoteCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            note = add_note(case=case, by=request.user, text=data.validated_data["text"])
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(case_notes(case, user=request.user))
        return self.get_paginated_response(NoteSerializer(page, many=True).data)
