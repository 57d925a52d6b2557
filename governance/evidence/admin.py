from django.contrib import admin, messages

from governance.evidence import services
from governance.evidence.models import Capability, EvaluationResult
from governance.platform.admin_base import ImmutableAdmin
from governance.platform.errors import DomainError


@admin.register(Capability)
class CapabilityAdmin(ImmutableAdmin):
    """Derived from the evidence and kept by its services: shown, never edited."""

    list_display = ["model", "domain", "score"]
    list_filter = ["domain"]
    search_fields = ["model__name"]
    list_select_related = ["model", "domain"]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(admin.ModelAdmin):
    list_display = ["id", "model", "benchmark", "raw_score", "normalized_score", "provenance", "status", "run_date"]
    list_filter = ["status", "provenance", "benchmark__domain", "benchmark__standardized"]
    search_fields = ["model__name", "benchmark__slug", "submitted_by_org__name", "artifact_sha256"]
    list_select_related = ["model", "benchmark"]
    readonly_fields = [field.name for field in EvaluationResult._meta.fields]
    actions = ["accept_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Accept selected submitted results (revalidates their models)")
    def accept_selected(self, request, queryset) -> None:
        accepted = 0
        for evaluation in queryset.filter(status=EvaluationResult.Status.SUBMITTED):
            try:
                services.accept_evaluation(evaluation=evaluation, by=request.user)
                accepted += 1
            except DomainError as error:
                self.message_user(request, f"#{evaluation.pk}: {error.message}", messages.ERROR)
        self.message_user(request, f"Accepted {accepted} result(s).", messages.SUCCESS)
