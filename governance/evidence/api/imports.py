from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.parsers import FILES
from governance.evidence.api.serializers import EvaluationSerializer
from governance.evidence.imports import import_log
from governance.registry.selectors import submittable_models


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    model = serializers.IntegerField()


class ImportErrorSerializer(serializers.Serializer):
    task = serializers.CharField()
    reason = serializers.CharField()


class ImportedEvaluationSerializer(EvaluationSerializer):
    """A created result, with what the importer assumed for it (e.g. a missing run date)."""

    warnings = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "warnings"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, result) -> list[str]:
        return self.context.get("warnings", {}).get(result.pk, [])


class ImportResponseSerializer(serializers.Serializer):
    created = ImportedEvaluationSerializer(many=True)
    # A declared field: the serializer metaclass moves it off the class, so it does not hide Serializer.errors.
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]


class EvaluationImportView(APIView):
    """Import an Inspect AI log (JSON or .eval) or lm-evaluation-harness results."""

    permission_classes = [IsAuthenticated]
    parser_classes = FILES

    @extend_schema(
        request=ImportRequestSerializer, responses={201: ImportResponseSerializer, 200: ImportResponseSerializer}
    )
    def post(self, request):
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        model = submittable_models(request.user).filter(pk=serializer.validated_data["model"]).first()
        if model is None:
            raise ValidationError({"model": ["No such model."]})
        report = import_log(by=request.user, model=model, upload=serializer.validated_data["file"])
        created = ImportedEvaluationSerializer(report.created, many=True, context={"warnings": report.warnings})
        body = {"created": created.data, "errors": report.errors}
        return Response(body, status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK)
