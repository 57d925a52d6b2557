from django.contrib import admin, messages

from governance.determinations.models import Determination, RevalidationChunk, RevalidationRun
from governance.platform.admin_base import ImmutableAdmin
from governance.platform.errors import DomainError
from governance.workflows.revalidation import resume_run


@admin.register(Determination)
class DeterminationAdmin(ImmutableAdmin):
    """Determinations are immutable records: read-only here."""

    list_display = ["id", "model", "tier", "kind", "status", "threshold_set", "effective_from", "decided_by"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["model__name", "rationale"]
    list_select_related = ["model", "threshold_set", "decided_by"]
    date_hierarchy = "created_at"


@admin.register(RevalidationRun)
class RevalidationRunAdmin(ImmutableAdmin):
    """Runs are written by the revalidation alone: read-only here, but a failed one can be
    resumed (as ``POST /api/v1/revalidation-runs/{id}/resume/`` does)."""

    list_display = ["id", "threshold_set", "state", "models_done", "models_total", "changes", "errors", "queued_at"]
    list_filter = ["state"]
    search_fields = ["threshold_set__version", "failure"]
    list_select_related = ["threshold_set"]
    actions = ["resume"]

    @admin.action(description="Resume the selected failed runs")
    def resume(self, request, queryset) -> None:
        for run in queryset:
            try:
                resume_run(run=run, by=request.user)
                self.message_user(request, f"{run} resumed.", messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"{run}: {error.message}", messages.ERROR)


@admin.register(RevalidationChunk)
class RevalidationChunkAdmin(ImmutableAdmin):
    """A run's chunks, read-only: what each wrote, or the error it failed with."""

    list_display = ["id", "run", "chain", "position", "size", "state", "changes"]
    list_filter = ["state"]
    search_fields = ["error"]
    list_select_related = ["run__threshold_set"]
